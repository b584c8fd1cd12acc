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
// its one counter row (each holds the row lock until it commits, fsync
// included), so each transaction picks one of countShards rows at random
// and reads sum them: with at most postgresWriters transactions writing at
// once, two rarely pick the same row. (SQLite, with its one writer, does
// not need them; they cost it nothing.)
const countShards = 64

// shard is the counter row a transaction updates.
func shard() int { return rand.IntN(countShards) }

// countsSQL reads an assessment's counters: invited, then responses.
// Invitations whose tokens were lost (sealed.go) are not counted as invited.
const countsSQL = `(SELECT COALESCE(SUM(c.invited), 0) FROM participation_counts c WHERE c.assessment_id = a.id AND c.attribute = '') - ` + orphanedInvitations + `,
	(SELECT COALESCE(SUM(c.responses), 0) FROM participation_counts c WHERE c.assessment_id = a.id AND c.attribute = '')`

// openOnly makes a submission's counts conditional on the assessment being
// open, read by the counting statement itself: on PostgreSQL a submission
// whose insert had to wait for a closing transaction (CloseAssessment locks
// the row) sees it closed here and is refused, so a release always holds
// every response of its assessment.
const openOnly = "EXISTS (SELECT 1 FROM assessments WHERE id = CAST($1 AS BIGINT) AND status = 'open')"

// addCounts adds to an assessment's counters in tx, in one statement (one
// round trip on the submission path): responses and invited to its totals
// (the row with an empty attribute), and values (attribute name and value →
// responses) to its per-value counts. Blank values are not counted. With
// ifOpen, nothing is added and cxm.ErrClosed returned unless the assessment
// is open. Rows are listed in one order (totals, then values sorted) so
// concurrent transactions on the same shard cannot deadlock.
func addCounts(ctx context.Context, tx *sql.Tx, shard int, assessmentID int64, responses, invited int, values map[[2]string]int, ifOpen bool) error {
	if responses == 0 && invited == 0 {
		return nil
	}
	keys := make([][2]string, 0, len(values))
	for k, n := range values {
		if k[0] != "" && k[1] != "" && n != 0 {
			keys = append(keys, k)
		}
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	cond := "TRUE"
	if ifOpen {
		cond = openOnly
	}
	var b strings.Builder
	b.WriteString(`INSERT INTO participation_counts (assessment_id, attribute, value, shard, responses, invited)
		SELECT CAST($1 AS BIGINT), '', '', CAST($2 AS INTEGER), CAST($3 AS BIGINT), CAST($4 AS BIGINT) WHERE ` + cond)
	args := []any{assessmentID, shard, responses, invited}
	for _, k := range keys {
		n := len(args)
		fmt.Fprintf(&b, "\n\t\tUNION ALL SELECT CAST($1 AS BIGINT), CAST($%d AS TEXT), CAST($%d AS TEXT), CAST($2 AS INTEGER), CAST($%d AS BIGINT), 0 WHERE %s",
			n+1, n+2, n+3, cond)
		args = append(args, k[0], k[1], values[k])
	}
	b.WriteString(`
		ON CONFLICT (assessment_id, attribute, value, shard) DO UPDATE
		SET responses = participation_counts.responses + excluded.responses, invited = participation_counts.invited + excluded.invited`)
	res, err := tx.ExecContext(ctx, b.String(), args...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return cxm.ErrClosed
	}
	return nil
}

// countSubmissions counts the accepted submissions (err nil) of one
// transaction, once per assessment: a group commit of 128 submissions on
// SQLite costs two statements, not 256. An assessment no longer open is
// cxm.ErrClosed and spoils the transaction (its submissions are then
// retried one by one, and refused).
func countSubmissions(ctx context.Context, tx *sql.Tx, subs []*submission) error {
	type counts struct {
		n      int
		values map[[2]string]int
	}
	per := map[int64]*counts{}
	var ids []int64
	for _, s := range subs {
		if s.err != nil {
			continue
		}
		c := per[s.assessmentID]
		if c == nil {
			c = &counts{values: map[[2]string]int{}}
			per[s.assessmentID] = c
			ids = append(ids, s.assessmentID)
		}
		var m map[string]string
		if err := json.Unmarshal([]byte(s.attrs), &m); err != nil {
			return fmt.Errorf("response attributes: %w", err)
		}
		c.n++
		for k, v := range m {
			c.values[[2]string{k, v}]++
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	sh := shard()
	for _, id := range ids {
		if err := addCounts(ctx, tx, sh, id, per[id].n, 0, per[id].values, true); err != nil {
			return err
		}
	}
	return nil
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
	err = db.readRows(ctx, `SELECT attribute, value, SUM(responses) FROM participation_counts
		WHERE assessment_id = $1 AND attribute <> '' GROUP BY attribute, value`, []any{assessmentID}, func(rows *sql.Rows) error {
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
