package server

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// nudges counts the server's nudges to the mail worker (the worker itself
// is tested against a real SMTP server in package mail and in
// attack_sealed_test.go).
type nudges struct{ n atomic.Int64 }

func (m *nudges) Nudge() { m.n.Add(1) }

func TestReadEmails(t *testing.T) {
	for name, c := range map[string]struct {
		in   string
		want []string
	}{
		"one a line":         {"a@x.org\n b@x.org \n\nc@x.org\n", []string{"a@x.org", "b@x.org", "c@x.org"}},
		"commas":             {"a@x.org, b@x.org; ", []string{"a@x.org", "b@x.org"}},
		"Name,E-mail header": {"Name,E-mail,Team\nAnn,ann@x.org,Sales\n\"Lee, Bo\",bo@x.org,Ops\n", []string{"ann@x.org", "bo@x.org"}},
		"semicolons, BOM":    {"\ufeffNom;Courriel\r\nAnn;ann@x.org\r\n", []string{"ann@x.org"}},
		"Email address":      {"Email address\tName\nann@x.org\tAnn\n", []string{"ann@x.org"}},
		"no header":          {"Ann,ann@x.org\nBo,bo@x.org\n", []string{"ann@x.org", "bo@x.org"}},
	} {
		got, err := readEmails(c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s: %q, %v; want %q", name, got, err, c.want)
		}
	}
	for _, in := range []string{"", "Name\nAnn\n", "Email,Name\n,Ann\n"} {
		if _, err := readEmails(in); err == nil {
			t.Errorf("readEmails(%q) accepted", in)
		}
	}
}

func TestSealedInvitationsAPI(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newEnv(t, engine)
			m := &nudges{}
			e.srv.cfg.Mail = m
			id := e.newAssessment(map[string]any{"name": "Q1", "framework": "temkin-four", "min_group": 3})
			path := "/api/v1/assessments/" + itoa64(id)
			for _, c := range []struct {
				body   map[string]any
				status int
				field  string
			}{
				{map[string]any{"emails": []string{"a@x.org", "b@x.org", "c@x.org"}, "count": 3}, 400, "count"},
				{map[string]any{"emails": []string{"a@x.org", "b@x.org"}}, 400, "emails"},
				{map[string]any{"emails": []string{"a@x.org", "nope", "c@x.org"}}, 400, "emails[1]"},
				{map[string]any{"emails": []string{"a@x.org", "b@x.org", "A@X.org"}}, 400, "emails[2]"},
				{map[string]any{"emails": []string{"a@x.org\r\nBcc: z@evil.test", "b@x.org", "c@x.org"}}, 400, "emails[0]"},
				{map[string]any{"emails": []string{}}, 400, "emails"},
			} {
				status, out := e.call(cxm.RoleFacilitator, "POST", path+"/invitations", c.body)
				if status != c.status || out["field"] != c.field {
					t.Errorf("%v: %d %v, want %d naming %s", c.body, status, out, c.status, c.field)
				}
			}
			status, out := e.call(cxm.RoleFacilitator, "POST", path+"/reminders", nil)
			if status != http.StatusConflict {
				t.Errorf("reminders before any invitation: %d %v", status, out)
			}
			status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"emails": []string{"Ann <Ann@X.org>", "b@x.org", "c@x.org"}})
			if status != http.StatusAccepted || out["queued"] != float64(3) || m.n.Load() != 1 {
				t.Fatalf("sealed: %d %v, %d nudges", status, out, m.n.Load())
			}
			status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"emails": []string{"d@x.org", "e@x.org", "ann@x.org"}})
			if status != http.StatusConflict || out["field"] != "emails[2]" {
				t.Errorf("an address invited twice: %d %v", status, out)
			}
			if status, _ := e.call(cxm.RoleViewer, "POST", path+"/invitations", map[string]any{"emails": []string{"d@x.org"}}); status != http.StatusForbidden {
				t.Errorf("a viewer: %d", status)
			}
			st, err := e.db.MailStatusOf(context.Background(), id)
			if err != nil || st.Invitations.Queued != 3 {
				t.Fatalf("queued %+v %v", st, err)
			}
			if status, _ := e.call(cxm.RoleFacilitator, "POST", path+"/close", nil); status != http.StatusOK {
				t.Fatal("close")
			}
			status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"emails": []string{"f@x.org", "g@x.org", "h@x.org"}})
			if status != http.StatusConflict {
				t.Errorf("sealed to a closed assessment: %d %v", status, out)
			}
		})
	}
}

// TestInvitationForms: the dashboard's forms. Links come on a page that
// says how many and that it is the only copy, with a one-column download; a CSV with a "Name,E-mail" header is queued as sealed
// invitations; the reminder button queues one reminder per address sent.
func TestInvitationForms(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	m := &nudges{}
	e.srv.cfg.Mail = m
	id := e.newAssessment(map[string]any{"name": "Q1", "framework": "temkin-four", "min_group": 3})
	c, csrf := e.session(cxm.RoleFacilitator)
	post := func(fields map[string]string, file string) *http.Response {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", csrf)
		for k, v := range fields {
			mw.WriteField(k, v)
		}
		if file != "" {
			fw, _ := mw.CreateFormFile("emails_file", "people.csv")
			io.WriteString(fw, file)
		}
		mw.Close()
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/assessments/%d/invitations", e.ts.URL, id), &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("X-CSRF-Token", csrf)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post(map[string]string{"action": "links", "count": "4"}, "")
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("links: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// A page that says how many, that it is the only copy, with the download.
	for _, want := range []string{"<h1>4 links created</h1>", "Download them now: this page is the only copy.", "Download the 4 links (links-"} {
		if !strings.Contains(string(b), want) {
			t.Fatalf("the links page does not say %q:\n%s", want, b)
		}
	}
	rows := LinksFromPage(t, string(b))
	if len(rows) != 5 || len(rows[0]) != 1 || rows[0][0] != "link" {
		t.Fatalf("links download: %q", rows)
	}
	if n, _ := e.db.ListInvitations(context.Background(), id); len(n) != 4 {
		t.Fatalf("%d invitations stored, want 4", len(n))
	}
	resp = post(map[string]string{"action": "sealed"}, "Name,E-mail\nAnn,ann@x.org\nBo,bo@x.org\nCy,cy@x.org\n")
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "flash=sealed") || m.n.Load() != 1 {
		t.Fatalf("sealed form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	status, page := e.get(c, fmt.Sprintf("/assessments/%d", id))
	if status != 200 || !strings.Contains(page, "3 waiting to be sent") || !strings.Contains(page, "Whoever holds an unused link can answer with it") {
		t.Fatalf("dashboard: %d", status)
	}
	// Recorded as sent (the worker's part), the reminder button appears.
	b1, ok, err := e.db.ClaimMailBatch(context.Background(), "w", e.srv.cfg.Now(), 60e9)
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	batchRows, _ := e.db.QueuedRecipients(context.Background(), b1.ID)
	for _, r := range batchRows {
		if err := e.db.MarkMailSent(context.Background(), r.ID); err != nil {
			t.Fatal(err)
		}
	}
	_, page = e.get(c, fmt.Sprintf("/assessments/%d", id))
	if !strings.Contains(page, "Send a reminder to everyone") {
		t.Fatal("no reminder button")
	}
	r := e.form(c, fmt.Sprintf("/assessments/%d/reminders", id), map[string][]string{"csrf": {csrf}}, http.Header{"X-Csrf-Token": {csrf}})
	if r.StatusCode != http.StatusSeeOther || m.n.Load() != 2 {
		t.Fatalf("reminder form: %d", r.StatusCode)
	}
	// Without SMTP the sealed form is disabled and says links remain.
	e.srv.cfg.Mail = nil
	_, page = e.get(c, fmt.Sprintf("/assessments/%d", id))
	if !strings.Contains(page, "sealed invitations are not available. Links remain available") {
		t.Fatal("the page does not say that sealed invitations need SMTP")
	}
}
