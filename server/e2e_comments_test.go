package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/server"
)

// TestCommentsInBrowser (issue 8, points 3 and 6) in headless Chromium at
// 1280 and 390 px: a respondent who submits without answering stays on the
// last part with a message saying what to do; the last part asks the open
// question with the line against names; once closed, the dashboard lists
// the comments, escaped, without groups. Screenshots comments-*.png.
func TestCommentsInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	ctx := t.Context()
	db, _, ts := startServer(t)
	const email, password = "facilitator.comments@example.com", "comments password 2027"
	hash, err := server.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.CreateUser(ctx, email, cxm.RoleAdmin, hash)
	if err != nil {
		t.Fatal(err)
	}
	token := server.NewToken()
	if _, err := db.CreateAPIToken(ctx, user.ID, "e2e", server.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	api := func(path string, body any, want int) []byte {
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
		if res.StatusCode != want {
			t.Fatalf("POST %s: %d %s", path, res.StatusCode, out)
		}
		return out
	}
	var created struct{ ID int64 }
	json.Unmarshal(api("/api/v1/assessments", map[string]any{"name": "Autumn 2027 CX check", "framework": "temkin-four", "min_group": 5}, 201), &created)
	var invs struct{ Invitations []struct{ Token, URL string } }
	json.Unmarshal(api(fmt.Sprintf("/api/v1/assessments/%d/invitations", created.ID), map[string]any{"count": 7}, 201), &invs)

	allocCtx := browsertest.Start(t, ctx, browser, 1280, 900)
	tctx, cancel := chromedp.NewContext(allocCtx)
	defer cancel()
	b := &e2eTab{t: t, ctx: tctx, shots: shots}
	b.do(chromedp.EmulateViewport(1280, 900))

	// The facilitator sees the open question on the new-assessment form
	// and on the dashboard, where it can change until the first response.
	const question = "What one thing should we change first?"
	b.navigate(ts.URL+"/login", http.StatusOK)
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	if v := e2eRun(b, chromedp.Evaluate[string](`document.querySelector('#a-question').value`)); v != server.DefaultOpenQuestion {
		t.Errorf("the new-assessment form proposes %q", v)
	}
	shotForm := func(name string) {
		t.Helper()
		png := e2eRun(b, chromedp.Screenshot(chromedp.CSS(`form[action="/assessments"]`)))
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shotForm("comments-new-assessment-1280.png")
	b.phone(func() {
		b.noHorizontalScroll()
		shotForm("comments-new-assessment-390.png")
	})
	dash := fmt.Sprintf("%s/assessments/%d", ts.URL, created.ID)
	openManage := func() { e2eRun(b, chromedp.Evaluate[bool](`document.querySelector('details.manage').open = true`)) }
	b.navigate(dash, http.StatusOK)
	openManage()
	b.do(chromedp.Clear(chromedp.CSS(`#oq`)), chromedp.SendKeys(chromedp.CSS(`#oq`), question))
	b.submit(`.open-question-form button`, http.StatusOK)
	b.contains("Answers to the open question (“" + question + "”) are shown with the results")
	shotMain := func(name string) {
		t.Helper()
		png := e2eRun(b, chromedp.Screenshot(chromedp.CSS(`main`)))
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	openManage()
	shotMain("comments-open-dashboard-1280.png")
	b.phone(func() {
		openManage()
		b.noHorizontalScroll()
		shotMain("comments-open-dashboard-390.png")
	})

	// A respondent clicks through without answering, then submits.
	b.navigate(invs.Invitations[0].URL, http.StatusOK)
	for range 3 {
		b.submit(`button[value=next]`, http.StatusOK)
	}
	b.contains("Part 4 of 4")
	b.contains(question + " (Optional)")
	b.contains("Please do not write names")
	b.submit(`button[value=submit]`, http.StatusBadRequest)
	b.contains("You have not answered any statement yet")
	b.contains("Part 4 of 4")
	if got := e2eRun(b, chromedp.Evaluate[string](`(document.querySelector('[role=alert]') || {innerText: ''}).innerText`)); !strings.HasPrefix(got, "You have not answered any statement yet") {
		t.Errorf("the message is not an alert: %q", got)
	}
	b.noHorizontalScroll()
	b.shot("comments-survey-empty-1280.png")
	b.phone(func() {
		b.noHorizontalScroll()
		b.bigTargets()
		b.shot("comments-survey-empty-390.png")
	})
	// Now one answer and a comment.
	b.do(chromedp.Click(chromedp.CSS(`input[name="item.cc-1"][value="2"]`)),
		chromedp.SendKeys(chromedp.CSS(`#comment`), "Call customers back <b>the same day</b>."))
	b.submit(`button[value=submit]`, http.StatusOK)
	b.at("/thanks")

	for i, inv := range invs.Invitations[1:6] {
		answers := map[string]int{"pl-1": 1 + i%5, "cc-2": 5 - i%5, "ee-3": 3}
		api("/api/v1/responses/"+inv.Token, map[string]any{"answers": answers,
			"comment": fmt.Sprintf("Comment number %d: fewer handoffs between teams, and one owner for each complaint from start to finish.", i+1)}, 201)
	}
	api(fmt.Sprintf("/api/v1/assessments/%d/close", created.ID), nil, 200)

	b.navigate(dash, http.StatusOK)
	b.contains("“" + question + "”")
	b.contains("Comments")
	b.contains("6 answers to the open question, word for word, in random order")
	b.contains("Call customers back <b>the same day</b>.") // shown as text, not markup
	if n := e2eRun(b, chromedp.Evaluate[int](`document.querySelectorAll('.comment-list li').length`)); n != 6 {
		t.Errorf("%d comments listed, want 6", n)
	}
	if n := e2eRun(b, chromedp.Evaluate[int](`document.querySelectorAll('.comment-list b').length`)); n != 0 {
		t.Error("a comment's markup became an element")
	}
	b.noHorizontalScroll()
	shotComments := func(name string) {
		t.Helper()
		b.do(chromedp.ScrollIntoView(chromedp.CSS(`#comments-h`)))
		png := e2eRun(b, chromedp.Screenshot(chromedp.CSS(`section.comments`)))
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shotComments("comments-dashboard-1280.png")
	b.phone(func() {
		b.noHorizontalScroll()
		shotComments("comments-dashboard-390.png")
	})
	// The printable report: the same comments in the same order.
	b.navigate(dash+"/report", http.StatusOK)
	items := e2eRun(b, chromedp.Evaluate[[]string](`[...document.querySelectorAll('ol.comments li')].map(l => l.innerText)`))
	if len(items) != 6 || !slices.Contains(items, "Call customers back <b>the same day</b>.") {
		t.Errorf("the report lists %q", items)
	}
	shotReport := func(name string) {
		t.Helper()
		png := e2eRun(b, chromedp.Screenshot(chromedp.CSS(`section#comments`)))
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	shotReport("comments-report-1280.png")
	b.phone(func() { shotReport("comments-report-390.png") })
}
