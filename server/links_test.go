package server

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/csv"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

var linksDownload = regexp.MustCompile(`href="data:text/csv;charset=utf-8;base64,([A-Za-z0-9+/=]+)" download="links-\d+\.csv"`)

// LinksFromPage returns the rows of the CSV download on the page that
// answers "Create links", header first, and checks that the page lists the
// same links.
func LinksFromPage(t testing.TB, page string) [][]string {
	t.Helper()
	m := linksDownload.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no CSV download on the links page:\n%s", page)
	}
	b, err := base64.StdEncoding.DecodeString(m[1])
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		t.Fatalf("the download is not a CSV: %v\n%s", err, b)
	}
	listed := regexp.MustCompile(`<li>([^<]*)</li>`).FindAllStringSubmatch(page, -1)
	if len(listed) != len(rows)-1 {
		t.Fatalf("the page lists %d links, the download holds %d", len(listed), len(rows)-1)
	}
	for i, l := range listed {
		if html.UnescapeString(l[1]) != rows[i+1][0] {
			t.Fatalf("link %d: listed %q, downloaded %q", i+1, l[1], rows[i+1][0])
		}
	}
	return rows
}

// TestLinksPage: "Create links" answers, on both engines, with a page that
// says how many and that it is the only copy, not cached, holding links
// whose hashes (and only those) are stored; a closed assessment or a count
// out of range makes none.
func TestLinksPage(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Q1", "framework": "temkin-four", "min_group": 3})
			c, csrf := e.session(cxm.RoleFacilitator)
			create := func(count string) (*http.Response, string) {
				t.Helper()
				form := url.Values{"csrf": {csrf}, "action": {"links"}, "count": {count}}
				req, _ := http.NewRequest("POST", fmt.Sprintf("%s/assessments/%d/invitations", e.ts.URL, id), strings.NewReader(form.Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp, string(b)
			}
			resp, page := create("1")
			if resp.StatusCode != 200 || !strings.Contains(page, "<h1>1 link created</h1>") || !strings.Contains(page, "Download the 1 link (links-") {
				t.Fatalf("one link: %d\n%s", resp.StatusCode, page)
			}
			resp, page = create("3")
			if resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" || !strings.Contains(page, "<h1>3 links created</h1>") ||
				!strings.Contains(page, "Download them now: this page is the only copy.") {
				t.Fatalf("three links: %d %s\n%s", resp.StatusCode, resp.Header.Get("Cache-Control"), page)
			}
			rows := LinksFromPage(t, page)
			for _, row := range rows[1:] {
				tok := row[0][strings.LastIndex(row[0], "/r/")+3:]
				if _, err := e.db.InvitationByToken(context.Background(), HashToken(tok)); err != nil {
					t.Fatalf("link %s: %v", row[0], err)
				}
			}
			if a, _ := e.db.Assessment(context.Background(), id); a.Invited != 4 {
				t.Fatalf("%d invited, want 4", a.Invited)
			}
			if resp, page := create("0"); resp.StatusCode != 400 || !strings.Contains(page, "create from 1 to 10000 links at a time") {
				t.Fatalf("0 links: %d\n%s", resp.StatusCode, page)
			}
			e.call(cxm.RoleFacilitator, "POST", fmt.Sprintf("/api/v1/assessments/%d/close", id), nil)
			if resp, _ := create("2"); resp.StatusCode != http.StatusConflict {
				t.Fatalf("links for a closed assessment: %d", resp.StatusCode)
			}
			if a, _ := e.db.Assessment(context.Background(), id); a.Invited != 4 {
				t.Fatalf("%d invited after refusals, want 4", a.Invited)
			}
		})
	}
}
