package plan

import (
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// TestRetarget re-targets a plan carried on into wave 3 against testResult:
// Leadership rose to 45.5 (Grow), Measurement is at 20 (Start), Voice is not
// scored.
func TestRetarget(t *testing.T) {
	f, r := testFramework(), testResult()
	forty := 40.0
	steps := []cxm.PlanStep{
		{ID: 1, Competency: "leadership", Practice: "l-p1", Title: "One", Why: "old", Target: &forty, TargetStage: "grow", Status: cxm.PlanDone},
		{ID: 2, Competency: "leadership", Practice: "l-p2", Title: "Two", Why: "old", Target: &forty, TargetStage: "grow", Status: cxm.PlanDoing, Owner: "Ann"},
		{ID: 3, Competency: "measurement", Practice: "m-p1", Title: "Three", Why: "old", Target: &forty, TargetStage: "grow", Note: "an earlier note"},
		{ID: 4, Competency: "voice", Practice: "v-p1", Title: "Four", Why: "old", Target: &forty, TargetStage: "grow"},
		{ID: 5, Competency: "engagement", Title: "By hand", Why: "the team's words", Custom: true},
		{ID: 6, Competency: "measurement", Practice: "m-p2", Title: "Dropped", Why: "old", Status: cxm.PlanDropped},
	}
	rt := Retarget(f, r, steps, 3)
	const reached = "Target reached in wave 3: Leadership scores 45.5, the target was 40 (Grow)."
	want := []Update{
		{ID: 1, Why: whyLeadership, Target: idx(70), TargetStage: "lead",
			Note: reached + " No longer proposed in wave 3: Leadership is now at stage Grow, for which the framework does not list this practice. Keep it if it still helps, or drop it."},
		{ID: 2, Why: whyLeadership, Target: idx(70), TargetStage: "lead", Note: reached},
		{ID: 3, Why: whyMeasurement, Target: idx(40), TargetStage: "grow"},
		{ID: 4, Why: "old", Target: idx(40), TargetStage: "grow", Note: "Not scored in wave 3: the target is unchanged."},
		{ID: 5, Why: "the team's words"},
	}
	if !reflect.DeepEqual(rt.Updates, want) {
		t.Errorf("updates\n%+v\nwant\n%+v", rt.Updates, want)
	}
	var added []string
	for _, s := range rt.Added {
		added = append(added, s.Competency+"/"+s.Practice)
	}
	// Dropped m-p2 is not proposed again; the rest of Generate's order.
	if !reflect.DeepEqual(added, []string{"measurement/m-p3", "leadership/l-p3", "engagement/e-p1", "engagement/e-p2", "culture/c-p1"}) {
		t.Errorf("added %v", added)
	}
	if rt.Reached != 2 || rt.NoLongerFits != 1 {
		t.Errorf("reached %d, no longer fits %d", rt.Reached, rt.NoLongerFits)
	}
	if s := rt.Summary(3); s != "from the results of wave 3: 5 steps re-targeted, 2 reached their target, 1 no longer proposed, 5 added" {
		t.Errorf("summary %q", s)
	}
	withheld := &score.Result{Withheld: true}
	if rt := Retarget(f, withheld, steps, 3); len(rt.Updates) != 0 || len(rt.Added) != 0 {
		t.Errorf("a withheld result re-targets: %+v", rt)
	}
}

// TestProgressOf: Leadership 35 → 45 with sd 10 and n 10 in both waves
// (t = 10/√20 = 2.236, df = 18, p = 0.038), Employee Engagement 50 → 47
// (t = −0.671, p = 0.51); the weakest is clear before and tied after.
func TestProgressOf(t *testing.T) {
	f := testFramework()
	sd := 10.0
	before := &score.Result{
		Competencies: []score.Competency{{ID: "leadership", N: 10, Score: 35, SD: &sd, Stage: "start"}, {ID: "engagement", N: 10, Score: 50, SD: &sd, Stage: "grow"}},
		Overall:      score.Overall{Stage: "start", Weakest: "leadership"},
	}
	after := &score.Result{
		Competencies: []score.Competency{{ID: "leadership", N: 10, Score: 45, SD: &sd, Stage: "grow"}, {ID: "engagement", N: 10, Score: 47, SD: &sd, Stage: "grow"}},
		Overall:      score.Overall{Stage: "grow", Weakest: "leadership", TiedWith: []string{"engagement"}},
	}
	steps := []cxm.PlanStep{
		{Competency: "leadership", Title: "A", Status: cxm.PlanDone},
		{Competency: "leadership", Title: "B", Status: cxm.PlanDoing},
		{Competency: "engagement", Title: "C", Status: cxm.PlanDropped},
		{Competency: "engagement", Title: "D", Status: cxm.PlanTodo},
		{Competency: "gone", Title: "E", Status: cxm.PlanTodo},
	}
	p := ProgressOf(f, before, after, steps)
	for _, c := range []struct{ got, want string }{
		{p.StageWords, "The overall stage rose from Start to Grow."},
		{p.WeakestWords, "The weakest link was Leadership (35.0); it is now Leadership (45.0), jointly with others."},
		{p.StepsWords, "Of the 5 steps in the plan: 1 done, 1 doing, 1 dropped, 2 still to do."},
		{p.Before.Tied, ""},
		{p.After.Tied, "Leadership (45.0) and Employee Engagement (47.0) are jointly the weakest: the difference between them is within what chance would give."},
		{p.Before.StageName + "/" + p.After.StageName + "/" + p.Before.Name, "Start/Grow/Leadership"},
	} {
		if c.got != c.want {
			t.Errorf("got %q\nwant %q", c.got, c.want)
		}
	}
	if len(p.Rows) != 2 {
		t.Fatalf("rows %+v", p.Rows)
	}
	l, e := p.Rows[0], p.Rows[1]
	if l.Name != "Leadership" || *l.Change.Delta != 10 || l.Words != "up 10.0 points, p = 0.04: a real change" || !l.Real || l.Dir != "up" ||
		!reflect.DeepEqual(l.Done, []string{"A"}) || !reflect.DeepEqual(l.Doing, []string{"B"}) || l.Dropped != nil || l.Todo != 0 {
		t.Errorf("leadership %+v", l)
	}
	if e.Name != "Employee Engagement" || *e.Change.Delta != -3 || e.Words != "down 3.0 points, p = 0.51: no clear change" || e.Real || e.Dir != "" ||
		e.Done != nil || !reflect.DeepEqual(e.Dropped, []string{"C"}) || e.Todo != 1 {
		t.Errorf("engagement %+v", e)
	}
	if w := ProgressOf(f, after, after, nil); w.StageWords != "The overall stage is Grow in both waves." || w.StepsWords != "There is no plan to set against these changes." ||
		w.WeakestWords != "The weakest link was Leadership (45.0), jointly with others; it is now Leadership (45.0), jointly with others." {
		t.Errorf("the same wave twice: %+v", w)
	}
	clear := *before
	if w := ProgressOf(f, before, &clear, nil); w.WeakestWords != "The weakest link is Leadership in both waves: 35.0 before, 35.0 now." {
		t.Errorf("a clear weakest in both: %q", w.WeakestWords)
	}
}
