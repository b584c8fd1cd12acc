package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/cxmhq/cxm"
)

// ErrReleased refuses to reopen a released assessment: a release is final
// (scoring.md 4.12), the next wave is how to learn more.
var ErrReleased = fmt.Errorf("%w: the assessment is released, its figures are final", cxm.ErrConflict)

// Release is an assessment's figures as computed once, when it was closed
// with at least K respondents (scoring.md 4.12). Result is the JSON of a
// score.Result with every attribute broken down.
type Release struct {
	AssessmentID     int64
	MadeAt           time.Time
	K                int
	FrameworkVersion int
	Respondents      int
	Result           []byte
	Comments         *ReleasedComments // nil: no open question and no comments (comments.go)
}

// Figures is what the caller computes from an assessment's responses for
// its release: the result JSON, its respondents, and the competency scores
// kept for benchmarks.
type Figures struct {
	Respondents int
	Result      []byte
	Scores      []CompetencyScore
	Comments    []string // comments the caller holds, not stored yet, for the release (comments.go)
}

// ResponseStream hands every response of an assessment to fn, as
// EachResponse does.
type ResponseStream func(fn func(cxm.StoredResponse) error) error

// MakeFigures computes the figures of a release from the assessment's
// responses; nil when there are fewer than its k respondents (no release).
// It must be pure computation: it runs inside the closing transaction.
type MakeFigures func(a cxm.Assessment, responses ResponseStream) (*Figures, error)

// CloseAssessment closes an assessment and makes its release, in one
// transaction: the assessment's row is locked, it is marked closed
// (closed_at kept when it was closed already), and unless it has a release
// already, figures is called with its responses and, when it returns
// figures, they are stored as the release with the benchmark scores. It
// reports whether the assessment has a release now.
//
// Two people closing at once make one release: on PostgreSQL the second
// waits for the first's row lock and then finds its release; SQLite has one
// writer. FOR UPDATE (not the weaker lock an UPDATE takes) also waits for
// every submission that has inserted a response into the assessment, and
// makes one that inserts after it refuse (countSubmission), so the release
// holds every response the assessment will ever have.
func (db *DB) CloseAssessment(ctx context.Context, id int64, at time.Time, figures MakeFigures) (bool, error) {
	released := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		lock := ""
		if db.engine == Postgres {
			lock = " FOR UPDATE"
		}
		var a cxm.Assessment
		err := scanAssessment(tx.QueryRowContext(ctx, "SELECT "+assessmentCols+" FROM assessments a WHERE a.id = $1"+lock, id), &a)
		if err != nil {
			return notFound(err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE assessments SET status = 'closed', closed_at = COALESCE(closed_at, $2) WHERE id = $1", id, ts(at)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM releases WHERE assessment_id = $1", id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			released = true
			return nil
		}
		a.Status = cxm.StatusClosed
		fig, err := figures(a, func(fn func(cxm.StoredResponse) error) error { return eachResponseTx(ctx, tx, id, fn) })
		if err != nil || fig == nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO releases (assessment_id, made_at, k, framework_version, respondents, result)
			VALUES ($1, $2, $3, $4, $5, $6)`, id, ts(at), a.MinGroup, a.FrameworkVersion, fig.Respondents, string(fig.Result)); err != nil {
			return err
		}
		if err := putScores(ctx, tx, id, fig.Scores); err != nil {
			return err
		}
		if err := takeComments(ctx, tx, a, fig.Comments); err != nil {
			return err
		}
		released = true
		return nil
	})
	return released && err == nil, err
}

// Release returns an assessment's release; none is cxm.ErrNotFound.
func (db *DB) Release(ctx context.Context, assessmentID int64) (Release, error) {
	r := Release{AssessmentID: assessmentID}
	var result, comments string
	err := db.readRow(ctx, `SELECT made_at, k, framework_version, respondents, result, comments FROM releases WHERE assessment_id = $1`,
		[]any{assessmentID}, func(sc scanner) error {
			return sc.Scan((*timeCol)(&r.MadeAt), &r.K, &r.FrameworkVersion, &r.Respondents, &result, &comments)
		})
	if err != nil {
		return Release{}, notFound(err)
	}
	r.Result = []byte(result)
	r.Comments, err = decodeComments(comments)
	return r, err
}

// Unreleased lists the closed assessments without a release that have at
// least their k responses: those closed before releases existed (migration
// 0005), whose releases a Go step makes at start-up.
func (db *DB) Unreleased(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := db.readRows(ctx, `SELECT a.id FROM assessments a WHERE a.status = 'closed'
		AND NOT EXISTS (SELECT 1 FROM releases r WHERE r.assessment_id = a.id)
		AND (SELECT COALESCE(SUM(c.responses), 0) FROM participation_counts c WHERE c.assessment_id = a.id AND c.attribute = '') >= a.min_group
		ORDER BY a.id`, nil, func(rows *sql.Rows) error {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		ids = append(ids, id)
		return nil
	})
	if errors.Is(err, sql.ErrNoRows) {
		err = nil
	}
	return ids, err
}
