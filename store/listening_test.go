package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/listen"
	"github.com/cxmhq/cxm/sentiment"
)

const testJourney = `id: shop
version: 1
name: Shop customers
timezone: Europe/Amsterdam
min_n: 3
stages:
  - {id: buy, name: Buy}
  - {id: get-help, name: Get help}
sources:
  - id: survey
    channel: survey
    stage: buy
    columns: {id: id, at: at, customer: customer, nps: nps, csat: csat, ces: ces, comment: comment}
    measures: {wait: wait}
    attributes: [Region, Plan]
  - id: reviews
    channel: review
    columns: {id: id, at: at, customer: customer, comment: comment}
`

var testComments = []string{"", "Great service, thank you!", "Terrible wait, awful.", "It was ok.", "I love it", "never again, horrible"}

// randomRecord is a record of a random source among 60 ids per source and
// 12 customers, over 10 days around midnight in Amsterdam.
func randomRecord(rng *rand.Rand) cxm.Record {
	r := cxm.Record{Source: "survey", ID: fmt.Sprintf("r%d", rng.IntN(60)), NPS: cxm.NoAnswer, CSAT: cxm.NoAnswer,
		CES: cxm.NoAnswer, Value: math.NaN(), Customer: fmt.Sprintf("c%d", rng.IntN(12)),
		At:      time.Date(2026, 11, 1, 22, 0, 0, 0, time.UTC).Add(time.Duration(rng.IntN(10*24*60)) * time.Minute),
		Comment: testComments[rng.IntN(len(testComments))]}
	if rng.IntN(4) == 0 {
		r.Source = "reviews"
		if r.Comment == "" {
			r.Comment = "fine"
		}
		return r
	}
	r.Stage = []string{"buy", "get-help", ""}[rng.IntN(3)]
	if rng.IntN(5) > 0 {
		r.NPS = rng.IntN(11)
	}
	if rng.IntN(2) > 0 {
		r.CSAT = 1 + rng.IntN(5)
	}
	if rng.IntN(3) > 0 {
		r.CES = 1 + rng.IntN(7)
	}
	r.Measures = []float64{math.NaN()}
	if rng.IntN(2) == 0 {
		r.Measures[0] = float64(rng.IntN(100))
	}
	r.Attributes = []string{[]string{"", "EU", "US"}[rng.IntN(3)], []string{"", "basic", "pro"}[rng.IntN(3)]}
	return r
}

// storedTotals reads every totals row of a journey.
func storedTotals(t *testing.T, db *DB, journeyID string) map[totalsKey]listen.Totals {
	t.Helper()
	out := map[totalsKey]listen.Totals{}
	q := "SELECT stage, source, day, attribute, value, " + strings.Join(listen.ColumnNames(), ", ") +
		" FROM listen_totals WHERE journey_id = $1"
	must(t, db.readRows(context.Background(), q, []any{journeyID}, func(rows *sql.Rows) error {
		var k totalsKey
		var tt listen.Totals
		dest := []any{&k.stage, &k.source, &k.day, &k.attribute, &k.value}
		for i := range tt {
			dest = append(dest, &tt[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		out[k] = tt // an all-zero row is kept, so that a left-over one fails
		return nil
	}))
	return out
}

// recomputed are the totals of the records stored now, recomputed with
// listen.Config.OfValues from their rows.
func recomputed(t *testing.T, db *DB, journeyID string) (map[totalsKey]listen.Totals, int) {
	t.Helper()
	j, _, err := db.Journey(context.Background(), journeyID)
	must(t, err)
	cfg := ListenConfig(j)
	d := delta{}
	n := 0
	must(t, db.readRows(context.Background(), `SELECT source, stage, day, nps, csat, ces, compound, attributes
		FROM records WHERE journey_id = $1`, []any{journeyID}, func(rows *sql.Rows) error {
		var o storedRecord
		if err := rows.Scan(&o.source, &o.stage, &o.day, &o.nps, &o.csat, &o.ces, &o.compound, &o.attrsJSON); err != nil {
			return err
		}
		tt, attrs, err := o.totals(cfg)
		if err != nil {
			return err
		}
		d.add(o.stage, o.source, o.day, attrs, tt, 1)
		n++
		return nil
	}))
	out := map[totalsKey]listen.Totals{}
	for k, v := range d {
		if *v != (listen.Totals{}) {
			out[k] = *v
		}
	}
	return out, n
}

func checkTotals(t *testing.T, db *DB, journeyID, when string) int {
	t.Helper()
	got := storedTotals(t, db, journeyID)
	want, n := recomputed(t, db, journeyID)
	if len(got) != len(want) {
		t.Fatalf("%s: %d totals rows, recomputation has %d", when, len(got), len(want))
	}
	for k, w := range want {
		if got[k] != w {
			t.Fatalf("%s: totals %+v\n got %v\nwant %v", when, k, got[k], w)
		}
	}
	return n
}

// TestListeningTotalsExact: after every step of a seeded random sequence of
// imports (with replacements) and erasures, the stored totals equal a
// recomputation from the records stored at that moment.
func TestListeningTotalsExact(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		_, err := db.SaveJourney(ctx, []byte(testJourney))
		must(t, err)
		rng := rand.New(rand.NewPCG(9, 13))
		sent, replaced, erased := 0, 0, 0
		for step := range 40 {
			if rng.IntN(5) == 0 {
				n, err := db.EraseCustomer(ctx, "shop", fmt.Sprintf("c%d", rng.IntN(12)))
				must(t, err)
				erased += n
			} else {
				batch := make([]cxm.Record, 1+rng.IntN(25))
				for i := range batch {
					batch[i] = randomRecord(rng)
				}
				res, err := db.StoreRecords(ctx, "shop", batch)
				must(t, err)
				if res.Stored+res.Replaced != len(batch) {
					t.Fatalf("step %d: %+v for %d records", step, res, len(batch))
				}
				sent += len(batch)
				replaced += res.Replaced
			}
			checkTotals(t, db, "shop", fmt.Sprintf("step %d", step))
		}
		n := checkTotals(t, db, "shop", "end")
		if sent < 300 || replaced < 50 || erased < 20 || n != sent-replaced-erased {
			t.Fatalf("sent %d, replaced %d, erased %d, stored %d: the sequence does not exercise enough", sent, replaced, erased, n)
		}
	})
}

// TestStoreRecordsExactValues: one record's totals land under its stage,
// source, local day (Amsterdam) and each attribute value; replacing it
// moves them; erasing leaves nothing.
func TestStoreRecordsExactValues(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		_, err := db.SaveJourney(ctx, []byte(testJourney))
		must(t, err)
		r := cxm.Record{Source: "survey", ID: "a", At: time.Date(2026, 11, 2, 23, 30, 0, 0, time.UTC), Customer: "c1",
			Stage: "buy", NPS: 9, CSAT: 4, CES: cxm.NoAnswer, Value: math.NaN(), Measures: []float64{12},
			Attributes: []string{"EU", ""}}
		res, err := db.StoreRecords(ctx, "shop", []cxm.Record{r})
		must(t, err)
		if res != (StoreResult{Stored: 1}) {
			t.Fatalf("result %+v", res)
		}
		days, err := db.SliceTotals(ctx, "shop", SliceFilter{Attribute: "Region", Value: "EU"})
		must(t, err)
		if len(days) != 1 || days[0].Stage != "buy" || days[0].Day != "2026-11-03" || days[0].Totals[listen.IRecords] != 1 ||
			days[0].Totals[listen.INPS+9] != 1 || days[0].Totals[listen.ICSAT] != 1 {
			t.Fatalf("slice %+v", days)
		}
		r.Stage, r.NPS = "get-help", 3
		res, err = db.StoreRecords(ctx, "shop", []cxm.Record{r})
		must(t, err)
		if res != (StoreResult{Replaced: 1}) {
			t.Fatalf("result %+v", res)
		}
		days, err = db.SliceTotals(ctx, "shop", SliceFilter{From: "2026-11-03", To: "2026-11-04"})
		must(t, err)
		if len(days) != 1 || days[0].Stage != "get-help" || days[0].Totals[listen.INPS+3] != 1 || days[0].Totals[listen.INPS+9] != 0 {
			t.Fatalf("after the replacement %+v", days)
		}
		days, err = db.SliceTotals(ctx, "shop", SliceFilter{To: "2026-11-03"})
		must(t, err)
		if len(days) != 0 {
			t.Fatalf("before the day %+v", days)
		}
		n, err := db.EraseCustomer(ctx, "shop", "c1")
		must(t, err)
		if n != 1 || len(storedTotals(t, db, "shop")) != 0 {
			t.Fatalf("erased %d, totals left %v", n, storedTotals(t, db, "shop"))
		}
		_, err = db.StoreRecords(ctx, "shop", []cxm.Record{{Source: "nope", ID: "x", NPS: 1}})
		wantErr(t, "unknown source", err, ErrListenInput)
	})
}

// TestSaveJourneyVersions: versions are kept, the latest is read, the same
// file again is fine and another file under a stored version is a conflict.
func TestSaveJourneyVersions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		_, err := db.SaveJourney(ctx, []byte(testJourney))
		must(t, err)
		_, err = db.SaveJourney(ctx, []byte(testJourney))
		must(t, err)
		changed := strings.Replace(testJourney, "Shop customers", "Shop buyers", 1)
		_, err = db.SaveJourney(ctx, []byte(changed))
		wantErr(t, "changed file, same version", err, cxm.ErrConflict)
		v2 := strings.Replace(changed, "version: 1", "version: 2", 1)
		_, err = db.SaveJourney(ctx, []byte(v2))
		must(t, err)
		j, src, err := db.Journey(ctx, "shop")
		must(t, err)
		if j.Version != 2 || j.Name != "Shop buyers" || string(src) != v2 {
			t.Fatalf("latest %d %q", j.Version, j.Name)
		}
		_, _, err = db.Journey(ctx, "none")
		wantErr(t, "unknown journey", err, cxm.ErrNotFound)
		if _, err := db.SaveJourney(ctx, []byte("id: x\n")); err == nil {
			t.Fatal("an invalid journey was stored")
		}
	})
}

// TestStoreRecordsConcurrent: two batches with overlapping ids stored at
// once on PostgreSQL, through two handles of their own (so neither waits
// for the other in Go), keep the totals exact.
func TestStoreRecordsConcurrent(t *testing.T) {
	dsn := freshDSN(t, Postgres)
	db := openDB(t, dsn)
	ctx := context.Background()
	_, err := db.Migrate(ctx)
	must(t, err)
	dbs := []*DB{db, openDB(t, dsn)}
	_, err = db.SaveJourney(ctx, []byte(testJourney))
	must(t, err)
	for round := range 5 {
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for g := range 2 {
			rng := rand.New(rand.NewPCG(uint64(round), uint64(g)))
			batch := make([]cxm.Record, 200)
			for i := range batch {
				batch[i] = randomRecord(rng)
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[g] = dbs[g].StoreRecords(ctx, "shop", batch)
			}()
		}
		wg.Wait()
		must(t, errs[0])
		must(t, errs[1])
		checkTotals(t, db, "shop", fmt.Sprintf("round %d", round))
	}
}

// BenchmarkStoreRecords10k stores batches of 10,000 new records (each with
// a comment, so sentiment is computed) on SQLite and reports records/s.
func BenchmarkStoreRecords10k(b *testing.B) {
	db := newDB(b, SQLite)
	ctx := context.Background()
	if _, err := db.SaveJourney(ctx, []byte(testJourney)); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	batch := make([]cxm.Record, 10000)
	b.ResetTimer()
	for n := 0; b.Loop(); n++ {
		b.StopTimer()
		for i := range batch {
			batch[i] = randomRecord(rng)
			batch[i].ID = fmt.Sprintf("b%d-%d", n, i)
			if batch[i].Comment == "" {
				batch[i].Comment = "The delivery was late but the driver was friendly."
			}
		}
		b.StartTimer()
		if _, err := db.StoreRecords(ctx, "shop", batch); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "records/s")
}

// TestSlicesOfSummary: the summary made from stored totals (SliceTotals,
// SlicesOf) is the one made from the records themselves, per week, and a
// source filter keeps only that source.
func TestSlicesOfSummary(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		j, err := db.SaveJourney(ctx, []byte(testJourney))
		must(t, err)
		cfg := ListenConfig(j)
		rng := rand.New(rand.NewPCG(3, 4))
		recs := make([]cxm.Record, 300)
		direct, surveyOnly := listen.NewSlices(j.Location), listen.NewSlices(j.Location)
		for i := range recs {
			recs[i] = randomRecord(rng)
			recs[i].ID = fmt.Sprintf("u%d", i)
			var compound float64
			if recs[i].Comment != "" {
				compound = sentiment.Compound(recs[i].Comment)
			}
			tt, err := cfg.OfValues(recs[i].NPS, recs[i].CSAT, recs[i].CES, recs[i].Comment != "", compound)
			must(t, err)
			direct.Add(recs[i].Stage, recs[i].At, tt)
			if recs[i].Source == "survey" {
				surveyOnly.Add(recs[i].Stage, recs[i].At, tt)
			}
		}
		_, err = db.StoreRecords(ctx, "shop", recs)
		must(t, err)
		stages := []string{"buy", "get-help"}
		week := listen.Week
		for _, c := range []struct {
			f    SliceFilter
			want *listen.Slices
		}{{SliceFilter{}, direct}, {SliceFilter{Source: "survey"}, surveyOnly}} {
			days, err := db.SliceTotals(ctx, "shop", c.f)
			must(t, err)
			s, err := SlicesOf(j, days)
			must(t, err)
			got, err := cfg.Summarize(s, stages, &week)
			must(t, err)
			want, err := cfg.Summarize(c.want, stages, &week)
			must(t, err)
			if !reflect.DeepEqual(got, want) || got.All.Records == 0 {
				t.Fatalf("%+v: from totals\n%+v\nfrom records\n%+v", c.f, got, want)
			}
		}
	})
}

// TestStoreAndEraseConcurrent: on PostgreSQL, batches stored from one
// connection while customers are erased from another keep the totals
// exact.
func TestStoreAndEraseConcurrent(t *testing.T) {
	dsn := freshDSN(t, Postgres)
	db := openDB(t, dsn)
	ctx := context.Background()
	_, err := db.Migrate(ctx)
	must(t, err)
	other := openDB(t, dsn)
	_, err = db.SaveJourney(ctx, []byte(testJourney))
	must(t, err)
	for round := range 6 {
		rng := rand.New(rand.NewPCG(uint64(round), 99))
		batch := make([]cxm.Record, 300)
		for i := range batch {
			batch[i] = randomRecord(rng)
		}
		var wg sync.WaitGroup
		var storeErr, eraseErr error
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, storeErr = db.StoreRecords(ctx, "shop", batch)
		}()
		go func() {
			defer wg.Done()
			for c := range 12 {
				if _, err := other.EraseCustomer(ctx, "shop", fmt.Sprintf("c%d", c)); err != nil {
					eraseErr = err
					return
				}
			}
		}()
		wg.Wait()
		must(t, storeErr)
		must(t, eraseErr)
		checkTotals(t, db, "shop", fmt.Sprintf("round %d", round))
	}
}
