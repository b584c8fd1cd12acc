package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
)

// Participation counters (migration 0005): responses per assessment and per
// attribute value, invitations per assessment. They are updated in the
// transaction that adds the rows they count, so every read of an assessment
// or of its participation sums a few counter rows instead of counting its
// responses.
//
// On PostgreSQL concurrent submissions to one assessment would all queue on
// its one counter row (each holds the row lock until it commits), so each
// transaction picks one of countShards rows at random and reads sum them.
// (SQLite, with its one writer, does not need them; they cost it nothing.)
const countShards = 8

// shard is the counter row a transaction updates.
func shard() int { return rand.IntN(countShards) }

// countsSQL reads an assessment's counters: invited, then responses.
const countsSQL = `(SELECT COALESCE(SUM(c.invited), 0) FROM assessment_counts c WHERE c.assessment_id = a.id),
	(SELECT COALESCE(SUM(c.responses), 0) FROM assessment_counts c WHERE c.assessment_id = a.id)`

// addCounts adds to an assessment's counters in tx: responses and invited
// to its totals, and values (attribute name and value → responses) to its
// per-value counts. Blank values are not counted. Rows are written in one
// order (totals, then values sorted) so concurrent transactions on the
// same shard cannot deadlock.
func addCounts(ctx context.Context, tx *sql.Tx, shard int, assessmentID int64, responses, invited int, values map[[2]string]int) error {
	if responses == 0 && invited == 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO assessment_counts (assessment_id, shard, responses, invited) VALUES ($1, $2, $3, $4)
		ON CONFLICT (assessment_id, shard) DO UPDATE SET responses = assessment_counts.responses + excluded.responses,
			invited = assessment_counts.invited + excluded.invited`, assessmentID, shard, responses, invited); err != nil {
		return err
	}
	keys := make([][2]string, 0, len(values))
	for k, n := range values {
		if k[1] != "" && n != 0 {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	var q strings.Builder
	q.WriteString("INSERT INTO attribute_counts (assessment_id, shard, attribute, value, responses) VALUES ")
	args := []any{assessmentID, shard}
	for i, k := range keys {
		if i > 0 {
			q.WriteString(", ")
		}
		fmt.Fprintf(&q, "($1, $2, $%d, $%d, $%d)", len(args)+1, len(args)+2, len(args)+3)
		args = append(args, k[0], k[1], values[k])
	}
	q.WriteString(` ON CONFLICT (assessment_id, attribute, value, shard) DO UPDATE
		SET responses = attribute_counts.responses + excluded.responses`)
	_, err := tx.ExecContext(ctx, q.String(), args...)
	return err
}

// countSubmission counts one submitted response (its attributes as stored,
// a JSON object) in the submitting transaction. The assessment is read
// again first: on PostgreSQL a submission whose insert had to wait for a
// closing transaction (CloseAssessment locks the row) sees it closed here
// and is refused with cxm.ErrClosed, so a release always holds every
// response of its assessment.
func countSubmission(ctx context.Context, tx *sql.Tx, assessmentID int64, attrs string) error {
	var status string
	if err := tx.QueryRowContext(ctx, "SELECT status FROM assessments WHERE id = $1", assessmentID).Scan(&status); err != nil {
		return notFound(err)
	}
	if status != string(cxm.StatusOpen) {
		return cxm.ErrClosed
	}
	var m map[string]string
	if err := json.Unmarshal([]byte(attrs), &m); err != nil {
		return fmt.Errorf("response attributes: %w", err)
	}
	values := make(map[[2]string]int, len(m))
	for k, v := range m {
		values[[2]string{k, v}] = 1
	}
	return addCounts(ctx, tx, shard(), assessmentID, 1, 0, values)
}

// Participation is what may be known of an open assessment (scoring.md
// 4.12): how many responded and were invited, and responses per attribute
// value. It is never a figure.
type Participation struct {
	Responses, Invited int
	// By maps an attribute name to its values' response counts; a value
	// nobody chose is absent.
	By map[string]map[string]int
}

// Participation reads an assessment's counters. An unknown assessment is
// cxm.ErrNotFound.
func (db *DB) Participation(ctx context.Context, assessmentID int64) (Participation, error) {
	p := Participation{By: map[string]map[string]int{}}
	err := db.readRow(ctx, "SELECT "+countsSQL+" FROM assessments a WHERE a.id = $1", []any{assessmentID},
		func(sc scanner) error { return sc.Scan(&p.Invited, &p.Responses) })
	if err != nil {
		return p, notFound(err)
	}
	err = db.readRows(ctx, `SELECT attribute, value, SUM(responses) FROM attribute_counts WHERE assessment_id = $1
		GROUP BY attribute, value`, []any{assessmentID}, func(rows *sql.Rows) error {
		var attr, value string
		var n int
		if err := rows.Scan(&attr, &value, &n); err != nil {
			return err
		}
		if p.By[attr] == nil {
			p.By[attr] = map[string]int{}
		}
		p.By[attr][value] = n
		return nil
	})
	return p, err
}
