package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/server"
)

// TestAttributeQuestionInBrowser: the survey's "About you" part in headless
// Chromium at 1280 and 390 px. A closed list of up to 10 values is a set of
// radio buttons, a longer one a select; both offer "Prefer not to say", and
// nothing is a text box (scoring.md 4.12). Screenshots survey-attrs-*.png.
func TestAttributeQuestionInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	ctx := t.Context()
	db, _, ts := startServer(t)
	user, err := db.CreateUser(ctx, "lead@example.com", cxm.RoleAdmin, "unused")
	if err != nil {
		t.Fatal(err)
	}
	token := server.NewToken()
	if _, err := db.CreateAPIToken(ctx, user.ID, "e2e", server.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	api := func(path string, body any) []byte {
		t.Helper()
		js, _ := json.Marshal(body)
		req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+path, bytes.NewReader(js))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		if res.StatusCode != http.StatusCreated {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, out)
		}
		return out
	}
	countries := []string{"Austria", "Belgium", "Denmark", "Finland", "France", "Germany", "Ireland", "Italy", "Netherlands", "Norway", "Portugal", "Spain"}
	var created struct{ ID int64 }
	json.Unmarshal(api("/api/v1/assessments", map[string]any{"name": "Spring 2027 CX check", "framework": "temkin-four", "min_group": 5,
		"attributes": []any{
			map[string]any{"name": "department", "values": []string{"Sales", "Customer Service", "Operations", "IT"}},
			map[string]any{"name": "country", "values": countries},
		}}), &created)
	var invs struct{ Invitations []struct{ URL string } }
	json.Unmarshal(api(fmt.Sprintf("/api/v1/assessments/%d/invitations", created.ID), map[string]any{"count": 1}), &invs)

	allocCtx := browsertest.Start(t, ctx, browser, 1280, 900)
	tctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	b := &e2eTab{t: t, ctx: tctx, shots: shots}
	b.navigate(invs.Invitations[0].URL, http.StatusOK)
	check := func(size, country string) {
		t.Helper()
		b.contains("About you")
		b.noHorizontalScroll()
		b.bigTargets()
		kinds := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('form input:not([type=hidden]), form select, form textarea')]
			.map(e => e.tagName + ':' + (e.type || '') + ':' + e.name + '=' + e.value)`))
		want := []string{"INPUT:radio:attr.department=Sales", "INPUT:radio:attr.department=Customer Service", "INPUT:radio:attr.department=Operations",
			"INPUT:radio:attr.department=IT", "INPUT:radio:attr.department=", "SELECT:select-one:attr.country=" + country}
		if strings.Join(kinds, "|") != strings.Join(want, "|") {
			t.Errorf("%s: the form's fields are %q, want %q", size, kinds, want)
		}
		labels := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('.attr-choice label')].map(l => l.innerText.trim())`))
		if strings.Join(labels, "|") != "Sales|Customer Service|Operations|IT|Prefer not to say" {
			t.Errorf("%s: labels %q", size, labels)
		}
		options := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('select[name="attr.country"] option')].map(o => o.textContent)`))
		if len(options) != 13 || options[0] != "Prefer not to say" || options[12] != "Spain" {
			t.Errorf("%s: country options %q", size, options)
		}
	}
	check("1280 px", "")
	b.do(chromedp.Click(chromedp.CSS(`input[name="attr.department"][value="Customer Service"]`)),
		chromedp.SetValue(chromedp.CSS(`select[name="attr.country"]`), "Ireland"))
	b.shot("survey-attrs-1280.png")
	b.submit(`button[value=next]`, http.StatusOK)
	b.contains("Part 2 of 5")
	b.navigate(invs.Invitations[0].URL+"?part=0", http.StatusOK)
	got := e2eRun(b, chromedp.Evaluate[[]string](`[document.querySelector('input[name="attr.department"]:checked').value, document.querySelector('select[name="attr.country"]').value]`))
	if strings.Join(got, "|") != "Customer Service|Ireland" {
		t.Errorf("after saving, the part shows %q", got)
	}
	b.phone(func() {
		check("390 px", "Ireland")
		b.shot("survey-attrs-390.png")
	})
}
