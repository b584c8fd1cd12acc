package server

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/cxmhq/cxm/internal/browsertest"

	"github.com/chromedp/chromedp"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestPlanAcrossWavesInBrowser follows a plan across two waves in headless
// Chromium: in wave 1 the facilitator gives a step an owner and marks it
// done, drops one, adds one by hand and records a workshop decision; starts
// the next wave from the dashboard and finds the plan carried on there
// (wave 1's plan now read-only); closes wave 2 and finds the plan
// re-targeted and the progress headline. Screenshots of the plan and
// progress pages at 1280 and 390 px go to $CXM_SCREENSHOTS (or a temporary
// directory).
func TestPlanAcrossWavesInBrowser(t *testing.T) {
	browser := browsertest.Find(t)
	shots, _ := browsertest.ShotsDir(t)
	e := actEnv(t, testdb.SQLite)
	first := e.newAssessment(map[string]any{"name": "CX pulse 2027", "framework": "act", "min_group": 3})
	e.respond(first, wave1...)
	e.closeAssessment(first)

	allocCtx := browsertest.Start(t, t.Context(), browser, 1280, 900)
	tab, cancelTab := chromedp.NewContext(allocCtx)
	defer cancelTab()
	b := browserTab{t: t, tab: tab, base: e.ts.URL, shots: shots}

	b.do(chromedp.EmulateViewport(1280, 900), chromedp.Navigate(e.ts.URL+"/login"))
	b.do(chromedp.SendKeys(chromedp.CSS("#email"), "facilitator@example.com"), chromedp.SendKeys(chromedp.CSS("#password"), testPassword))
	b.click(`main form button[type=submit]`, http.StatusOK)

	// Wave 1: the team edits its plan.
	by := stepsByTitle(e.planOf(first))
	b.open(fmt.Sprintf("/assessments/%d/plan", first))
	id := by["Take stock of listening channels"].ID
	b.do(chromedp.SendKeys(chromedp.CSS(fmt.Sprintf(`input[name=owner-%d]`, id)), "Dana Scully"),
		chromedp.SetValue(chromedp.CSS(fmt.Sprintf(`select[name=status-%d]`, id)), "done"))
	b.click(`p.plan-save button[value=save]`, http.StatusOK)
	drop := by["Close the loop with customers"].ID
	b.click(fmt.Sprintf(`#step-%d button[value=drop-%d]`, drop, drop), http.StatusOK)
	b.do(chromedp.SetValue(chromedp.CSS("#s-comp"), "culture"), chromedp.SendKeys(chromedp.CSS("#s-title"), "Run a customer day"),
		chromedp.SendKeys(chromedp.CSS("#s-owner"), "Sam Lee"))
	b.click(`form[action$="/plan/steps"] button`, http.StatusOK)
	b.open(fmt.Sprintf("/assessments/%d/workshop?c=1", first))
	b.do(chromedp.SendKeys(chromedp.CSS("#ws-decision"), "Publish a you-said-we-did page\nMonthly, on the intranet."),
		chromedp.SendKeys(chromedp.CSS("#ws-owner"), "Ann Perkins"))
	b.click(`form[action$="/workshop/decisions"] button`, http.StatusOK)
	before := e.planOf(first)

	// The next wave, from the dashboard: the plan goes on there.
	b.open(fmt.Sprintf("/assessments/%d", first))
	b.click(`form[action$="/next-wave"] button`, http.StatusOK)
	series, err := e.db.Series(t.Context(), first)
	if err != nil || len(series) != 2 {
		t.Fatalf("series %v %v", series, err)
	}
	second := series[1].ID
	carried := e.planOf(second)
	if len(carried) != len(before) {
		t.Fatalf("%d steps carried of %d", len(carried), len(before))
	}
	cb := stepsByTitle(carried)
	if s := cb["Take stock of listening channels"]; s.Owner != "Dana Scully" || s.Status != cxm.PlanDone || s.CarriedFrom == nil {
		t.Errorf("carried: %+v", s)
	}
	if s := cb["Publish a you-said-we-did page"]; s.Owner != "Ann Perkins" || !s.Custom || s.Description != "Monthly, on the intranet." {
		t.Errorf("the workshop decision carried: %+v", s)
	}
	if s := cb["Close the loop with customers"]; s.Status != cxm.PlanDropped {
		t.Errorf("the dropped step carried: %+v", s)
	}
	b.open(fmt.Sprintf("/assessments/%d/plan", second))
	b.contains("Carried on from CX pulse 2027")
	b.contains("Carried “Run a customer day” over from wave 1 to wave 2")
	b.both("carry-plan-open", true)
	b.open(fmt.Sprintf("/assessments/%d/plan", first))
	b.contains("This plan continues in CX pulse 2027 – wave 2")
	if n := b.count(`main form, main input, main select`); n != 0 {
		t.Errorf("wave 1's plan page still has %d form controls", n)
	}
	b.both("carry-plan-earlier", true)
	b.open(fmt.Sprintf("/assessments/%d/workshop?c=1", first))
	b.contains("The plan continues in CX pulse 2027 – wave 2: add decisions to it there.")
	if n := b.count(`form[action$="/workshop/decisions"]`); n != 0 {
		t.Errorf("wave 1's workshop still takes decisions")
	}
	b.both("carry-workshop-earlier", true)

	// Wave 2 is answered and closed from its dashboard: re-targeted.
	e.respond(second, carryWave2...)
	b.open(fmt.Sprintf("/assessments/%d", second))
	b.do(chromedp.Click(chromedp.CSS("details.manage summary")))
	b.click(`form[action$="/close"] button`, http.StatusOK)
	b.open(fmt.Sprintf("/assessments/%d/plan", second))
	b.contains("Target reached in wave 2: Customer voice scores 85.0, the target was 70 (High).")
	b.contains("No longer proposed in wave 2: Leadership is now at stage Low")
	b.contains("Re-targeted the plan from the results of wave 2")
	b.both("carry-plan-retargeted", true)
	b.open(fmt.Sprintf("/assessments/%d/progress", second))
	b.contains("The overall stage fell from Middle to Low. The weakest link was Leadership (50.0), jointly with others; it is now Leadership (30.0).")
	b.contains("Of the 9 steps in the plan: 1 done, 0 doing, 1 dropped, 7 still to do.")
	b.both("carry-progress", true)
	t.Logf("screenshots in %s", shots)
}
