package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// ThrottleRule is one counter a login attempt is charged to, and what its
// failures cost: the first Free failures nothing; then the next attempt
// may not start before Base after the last failure, doubling with every
// further failure, up to Cap. A counter untouched for Forget starts again
// from zero.
type ThrottleRule struct {
	Key       string
	Free      int
	Base, Cap time.Duration
	Forget    time.Duration
	// Refuse: an attempt that comes too early is refused. Otherwise it is
	// only slowed down: allowed, and told how long to wait first.
	Refuse bool
}

// Delay is how long after its failures-th failure the next attempt under
// the rule must wait.
func (r ThrottleRule) Delay(failures int) time.Duration {
	if failures < r.Free {
		return 0
	}
	d := r.Base
	for i := r.Free; i < failures && d < r.Cap; i++ {
		d *= 2
	}
	return min(d, r.Cap)
}

// Attempt is what BeginLogin decided.
type Attempt struct {
	Allowed    bool
	RetryAfter time.Duration // refused: how long until the refusing rule lets an attempt through
	Refused    string        // refused: the key of the rule that refused
	Wait       time.Duration // allowed: how long to wait before checking the password (rules that slow down)
}

// BeginLogin checks a login attempt at now against every rule and, when it
// is allowed, charges it to every counter as a failure, all in one
// transaction: of many concurrent attempts (across instances on one
// PostgreSQL too) exactly as many pass as the rules allow. The caller
// checks the password only after, and calls EndLogin to take the charge
// back when it was right. A refused attempt changes nothing.
func (db *DB) BeginLogin(ctx context.Context, now time.Time, rules []ThrottleRule) (Attempt, error) {
	now = ts(now)
	// Rows are locked in key order, so concurrent attempts cannot deadlock.
	rules = slices.Clone(rules)
	slices.SortFunc(rules, func(a, b ThrottleRule) int { return strings.Compare(a.Key, b.Key) })
	var att Attempt
	err := db.tx(ctx, func(tx *sql.Tx) error {
		att = Attempt{Allowed: true}
		counts := make([]int, len(rules))
		for i, rule := range rules {
			// The upsert creates the row or locks it (PostgreSQL) and
			// returns it as it is now.
			var failures int
			var notBefore, updated time.Time
			err := tx.QueryRowContext(ctx, `INSERT INTO login_throttle (throttle_key, failures, not_before, updated_at)
				VALUES ($1, 0, $2, $2)
				ON CONFLICT (throttle_key) DO UPDATE SET throttle_key = excluded.throttle_key
				RETURNING failures, not_before, updated_at`, rule.Key, now).
				Scan(&failures, (*timeCol)(&notBefore), (*timeCol)(&updated))
			if err != nil {
				return err
			}
			if now.Sub(updated) >= rule.Forget {
				failures, notBefore = 0, now
			}
			counts[i] = failures
			wait := notBefore.Sub(now)
			switch {
			case wait <= 0:
			case rule.Refuse && wait > att.RetryAfter:
				att.Allowed, att.RetryAfter, att.Refused = false, wait, rule.Key
			case !rule.Refuse:
				att.Wait = max(att.Wait, wait)
			}
		}
		if !att.Allowed {
			att.Wait = 0
			return nil
		}
		for i, rule := range rules {
			f := counts[i] + 1
			if _, err := tx.ExecContext(ctx, `UPDATE login_throttle SET failures = $2, not_before = $3, updated_at = $4
				WHERE throttle_key = $1`, rule.Key, f, now.Add(rule.Delay(f)), now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return Attempt{}, err
	}
	return att, nil
}

// EndLogin settles an attempt that BeginLogin allowed: the counters under
// reset are cleared (the password was right), and those under undo have
// this attempt's charge taken back. Then up to 100 counters untouched
// since before are forgotten.
func (db *DB) EndLogin(ctx context.Context, reset, undo []string, before time.Time) error {
	type op struct {
		key   string
		reset bool
	}
	var ops []op
	for _, k := range reset {
		ops = append(ops, op{k, true})
	}
	for _, k := range undo {
		ops = append(ops, op{k, false})
	}
	// Key order, as in BeginLogin, so the two cannot deadlock.
	slices.SortFunc(ops, func(a, b op) int { return strings.Compare(a.key, b.key) })
	err := db.tx(ctx, func(tx *sql.Tx) error {
		for _, o := range ops {
			q := `UPDATE login_throttle SET failures = CASE WHEN failures > 0 THEN failures - 1 ELSE 0 END WHERE throttle_key = $1`
			if o.reset {
				q = "DELETE FROM login_throttle WHERE throttle_key = $1"
			}
			if _, err := tx.ExecContext(ctx, q, o.key); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return db.pruneLoginThrottle(ctx, before)
}

// pruneLoginThrottle deletes up to 100 counters untouched since before,
// one statement each: it never holds a row's lock while it waits for
// another's, so it cannot deadlock with a login.
func (db *DB) pruneLoginThrottle(ctx context.Context, before time.Time) error {
	var keys []string
	err := db.readRows(ctx, "SELECT throttle_key FROM login_throttle WHERE updated_at < $1 ORDER BY throttle_key LIMIT 100",
		[]any{ts(before)}, func(rows *sql.Rows) error {
			var k string
			err := rows.Scan(&k)
			keys = append(keys, k)
			return err
		})
	for _, k := range keys {
		if err != nil {
			break
		}
		_, err = db.exec(ctx, "DELETE FROM login_throttle WHERE throttle_key = $1 AND updated_at < $2", k, ts(before))
	}
	return err
}

// LoginFailures is the failure count under key (0 for none); for tests and
// operators.
func (db *DB) LoginFailures(ctx context.Context, key string) (int, error) {
	var n int
	err := db.readRow(ctx, "SELECT failures FROM login_throttle WHERE throttle_key = $1", []any{key},
		func(sc scanner) error { return sc.Scan(&n) })
	if err == sql.ErrNoRows {
		return 0, nil
	}
	return n, err
}
