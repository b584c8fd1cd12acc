package store

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// countingFigures is a MakeFigures that counts its calls and the responses
// it was handed; it releases when there are at least k.
func countingFigures(calls *atomic.Int32) MakeFigures {
	return func(a cxm.Assessment, responses ResponseStream) (*Figures, error) {
		calls.Add(1)
		n := 0
		if err := responses(func(cxm.StoredResponse) error { n++; return nil }); err != nil {
			return nil, err
		}
		if n < a.MinGroup {
			return nil, nil
		}
		return &Figures{Respondents: n, Result: []byte(fmt.Sprintf(`{"respondents":%d}`, n)),
			Scores: []CompetencyScore{{Competency: "c", Score: float64(n), N: n}}}, nil
	}
}

func sales(n int) []cxm.StoredResponse {
	rs := make([]cxm.StoredResponse, n)
	for i := range rs {
		rs[i] = cxm.StoredResponse{Attributes: map[string]string{"department": "Sales"}, Answers: []int{3}}
	}
	return rs
}

// TestReleaseOnce: many people closing one assessment at once make exactly
// one release, with every response; a released assessment cannot be
// reopened, and closing it again changes nothing.
func TestReleaseOnce(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		must(t, db.AddResponses(ctx, id, sales(6)))
		var calls atomic.Int32
		at := time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				released, err := db.CloseAssessment(ctx, id, at.Add(time.Duration(i)*time.Second), countingFigures(&calls))
				if err == nil && !released {
					err = errors.New("not released")
				}
				errs <- err
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			must(t, err)
		}
		if n := calls.Load(); n != 1 {
			t.Fatalf("the figures were computed %d times, want once", n)
		}
		rel, err := db.Release(ctx, id)
		must(t, err)
		if rel.Respondents != 6 || rel.K != 5 || rel.FrameworkVersion != 1 || string(rel.Result) != `{"respondents":6}` || rel.MadeAt.Second() >= 8 {
			t.Errorf("release %+v", rel)
		}
		var n int
		must(t, db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM releases").Scan(&n))
		if n != 1 {
			t.Errorf("%d releases, want 1", n)
		}
		wantErr(t, "reopen", db.SetStatus(ctx, id, cxm.StatusOpen, at), ErrReleased)
		if !errors.Is(ErrReleased, cxm.ErrConflict) {
			t.Error("ErrReleased is no conflict")
		}
		// Rows added behind the server's back change no release.
		must(t, db.AddResponses(ctx, id, sales(3)))
		released, err := db.CloseAssessment(ctx, id, at.Add(time.Hour), countingFigures(&calls))
		must(t, err)
		again, err := db.Release(ctx, id)
		must(t, err)
		if !released || calls.Load() != 1 || !reflect.DeepEqual(again, rel) {
			t.Errorf("closing again: released %v, %d computations, release %+v", released, calls.Load(), again)
		}
		a, err := db.Assessment(ctx, id)
		must(t, err)
		if a.Status != cxm.StatusClosed {
			t.Errorf("status %s", a.Status)
		}
		peers, err := db.Peers(ctx, PeerFilter{FrameworkID: "test", FrameworkVersion: 1})
		must(t, err)
		if len(peers) != 1 || peers[0].Scores["c"] != 6 {
			t.Errorf("benchmark scores kept with the release: %+v", peers)
		}
	})
}

// TestCloseWithoutRelease: fewer than k responses make no release; the
// assessment may be reopened and closed again later.
func TestCloseWithoutRelease(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		must(t, db.AddResponses(ctx, id, sales(4)))
		var calls atomic.Int32
		released, err := db.CloseAssessment(ctx, id, time.Now(), countingFigures(&calls))
		must(t, err)
		if released {
			t.Fatal("released with 4 of 5")
		}
		wantErr(t, "no release", func() error { _, err := db.Release(ctx, id); return err }(), cxm.ErrNotFound)
		must(t, db.SetStatus(ctx, id, cxm.StatusOpen, time.Now()))
		must(t, db.AddResponses(ctx, id, sales(1)))
		released, err = db.CloseAssessment(ctx, id, time.Now(), countingFigures(&calls))
		must(t, err)
		if !released || calls.Load() != 2 {
			t.Errorf("closing with 5: released %v after %d computations", released, calls.Load())
		}
		wantErr(t, "close unknown", func() error { _, err := db.CloseAssessment(ctx, 9999, time.Now(), countingFigures(&calls)); return err }(), cxm.ErrNotFound)
		wantErr(t, "reopen unknown", db.SetStatus(ctx, 9999, cxm.StatusOpen, time.Now()), cxm.ErrNotFound)
	})
}

// TestCloseWhileSubmitting: closing while respondents submit never leaves a
// response out of the release: every submission either is in it or was
// refused as closed, and the counters agree with the rows.
func TestCloseWhileSubmitting(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		hashes := invite(t, db, id, 60)
		var wg sync.WaitGroup
		var accepted atomic.Int32
		for i, h := range hashes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				inv, err := db.InvitationByToken(ctx, h)
				if err != nil {
					t.Error(err)
					return
				}
				err = db.SubmitResponse(ctx, inv.ID, id, sales(1)[0])
				switch {
				case err == nil:
					accepted.Add(1)
				case !errors.Is(err, cxm.ErrClosed):
					t.Errorf("submission %d: %v", i, err)
				}
			}()
		}
		time.Sleep(20 * time.Millisecond)
		var calls atomic.Int32
		_, err := db.CloseAssessment(ctx, id, time.Now(), countingFigures(&calls))
		must(t, err)
		wg.Wait()
		var rows int
		must(t, db.r.QueryRowContext(ctx, "SELECT COUNT(*) FROM responses WHERE assessment_id = $1", id).Scan(&rows))
		a, err := db.Assessment(ctx, id)
		must(t, err)
		if rows != int(accepted.Load()) || a.Responses != rows || a.Invited != 60 {
			t.Errorf("%d rows, %d accepted, counters: %d responses of %d invited", rows, accepted.Load(), a.Responses, a.Invited)
		}
		if rel, err := db.Release(ctx, id); err == nil && rel.Respondents != rows {
			t.Errorf("the release holds %d of %d responses", rel.Respondents, rows)
		}
		t.Logf("%d submissions before the close", rows)
	})
}

// TestParticipationCounters: counts of invitations, responses and
// attribute values, exact, from submissions and imports, without counting
// rows; a refused submission counts nothing.
func TestParticipationCounters(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		hashes := invite(t, db, id, 7)
		must(t, db.CreateInvitations(ctx, id, []NewInvitation{{TokenHash: tokenHash()}, {TokenHash: tokenHash()}}))
		depts := []string{"Sales", "Sales", "Support", "", "Sales"}
		for i, d := range depts {
			inv, err := db.InvitationByToken(ctx, hashes[i])
			must(t, err)
			attrs := map[string]string{}
			if d != "" || i == 3 {
				attrs["department"] = d
			}
			must(t, db.SubmitResponse(ctx, inv.ID, id, cxm.StoredResponse{Attributes: attrs, Answers: []int{3}}))
		}
		inv, err := db.InvitationByToken(ctx, hashes[0])
		must(t, err)
		wantErr(t, "used", db.SubmitResponse(ctx, inv.ID, id, sales(1)[0]), cxm.ErrConflict)
		must(t, db.AddResponses(ctx, id, []cxm.StoredResponse{
			{Attributes: map[string]string{"department": "Support"}, Answers: []int{1}},
			{Attributes: map[string]string{"department": "Legal"}, Answers: []int{1}},
		}))
		p, err := db.Participation(ctx, id)
		must(t, err)
		want := Participation{Responses: 7, Invited: 9, By: map[string]map[string]int{"department": {"Sales": 3, "Support": 2, "Legal": 1}}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("participation %+v, want %+v", p, want)
		}
		a, err := db.Assessment(ctx, id)
		must(t, err)
		list, err := db.ListAssessments(ctx, 0)
		must(t, err)
		if a.Responses != 7 || a.Invited != 9 || len(list) != 1 || list[0].Responses != 7 || list[0].Invited != 9 {
			t.Errorf("counts: %d of %d, list %+v", a.Responses, a.Invited, list)
		}
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, time.Now()))
		inv, err = db.InvitationByToken(ctx, hashes[6])
		must(t, err)
		wantErr(t, "closed", db.SubmitResponse(ctx, inv.ID, id, sales(1)[0]), cxm.ErrClosed)
		if p2, _ := db.Participation(ctx, id); !reflect.DeepEqual(p2, want) {
			t.Errorf("a refused submission was counted: %+v", p2)
		}
		wantErr(t, "unknown", func() error { _, err := db.Participation(ctx, 9999); return err }(), cxm.ErrNotFound)
	})
}

// TestMigration0005Backfill: migration 0005 starts the counters from the
// rows already stored (the one time they are counted) and leaves closed
// assessments for the Go step that makes their releases.
func TestMigration0005Backfill(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		id := newFixture(t, db).assessment.ID
		invite(t, db, id, 4)
		must(t, db.AddResponses(ctx, id, append(sales(5), cxm.StoredResponse{Attributes: map[string]string{"department": "Support"}, Answers: []int{2}},
			cxm.StoredResponse{Attributes: map[string]string{"department": ""}, Answers: []int{2}})))
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, time.Now()))
		// Back to the schema before 0005, with the data in place.
		for _, q := range []string{"DROP TABLE releases", "DROP TABLE participation_counts",
			"DELETE FROM schema_migrations WHERE version = 5"} {
			_, err := db.w.ExecContext(ctx, q)
			must(t, err)
		}
		applied, err := db.Migrate(ctx)
		must(t, err)
		if len(applied) != 1 || applied[0] != 5 {
			t.Fatalf("applied %v, want [5]", applied)
		}
		p, err := db.Participation(ctx, id)
		must(t, err)
		want := Participation{Responses: 7, Invited: 4, By: map[string]map[string]int{"department": {"Sales": 5, "Support": 1}}}
		if !reflect.DeepEqual(p, want) {
			t.Errorf("participation after 0005: %+v, want %+v", p, want)
		}
		ids, err := db.Unreleased(ctx)
		must(t, err)
		if !reflect.DeepEqual(ids, []int64{id}) {
			t.Errorf("unreleased %v, want [%d]", ids, id)
		}
	})
}
