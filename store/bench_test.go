package store

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// submitGoroutines is how many respondents submit at once in
// BenchmarkSubmitParallel.
const submitGoroutines = 200

// BenchmarkSubmitParallel: 200 goroutines submit responses (30 answers) to
// one assessment, each with an invitation of its own. Reports submissions
// per second and latency percentiles. Run with a fixed count, e.g.
//
//	go test ./store -run '^$' -bench SubmitParallel -benchtime 20000x
func BenchmarkSubmitParallel(b *testing.B) {
	benchSubmit(b, func(ctx context.Context, db *DB, inv submitInvitation, r cxm.StoredResponse) error {
		return db.SubmitResponse(ctx, inv.id, inv.assessment, r)
	})
}

// BenchmarkRespondentParallel: as BenchmarkSubmitParallel, with the reads
// the server does for a submission: the invitation by its token and the
// assessment (without counts).
func BenchmarkRespondentParallel(b *testing.B) {
	benchSubmit(b, func(ctx context.Context, db *DB, inv submitInvitation, r cxm.StoredResponse) error {
		i, err := db.InvitationByToken(ctx, inv.hash)
		if err != nil {
			return err
		}
		a, err := db.AssessmentNoCounts(ctx, i.AssessmentID)
		if err != nil {
			return err
		}
		if a.Status != cxm.StatusOpen {
			return cxm.ErrClosed
		}
		return db.SubmitResponse(ctx, i.ID, a.ID, r)
	})
}

type submitInvitation struct {
	id, assessment int64
	hash           []byte
}

func benchSubmit(b *testing.B, submit func(context.Context, *DB, submitInvitation, cxm.StoredResponse) error) {
	for _, engine := range []string{SQLite, Postgres} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := newDB(b, engine)
			f := newFixture(b, db)
			id := f.assessment.ID
			invs := make([]NewInvitation, b.N)
			for i := range invs {
				invs[i] = NewInvitation{TokenHash: tokenHash()}
			}
			if err := db.CreateInvitations(ctx, id, invs); err != nil {
				b.Fatal(err)
			}
			list, err := db.ListInvitations(ctx, id)
			if err != nil {
				b.Fatal(err)
			}
			todo := make([]submitInvitation, len(list))
			for i, inv := range list {
				todo[i] = submitInvitation{inv.ID, id, invs[i].TokenHash}
			}
			answers := make([]int, 30)
			for i := range answers {
				answers[i] = i%5 + 1
			}
			answers[7] = cxm.NoAnswer
			r := cxm.StoredResponse{Attributes: map[string]string{"department": "Sales", "level": "Manager"}, Answers: answers}
			lat := make([]time.Duration, b.N)
			var next atomic.Int64
			var failed atomic.Value
			b.SetParallelism((submitGoroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			b.ResetTimer()
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := next.Add(1) - 1
					t0 := time.Now()
					if err := submit(ctx, db, todo[i], r); err != nil {
						failed.Store(err)
					}
					lat[i] = time.Since(t0)
				}
			})
			elapsed := time.Since(start)
			b.StopTimer()
			if err := failed.Load(); err != nil {
				b.Fatal(err)
			}
			if n, err := db.CountResponses(ctx, id); err != nil || n != b.N {
				b.Fatalf("%d responses stored (%v), want %d", n, err, b.N)
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))]) / float64(time.Millisecond)
			}
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "submits/s")
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.99), "p99-ms")
			b.ReportMetric(pct(1), "max-ms")
		})
	}
}

// BenchmarkEachResponse streams 10,000 stored responses of 30 answers.
func BenchmarkEachResponse(b *testing.B) {
	for _, engine := range []string{SQLite, Postgres} {
		b.Run(engine, func(b *testing.B) {
			ctx := context.Background()
			db := newDB(b, engine)
			f := newFixture(b, db)
			const n = 10000
			rs := make([]cxm.StoredResponse, n)
			for i := range rs {
				a := make([]int, 30)
				for j := range a {
					a[j] = (i+j)%5 + 1
				}
				rs[i] = cxm.StoredResponse{Attributes: map[string]string{"department": fmt.Sprint("d", i%7)}, Answers: a}
			}
			if err := db.AddResponses(ctx, f.assessment.ID, rs); err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				count := 0
				err := db.EachResponse(ctx, f.assessment.ID, func(cxm.StoredResponse) error { count++; return nil })
				if err != nil || count != n {
					b.Fatal(err, count)
				}
			}
			b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "responses/s")
		})
	}
}
