package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/cxmhq/cxm"
)

const planCols = `id, assessment_id, priority, competency, practice, title, description, why, target, target_stage,
	owner, due, status, custom, updated_at, carried_from, note`

func scanPlanStep(sc scanner, s *cxm.PlanStep) error {
	var target sql.NullFloat64
	var from sql.NullInt64
	if err := sc.Scan(&s.ID, &s.AssessmentID, &s.Priority, &s.Competency, &s.Practice, &s.Title, &s.Description, &s.Why,
		&target, &s.TargetStage, &s.Owner, &s.Due, &s.Status, &s.Custom, (*timeCol)(&s.UpdatedAt), &from, &s.Note); err != nil {
		return err
	}
	if target.Valid {
		s.Target = &target.Float64
	}
	if from.Valid {
		s.CarriedFrom = &from.Int64
	}
	return nil
}

// PlanSteps returns an assessment's plan, priority 1 first.
func (db *DB) PlanSteps(ctx context.Context, assessmentID int64) ([]cxm.PlanStep, error) {
	list := []cxm.PlanStep{}
	err := db.readRows(ctx, "SELECT "+planCols+" FROM plan_steps WHERE assessment_id = $1 ORDER BY priority, id", []any{assessmentID},
		func(rows *sql.Rows) error {
			var s cxm.PlanStep
			if err := scanPlanStep(rows, &s); err != nil {
				return err
			}
			list = append(list, s)
			return nil
		})
	return list, err
}

// PlanStep returns one step.
func (db *DB) PlanStep(ctx context.Context, id int64) (cxm.PlanStep, error) {
	var s cxm.PlanStep
	err := db.readRow(ctx, "SELECT "+planCols+" FROM plan_steps WHERE id = $1", []any{id}, func(sc scanner) error { return scanPlanStep(sc, &s) })
	return s, notFound(err)
}

func insertStep(ctx context.Context, tx *sql.Tx, s *cxm.PlanStep) error {
	if s.Status == "" {
		s.Status = cxm.PlanTodo
	}
	s.UpdatedAt = now()
	return tx.QueryRowContext(ctx, `INSERT INTO plan_steps (assessment_id, priority, competency, practice, title, description, why,
		target, target_stage, owner, due, status, custom, updated_at, carried_from, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		s.AssessmentID, s.Priority, s.Competency, s.Practice, s.Title, s.Description, s.Why, s.Target, s.TargetStage,
		s.Owner, s.Due, string(s.Status), s.Custom, s.UpdatedAt, s.CarriedFrom, s.Note).Scan(&s.ID)
}

func logChange(ctx context.Context, tx *sql.Tx, assessmentID, stepID int64, user, field, from, to string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO plan_changes (assessment_id, step_id, user_email, changed_at, field, old_value, new_value)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, assessmentID, stepID, user, now(), field, from, to)
	return err
}

// ReplaceGeneratedSteps puts a newly generated plan in place of the
// generated steps of an assessment, keeping the steps people added by hand
// (custom) after them in their order, and records who did it.
func (db *DB) ReplaceGeneratedSteps(ctx context.Context, assessmentID int64, steps []cxm.PlanStep, user string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := planWritable(ctx, tx, assessmentID); err != nil {
			return err
		}
		return putGenerated(ctx, tx, assessmentID, steps, user)
	})
}

// CreatePlanIfNone stores a generated plan unless the assessment has a plan
// already, and reports whether it did. The check and the insert are one
// transaction holding the assessment's row, so two people closing the same
// assessment at once do not both generate a plan.
func (db *DB) CreatePlanIfNone(ctx context.Context, assessmentID int64, steps []cxm.PlanStep, user string) (bool, error) {
	created := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		// A no-op update takes the row lock on PostgreSQL; SQLite has one writer.
		if _, err := tx.ExecContext(ctx, "UPDATE assessments SET status = status WHERE id = $1", assessmentID); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM plan_steps WHERE assessment_id = $1", assessmentID).Scan(&n); err != nil || n > 0 {
			return err
		}
		created = true
		return putGenerated(ctx, tx, assessmentID, steps, user)
	})
	return created && err == nil, err
}

func putGenerated(ctx context.Context, tx *sql.Tx, assessmentID int64, steps []cxm.PlanStep, user string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM plan_steps WHERE assessment_id = $1 AND NOT custom", assessmentID); err != nil {
		return err
	}
	for i := range steps {
		s := &steps[i]
		s.AssessmentID, s.Priority, s.Custom = assessmentID, i+1, false
		if err := insertStep(ctx, tx, s); err != nil {
			return err
		}
	}
	if err := renumber(ctx, tx, assessmentID); err != nil {
		return err
	}
	return logChange(ctx, tx, assessmentID, 0, user, "plan", "", fmt.Sprintf("generated %d steps", len(steps)))
}

// renumber makes priorities 1..N in their current order: generated steps
// keep their place, steps added by hand follow.
func renumber(ctx context.Context, tx *sql.Tx, assessmentID int64) error {
	ids, err := stepIDs(ctx, tx, "SELECT id FROM plan_steps WHERE assessment_id = $1 ORDER BY custom, priority, id", assessmentID)
	if err != nil {
		return err
	}
	return setOrder(ctx, tx, ids)
}

// stepIDs runs a query for plan step ids in tx.
func stepIDs(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

func setOrder(ctx context.Context, tx *sql.Tx, ids []int64) error {
	for i, id := range ids {
		if _, err := tx.ExecContext(ctx, "UPDATE plan_steps SET priority = $1 WHERE id = $2", i+1, id); err != nil {
			return err
		}
	}
	return nil
}

// AddPlanStep appends a step written by hand (or decided in a workshop)
// at the end of the plan.
func (db *DB) AddPlanStep(ctx context.Context, s cxm.PlanStep, user string) (cxm.PlanStep, error) {
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := planWritable(ctx, tx, s.AssessmentID); err != nil {
			return err
		}
		var last sql.NullInt64
		if err := tx.QueryRowContext(ctx, "SELECT MAX(priority) FROM plan_steps WHERE assessment_id = $1", s.AssessmentID).Scan(&last); err != nil {
			return err
		}
		s.Priority, s.Custom = int(last.Int64)+1, true
		if err := insertStep(ctx, tx, &s); err != nil {
			return err
		}
		return logChange(ctx, tx, s.AssessmentID, s.ID, user, "added", "", s.Title)
	})
	return s, err
}

// PlanEdit is a change to a step; nil fields stay as they are.
type PlanEdit struct {
	Owner, Due, Title, Description *string
	Status                         *cxm.PlanStatus
	Priority                       *int
}

// UpdatePlanStep applies an edit and records each changed field with who
// and when. A new priority moves the step there and shifts the others.
func (db *DB) UpdatePlanStep(ctx context.Context, id int64, e PlanEdit, user string) (cxm.PlanStep, error) {
	var s cxm.PlanStep
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := scanPlanStep(tx.QueryRowContext(ctx, "SELECT "+planCols+" FROM plan_steps WHERE id = $1", id), &s); err != nil {
			return notFound(err)
		}
		if err := planWritable(ctx, tx, s.AssessmentID); err != nil {
			return err
		}
		set := func(field string, dst *string, v *string) error {
			if v == nil || *v == *dst {
				return nil
			}
			if err := logChange(ctx, tx, s.AssessmentID, id, user, field, *dst, *v); err != nil {
				return err
			}
			*dst = *v
			return nil
		}
		status := string(s.Status)
		var newStatus *string
		if e.Status != nil {
			v := string(*e.Status)
			newStatus = &v
		}
		for _, f := range []struct {
			name     string
			dst, val *string
		}{{"owner", &s.Owner, e.Owner}, {"due", &s.Due, e.Due}, {"title", &s.Title, e.Title}, {"description", &s.Description, e.Description}, {"status", &status, newStatus}} {
			if err := set(f.name, f.dst, f.val); err != nil {
				return err
			}
		}
		s.Status = cxm.PlanStatus(status)
		s.UpdatedAt = now()
		if _, err := tx.ExecContext(ctx, `UPDATE plan_steps SET owner = $1, due = $2, title = $3, description = $4, status = $5, updated_at = $6 WHERE id = $7`,
			s.Owner, s.Due, s.Title, s.Description, string(s.Status), s.UpdatedAt, id); err != nil {
			return err
		}
		if e.Priority != nil && *e.Priority != s.Priority {
			return move(ctx, tx, &s, *e.Priority, user)
		}
		return nil
	})
	return s, err
}

// move puts a step at priority p (clamped to 1..N) and renumbers the rest.
func move(ctx context.Context, tx *sql.Tx, s *cxm.PlanStep, p int, user string) error {
	ids, err := stepIDs(ctx, tx, "SELECT id FROM plan_steps WHERE assessment_id = $1 AND id <> $2 ORDER BY priority, id", s.AssessmentID, s.ID)
	if err != nil {
		return err
	}
	p = max(1, min(p, len(ids)+1))
	order := append(append(append([]int64{}, ids[:p-1]...), s.ID), ids[p-1:]...)
	if err := logChange(ctx, tx, s.AssessmentID, s.ID, user, "priority", strconv.Itoa(s.Priority), strconv.Itoa(p)); err != nil {
		return err
	}
	s.Priority = p
	return setOrder(ctx, tx, order)
}

// PlanChanges returns the history of an assessment's plan, oldest first.
func (db *DB) PlanChanges(ctx context.Context, assessmentID int64) ([]cxm.PlanChange, error) {
	list := []cxm.PlanChange{}
	err := db.readRows(ctx, `SELECT step_id, user_email, changed_at, field, old_value, new_value FROM plan_changes
		WHERE assessment_id = $1 ORDER BY id`, []any{assessmentID}, func(rows *sql.Rows) error {
		var c cxm.PlanChange
		if err := rows.Scan(&c.StepID, &c.User, (*timeCol)(&c.At), &c.Field, &c.From, &c.To); err != nil {
			return err
		}
		list = append(list, c)
		return nil
	})
	return list, err
}

// NextWave starts the next wave of a closed assessment: a new open
// assessment with the same organization, framework version, attributes
// (less any free-text one from before v2) and anonymity threshold, linked
// to it. A wave has one next wave.
func (db *DB) NextWave(ctx context.Context, id int64, name string) (int64, error) {
	a, err := db.Assessment(ctx, id)
	if err != nil {
		return 0, err
	}
	if a.Status != cxm.StatusClosed {
		return 0, fmt.Errorf("%w: close the assessment before starting its next wave", cxm.ErrConflict)
	}
	if n, err := db.count(ctx, "SELECT COUNT(*) FROM assessments WHERE previous_id = $1", id); err != nil {
		return 0, err
	} else if n > 0 {
		return 0, fmt.Errorf("%w: the next wave of this assessment exists already", cxm.ErrConflict)
	}
	next := cxm.Assessment{OrganizationID: a.OrganizationID, Name: name, FrameworkID: a.FrameworkID, FrameworkVersion: a.FrameworkVersion,
		Attributes: cxm.ClosedAttributes(a.Attributes), MinGroup: a.MinGroup, PreviousID: id}
	if next.OpenQuestion, err = db.OpenQuestion(ctx, id); err != nil { // the same open question (comments.go)
		return 0, err
	}
	return db.CreateAssessment(ctx, &next)
}

// Series returns every wave of the series an assessment belongs to, oldest
// first.
func (db *DB) Series(ctx context.Context, id int64) ([]cxm.Assessment, error) {
	a, err := db.Assessment(ctx, id)
	if err != nil {
		return nil, err
	}
	seen := map[int64]bool{a.ID: true}
	for a.PreviousID != 0 && !seen[a.PreviousID] {
		if a, err = db.Assessment(ctx, a.PreviousID); err != nil {
			return nil, err
		}
		seen[a.ID] = true
	}
	series := []cxm.Assessment{a}
	for {
		var next int64
		err := db.readRow(ctx, "SELECT id FROM assessments WHERE previous_id = $1 ORDER BY id LIMIT 1", []any{a.ID}, func(sc scanner) error { return sc.Scan(&next) })
		if errors.Is(err, sql.ErrNoRows) {
			return series, nil
		}
		if err != nil {
			return nil, err
		}
		if a, err = db.Assessment(ctx, next); err != nil {
			return nil, err
		}
		series = append(series, a)
	}
}

// CompetencyScore is one competency's score kept for benchmarks.
type CompetencyScore struct {
	Competency string
	Score      float64
	N          int
}

// SetScores keeps the competency scores of a closing assessment (nil:
// removes them, as on reopening).
func (db *DB) SetScores(ctx context.Context, assessmentID int64, scores []CompetencyScore) error {
	return db.tx(ctx, func(tx *sql.Tx) error { return putScores(ctx, tx, assessmentID, scores) })
}

// putScores replaces an assessment's kept scores in tx.
func putScores(ctx context.Context, tx *sql.Tx, assessmentID int64, scores []CompetencyScore) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM assessment_scores WHERE assessment_id = $1", assessmentID); err != nil {
		return err
	}
	for _, s := range scores {
		if _, err := tx.ExecContext(ctx, "INSERT INTO assessment_scores (assessment_id, competency, score, n) VALUES ($1, $2, $3, $4)",
			assessmentID, s.Competency, s.Score, s.N); err != nil {
			return err
		}
	}
	return nil
}

// Peer is one peer assessment's competency scores, with the industry and
// size of its organization, and nothing that names it.
type Peer struct {
	Industry, Size string
	Scores         map[string]float64
}

// PeerFilter narrows peers by their organization's industry and size
// (empty: any).
type PeerFilter struct {
	FrameworkID      string
	FrameworkVersion int
	ExcludeOrg       int64 // the organization whose position is asked: not its own peer
	Industry, Size   string
}

// Peers returns the closed assessments of other organizations with the
// same framework version (scoring.md §5.3), and the imported peers.
func (db *DB) Peers(ctx context.Context, f PeerFilter) ([]Peer, error) {
	byID := map[int64]*Peer{}
	var order []int64
	err := db.readRows(ctx, `SELECT s.assessment_id, o.industry, o.size, s.competency, s.score
		FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id JOIN organizations o ON o.id = a.organization_id
		WHERE a.framework_id = $1 AND a.framework_version = $2 AND a.status = 'closed' AND a.organization_id <> $3
		AND (CAST($4 AS TEXT) = '' OR o.industry = $4) AND (CAST($5 AS TEXT) = '' OR o.size = $5)
		ORDER BY s.assessment_id`, []any{f.FrameworkID, f.FrameworkVersion, f.ExcludeOrg, f.Industry, f.Size}, func(rows *sql.Rows) error {
		var id int64
		var industry, size, comp string
		var score float64
		if err := rows.Scan(&id, &industry, &size, &comp, &score); err != nil {
			return err
		}
		p := byID[id]
		if p == nil {
			p = &Peer{Industry: industry, Size: size, Scores: map[string]float64{}}
			byID[id] = p
			order = append(order, id)
		}
		p.Scores[comp] = score
		return nil
	})
	if err != nil {
		return nil, err
	}
	peers := make([]Peer, 0, len(order))
	for _, id := range order {
		peers = append(peers, *byID[id])
	}
	err = db.readRows(ctx, `SELECT industry, size, scores FROM peer_scores WHERE framework_id = $1 AND framework_version = $2
		AND (CAST($3 AS TEXT) = '' OR industry = $3) AND (CAST($4 AS TEXT) = '' OR size = $4) ORDER BY id`,
		[]any{f.FrameworkID, f.FrameworkVersion, f.Industry, f.Size}, func(rows *sql.Rows) error {
			var p Peer
			var scores string
			if err := rows.Scan(&p.Industry, &p.Size, &scores); err != nil {
				return err
			}
			if err := json.Unmarshal([]byte(scores), &p.Scores); err != nil {
				return fmt.Errorf("imported peer scores: %w", err)
			}
			peers = append(peers, p)
			return nil
		})
	return peers, err
}

// ExportRow is one closed assessment as benchmarks carry it between
// installations: no name, no organization id, no respondent.
type ExportRow struct {
	FrameworkVersion int
	Industry, Size   string
	Scores           map[string]float64
}

// ExportPeers returns the kept scores of every closed assessment of a
// framework (all versions), in a stable order.
func (db *DB) ExportPeers(ctx context.Context, frameworkID string) ([]ExportRow, error) {
	var rows []ExportRow
	last := int64(-1)
	err := db.readRows(ctx, `SELECT s.assessment_id, a.framework_version, o.industry, o.size, s.competency, s.score
		FROM assessment_scores s JOIN assessments a ON a.id = s.assessment_id JOIN organizations o ON o.id = a.organization_id
		WHERE a.framework_id = $1 AND a.status = 'closed' ORDER BY a.framework_version, s.assessment_id, s.competency`,
		[]any{frameworkID}, func(r *sql.Rows) error {
			var id int64
			var row ExportRow
			var comp string
			var score float64
			if err := r.Scan(&id, &row.FrameworkVersion, &row.Industry, &row.Size, &comp, &score); err != nil {
				return err
			}
			if id != last {
				row.Scores = map[string]float64{}
				rows = append(rows, row)
				last = id
			}
			rows[len(rows)-1].Scores[comp] = score
			return nil
		})
	return rows, err
}

// ImportPeers stores peer scores for a framework, all or nothing.
func (db *DB) ImportPeers(ctx context.Context, frameworkID string, rows []ExportRow) error {
	at := now()
	return db.tx(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			scores, err := json.Marshal(r.Scores)
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO peer_scores (framework_id, framework_version, industry, size, scores, imported_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, frameworkID, r.FrameworkVersion, r.Industry, r.Size, string(scores), at); err != nil {
				return err
			}
		}
		return nil
	})
}
