package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
)

// Imported responses (migration 0012): answers collected elsewhere, stored
// like submitted ones (random ids, no timestamp, nothing naming the file or
// the row they came from), and one audit row per import saying how many,
// by whom and when.

// ResponseImport is the audit line of one import.
type ResponseImport struct {
	By        string    `json:"by"`
	At        time.Time `json:"at"`
	Responses int       `json:"responses"`
}

// ImportResponses stores responses read from a file into an open
// assessment, all or none, and records the import. Each counts as one
// response and one person invited (asked on paper or elsewhere), so the
// response rate stays a share of those asked. An unknown assessment is
// cxm.ErrNotFound, one not open cxm.ErrClosed (checked by the statement
// that counts them, as for submissions: a close that commits first wins).
func (db *DB) ImportResponses(ctx context.Context, assessmentID int64, rs []cxm.StoredResponse, by string, at time.Time) error {
	if len(rs) == 0 {
		return fmt.Errorf("an import needs at least one response")
	}
	encs, values, err := encodeResponses(rs)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkOpen(ctx, tx, assessmentID); err != nil {
			return err
		}
		if err := insertResponses(ctx, tx, assessmentID, encs); err != nil {
			return err
		}
		if err := addCounts(ctx, tx, shard(), assessmentID, len(rs), len(rs), values, true); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `INSERT INTO response_imports (assessment_id, imported_by, imported_at, responses)
			VALUES ($1, $2, $3, $4)`, assessmentID, by, ts(at), len(rs))
		return err
	})
}

// ResponseImports lists an assessment's imports, oldest first.
func (db *DB) ResponseImports(ctx context.Context, assessmentID int64) ([]ResponseImport, error) {
	var out []ResponseImport
	err := db.readRows(ctx, `SELECT imported_by, imported_at, responses FROM response_imports
		WHERE assessment_id = $1 ORDER BY imported_at, id`, []any{assessmentID}, func(rows *sql.Rows) error {
		var im ResponseImport
		if err := rows.Scan(&im.By, (*timeCol)(&im.At), &im.Responses); err != nil {
			return err
		}
		out = append(out, im)
		return nil
	})
	return out, err
}

// MaxWelcome is the longest welcome text, in characters.
const MaxWelcome = 2000

// Welcome returns an assessment's welcome text, "" when it has none.
func (db *DB) Welcome(ctx context.Context, assessmentID int64) (string, error) {
	var text string
	err := db.readRow(ctx, "SELECT welcome FROM assessment_welcome WHERE assessment_id = $1", []any{assessmentID},
		func(sc scanner) error { return sc.Scan(&text) })
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return text, err
}

// SetWelcome sets an assessment's welcome text; blank removes it. An
// unknown assessment is cxm.ErrNotFound.
func (db *DB) SetWelcome(ctx context.Context, assessmentID int64, text string) error {
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n > MaxWelcome {
		return fmt.Errorf("a welcome text has at most %d characters, not %d", MaxWelcome, n)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM assessments WHERE id = $1", assessmentID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cxm.ErrNotFound
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM assessment_welcome WHERE assessment_id = $1", assessmentID); err != nil {
			return err
		}
		if text == "" {
			return nil
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO assessment_welcome (assessment_id, welcome) VALUES ($1, $2)", assessmentID, text)
		return err
	})
}
