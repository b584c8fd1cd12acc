package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/cxmhq/cxm"
)

// The plan across waves (docs/workflow.md): starting a next wave carries the
// plan on to it, and from then on the plan is edited there; the earlier
// wave's plan is the record of what it was.

// ErrPlanCarried refuses an edit of a plan that continues in a next wave.
var ErrPlanCarried = fmt.Errorf("%w: this plan continues in the next wave; edit it there", cxm.ErrConflict)

// planWritable takes the assessment's row lock (a no-op update, as in
// CreatePlanIfNone) and refuses when the assessment has a next wave: an
// edit waits for a plan being carried over, and is refused after it, so no
// edit is lost between the two waves.
func planWritable(ctx context.Context, tx *sql.Tx, assessmentID int64) error {
	if _, err := tx.ExecContext(ctx, "UPDATE assessments SET status = status WHERE id = $1", assessmentID); err != nil {
		return err
	}
	var n int
	if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM assessments WHERE previous_id = $1", assessmentID).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return ErrPlanCarried
	}
	return nil
}

// CarryPlan copies the plan of assessment from to its next wave to (wave
// number wave in the series): every step with its owner, due date, status
// and texts, in the order the plan page shows (priorities 1..N, dropped
// steps last), linked to the step it continues (carried_from); then
// from's history, pointing at the new steps, and one "carried" entry per
// step. Notes are not carried: they spoke of the earlier results. It does
// nothing when to has a plan already.
func (db *DB) CarryPlan(ctx context.Context, from, to int64, wave int, user string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE assessments SET status = status WHERE id = $1", from); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM plan_steps WHERE assessment_id = $1", to).Scan(&n); err != nil || n > 0 {
			return err
		}
		steps, err := txSteps(ctx, tx, from, "CASE WHEN status = 'dropped' THEN 1 ELSE 0 END, priority, id")
		if err != nil {
			return err
		}
		ids := map[int64]int64{}
		for i, s := range steps {
			old := s.ID
			s.AssessmentID, s.CarriedFrom, s.Note, s.Priority = to, &old, "", i+1
			if err := insertStep(ctx, tx, &s); err != nil {
				return err
			}
			ids[old] = s.ID
		}
		if err := copyChanges(ctx, tx, from, to, ids); err != nil {
			return err
		}
		prev, next := "wave "+strconv.Itoa(wave-1), "wave "+strconv.Itoa(wave)
		for _, s := range steps {
			if err := logChange(ctx, tx, to, ids[s.ID], user, "carried", prev, next); err != nil {
				return err
			}
		}
		return nil
	})
}

// txSteps reads an assessment's steps in tx, in the given order.
func txSteps(ctx context.Context, tx *sql.Tx, assessmentID int64, order string) ([]cxm.PlanStep, error) {
	rows, err := tx.QueryContext(ctx, "SELECT "+planCols+" FROM plan_steps WHERE assessment_id = $1 ORDER BY "+order, assessmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var steps []cxm.PlanStep
	for rows.Next() {
		var s cxm.PlanStep
		if err := scanPlanStep(rows, &s); err != nil {
			return nil, err
		}
		steps = append(steps, s)
	}
	return steps, rows.Err()
}

// copyChanges copies the history of from's plan to to's, oldest first,
// with who and when unchanged and step ids mapped to the carried steps (a
// step no longer in the plan keeps its old id).
func copyChanges(ctx context.Context, tx *sql.Tx, from, to int64, ids map[int64]int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO plan_changes (assessment_id, step_id, user_email, changed_at, field, old_value, new_value)
		SELECT $1, step_id, user_email, changed_at, field, old_value, new_value FROM plan_changes WHERE assessment_id = $2 ORDER BY id`, to, from)
	if err != nil {
		return err
	}
	for old, id := range ids {
		if _, err := tx.ExecContext(ctx, "UPDATE plan_changes SET step_id = $1 WHERE assessment_id = $2 AND step_id = $3", id, to, old); err != nil {
			return err
		}
	}
	return nil
}

// DiscardNextWave deletes a next wave that was just created and has no
// response, when carrying its plan failed: starting a wave is all or
// nothing.
func (db *DB) DiscardNextWave(ctx context.Context, id int64) error {
	_, err := db.exec(ctx, "DELETE FROM assessments WHERE id = $1 AND previous_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM responses WHERE assessment_id = $1)", id)
	return err
}

// Retarget is what re-targeting a plan from new results sets on one step.
type Retarget struct {
	ID          int64
	Why         string
	Target      *float64
	TargetStage string
	Note        string
}

// RetargetPlan applies a re-targeting (plan.Retarget) in one transaction:
// each step's why, target and note (the changes of target and note are
// recorded), the new steps after the others but before the dropped ones,
// and one entry saying what was done.
func (db *DB) RetargetPlan(ctx context.Context, assessmentID int64, updates []Retarget, added []cxm.PlanStep, user, summary string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, u := range updates {
			if err := retargetStep(ctx, tx, assessmentID, u, user); err != nil {
				return err
			}
		}
		for i := range added {
			s := &added[i]
			s.AssessmentID, s.Priority, s.Custom = assessmentID, 1<<30, false
			if err := insertStep(ctx, tx, s); err != nil {
				return err
			}
			if err := logChange(ctx, tx, assessmentID, s.ID, user, "added", "", s.Title); err != nil {
				return err
			}
		}
		ids, err := stepIDs(ctx, tx, "SELECT id FROM plan_steps WHERE assessment_id = $1 ORDER BY CASE WHEN status = 'dropped' THEN 1 ELSE 0 END, priority, id", assessmentID)
		if err != nil {
			return err
		}
		if err := setOrder(ctx, tx, ids); err != nil {
			return err
		}
		return logChange(ctx, tx, assessmentID, 0, user, "retargeted", "", summary)
	})
}

func retargetStep(ctx context.Context, tx *sql.Tx, assessmentID int64, u Retarget, user string) error {
	var s cxm.PlanStep
	if err := scanPlanStep(tx.QueryRowContext(ctx, "SELECT "+planCols+" FROM plan_steps WHERE id = $1 AND assessment_id = $2", u.ID, assessmentID), &s); err != nil {
		return notFound(err)
	}
	if was, now := targetValue(s.Target, s.TargetStage), targetValue(u.Target, u.TargetStage); was != now {
		if err := logChange(ctx, tx, assessmentID, s.ID, user, "target", was, now); err != nil {
			return err
		}
	}
	if u.Note != s.Note {
		if err := logChange(ctx, tx, assessmentID, s.ID, user, "note", s.Note, u.Note); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, "UPDATE plan_steps SET why = $1, target = $2, target_stage = $3, note = $4, updated_at = $5 WHERE id = $6",
		u.Why, u.Target, u.TargetStage, u.Note, now(), s.ID)
	return err
}

// targetValue is a target as the history shows it: "60 (engage)".
func targetValue(t *float64, stage string) string {
	if t == nil {
		return stage
	}
	v := strconv.FormatFloat(*t, 'f', -1, 64)
	if stage == "" {
		return v
	}
	return v + " (" + stage + ")"
}
