package store

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestSubmitMixed: many submissions at once (committed together on SQLite),
// some refused, each with its own outcome.
func TestSubmitMixed(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		open := f.assessment.ID
		closed := cxm.Assessment{OrganizationID: f.org, Name: "closed", FrameworkID: "test", FrameworkVersion: 1}
		_, err := db.CreateAssessment(ctx, &closed)
		must(t, err)
		invite(t, db, open, 60)
		invite(t, db, closed.ID, 20)
		must(t, db.SetStatus(ctx, closed.ID, cxm.StatusClosed, time.Now()))
		openInvs, err := db.ListInvitations(ctx, open)
		must(t, err)
		closedInvs, err := db.ListInvitations(ctx, closed.ID)
		must(t, err)

		type job struct {
			inv, assessment int64
			want            error
		}
		var jobs []job
		for i, inv := range openInvs {
			jobs = append(jobs, job{inv.ID, open, nil})
			if i%3 == 0 { // the same invitation twice: one of the two wins
				jobs = append(jobs, job{inv.ID, open, cxm.ErrConflict})
			}
		}
		for _, inv := range closedInvs {
			jobs = append(jobs, job{inv.ID, closed.ID, cxm.ErrClosed})
		}
		for i := range 20 {
			jobs = append(jobs, job{int64(100000 + i), open, cxm.ErrNotFound})
		}
		errs := make([]error, len(jobs))
		var wg sync.WaitGroup
		for i, j := range jobs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = db.SubmitResponse(ctx, j.inv, j.assessment, cxm.StoredResponse{Answers: []int{i}})
			}()
		}
		wg.Wait()
		won := map[int64]int{}
		for i, j := range jobs {
			switch {
			case j.want == cxm.ErrClosed || j.want == cxm.ErrNotFound:
				wantErr(t, fmt.Sprintf("job %d", i), errs[i], j.want)
			case errs[i] == nil:
				won[j.inv]++
			default:
				wantErr(t, fmt.Sprintf("job %d", i), errs[i], cxm.ErrConflict)
			}
		}
		for _, inv := range openInvs {
			if won[inv.ID] != 1 {
				t.Fatalf("invitation %d: %d submissions succeeded, want 1", inv.ID, won[inv.ID])
			}
		}
		for id, want := range map[int64]int{open: len(openInvs), closed.ID: 0} {
			n, err := db.CountResponses(ctx, id)
			must(t, err)
			if n != want {
				t.Fatalf("assessment %d has %d responses, want %d", id, n, want)
			}
		}
	})
}

// TestSubmitBatchFailure: when a group commit fails for an unexpected
// reason, its submissions are retried one by one, so only the faulty one
// fails and nothing of it is stored.
func TestSubmitBatchFailure(t *testing.T) {
	ctx := context.Background()
	db := newDB(t, SQLite)
	f := newFixture(t, db)
	id := f.assessment.ID
	invite(t, db, id, 3)
	invs, err := db.ListInvitations(ctx, id)
	must(t, err)
	_, err = db.w.ExecContext(ctx, `CREATE TRIGGER boom BEFORE INSERT ON responses
		WHEN NEW.attributes LIKE '%boom%' BEGIN SELECT RAISE(ABORT, 'boom'); END`)
	must(t, err)
	use, err := db.prepared(ctx, true, submitUse)
	must(t, err)
	insert, err := db.prepared(ctx, true, submitInsert)
	must(t, err)
	batch := make([]*submission, 3)
	for i, inv := range invs {
		attrs := `{"department":"Sales"}`
		if i == 1 {
			attrs = `{"department":"boom"}`
		}
		batch[i] = &submission{invitationID: inv.ID, assessmentID: id, attrs: attrs, answers: "1", done: make(chan struct{})}
	}
	db.wsem <- struct{}{}
	db.commitSubmissions(ctx, use, insert, batch)
	<-db.wsem
	for i, s := range batch {
		select {
		case <-s.done:
		default:
			t.Fatalf("submission %d not done", i)
		}
		if (s.err == nil) != (i != 1) || (i == 1 && isSubmitRefusal(s.err)) {
			t.Fatalf("submission %d: %v", i, s.err)
		}
	}
	n, err := db.CountResponses(ctx, id)
	must(t, err)
	if n != 2 {
		t.Fatalf("%d responses stored, want 2", n)
	}
	inv, err := db.ListInvitations(ctx, id)
	must(t, err)
	if !inv[0].Used || inv[1].Used || !inv[2].Used {
		t.Fatalf("invitations after a failed batch: %+v", inv)
	}
}

// TestSubmitCanceled: a submission whose context ends before its commit is
// withdrawn and stores nothing; the invitation stays usable.
func TestSubmitCanceled(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		invite(t, db, f.assessment.ID, 1)
		invs, err := db.ListInvitations(ctx, f.assessment.ID)
		must(t, err)
		// Prepare the statements, then hold the writer so the submission waits.
		wantErr(t, "warm-up", db.SubmitResponse(ctx, 999999, f.assessment.ID, cxm.StoredResponse{Answers: []int{1}}), cxm.ErrNotFound)
		for range cap(db.wsem) {
			db.wsem <- struct{}{}
		}
		cctx, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		err = db.SubmitResponse(cctx, invs[0].ID, f.assessment.ID, cxm.StoredResponse{Answers: []int{1}})
		for range cap(db.wsem) {
			<-db.wsem
		}
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("SubmitResponse with an expired context: %v", err)
		}
		if len(db.submits) != 0 {
			t.Fatalf("%d submissions left queued", len(db.submits))
		}
		must(t, db.SubmitResponse(ctx, invs[0].ID, f.assessment.ID, cxm.StoredResponse{Answers: []int{1}}))
	})
}
