package store

import (
	"context"
	crand "crypto/rand"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"

	"github.com/cxmhq/cxm"
)

// Open comments (issue 8, migration 0010). A comment is a respondent's
// answer to the assessment's open question. It is stored apart from the
// response (no response id, attributes, invitation or time; a random id),
// in batches written by transactions of their own (the server writes k at
// a time: server/comments.go), and shown only in the release (scoring.md
// 4.12): closing takes the comments into the release, shuffled, and
// deletes their rows, in the closing transaction.

// ReleasedComments are the comments of a release, in the order shown.
// Withheld: fewer than K comments (at least one), none shown.
type ReleasedComments struct {
	Question string   `json:"question"`
	K        int      `json:"k"`
	Withheld bool     `json:"withheld"`
	Texts    []string `json:"texts"`
}

// ErrQuestionLocked refuses to change the open question of an assessment
// that is closed or has responses: some respondents would have read
// another question than the one the comments are shown under.
var ErrQuestionLocked = fmt.Errorf("%w: the open question can change only while the assessment is open and has no responses", cxm.ErrConflict)

// OpenQuestion is an assessment's open question, "" when it asks none.
func (db *DB) OpenQuestion(ctx context.Context, assessmentID int64) (string, error) {
	var q string
	err := db.readRow(ctx, "SELECT question FROM open_questions WHERE assessment_id = $1", []any{assessmentID},
		func(sc scanner) error { return sc.Scan(&q) })
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return q, err
}

// putOpenQuestion sets (or, with "", removes) an assessment's open question in tx.
func putOpenQuestion(ctx context.Context, tx *sql.Tx, assessmentID int64, q string) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM open_questions WHERE assessment_id = $1", assessmentID); err != nil || q == "" {
		return err
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO open_questions (assessment_id, question) VALUES ($1, $2)", assessmentID, q)
	return err
}

// SetOpenQuestion changes an assessment's open question ("" for none) while
// it is open and has no responses; otherwise ErrQuestionLocked. The check
// and the change are one transaction holding the assessment's row, so a
// response counted before it is seen.
func (db *DB) SetOpenQuestion(ctx context.Context, assessmentID int64, q string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var status string
		var responses int
		err := tx.QueryRowContext(ctx, `SELECT a.status, (SELECT COALESCE(SUM(c.responses), 0) FROM participation_counts c
			WHERE c.assessment_id = a.id AND c.attribute = '') FROM assessments a WHERE a.id = $1`+db.lockFor("UPDATE"),
			assessmentID).Scan(&status, &responses)
		if err != nil {
			return notFound(err)
		}
		if status != string(cxm.StatusOpen) || responses > 0 {
			return ErrQuestionLocked
		}
		return putOpenQuestion(ctx, tx, assessmentID, q)
	})
}

// lockFor is " FOR <mode>" on PostgreSQL; SQLite has one writer and no row locks.
func (db *DB) lockFor(mode string) string {
	if db.engine == Postgres {
		return " FOR " + mode
	}
	return ""
}

// AddComments stores comments of an assessment without a release, in
// one transaction of their own, in the order given (the caller shuffles a
// batch). The assessment's row is locked for share, so a batch that waited
// for a closing transaction sees its release: then it is cxm.ErrClosed and
// nothing is stored (a release holds every comment its assessment will
// ever have). An assessment closed without a release keeps its comments
// for when it is released.
func (db *DB) AddComments(ctx context.Context, assessmentID int64, texts []string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var released bool
		err := tx.QueryRowContext(ctx, "SELECT id FROM assessments WHERE id = $1"+db.lockFor("SHARE"), assessmentID).Scan(new(int64))
		if err != nil {
			return notFound(err)
		}
		if err := tx.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM releases WHERE assessment_id = $1)", assessmentID).Scan(&released); err != nil {
			return err
		}
		if released {
			return cxm.ErrClosed
		}
		for _, text := range texts {
			if err := insertComment(ctx, tx, assessmentID, text); err != nil {
				return err
			}
		}
		return nil
	})
}

// AddComment stores one comment (AddComments).
func (db *DB) AddComment(ctx context.Context, assessmentID int64, text string) error {
	return db.AddComments(ctx, assessmentID, []string{text})
}

// insertComment inserts one comment under a random id.
func insertComment(ctx context.Context, tx *sql.Tx, assessmentID int64, text string) error {
	for range 8 {
		res, err := tx.ExecContext(ctx, "INSERT INTO comments (id, assessment_id, comment) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
			responseID(), assessmentID, text)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
	}
	return errors.New("no free comment id after 8 draws")
}

// CountComments counts the comments of an assessment stored and not yet
// taken into a release (for tests and operations; no view shows it).
func (db *DB) CountComments(ctx context.Context, assessmentID int64) (int, error) {
	return db.count(ctx, "SELECT COUNT(*) FROM comments WHERE assessment_id = $1", assessmentID)
}

// takeComments moves an assessment's comments into its release, in tx,
// with held (comments the caller holds and never stored): shuffled
// (crypto-seeded, so the order is neither submission order nor the
// table's), withheld when there are 1 to k-1 of them, and deleted from the
// comments table. An assessment without an open question and without
// comments gets no comments ("").
func takeComments(ctx context.Context, tx *sql.Tx, a cxm.Assessment, held []string) error {
	var q string
	if err := tx.QueryRowContext(ctx, "SELECT question FROM open_questions WHERE assessment_id = $1", a.ID).Scan(&q); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	texts := append([]string{}, held...)
	rows, err := tx.QueryContext(ctx, "SELECT comment FROM comments WHERE assessment_id = $1", a.ID)
	if err != nil {
		return err
	}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return err
		}
		texts = append(texts, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	if q == "" && len(texts) == 0 {
		return nil
	}
	rc := ReleasedComments{Question: q, K: a.MinGroup, Texts: texts}
	if len(texts) > 0 && len(texts) < a.MinGroup {
		rc.Withheld, rc.Texts = true, []string{}
	}
	var seed [32]byte
	crand.Read(seed[:])
	rand.New(rand.NewChaCha8(seed)).Shuffle(len(rc.Texts), func(i, j int) { rc.Texts[i], rc.Texts[j] = rc.Texts[j], rc.Texts[i] })
	b, err := json.Marshal(rc)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE releases SET comments = $2 WHERE assessment_id = $1", a.ID, string(b)); err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, "DELETE FROM comments WHERE assessment_id = $1", a.ID)
	return err
}

// decodeComments reads a release's comments column; nil when it has none.
func decodeComments(s string) (*ReleasedComments, error) {
	if s == "" {
		return nil, nil
	}
	var rc ReleasedComments
	if err := json.Unmarshal([]byte(s), &rc); err != nil {
		return nil, fmt.Errorf("the comments of a release: %w", err)
	}
	return &rc, nil
}
