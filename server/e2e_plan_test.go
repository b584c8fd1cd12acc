package server

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestPlanInBrowser edits the improvement plan in headless Chromium, as a
// facilitator does after closing a wave: from the dashboard to the plan, an
// owner, a due date and a status saved, a step moved down and one dropped,
// a step added by hand; then the progress, benchmark and report pages of
// the second wave of a series with peers.
//
// Screenshots of each page, on a desktop and on a phone, go to
// $CXM_SCREENSHOTS (or to a temporary directory) for people to look at.
func TestPlanInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)

	e := actEnv(t, testdb.SQLite)
	ctx := context.Background()
	// Peers: six other organizations' closed assessments.
	for i, voice := range []int{2, 5, 1, 4, 3, 4} {
		industry := "Retail"
		if i == 5 {
			industry = "Banking"
		}
		o, err := e.db.CreateOrganization(ctx, cxm.Organization{Name: fmt.Sprintf("Peer %d", i), Industry: industry, Size: "250-1000"})
		if err != nil {
			t.Fatal(err)
		}
		id := e.newAssessment(map[string]any{"name": "Peer", "framework": "act", "organization": o, "min_group": 3})
		e.respond(id, answers{3, voice, 4, ""}, answers{2, voice, 5, ""}, answers{4, voice, 3, ""})
		e.closeAssessment(id)
	}
	org, err := e.db.CreateOrganization(ctx, cxm.Organization{Name: "Northwind Retail", Industry: "Retail", Size: "1000+"})
	if err != nil {
		t.Fatal(err)
	}
	first := e.newAssessment(map[string]any{"name": "CX check 2027", "framework": "act", "organization": org, "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance", "Legal", "Quokka"}}}})
	e.respond(first, answers{3, 2, 4, "Sales"}, answers{3, 3, 4, "Sales"}, answers{3, 3, 4, "Sales"}, answers{3, 4, 4, "Service"},
		answers{2, 2, 3, "Service"}, answers{3, 2, 4, "Service"})
	e.closeAssessment(first)
	_, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/next-wave", nil)
	second := int64(out["id"].(float64))
	e.respond(second, answers{3, 4, 4, "Sales"}, answers{4, 4, 4, "Sales"}, answers{4, 5, 4, "Sales"}, answers{4, 5, 4, "Service"},
		answers{2, 4, 4, "Service"}, answers{3, 3, 5, "Service"}, answers{1, 1, 1, "Legal"})

	allocCtx := browsertest.Start(t, t.Context(), browser, 1280, 900)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	do := func(steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(tab, steps...); err != nil {
			t.Fatal(err)
		}
	}
	text := func() string {
		t.Helper()
		s, err := chromedp.Run(tab, chromedp.Evaluate[string](`document.body.innerText`))
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	// click a submit button or link and wait for the page it leads to.
	click := func(sel string, status int64) {
		t.Helper()
		res, err := chromedp.RunResponse(tab, chromedp.Click(chromedp.CSS(sel)))
		if err != nil {
			t.Fatalf("clicking %s: %v", sel, err)
		}
		if res.Status != status {
			t.Fatalf("clicking %s: status %d, want %d:\n%s", sel, res.Status, status, text())
		}
	}
	open := func(path string) {
		t.Helper()
		res, err := chromedp.Run(tab, chromedp.NavigateResponse(e.ts.URL+path))
		if err != nil {
			t.Fatal(err)
		}
		if res.Status != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, res.Status, text())
		}
	}
	shot := func(name string) {
		t.Helper()
		png, err := chromedp.Run(tab, chromedp.FullScreenshot(100))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	noSideways := func() {
		t.Helper()
		w, err := chromedp.Run(tab, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, document.documentElement.clientWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if w[0] > w[1] {
			loc, _ := chromedp.Run(tab, chromedp.Location())
			t.Errorf("%s scrolls sideways: %d px of content in %d px", loc, w[0], w[1])
		}
	}
	both := func(name string) {
		t.Helper()
		do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
		noSideways()
		shot(name + "-desktop.png")
		do(chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(2), chromedp.EmulateMobile), chromedp.Reload())
		noSideways()
		shot(name + "-phone.png")
		do(chromedp.EmulateViewport(1280, 900), chromedp.Reload())
	}

	// Log in as the facilitator.
	do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.ts.URL+"/login"))
	do(chromedp.SendKeys(chromedp.CSS("#email"), "facilitator@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	click(`main form button[type=submit]`, http.StatusOK)

	// Close the second wave on its dashboard: the plan is made.
	open("/assessments/" + itoa64(second))
	do(chromedp.Click(chromedp.CSS("details.manage summary")))
	click(`form[action$="/close"] button`, http.StatusOK)
	if !strings.Contains(text(), "The assessment is closed") {
		t.Fatalf("closing: %s", text())
	}
	both("dashboard-closed")
	click(`nav.actions a[href$="/plan"]`, http.StatusOK)
	steps := e.planOf(second)
	if len(steps) == 0 || !strings.Contains(text(), steps[0].Title) {
		t.Fatalf("the plan page does not show the plan:\n%s", text())
	}
	// Owner, due date, status of the first step.
	row := fmt.Sprintf(`#step-%d`, steps[0].ID)
	do(
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`%s input[name=owner-%d]`, row, steps[0].ID)), "Dana Scully"),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`%s input[name=due-%d]`, row, steps[0].ID)), "2027-06-30"),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`%s select[name=status-%d]`, row, steps[0].ID)), "doing"),
		// Another row's owner, typed before the first row's button is used: kept.
		chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name=owner-%d]`, steps[1].ID)), "Walter Skinner"),
	)
	click(`p.plan-save button[value=save]`, http.StatusOK)
	if s, _ := e.db.PlanStep(ctx, steps[0].ID); s.Owner != "Dana Scully" || s.Due != "2027-06-30" || s.Status != cxm.PlanDoing {
		t.Errorf("saved in the browser: %+v", s)
	}
	if s, _ := e.db.PlanStep(ctx, steps[1].ID); s.Owner != "Walter Skinner" {
		t.Errorf("the other row's owner was not saved: %+v", s)
	}
	if !strings.Contains(text(), "Saved.") {
		t.Error("no confirmation after saving")
	}
	// Move it down, drop the third, add one by hand.
	click(fmt.Sprintf(`%s button[value=down-%d]`, row, steps[0].ID), http.StatusOK)
	if got := e.planOf(second); got[1].ID != steps[0].ID {
		t.Errorf("after moving down: %+v", got[:2])
	}
	click(fmt.Sprintf(`#step-%d button[value=drop-%d]`, steps[2].ID, steps[2].ID), http.StatusOK)
	do(
		chromedp.SetValue(chromedp.CSS("#s-comp"), "lead"),
		chromedp.SendKeys(chromedp.CSS("#s-title"), "Invite two customers to every leadership offsite"),
		chromedp.SendKeys(chromedp.CSS("#s-owner"), "Fox Mulder"),
	)
	click(`form[action$="/plan/steps"] button`, http.StatusOK)
	got := e.planOf(second)
	if last := got[len(got)-1]; !last.Custom || last.Owner != "Fox Mulder" {
		t.Errorf("added in the browser: %+v", last)
	}
	page := text()
	if !strings.Contains(page, "Added the step “Invite two customers to every leadership offsite”") || !strings.Contains(page, "Dropped") {
		t.Errorf("the plan page after editing:\n%s", page)
	}
	both("plan")

	// The other pages.
	for _, p := range []struct{ path, name, says string }{
		{"/assessments/" + itoa64(second) + "/progress", "progress", "compared with CX check 2027"},
		{"/assessments/" + itoa64(second) + "/benchmark", "benchmark", "of 6 peers"},
		{"/assessments/" + itoa64(second) + "/benchmark?industry=Banking", "benchmark-few", "Fewer than 5 peers"},
		{"/assessments/" + itoa64(second) + "/report", "report", "Changes since the previous wave"},
	} {
		open(p.path)
		if !strings.Contains(text(), p.says) {
			t.Errorf("%s does not say %q", p.path, p.says)
		}
		both(p.name)
	}
	// A viewer sees the plan read-only.
	do(chromedp.Navigate(e.ts.URL + "/assessments"))
	click(`form.logout button`, http.StatusOK)
	do(chromedp.SendKeys(chromedp.CSS("#email"), "viewer@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	click(`main form button[type=submit]`, http.StatusOK)
	open("/assessments/" + itoa64(second) + "/plan")
	if n, err := chromedp.Run(tab, chromedp.Evaluate[int](`document.querySelectorAll('main form, main input, main select').length`)); err != nil || n != 0 {
		t.Errorf("the viewer's plan page has %d form controls (%v)", n, err)
	}
	both("plan-viewer")
	t.Logf("screenshots in %s", shots)
}
