package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

// The plan across waves (docs/workflow.md): a next wave carries the plan on
// (server/waves.go, store.CarryPlan), its release re-targets it, and the
// earlier wave's plan is kept as it was, read-only.

// retargetCarried re-targets the plan of a just-released assessment from
// its results when that plan was carried on from the wave before, and
// reports whether it was (false: the caller generates a plan as for a
// first wave).
func (s *Server) retargetCarried(ctx context.Context, a cxm.Assessment, f *cxm.Framework, res *score.Result) (bool, error) {
	steps, err := s.db.PlanSteps(ctx, a.ID)
	if err != nil {
		return false, err
	}
	carried := false
	for _, st := range steps {
		carried = carried || st.CarriedFrom != nil
	}
	if !carried {
		return false, nil
	}
	wave, err := s.waveInfo(ctx, a)
	if err != nil {
		return true, err
	}
	rt := plan.Retarget(f, res, steps, wave.Number)
	updates := make([]store.Retarget, len(rt.Updates))
	for i, u := range rt.Updates {
		updates[i] = store.Retarget{ID: u.ID, Why: u.Why, Target: u.Target, TargetStage: u.TargetStage, Note: u.Note}
	}
	return true, s.db.RetargetPlan(ctx, a.ID, updates, planSteps(rt.Added), userEmail(ctx), rt.Summary(wave.Number))
}

// planErr says where to edit a plan that continues in a next wave.
func planErr(err error) error {
	if errors.Is(err, store.ErrPlanCarried) {
		return errorf(http.StatusConflict, "this plan continues in the next wave, which carries its steps, owners and history on: edit it there")
	}
	return err
}

// progressOf is the progress headline and table between two released
// waves, with the plan steps of the later wave (those of the earlier one
// when the later has none).
func (s *Server) progressOf(ctx context.Context, f *cxm.Framework, before, after cxm.Assessment, rb, ra *score.Result) (plan.Progress, error) {
	steps, err := s.db.PlanSteps(ctx, after.ID)
	if err == nil && len(steps) == 0 {
		steps, err = s.db.PlanSteps(ctx, before.ID)
	}
	if err != nil {
		return plan.Progress{}, err
	}
	return plan.ProgressOf(f, rb, ra, steps), nil
}

// carriedChangeText says what the plan history entries of waves say.
func carriedChangeText(c cxm.PlanChange, step string) (string, bool) {
	switch c.Field {
	case "carried":
		return fmt.Sprintf("Carried %s over from %s to %s", step, c.From, c.To), true
	case "retargeted":
		return "Re-targeted the plan " + c.To, true
	case "note":
		if c.To == "" {
			return "Cleared the note of " + step, true
		}
		return fmt.Sprintf("Note on %s: %s", step, c.To), true
	}
	return "", false
}

// targetStageNames shows a target as recorded in the history, "70 (high)",
// with the stage's name: "70 (High)".
func targetStageNames(f *cxm.Framework, v string) string {
	if i := strings.LastIndex(v, " ("); i >= 0 && strings.HasSuffix(v, ")") {
		return v[:i] + " (" + f.StageName(v[i+2:len(v)-1]) + ")"
	}
	return f.StageName(v)
}
