package store

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
)

// TestCarryPlan: a next wave gets the plan as the page shows it (dropped
// steps last), linked step by step, with the history mapped and one
// "carried" entry per step; the earlier plan is then closed to edits; a
// re-targeting updates steps, adds new ones before the dropped and records
// it.
func TestCarryPlan(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		fx := newFixture(t, db)
		id := fx.assessment.ID
		target := 50.0
		must(t, db.ReplaceGeneratedSteps(ctx, id, []cxm.PlanStep{
			{Competency: "a", Practice: "p1", Title: "One", Target: &target, TargetStage: "mid"},
			{Competency: "b", Practice: "p2", Title: "Two"},
		}, "ann@example.com"))
		steps, err := db.PlanSteps(ctx, id)
		must(t, err)
		dropped := cxm.PlanDropped
		owner := "Dana"
		_, err = db.UpdatePlanStep(ctx, steps[0].ID, PlanEdit{Status: &dropped}, "bob@example.com")
		must(t, err)
		_, err = db.UpdatePlanStep(ctx, steps[1].ID, PlanEdit{Owner: &owner}, "bob@example.com")
		must(t, err)
		hand, err := db.AddPlanStep(ctx, cxm.PlanStep{AssessmentID: id, Competency: "a", Title: "By hand"}, "carl@example.com")
		must(t, err)
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, now()))
		next, err := db.NextWave(ctx, id, "Q2")
		must(t, err)
		must(t, db.CarryPlan(ctx, id, next, 2, "dee@example.com"))
		must(t, db.CarryPlan(ctx, id, next, 2, "dee@example.com")) // twice: nothing more
		carried, err := db.PlanSteps(ctx, next)
		must(t, err)
		if titles(carried) != "Two,By hand,One" {
			t.Fatalf("carried %s", titles(carried))
		}
		from := []int64{steps[1].ID, hand.ID, steps[0].ID}
		for i, s := range carried {
			if s.Priority != i+1 || s.CarriedFrom == nil || *s.CarriedFrom != from[i] || s.AssessmentID != next {
				t.Errorf("carried step %d: %+v", i, s)
			}
		}
		if carried[0].Owner != "Dana" || !carried[1].Custom || carried[2].Status != cxm.PlanDropped || *carried[2].Target != 50 {
			t.Errorf("carried values %+v", carried)
		}
		changes, err := db.PlanChanges(ctx, next)
		must(t, err)
		var got []string
		for _, c := range changes {
			got = append(got, c.User+" "+c.Field+" "+c.From+"→"+c.To)
		}
		want := []string{
			"ann@example.com plan →generated 2 steps",
			"bob@example.com status todo→dropped",
			"bob@example.com owner →Dana",
			"carl@example.com added →By hand",
			"dee@example.com carried wave 1→wave 2", "dee@example.com carried wave 1→wave 2", "dee@example.com carried wave 1→wave 2",
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("history\n%q\nwant\n%q", got, want)
		}
		if changes[1].StepID != carried[2].ID || changes[2].StepID != carried[0].ID || changes[4].StepID != carried[0].ID {
			t.Errorf("history step ids not mapped: %+v", changes)
		}

		// The earlier plan is read-only now.
		if _, err := db.UpdatePlanStep(ctx, steps[1].ID, PlanEdit{Owner: &owner}, "x"); !errors.Is(err, ErrPlanCarried) {
			t.Errorf("edit of the earlier plan: %v", err)
		}
		if _, err := db.AddPlanStep(ctx, cxm.PlanStep{AssessmentID: id, Competency: "a", Title: "Late"}, "x"); !errors.Is(err, ErrPlanCarried) {
			t.Errorf("add to the earlier plan: %v", err)
		}
		if err := db.ReplaceGeneratedSteps(ctx, id, nil, "x"); !errors.Is(err, ErrPlanCarried) {
			t.Errorf("regenerate the earlier plan: %v", err)
		}

		// Re-targeting.
		eighty := 80.0
		must(t, db.RetargetPlan(ctx, next, []Retarget{{ID: carried[0].ID, Why: "new why", Target: &eighty, TargetStage: "top", Note: "Target reached"}},
			[]cxm.PlanStep{{Competency: "b", Practice: "p3", Title: "New", Status: cxm.PlanTodo}}, "eve@example.com", "from the results of wave 2"))
		after, err := db.PlanSteps(ctx, next)
		must(t, err)
		if titles(after) != "Two,By hand,New,One" || after[0].Why != "new why" || *after[0].Target != 80 || after[0].Note != "Target reached" || after[0].Owner != "Dana" || after[2].CarriedFrom != nil {
			t.Errorf("after re-targeting: %s %+v", titles(after), after)
		}
		changes, _ = db.PlanChanges(ctx, next)
		got = nil
		for _, c := range changes[len(want):] {
			got = append(got, c.Field+" "+c.From+"→"+c.To)
		}
		if want := []string{"target →80 (top)", "note →Target reached", "added →New", "retargeted →from the results of wave 2"}; !reflect.DeepEqual(got, want) {
			t.Errorf("re-targeting history %q, want %q", got, want)
		}

		// Discarding a wave that failed to start.
		other, err := db.NextWave(ctx, next, "Q3")
		if err == nil {
			t.Errorf("a next wave of an open wave: %d", other)
		}
		must(t, db.SetStatus(ctx, next, cxm.StatusClosed, now()))
		third, err := db.NextWave(ctx, next, "Q3")
		must(t, err)
		must(t, db.DiscardNextWave(ctx, third))
		if _, err := db.Assessment(ctx, third); !errors.Is(err, cxm.ErrNotFound) {
			t.Errorf("discarded wave: %v", err)
		}
	})
}
