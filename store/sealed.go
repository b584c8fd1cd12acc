package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// Sealed invitations and their mail queue (api.md "Sealed invitations and
// mail", docs/operations.md). The property: no row and no transaction ever
// holds an address together with a token or its hash. A request writes the
// addresses as a batch (QueueSealedInvitations). The instance whose mail
// worker takes the batch's lease makes one token per unsent address, writes
// their hashes together, sorted (MintSealedTokens: no address), and pairs
// tokens and addresses only in its memory while it sends. An instance that
// takes over an expired lease mints again for the addresses still unsent;
// the hashes whose tokens died with the previous holder are counted as
// orphaned so that "invited" stays right.

// Kinds of mail batch.
const (
	MailInvitation = "invitation"
	MailReminder   = "reminder"
)

// MailBatch is a batch of mail as its lease holder sees it.
type MailBatch struct {
	ID, AssessmentID int64
	Kind             string // MailInvitation or MailReminder
	Minted           bool   // tokens were made for its unsent addresses
	CreatedAt        time.Time
}

// MailRecipient is one address of a batch, never with a token.
type MailRecipient struct {
	ID        int64
	Address   string
	InvitedOn string // YYYY-MM-DD: the day of the invitation
	Attempts  int
	NextTry   *time.Time // nil: now
}

// MailStatus counts an assessment's mail.
type MailStatus struct {
	Invitations struct{ Queued, Sent, Failed int }
	Reminders   int // reminder batches queued so far
}

// AddressError is a sealed invitation refused for one address.
type AddressError struct {
	Index   int
	Address string
	Reason  string
}

func (e *AddressError) Error() string { return fmt.Sprintf("%s: %s", e.Address, e.Reason) }

// orphanedInvitations is the SQL count of an assessment a's invitations
// whose tokens were lost before they were sent (in assessmentCountCols).
const orphanedInvitations = `(SELECT COALESCE(SUM(b.orphaned), 0) FROM mail_batches b WHERE b.assessment_id = a.id)`

// QueueSealedInvitations stores addresses (normalized, distinct) as a batch
// of sealed invitations to an open assessment, in one transaction that
// holds no token or hash; the mail worker mints and sends. An address
// already invited to this assessment is an *AddressError, an unknown
// assessment cxm.ErrNotFound, a closed one cxm.ErrClosed.
func (db *DB) QueueSealedInvitations(ctx context.Context, assessmentID int64, addresses []string, now time.Time) (int64, error) {
	if len(addresses) == 0 {
		return 0, errors.New("no address to invite")
	}
	now = ts(now)
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkOpen(ctx, tx, assessmentID); err != nil {
			return err
		}
		invited, err := invitedAddresses(ctx, tx, assessmentID)
		if err != nil {
			return err
		}
		for i, a := range addresses {
			if invited[a] {
				return &AddressError{Index: i, Address: a, Reason: "was sent a sealed invitation to this assessment already"}
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO mail_batches (assessment_id, kind, created_at)
			VALUES ($1, 'invitation', $2) RETURNING id`, assessmentID, now).Scan(&id); err != nil {
			return err
		}
		return insertRecipients(ctx, tx, id, addresses, now.Format(time.DateOnly))
	})
	return id, err
}

func invitedAddresses(ctx context.Context, tx *sql.Tx, assessmentID int64) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.address FROM mail_recipients r JOIN mail_batches b ON b.id = r.batch_id
		WHERE b.assessment_id = $1 AND b.kind = 'invitation'`, assessmentID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	m := map[string]bool{}
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		m[a] = true
	}
	return m, rows.Err()
}

func insertRecipients(ctx context.Context, tx *sql.Tx, batchID int64, addresses []string, day string) error {
	const chunk = 300
	var q strings.Builder
	for start := 0; start < len(addresses); start += chunk {
		part := addresses[start:min(start+chunk, len(addresses))]
		q.Reset()
		q.WriteString("INSERT INTO mail_recipients (batch_id, invited_on, address) VALUES ")
		args := []any{batchID, day}
		for i, a := range part {
			if i > 0 {
				q.WriteString(", ")
			}
			fmt.Fprintf(&q, "($1, $2, $%d)", 3+i)
			args = append(args, a)
		}
		if _, err := tx.ExecContext(ctx, q.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// QueueReminders queues one reminder to every address of the assessment's
// sealed invitations that were sent, and returns how many. Nothing says who
// has answered, so everyone is reminded. An unknown assessment is
// cxm.ErrNotFound, a closed one cxm.ErrClosed.
func (db *DB) QueueReminders(ctx context.Context, assessmentID int64, now time.Time) (int, error) {
	now = ts(now)
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := checkOpen(ctx, tx, assessmentID); err != nil {
			return err
		}
		var id int64
		if err := tx.QueryRowContext(ctx, `INSERT INTO mail_batches (assessment_id, kind, created_at)
			VALUES ($1, 'reminder', $2) RETURNING id`, assessmentID, now).Scan(&id); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO mail_recipients (batch_id, address, invited_on)
			SELECT $1, r.address, r.invited_on FROM mail_recipients r JOIN mail_batches b ON b.id = r.batch_id
			WHERE b.assessment_id = $2 AND b.kind = 'invitation' AND r.state = 'sent' ORDER BY r.address`, id, assessmentID)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n > 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, "DELETE FROM mail_batches WHERE id = $1", id)
		return err
	})
	return int(n), err
}

// ClaimMailBatch gives owner the lease of one batch that is not done and
// whose lease is free or expired, until now+lease; ok is false when there
// is none. The UPDATE checks the lease again on the row it changes, so of
// instances racing for a batch on PostgreSQL exactly one gets it.
func (db *DB) ClaimMailBatch(ctx context.Context, owner string, now time.Time, lease time.Duration) (b MailBatch, ok bool, err error) {
	now = ts(now)
	err = db.writeRow(ctx, `UPDATE mail_batches SET lease_owner = $1, lease_until = $2
		WHERE id = (SELECT id FROM mail_batches WHERE NOT done AND (lease_until IS NULL OR lease_until < $3) ORDER BY id LIMIT 1)
		AND NOT done AND (lease_until IS NULL OR lease_until < $3)
		RETURNING id, assessment_id, kind, minted, created_at`,
		[]any{owner, now.Add(lease), now}, &b.ID, &b.AssessmentID, &b.Kind, &b.Minted, (*timeCol)(&b.CreatedAt))
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	return b, err == nil, err
}

// RenewMailLease extends owner's lease of a batch to now+lease; false when
// owner no longer holds it (it expired and may have been taken).
func (db *DB) RenewMailLease(ctx context.Context, batchID int64, owner string, now time.Time, lease time.Duration) (bool, error) {
	now = ts(now)
	n, err := db.execN(ctx, `UPDATE mail_batches SET lease_until = $3
		WHERE id = $1 AND lease_owner = $2 AND lease_until >= $4 AND NOT done`, batchID, owner, now.Add(lease), now)
	return n == 1, err
}

// QueuedRecipients returns a batch's addresses not yet sent nor failed.
func (db *DB) QueuedRecipients(ctx context.Context, batchID int64) ([]MailRecipient, error) {
	var list []MailRecipient
	err := db.readRows(ctx, `SELECT id, address, invited_on, attempts, next_try FROM mail_recipients
		WHERE batch_id = $1 AND state = 'queued' ORDER BY id`, []any{batchID}, func(rows *sql.Rows) error {
		var r MailRecipient
		if err := rows.Scan(&r.ID, &r.Address, &r.InvitedOn, &r.Attempts, nullTimeCol{&r.NextTry}); err != nil {
			return err
		}
		list = append(list, r)
		return nil
	})
	return list, err
}

// MintSealedTokens writes the hashes of the tokens owner made for a batch's
// queued addresses, all in one transaction, sorted by hash, with no address.
// When tokens had been minted for the batch before (by a holder that lost
// them), the previous ones for these addresses are counted as orphaned.
// False when owner no longer holds the lease or the assessment is closed.
func (db *DB) MintSealedTokens(ctx context.Context, batchID int64, owner string, hashes [][]byte, now time.Time) (bool, error) {
	ok := false
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var assessmentID int64
		err := tx.QueryRowContext(ctx, `UPDATE mail_batches
			SET orphaned = orphaned + CASE WHEN minted THEN $3 ELSE 0 END, minted = TRUE
			WHERE id = $1 AND lease_owner = $2 AND lease_until >= $4 AND NOT done RETURNING assessment_id`,
			batchID, owner, len(hashes), ts(now)).Scan(&assessmentID)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		if err := checkOpen(ctx, tx, assessmentID); errors.Is(err, cxm.ErrClosed) {
			return errRollback
		} else if err != nil {
			return err
		}
		ok = true
		return insertInvitations(ctx, tx, assessmentID, hashes, ts(now))
	})
	if errors.Is(err, errRollback) {
		return false, nil
	}
	return ok, err
}

var errRollback = errors.New("rollback")

// MarkMailSent records that the SMTP server accepted a recipient's message:
// it is never sent again.
func (db *DB) MarkMailSent(ctx context.Context, recipientID int64) error {
	return db.execOne(ctx, "UPDATE mail_recipients SET state = 'sent', next_try = NULL, error = '' WHERE id = $1", recipientID)
}

// MarkMailRetry records a failed attempt to be tried again at next.
func (db *DB) MarkMailRetry(ctx context.Context, recipientID int64, next time.Time, reason string) error {
	return db.execOne(ctx, "UPDATE mail_recipients SET attempts = attempts + 1, next_try = $2, error = $3 WHERE id = $1",
		recipientID, ts(next), clip(reason))
}

// MarkMailFailed gives up on a recipient. Its invitation's token, if one
// was minted, is lost: counted as orphaned.
func (db *DB) MarkMailFailed(ctx context.Context, batchID, recipientID int64, reason string) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE mail_recipients SET state = 'failed', attempts = attempts + 1, next_try = NULL, error = $2 WHERE id = $1",
			recipientID, clip(reason)); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "UPDATE mail_batches SET orphaned = orphaned + 1 WHERE id = $1 AND minted AND kind = 'invitation'", batchID)
		return err
	})
}

func clip(s string) string {
	if len(s) > 500 {
		return strings.ToValidUTF8(s[:500], "")
	}
	return s
}

// FinishMailBatch marks owner's batch done when nothing is left queued and
// frees its lease; false otherwise.
func (db *DB) FinishMailBatch(ctx context.Context, batchID int64, owner string) (bool, error) {
	n, err := db.execN(ctx, `UPDATE mail_batches SET done = TRUE, lease_owner = '', lease_until = NULL
		WHERE id = $1 AND lease_owner = $2 AND NOT EXISTS (SELECT 1 FROM mail_recipients WHERE batch_id = $1 AND state = 'queued')`,
		batchID, owner)
	return n == 1, err
}

// PurgeClosedAddresses deletes the addresses of assessments that are no
// longer open (they were kept only for reminders) and ends their batches.
// On SQLite it then checkpoints and truncates the WAL, whose frames held
// them. It returns how many addresses it deleted.
func (db *DB) PurgeClosedAddresses(ctx context.Context) (int64, error) {
	var n int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM mail_recipients WHERE batch_id IN (SELECT b.id FROM mail_batches b
			JOIN assessments a ON a.id = b.assessment_id WHERE a.status <> 'open')`)
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil || n == 0 {
			return err
		}
		_, err = tx.ExecContext(ctx, `UPDATE mail_batches SET done = TRUE, lease_owner = '', lease_until = NULL
			WHERE assessment_id IN (SELECT id FROM assessments WHERE status <> 'open')`)
		return err
	})
	if err != nil || n == 0 {
		return n, err
	}
	return n, db.TruncateWAL(ctx)
}

// TruncateWAL checkpoints SQLite's write-ahead log into the database and
// empties it, so old versions of pages (deleted addresses, used
// invitations) no longer sit in cxm.db-wal. It does nothing on PostgreSQL.
// A reader holding an old snapshot can keep frames in the log: then it
// returns nil and the next call finishes the job.
func (db *DB) TruncateWAL(ctx context.Context) error {
	if db.engine != SQLite {
		return nil
	}
	return db.withWriter(ctx, func() error {
		_, err := db.w.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
		return err
	})
}

// MailStatusOf counts an assessment's sealed invitations by state.
func (db *DB) MailStatusOf(ctx context.Context, assessmentID int64) (MailStatus, error) {
	var st MailStatus
	err := db.readRows(ctx, `SELECT b.kind, r.state, COUNT(*) FROM mail_recipients r JOIN mail_batches b ON b.id = r.batch_id
		WHERE b.assessment_id = $1 GROUP BY b.kind, r.state`, []any{assessmentID}, func(rows *sql.Rows) error {
		var kind, state string
		var n int
		if err := rows.Scan(&kind, &state, &n); err != nil {
			return err
		}
		if kind == MailInvitation {
			switch state {
			case "queued":
				st.Invitations.Queued = n
			case "sent":
				st.Invitations.Sent = n
			case "failed":
				st.Invitations.Failed = n
			}
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	st.Reminders, err = db.count(ctx, "SELECT COUNT(*) FROM mail_batches WHERE assessment_id = $1 AND kind = 'reminder'", assessmentID)
	return st, err
}

// vacuumAfter rewrites what migration 0004 left in old row versions:
// addresses next to token hashes, sequential response ids. On SQLite,
// VACUUM rebuilds the file and the WAL is emptied. On PostgreSQL, DROP
// COLUMN leaves the values in every tuple and an UPDATE leaves the old
// tuple behind: VACUUM FULL rewrites the two tables (setting dropped
// columns to null) and frees the old files. Both lock the database or the
// tables while they run, once, at the upgrade.
func (db *DB) vacuumAfter(ctx context.Context, applied []int) error {
	if !slices.Contains(applied, 4) {
		return nil
	}
	stmt := "VACUUM"
	if db.engine == Postgres {
		stmt = "VACUUM FULL invitations, responses"
	}
	err := db.withWriter(ctx, func() error {
		_, err := db.w.ExecContext(ctx, stmt)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s after migration 0004: %w", stmt, err)
	}
	return db.TruncateWAL(ctx)
}

// ReleaseMailLease gives up owner's lease of a batch at once (a worker
// stopping), so another instance takes it over without waiting for expiry.
func (db *DB) ReleaseMailLease(ctx context.Context, batchID int64, owner string) error {
	_, err := db.exec(ctx, "UPDATE mail_batches SET lease_owner = '', lease_until = NULL WHERE id = $1 AND lease_owner = $2", batchID, owner)
	return err
}
