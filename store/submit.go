package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/binary"
	"errors"

	"github.com/cxmhq/cxm"
)

// Submissions are committed in groups: each SubmitResponse queues its
// submission, and whoever gets the writer first commits everything queued
// in one transaction (up to sqliteSubmitBatch), then wakes the submitters. Under
// load one commit serves many respondents; alone, a submitter commits its own
// at once. Each submission keeps its own outcome: one that fails its checks
// (used, closed, unknown) writes nothing and does not disturb the others, and
// if the transaction itself fails, each of its submissions is retried alone.

// Most submissions one transaction commits. On SQLite, with its one writer,
// batching multiplies throughput (about 3x in BenchmarkSubmitParallel).
// PostgreSQL commits one per transaction: its connections already work in
// parallel, and there batches of 128 made the benchmark about 10x slower
// (long concurrent transactions all taking the foreign-key share lock on
// the same assessment row is the likely cause).
const (
	sqliteSubmitBatch   = 128
	postgresSubmitBatch = 1
)

// submission is one queued SubmitResponse.
type submission struct {
	invitationID, assessmentID int64
	attrs, answers             string
	err                        error
	done                       chan struct{}
}

// The statements of a submission: use up the invitation (if unused and its
// assessment open), and store the response.
const (
	// Using up an invitation deletes its open row (and with it the draft)
	// and writes nothing else visible: see migration 0003.
	submitUse = `DELETE FROM open_invitations WHERE invitation_id = $1
		AND EXISTS (SELECT 1 FROM invitations i JOIN assessments a ON a.id = i.assessment_id
			WHERE i.id = $1 AND i.assessment_id = $2 AND a.status = 'open')`
	submitInsert = "INSERT INTO responses (id, assessment_id, attributes, answers) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING"
)

// responseID is a new response's id: 63 random bits, so ids (and the order
// rows take in SQLite's table) say nothing of the order of submissions.
func responseID() int64 {
	var b [8]byte
	rand.Read(b[:])
	return int64(binary.BigEndian.Uint64(b[:])>>1) | 1
}

// insertResponse inserts one response under a random id, drawing again in
// the (2^-62-unlikely) case the id is taken.
func insertResponse(ctx context.Context, insert *sql.Stmt, assessmentID int64, attrs, answers string) error {
	for range 8 {
		res, err := insert.ExecContext(ctx, responseID(), assessmentID, attrs, answers)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
	}
	return errors.New("no free response id after 8 draws")
}

// SubmitResponse stores a respondent's response and uses up their
// invitation, atomically: the invitation is marked used (only if it was not:
// a used one is cxm.ErrConflict), its draft cleared, and the response
// inserted with nothing that links it back to the invitation. An invitation
// unknown or of another assessment is cxm.ErrNotFound; an assessment that is
// not open is cxm.ErrClosed. When it returns nil the response is committed.
func (db *DB) SubmitResponse(ctx context.Context, invitationID, assessmentID int64, r cxm.StoredResponse) error {
	attrs, answers, err := encodeResponse(r)
	if err != nil {
		return err
	}
	// Prepared before taking the writer (preparing takes it).
	use, err := db.prepared(ctx, true, submitUse)
	if err != nil {
		return err
	}
	insert, err := db.prepared(ctx, true, submitInsert)
	if err != nil {
		return err
	}
	s := &submission{invitationID: invitationID, assessmentID: assessmentID, attrs: attrs, answers: answers,
		done: make(chan struct{})}
	if db.submitBatch <= 1 {
		// No group commit: a transaction of its own.
		return db.tx(ctx, func(tx *sql.Tx) error {
			if err := submitOne(ctx, tx, tx.StmtContext(ctx, use), tx.StmtContext(ctx, insert), s); err != nil {
				return err
			}
			if s.err != nil {
				return s.err
			}
			return countSubmissions(ctx, tx, []*submission{s}) // participation counters (counts.go)
		})
	}
	db.submitMu.Lock()
	db.submits = append(db.submits, s)
	db.submitMu.Unlock()

	for {
		select {
		case <-s.done:
			return s.err
		case <-ctx.Done():
			if db.withdraw(s) {
				return ctx.Err()
			}
			<-s.done // a commit has it already
			return s.err
		case db.wsem <- struct{}{}:
		}
		// This caller's turn on the writer: commit what is queued, oldest
		// first (its own submission among them unless an earlier turn took
		// it), and go round again until its own is committed.
		db.submitMu.Lock()
		n := min(len(db.submits), db.submitBatch)
		batch := make([]*submission, n)
		copy(batch, db.submits)
		db.submits = append(db.submits[:0], db.submits[n:]...)
		db.submitMu.Unlock()
		if len(batch) == 0 {
			// Nothing queued: another turn is committing this one.
			<-db.wsem
			<-s.done
			return s.err
		}
		db.commitSubmissions(context.WithoutCancel(ctx), use, insert, batch)
		<-db.wsem
	}
}

// withdraw takes s off the queue; false when a commit has taken it.
func (db *DB) withdraw(s *submission) bool {
	db.submitMu.Lock()
	defer db.submitMu.Unlock()
	for i, q := range db.submits {
		if q == s {
			db.submits = append(db.submits[:i], db.submits[i+1:]...)
			return true
		}
	}
	return false
}

// commitSubmissions commits a batch in one transaction, the caller holding
// the writer, sets each submission's outcome and wakes its submitter.
func (db *DB) commitSubmissions(ctx context.Context, use, insert *sql.Stmt, batch []*submission) {
	err := db.txHeld(ctx, func(tx *sql.Tx) error {
		use, insert := tx.StmtContext(ctx, use), tx.StmtContext(ctx, insert)
		for _, s := range batch {
			if err := submitOne(ctx, tx, use, insert, s); err != nil {
				return err
			}
		}
		return countSubmissions(ctx, tx, batch) // participation counters (counts.go)
	})
	if err != nil {
		if len(batch) == 1 {
			batch[0].err = err
		} else {
			// Something unexpected failed and took the transaction with it:
			// each submission alone, so only the faulty one fails.
			for _, s := range batch {
				db.commitSubmissions(ctx, use, insert, []*submission{s})
			}
			return
		}
	}
	for _, s := range batch {
		close(s.done)
	}
}

// submitOne runs one submission in tx. A refusal (used, closed, unknown)
// writes nothing and is left in s.err; any other error is returned and
// spoils the transaction.
func submitOne(ctx context.Context, tx *sql.Tx, use, insert *sql.Stmt, s *submission) error {
	s.err = nil
	res, err := use.ExecContext(ctx, s.invitationID, s.assessmentID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		if s.err = whyNotSubmitted(ctx, tx, s); !isSubmitRefusal(s.err) {
			return s.err
		}
		return nil
	}
	return insertResponse(ctx, insert, s.assessmentID, s.attrs, s.answers)
}

// whyNotSubmitted says why a submission's invitation could not be used.
func whyNotSubmitted(ctx context.Context, tx *sql.Tx, s *submission) error {
	var used bool
	var status string
	err := tx.QueryRowContext(ctx, `SELECT NOT EXISTS (SELECT 1 FROM open_invitations o WHERE o.invitation_id = i.id), a.status
		FROM invitations i JOIN assessments a ON a.id = i.assessment_id
		WHERE i.id = $1 AND i.assessment_id = $2`, s.invitationID, s.assessmentID).Scan(&used, &status)
	switch {
	case err != nil:
		return notFound(err)
	case used:
		return cxm.ErrConflict
	case status != string(cxm.StatusOpen):
		return cxm.ErrClosed
	}
	return cxm.ErrConflict
}

func isSubmitRefusal(err error) bool {
	return errors.Is(err, cxm.ErrNotFound) || errors.Is(err, cxm.ErrConflict) || errors.Is(err, cxm.ErrClosed)
}
