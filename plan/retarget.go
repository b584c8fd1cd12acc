package plan

import (
	"fmt"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// Re-targeting (docs/workflow.md, "The plan across waves"): when a wave whose
// plan was carried on from the wave before is released, its plan is aimed
// at the new results without losing anything the team wrote. Owners, due
// dates, statuses, titles, descriptions, order and the steps added by hand
// are never touched; dropped steps stay dropped and are not proposed again.

// Update is what re-targeting sets on a step already in the plan.
type Update struct {
	ID          int64
	Why         string
	Target      *float64
	TargetStage string
	Note        string // "" clears an earlier note
}

// Retargeting is the outcome: the steps changed, the practices that now
// apply and were not in the plan (new steps, in the order Generate gives
// them), and counts for the history's summary.
type Retargeting struct {
	Updates      []Update
	Added        []Step
	Reached      int // steps whose competency reached the step's earlier target
	NoLongerFits int // generated steps whose practice is not proposed at the new stage
}

// Retarget aims steps at r, the results of wave wave (its number in the
// series), scored against f. For each step that is not dropped and whose
// competency r scores:
//   - a generated step gets the why and target Generate would give now
//     (the competency's new score, stage, weakest statements, next stage);
//     a step added by hand keeps its why (the team's words) and target;
//   - when the score reached the step's earlier target, its note says so
//     ("Target reached in wave 2: …"): its status stays what the team set;
//   - a generated step whose practice is not proposed at the new stage
//     stays, with a note saying so: keeping or dropping it is the team's
//     call.
//
// A step whose competency r does not score keeps its target and gets a
// note saying it could not be re-targeted. Dropped steps are left alone.
func Retarget(f *cxm.Framework, r *score.Result, steps []cxm.PlanStep, wave int) Retargeting {
	out := Retargeting{Updates: []Update{}, Added: []Step{}}
	if f == nil || r == nil || r.Withheld || len(f.Stages) == 0 {
		return out
	}
	have := map[[2]string]bool{}
	for _, st := range steps {
		if st.Practice != "" {
			have[[2]string{st.Competency, st.Practice}] = true
		}
		if st.Status == cxm.PlanDropped {
			continue
		}
		u, reached, fits := retargetStep(f, r, st, wave)
		out.Updates = append(out.Updates, u)
		if reached {
			out.Reached++
		}
		if !fits {
			out.NoLongerFits++
		}
	}
	for _, g := range Generate(f, r, DefaultPerCompetency) {
		if !have[[2]string{g.Competency, g.Practice}] {
			out.Added = append(out.Added, g)
		}
	}
	return out
}

// retargetStep re-targets one step; it reports whether the earlier target
// was reached and whether the step's practice (if any) still fits.
func retargetStep(f *cxm.Framework, r *score.Result, st cxm.PlanStep, wave int) (Update, bool, bool) {
	u := Update{ID: st.ID, Why: st.Why, Target: st.Target, TargetStage: st.TargetStage}
	fc, rc := f.Competency(st.Competency), r.Competency(st.Competency)
	if fc == nil || rc == nil {
		u.Note = fmt.Sprintf("Not scored in wave %d: the target is unchanged.", wave)
		return u, false, true
	}
	stage := stageIndex(f, rc)
	stageName := f.Stages[stage].Name
	var notes []string
	reached := st.Target != nil && rc.Score >= *st.Target
	if reached {
		notes = append(notes, fmt.Sprintf("Target reached in wave %d: %s scores %.1f, the target was %s.", wave, fc.Name, rc.Score, targetWords(f, *st.Target, st.TargetStage)))
	}
	fits := true
	if !st.Custom {
		target, targetStage := nextStage(f, stage)
		weak := weakestItems(fc, r, WeakItemsShown)
		u.Why, u.Target, u.TargetStage = whyText(fc, rc.Score, stageName, weak), &target, targetStage
		if st.Practice != "" && !proposed(fc, f.Stages[stage].ID, st.Practice) {
			fits = false
			notes = append(notes, fmt.Sprintf("No longer proposed in wave %d: %s is now at stage %s, for which the framework does not list this practice. Keep it if it still helps, or drop it.", wave, fc.Name, stageName))
		}
	}
	for i, n := range notes {
		if i > 0 {
			u.Note += " "
		}
		u.Note += n
	}
	return u, reached, fits
}

// nextStage is the target of a competency at stage index i: the next
// stage's from, or 100 at the top stage.
func nextStage(f *cxm.Framework, i int) (float64, string) {
	if i+1 < len(f.Stages) {
		return f.Stages[i+1].From, f.Stages[i+1].ID
	}
	return 100, f.Stages[i].ID
}

// proposed reports whether the practice is among those proposed at stage.
func proposed(c *cxm.Competency, stage, practice string) bool {
	for _, p := range Practices(c, stage) {
		if p.ID == practice {
			return true
		}
	}
	return false
}

// targetWords is "60 (Engage)".
func targetWords(f *cxm.Framework, target float64, stage string) string {
	s := fmt.Sprintf("%.0f", target)
	if stage != "" {
		s += " (" + f.StageName(stage) + ")"
	}
	return s
}

// Summary is the history's line for a re-targeting.
func (rt Retargeting) Summary(wave int) string {
	return fmt.Sprintf("from the results of wave %d: %d steps re-targeted, %d reached their target, %d no longer proposed, %d added",
		wave, len(rt.Updates), rt.Reached, rt.NoLongerFits, len(rt.Added))
}
