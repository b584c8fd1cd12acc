package server

import (
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// The waves of TestPlanAcrossWaves. Wave 1 is TestWaves's: Leadership 50
// (no spread), Customer voice 50 (indices 25, 50, 50, 75), Culture 75.
// In wave 2 Leadership falls to 30, stage Low (indices 25, 25, 25, 50,
// 25: s² = 125, so t = −20/√25 = −4 with df = 4), Customer voice rises to
// 85, stage High (as in TestWaves), Culture stays at 75.
var carryWave2 = []answers{{2, 4, 4, ""}, {2, 4, 4, ""}, {2, 5, 4, ""}, {3, 5, 4, ""}, {2, 4, 4, ""}}

func TestPlanAcrossWaves(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { planAcrossWaves(t, actEnv(t, engine)) })
	}
}

// stepsByTitle indexes a plan by title.
func stepsByTitle(steps []cxm.PlanStep) map[string]cxm.PlanStep {
	m := map[string]cxm.PlanStep{}
	for _, s := range steps {
		m[s.Title] = s
	}
	return m
}

// editWave1 makes the edits a team makes in wave 1: owners, a due date,
// statuses, a dropped step, a step added by hand and a workshop decision.
func editWave1(t *testing.T, e *env, first int64) {
	c, csrf := e.session(cxm.RoleFacilitator)
	p1 := "/api/v1/assessments/" + itoa64(first)
	by := stepsByTitle(e.planOf(first))
	patch := func(title string, body map[string]any) {
		t.Helper()
		if st, out := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/plan-steps/"+itoa64(by[title].ID), body); st != http.StatusOK {
			t.Fatalf("edit %q: %d %v", title, st, out)
		}
	}
	patch("Take stock of listening channels", map[string]any{"owner": "Dana", "status": "done"})
	patch("Review customer metrics monthly", map[string]any{"owner": "Lee", "due": "2026-03-31", "status": "doing"})
	patch("Close the loop with customers", map[string]any{"status": "dropped"})
	if st, out := e.call(cxm.RoleFacilitator, "POST", p1+"/plan/steps", map[string]any{"competency": "culture", "title": "Run a customer day", "owner": "Sam"}); st != http.StatusCreated {
		t.Fatalf("add: %d %v", st, out)
	}
	resp := e.form(c, "/assessments/"+itoa64(first)+"/workshop/decisions", url.Values{"csrf": {csrf}, "competency": {"voice"},
		"decision": {"Publish a you-said-we-did page\nMonthly, on the intranet."}, "owner": {"Ann"}}, nil)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("workshop decision: %d", resp.StatusCode)
	}
	by = stepsByTitle(e.planOf(first))
	patch("Publish a you-said-we-did page", map[string]any{"status": "done"})
}

// planLine is a step as the test compares it.
func planLine(s cxm.PlanStep) string {
	target := "-"
	if s.Target != nil {
		target = fmt.Sprintf("%g %s", *s.Target, s.TargetStage)
	}
	return fmt.Sprintf("%d %s|%s|%s|%s|%s|custom=%v|%s", s.Priority, s.Title, s.Owner, s.Due, s.Status, target, s.Custom, s.Note)
}

func planAcrossWaves(t *testing.T, e *env) {
	first := e.newAssessment(map[string]any{"name": "Pulse", "framework": "act", "min_group": 3})
	e.respond(first, wave1...)
	e.closeAssessment(first)
	editWave1(t, e, first)
	before := e.planOf(first)
	changesBefore := e.changesOf(first)

	st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/next-wave", nil)
	if st != http.StatusCreated {
		t.Fatalf("next wave: %d %v", st, out)
	}
	second := int64(out["id"].(float64))

	// Every step is carried on, as the team left it, linked to its step.
	carried := e.planOf(second)
	if len(carried) != len(before) || len(carried) != 8 {
		t.Fatalf("carried %d steps of %d", len(carried), len(before))
	}
	// Wave 1 lists the steps added after the drop after the dropped one;
	// the carried plan puts the dropped step last, as the page shows it.
	before = visibleOrder(before)
	for i, s := range carried {
		b := before[i]
		b.Priority = i + 1
		if s.CarriedFrom == nil || *s.CarriedFrom != b.ID || s.ID == b.ID || s.AssessmentID != second || planLine(s) != planLine(b) ||
			s.Why != b.Why || s.Description != b.Description || s.Practice != b.Practice || s.Competency != b.Competency {
			t.Errorf("step %d carried as\n%+v\nfrom\n%+v", i, s, b)
		}
	}
	wantWave1 := []string{
		"1 Review customer metrics monthly|Lee|2026-03-31|doing|70 high|custom=false|",
		"2 Tie bonuses to customer outcomes|||todo|70 high|custom=false|",
		"3 Take stock of listening channels|Dana||done|70 high|custom=false|",
		"4 Share verbatims weekly|||todo|70 high|custom=false|",
		"5 Celebrate customer heroes|||todo|100 high|custom=false|",
		"6 Run a customer day|Sam||todo|-|custom=true|",
		"7 Publish a you-said-we-did page|Ann||done|-|custom=true|",
		"8 Close the loop with customers|||dropped|70 high|custom=false|",
	}
	var got []string
	for _, s := range carried {
		got = append(got, planLine(s))
	}
	if !reflect.DeepEqual(got, wantWave1) {
		t.Errorf("carried plan\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(wantWave1, "\n"))
	}
	if d := stepsByTitle(carried)["Publish a you-said-we-did page"]; d.Description != "Monthly, on the intranet." || !strings.HasPrefix(d.Why, "Decided in the workshop on ") {
		t.Errorf("the workshop decision carried as %+v", d)
	}

	// The history goes on: wave 1's entries, then one per step carried.
	changes := e.changesOf(second)
	if len(changes) != len(changesBefore)+8 {
		t.Fatalf("history: %d entries, want %d + 8", len(changes), len(changesBefore))
	}
	newID := map[int64]int64{0: 0}
	for i, s := range carried {
		newID[before[i].ID] = s.ID
	}
	for i, c := range changesBefore {
		g := changes[i]
		if g.StepID != newID[c.StepID] || g.Field != c.Field || g.From != c.From || g.To != c.To || g.User != c.User || !g.At.Equal(c.At) {
			t.Errorf("history entry %d carried as %+v from %+v", i, g, c)
		}
	}
	for i, s := range carried {
		g := changes[len(changesBefore)+i]
		if g.StepID != s.ID || g.Field != "carried" || g.From != "wave 1" || g.To != "wave 2" || g.User != "facilitator@example.com" {
			t.Errorf("carried entry %d: %+v", i, g)
		}
	}

	// The earlier plan is kept as it was: editing it is refused.
	if st, out := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/plan-steps/"+itoa64(before[1].ID), map[string]any{"owner": "Zed"}); st != http.StatusConflict ||
		!strings.Contains(fmt.Sprint(out["error"]), "continues in the next wave") {
		t.Errorf("editing the earlier wave's plan: %d %v", st, out)
	}
	if st, _ := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/plan/steps", map[string]any{"competency": "lead", "title": "Late"}); st != http.StatusConflict {
		t.Errorf("adding to the earlier wave's plan: %d", st)
	}
	if st, _ := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/plan", nil); st != http.StatusConflict {
		t.Errorf("regenerating the earlier wave's plan: %d", st)
	}

	// Wave 2 is answered and closed: the plan is re-targeted.
	e.respond(second, carryWave2...)
	e.closeAssessment(second)
	checkRetargeted(t, e, second)
	checkProgressPage(t, e, second)
}

func checkRetargeted(t *testing.T, e *env, second int64) {
	t.Helper()
	const reachedVoice = "Target reached in wave 2: Customer voice scores 85.0, the target was 70 (High)."
	want := []string{
		"1 Review customer metrics monthly|Lee|2026-03-31|doing|40 mid|custom=false|",
		"2 Tie bonuses to customer outcomes|||todo|40 mid|custom=false|No longer proposed in wave 2: Leadership is now at stage Low, for which the framework does not list this practice. Keep it if it still helps, or drop it.",
		"3 Take stock of listening channels|Dana||done|100 high|custom=false|" + reachedVoice,
		"4 Share verbatims weekly|||todo|100 high|custom=false|" + reachedVoice,
		"5 Celebrate customer heroes|||todo|100 high|custom=false|",
		"6 Run a customer day|Sam||todo|-|custom=true|",
		"7 Publish a you-said-we-did page|Ann||done|-|custom=true|",
		"8 Name a customer sponsor|||todo|40 mid|custom=false|",
		"9 Close the loop with customers|||dropped|70 high|custom=false|",
	}
	steps := e.planOf(second)
	var got []string
	for _, s := range steps {
		got = append(got, planLine(s))
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("re-targeted plan\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	by := stepsByTitle(steps)
	if w := by["Review customer metrics monthly"].Why; !strings.HasPrefix(w, "Leadership scores 30.0, stage Low; the weakest statements: ") {
		t.Errorf("why not recomputed: %q", w)
	}
	if w := by["Take stock of listening channels"].Why; !strings.HasPrefix(w, "Customer voice scores 85.0, stage High; ") {
		t.Errorf("why not recomputed: %q", w)
	}
	if by["Name a customer sponsor"].CarriedFrom != nil || by["Run a customer day"].CarriedFrom == nil {
		t.Errorf("carried_from of a new step or a hand-added one is wrong")
	}
	changes := e.changesOf(second)
	last := changes[len(changes)-1]
	if last.Field != "retargeted" || last.To != "from the results of wave 2: 7 steps re-targeted, 2 reached their target, 1 no longer proposed, 1 added" {
		t.Errorf("last history entry %+v", last)
	}
	var targets []string
	for _, c := range changes {
		if c.Field == "target" {
			targets = append(targets, c.From+"→"+c.To)
		}
	}
	if strings.Join(targets, ", ") != "70 (high)→40 (mid), 70 (high)→40 (mid), 70 (high)→100 (high), 70 (high)→100 (high)" {
		t.Errorf("target changes in the history: %v", targets)
	}
}

func checkProgressPage(t *testing.T, e *env, second int64) {
	t.Helper()
	c, _ := e.session(cxm.RoleViewer)
	status, page := e.get(c, "/assessments/"+itoa64(second)+"/progress")
	if status != http.StatusOK {
		t.Fatalf("progress: %d", status)
	}
	for _, s := range []string{
		"The overall stage fell from Middle to Low.",
		"The weakest link was Leadership (50.0), jointly with others; it is now Leadership (30.0).",
		"Leadership (50.0) and Customer voice (50.0) are jointly the weakest",
		"Of the 9 steps in the plan: 2 done, 1 doing, 1 dropped, 5 still to do.",
		"down 20.0 points, p = 0.02: a real change",
		"up 35.0 points, p = 0.03: a real change",
		"unchanged: the answers did not vary within either wave, so it cannot be tested",
		`<span class="badge status-done">done</span> Take stock of listening channels; Publish a you-said-we-did page`,
		`<span class="badge status-doing">doing</span> Review customer metrics monthly`,
		`<span class="badge status-dropped">dropped</span> Close the loop with customers`,
		"−20.0", "&#43;35.0",
	} {
		if !strings.Contains(page, s) {
			t.Errorf("progress page lacks %q", s)
		}
	}
	_, plan := e.get(c, "/assessments/"+itoa64(second)+"/plan")
	if !strings.Contains(plan, "carried over") || !strings.Contains(plan, "Target reached in wave 2") {
		t.Errorf("the plan page does not show carried steps and notes")
	}
}
