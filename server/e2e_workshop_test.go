package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/server"
)

// TestWorkshopEndToEnd drives the workshop view in headless Chromium: an
// admin logs in, opens the workshop of an assessment with six responses,
// finds the weakest competency first, moves on with the keyboard, records a
// decision and finds it in the plan through the API.
//
// Screenshots: workshop-projector.png (1280×720, what the room sees first)
// and workshop-phone.png go to $CXM_SCREENSHOTS, or to a temporary
// directory; with CXM_SCREENSHOTS set, whole-page ones too.
func TestWorkshopEndToEnd(t *testing.T) {
	browser := browsertest.Find(t)
	shots, all := browsertest.ShotsDir(t)
	ctx := t.Context()
	db, _, ts := startServer(t)

	const email, password = "facilitator.lead@example.com", "workshop password 2027"
	hash, err := server.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	user, err := db.CreateUser(ctx, email, cxm.RoleAdmin, hash)
	if err != nil {
		t.Fatal(err)
	}
	token := server.NewToken()
	if _, err := db.CreateAPIToken(ctx, user.ID, "workshop e2e", server.HashToken(token)); err != nil {
		t.Fatal(err)
	}
	api := apiCaller(t, ctx, ts.URL, token)

	// An assessment with six responses, through the API.
	status, out := api("POST", "/api/v1/assessments", map[string]any{"name": "Leadership offsite, spring 2027", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Operations"}}}})
	if status != http.StatusCreated {
		t.Fatalf("create the assessment: %d %s", status, out)
	}
	var created struct{ ID int64 }
	json.Unmarshal(out, &created)
	status, out = api("POST", fmt.Sprintf("/api/v1/assessments/%d/invitations", created.ID), map[string]any{"count": 6})
	if status != http.StatusCreated {
		t.Fatalf("invitations: %d %s", status, out)
	}
	var invs struct{ Invitations []struct{ Token string } }
	json.Unmarshal(out, &invs)
	answers := workshopE2EAnswers()
	if len(invs.Invitations) != len(answers) {
		t.Fatalf("%d invitations, want %d", len(invs.Invitations), len(answers))
	}
	for i, inv := range invs.Invitations {
		in := map[string]any{"attributes": map[string]string{"department": answers[i]["attr.department"]}, "answers": map[string]any{}}
		for k, v := range answers[i] {
			if id, ok := strings.CutPrefix(k, "item."); ok {
				var n int
				fmt.Sscan(v, &n)
				in["answers"].(map[string]any)[id] = n
			}
		}
		if status, out := api("POST", "/api/v1/responses/"+inv.Token, in); status != http.StatusCreated {
			t.Fatalf("respondent %d: %d %s", i+1, status, out)
		}
	}
	if status, out := api("POST", fmt.Sprintf("/api/v1/assessments/%d/close", created.ID), nil); status != http.StatusOK {
		t.Fatalf("close: %d %s", status, out)
	}
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		t.Fatal("no built-in temkin-four")
	}
	// The order the workshop should follow, worked out here.
	var order []cxm.Competency
	for _, c := range f.Competencies {
		i := 0
		for i < len(order) && expectedScore(f, order[i], answers) <= expectedScore(f, c, answers) {
			i++
		}
		order = append(order[:i], append([]cxm.Competency{c}, order[i:]...)...)
	}
	if order[0].ID != "employee-engagement" {
		t.Fatalf("the answers were meant to make Employee Engagement the weakest, not %s", order[0].Name)
	}

	allocCtx := browsertest.Start(t, ctx, browser, 1280, 720)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := &e2eTab{t: t, ctx: tab, shots: shots, all: all}
	b.do(chromedp.EmulateViewport(1280, 720))

	// Log in through the login page.
	b.navigate(ts.URL+"/login", http.StatusOK)
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), email), chromedp.SendKeys(chromedp.CSS("#password"), password))
	b.submit(`main form button[type=submit]`, http.StatusOK)
	b.at("/assessments")

	// The workshop starts with the weakest competency.
	workshop := fmt.Sprintf("/assessments/%d/workshop", created.ID)
	b.navigate(ts.URL+workshop, http.StatusOK)
	if h := strings.TrimSpace(e2eRun(b, chromedp.Text(chromedp.CSS("h1")))); h != order[0].Name {
		t.Fatalf("the workshop opens on %q, want the weakest competency %s", h, order[0].Name)
	}
	b.contains(fmt.Sprintf("%.1f", expectedScore(f, order[0], answers)))
	b.contains("1 of 4")
	b.contains("Where we disagree")
	b.contains("The room is split")   // ee-1: half answered 1, half 5
	b.contains("Where groups differ") // Sales and Operations, 3 each
	if vis := e2eRun(b, chromedp.Evaluate[bool](`getComputedStyle(document.querySelector('header.top')).display !== 'none'`)); vis {
		t.Error("the site navigation shows in presentation mode")
	}
	if px := e2eRun(b, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('h1')).fontSize)`)); px < 40 {
		t.Errorf("the competency's name is %.0f px high on a 1280×720 projector, want large type (≥ 40 px)", px)
	}
	if px := e2eRun(b, chromedp.Evaluate[float64](`parseFloat(getComputedStyle(document.querySelector('.ws-statement')).fontSize)`)); px < 24 {
		t.Errorf("the prompts are %.0f px high, want at least 24 px", px)
	}
	b.noHorizontalScroll()
	// What the room sees: the viewport, not the whole page.
	screen := func(name string) {
		t.Helper()
		png := e2eRun(b, chromedp.CaptureScreenshot())
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	screen("workshop-projector.png")
	b.look("workshop-projector-full.png")
	if b.all {
		b.print(func() { b.look("workshop-print.png") })
	}
	b.phone(func() {
		b.noHorizontalScroll()
		b.shot("workshop-phone.png")
	})
	b.do(chromedp.EmulateViewport(1280, 720))

	// Next, with the keyboard: focus the link, press Enter.
	b.do(chromedp.Focus(chromedp.CSS(`a[rel=next]`)))
	if txt := e2eRun(b, chromedp.Evaluate[string](`document.activeElement.textContent`)); !strings.Contains(txt, "Next") || !strings.Contains(txt, order[1].Name) {
		t.Fatalf("the focused element says %q, want the Next link to %s", txt, order[1].Name)
	}
	res, err := chromedp.RunResponse(b.ctx, chromedp.KeyEvent(kb.Enter))
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("Enter on the Next link: %v %v", err, res)
	}
	b.at(workshop + "?c=1")
	if h := strings.TrimSpace(e2eRun(b, chromedp.Text(chromedp.CSS("h1")))); h != order[1].Name {
		t.Fatalf("after Next the workshop shows %q, want %s", h, order[1].Name)
	}
	b.contains("2 of 4")

	// A decision, typed and recorded.
	const title = "Every executive listens to five customer calls a month"
	b.do(
		chromedp.SendKeys(chromedp.CSS("#ws-decision"), title+"\nStarting in May; notes shared at the leadership meeting."),
		chromedp.SendKeys(chromedp.CSS("#ws-owner"), "Chief Customer Officer"),
	)
	b.submit(`.ws-form button[type=submit]`, http.StatusOK)
	b.at(workshop + "?c=1&flash=decided")
	b.contains("Decision recorded as a plan step.")
	listed := e2eRun(b, chromedp.Evaluate[string](`[...document.querySelectorAll('.ws-decisions li')].map(li => li.innerText).join('\n')`))
	if !strings.Contains(listed, title) || !strings.Contains(listed, "Starting in May") || !strings.Contains(listed, "Owner: Chief Customer Officer") {
		t.Errorf("the decision is not listed under the box: %q", listed)
	}
	if b.all {
		screen("workshop-decided-projector.png")
		b.look("workshop-decided-full.png")
	}

	// The plan, through the API, has it as a custom step.
	status, out = api("GET", fmt.Sprintf("/api/v1/assessments/%d/plan", created.ID), nil)
	if status != http.StatusOK {
		t.Fatalf("GET the plan: %d %s", status, out)
	}
	var plan struct {
		Steps []struct {
			Title, Competency, Owner, Practice string
		}
	}
	if err := json.Unmarshal(out, &plan); err != nil {
		t.Fatalf("the plan: %v\n%s", err, out)
	}
	found := false
	for _, s := range plan.Steps {
		if s.Title == title {
			found = true
			if s.Competency != order[1].ID || s.Owner != "Chief Customer Officer" || s.Practice != "" {
				t.Errorf("the decided step is %+v, want competency %s, owner Chief Customer Officer, no practice", s, order[1].ID)
			}
		}
	}
	if !found {
		t.Errorf("the plan has no step %q:\n%s", title, out)
	}
	t.Logf("screenshots in %s", shots)
}

// workshopE2EAnswers are six respondents' answers as form fields, three
// in Sales and three in Operations. Employee Engagement is the weakest, and
// its first statement splits the room (half answer 1, half 5).
func workshopE2EAnswers() []map[string]string {
	var out []map[string]string
	for r := range 6 {
		m := map[string]string{"attr.department": "Sales"}
		if r >= 3 {
			m["attr.department"] = "Operations"
		}
		set := func(prefix string, vals ...int) {
			for i, v := range vals {
				m[fmt.Sprintf("item.%s-%d", prefix, i+1)] = fmt.Sprint(v)
			}
		}
		split := 1 + 4*(r%2)
		set("pl", 4, 4, 3+r%2, 4, 2, 4)
		set("cbv", 4, 3, 4, 4-r%2, 2, 4)
		set("cc", 3, 2+r%3, 3, 3, 3, 4-r/3)
		set("ee", split, 2, 2+r/3, 2, 4, 1+r%3)
		out = append(out, m)
	}
	return out
}

// apiCaller sends JSON requests to the API at base with the bearer token
// (never to a respondent's route, whose token is in the path) and returns
// the status and body.
func apiCaller(t *testing.T, ctx context.Context, base, token string) func(method, path string, body any) (int, []byte) {
	return func(method, path string, body any) (int, []byte) {
		t.Helper()
		var rd io.Reader
		if body != nil {
			js, _ := json.Marshal(body)
			rd = bytes.NewReader(js)
		}
		req, _ := http.NewRequestWithContext(ctx, method, base+path, rd)
		req.Header.Set("Content-Type", "application/json")
		if !strings.HasPrefix(path, "/api/v1/responses/") {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, out
	}
}
