package listen

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones of the period tests, wherever the tests run

	"github.com/cxmhq/cxm"
	"gonum.org/v1/gonum/stat/distuv"
)

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

// The spec's worked examples (§4.1, §4.2), to six decimals as printed.
func TestSpecExamples(t *testing.T) {
	var nps [11]int64
	nps[10], nps[8], nps[3] = 90, 70, 40
	tot := npsTotals(nps)
	f := DefaultConfig.FigureNPS(&tot)
	if *f.Value != 25 || round6(f.CI[0]) != 14.090014 || round6(f.CI[1]) != 35.171070 {
		t.Errorf("nps %v %v, want 25 [14.090014, 35.171070]", *f.Value, *f.CI)
	}
	ci := Wilson(160, 200)
	if round6(ci[0]) != 73.914481 || round6(ci[1]) != 84.954799 {
		t.Errorf("wilson 160/200 = %v", ci)
	}
	c, _ := scaleTotals(ICSAT, 1, []int64{0, 40, 0, 100, 60}, Scale{Max: 5, From: 4})
	g := DefaultConfig.FigureCSAT(&c)
	if *g.Value != 80 || *g.Satisfied != 160 || *g.Mean != (100.0*4+60*5+40*2)/200 {
		t.Errorf("csat %+v", g)
	}
	if d := Distribution(&c, ICSAT, DefaultCSAT); fmt.Sprint(d) != "[0 40 0 100 60]" {
		t.Errorf("distribution %v", d)
	}
}

func TestBelowMinN(t *testing.T) {
	cfg := Config{MinN: 5, CSAT: DefaultCSAT, CES: DefaultCES}
	var tot Totals
	for i := 0; i < 4; i++ {
		r, _ := cfg.Of(Record{NPS: ptr(10), CSAT: ptr(5), CES: ptr(7), HasComment: true, Compound: 0.5})
		tot.Add(r)
	}
	s := cfg.Summary(&tot)
	b, _ := json.Marshal(s)
	want := `{"records":4,"nps":{"n":4,"value":null,"ci":null,"promoters":null,"passives":null,"detractors":null},` +
		`"csat":{"n":4,"value":null,"ci":null,"satisfied":null,"mean":null,"mean_ci":null},` +
		`"ces":{"n":4,"value":null,"ci":null,"easy":null,"easy_ci":null,"easy_count":null},` +
		`"sentiment":{"n":4,"positive":null,"positive_ci":null,"neutral":null,"neutral_ci":null,` +
		`"negative":null,"negative_ci":null,"mean":null,"mean_ci":null}}`
	if string(b) != want {
		t.Errorf("below min_n:\n%s\nwant\n%s", b, want)
	}
	// the fifth answer reaches min_n: every figure appears
	r, _ := cfg.Of(Record{NPS: ptr(0), CSAT: ptr(1), CES: ptr(1), HasComment: true, Compound: -0.05})
	tot.Add(r)
	s = cfg.Summary(&tot)
	if *s.NPS.Value != 60 || *s.CSAT.Value != 80 || *s.CES.Value != 5.8 || *s.CES.Easy != 80 ||
		*s.Sentiment.Positive != 80 || *s.Sentiment.Negative != 20 || *s.Sentiment.Mean != 0.39 {
		b, _ = json.Marshal(s)
		t.Errorf("at min_n: %s", b)
	}
	if ch := cfg.Compare(&tot, &Totals{}); ch.NPS.Diff != nil || ChangeWords(ch.NPS) != "too few answers" {
		t.Errorf("change against an empty slice: %+v %q", ch.NPS, ChangeWords(ch.NPS))
	}
}

func TestEmptyAndExtremes(t *testing.T) {
	cfg := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}
	var empty Totals
	s := cfg.Summary(&empty)
	if s.NPS.N != 0 || s.NPS.Value != nil || s.CSAT.Value != nil || s.Sentiment.Mean != nil {
		t.Errorf("n = 0 must show nothing: %+v", s)
	}
	one, _ := cfg.Of(Record{NPS: ptr(9), CSAT: ptr(3), CES: ptr(2), HasComment: true, Compound: 0.0})
	s = cfg.Summary(&one)
	// n = 1: value and Wilson/adjusted-Wald intervals exist; t intervals need 2
	if *s.NPS.Value != 100 || s.NPS.CI == nil || *s.CSAT.Value != 0 || s.CSAT.MeanCI != nil ||
		s.CES.CI != nil || *s.Sentiment.Neutral != 100 || s.Sentiment.MeanCI != nil {
		b, _ := json.Marshal(s)
		t.Errorf("n = 1: %s", b)
	}
	// all promoters: 100 with the upper end clipped to 100
	var all Totals
	all[INPS+10] = 50
	f := cfg.FigureNPS(&all)
	if *f.Value != 100 || f.CI[1] != 100 || round6(f.CI[0]) != 86.644321 {
		t.Errorf("all promoters: %v %v", *f.Value, *f.CI)
	}
	// v1 + v2 = 0: both slices all promoters, diff 0 and no p
	ch := cfg.ChangeNPS(&all, &all)
	if *ch.Diff != 0 || ch.P != nil || ChangeWords(ch) != "unchanged: the answers do not vary, so it cannot be tested" {
		t.Errorf("v1+v2 = 0: %+v %q", ch, ChangeWords(ch))
	}
	// the band is taken from the compound rounded to 4 decimals
	for c, slot := range map[float64]int{0.04996: IPositive, -0.04996: INegative, 0.04994: INeutral} {
		if r, _ := cfg.Of(Record{HasComment: true, Compound: c}); r[slot] != 1 {
			t.Errorf("compound %v: %v", c, r)
		}
	}
	// Wilson at 0 and n: the ends are exactly 0 and 100
	if w := Wilson(0, 7); w[0] != 0 {
		t.Errorf("wilson 0/7 %v", w)
	}
	if w := Wilson(7, 7); w[1] != 100 {
		t.Errorf("wilson 7/7 %v", w)
	}
}

func TestOfRejectsOffScale(t *testing.T) {
	cfg := DefaultConfig
	for _, r := range []Record{{NPS: ptr(11)}, {NPS: ptr(-1)}, {CSAT: ptr(0)}, {CSAT: ptr(6)}, {CES: ptr(8)},
		{HasComment: true, Compound: 1.5}, {HasComment: true, Compound: math.NaN()}} {
		if _, err := cfg.Of(r); err == nil {
			t.Errorf("%+v accepted", r)
		}
	}
	for _, s := range []Scale{{Min: 3, Max: 3, From: 3}, {Min: 1, Max: 5, From: 6}, {Min: 1, Max: 5, From: 0}} {
		if s.Check() == nil {
			t.Errorf("%+v accepted", s)
		}
	}
	if err := (Scale{Min: 0, Max: 100, From: 70}).Check(); err != nil {
		t.Error(err)
	}
}

// A 0..100 scale keeps no distribution but every figure.
func TestLongScale(t *testing.T) {
	cfg := Config{MinN: 1, CSAT: Scale{Min: 0, Max: 100, From: 70}, CES: DefaultCES}
	var sum Totals
	for _, v := range []int{100, 70, 69, 0, 85} {
		r, err := cfg.Of(Record{CSAT: ptr(v)})
		if err != nil {
			t.Fatal(err)
		}
		sum.Add(r)
	}
	f := cfg.FigureCSAT(&sum)
	if *f.Value != 60 || *f.Mean != 64.8 || Distribution(&sum, ICSAT, cfg.CSAT) != nil {
		t.Errorf("0..100: %v %v", *f.Value, *f.Mean)
	}
	if _, err := cfg.Of(Record{CSAT: ptr(101)}); err == nil {
		t.Error("101 accepted on 0..100")
	}
}

func TestChangeWords(t *testing.T) {
	cases := []struct {
		ch   Change
		want string
	}{
		{Change{Diff: ptr(8.0), P: ptr(0.01)}, "up 8.0 points, p = 0.01: a real change"},
		{Change{Diff: ptr(-3.14), P: ptr(0.42)}, "down 3.1 points, p = 0.42: no clear change"},
		{Change{Diff: ptr(0.25), P: ptr(0.0004), Mean: true}, "up 0.25, p < 0.001: a real change"},
		{Change{Diff: ptr(0.02), P: ptr(0.0499)}, "up less than 0.1 points, p < 0.05: a real change"},
		{Change{Reason: TooFew}, "too few answers"},
	}
	for _, c := range cases {
		if got := ChangeWords(c.ch); got != c.want {
			t.Errorf("%q, want %q", got, c.want)
		}
	}
}

func TestPeriods(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	cases := []struct {
		p    Period
		t    string
		loc  *time.Location
		want string
	}{
		{Day, "2026-11-29T12:00:00Z", time.UTC, "2026-11-29"},
		{Week, "2026-11-29T12:00:00Z", time.UTC, "2026-W48"},
		{Month, "2026-11-29T12:00:00Z", time.UTC, "2026-11"},
		{Quarter, "2026-11-29T12:00:00Z", time.UTC, "2026-Q4"},
		// 23:30 UTC on New Year's Eve is already 2027 in Amsterdam
		{Day, "2026-12-31T23:30:00Z", ams, "2027-01-01"},
		{Quarter, "2026-12-31T23:30:00Z", ams, "2027-Q1"},
		{Quarter, "2026-12-31T23:30:00Z", time.UTC, "2026-Q4"},
		// ISO week-years: 2027-01-01 (a Friday) is in 2026-W53; 2024-12-30 in 2025-W01
		{Week, "2027-01-01T12:00:00Z", time.UTC, "2026-W53"},
		{Week, "2024-12-30T12:00:00Z", time.UTC, "2025-W01"},
		{Week, "2021-01-03T12:00:00Z", time.UTC, "2020-W53"},
		// Sunday night local is still the week before Monday
		{Week, "2026-11-29T22:59:00Z", ams, "2026-W48"},
		{Week, "2026-11-29T23:00:00Z", ams, "2026-W49"},
	}
	for _, c := range cases {
		if got := c.p.Label(at(c.t), c.loc); got != c.want {
			t.Errorf("%v of %s in %v = %s, want %s", c.p, c.t, c.loc, got, c.want)
		}
	}
}

func TestPeriodBoundsAcrossDST(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	sao, _ := time.LoadLocation("America/Sao_Paulo") // 2018-11-04: midnight did not exist
	cases := []struct {
		p          Period
		t          time.Time
		loc        *time.Location
		start, end string // UTC
		hours      float64
	}{
		{Day, time.Date(2026, 3, 29, 12, 0, 0, 0, ams), ams, "2026-03-28T23:00:00Z", "2026-03-29T22:00:00Z", 23},
		{Day, time.Date(2026, 10, 25, 12, 0, 0, 0, ams), ams, "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z", 25},
		{Week, time.Date(2026, 3, 29, 12, 0, 0, 0, ams), ams, "2026-03-22T23:00:00Z", "2026-03-29T22:00:00Z", 167},
		{Month, time.Date(2026, 10, 9, 0, 0, 0, 0, ams), ams, "2026-09-30T22:00:00Z", "2026-10-31T23:00:00Z", 745},
		{Quarter, time.Date(2026, 2, 9, 0, 0, 0, 0, ams), ams, "2025-12-31T23:00:00Z", "2026-03-31T22:00:00Z", 2159},
		{Day, time.Date(2018, 11, 4, 12, 0, 0, 0, sao), sao, "2018-11-04T03:00:00Z", "2018-11-05T02:00:00Z", 23},
	}
	for _, c := range cases {
		s, e := c.p.Start(c.t, c.loc), c.p.Next(c.t, c.loc)
		got := fmt.Sprintf("%s %s %v", s.UTC().Format(time.RFC3339), e.UTC().Format(time.RFC3339), e.Sub(s).Hours())
		want := fmt.Sprintf("%s %s %v", c.start, c.end, c.hours)
		if got != want {
			t.Errorf("%v of %v: %s, want %s", c.p, c.t, got, want)
		}
		if c.p.Label(s, c.loc) != c.p.Label(c.t, c.loc) || c.p.Label(e.Add(-time.Nanosecond), c.loc) != c.p.Label(c.t, c.loc) {
			t.Errorf("%v of %v: the bounds are labelled differently", c.p, c.t)
		}
	}
	spans := Week.Spans(time.Date(2026, 12, 20, 0, 0, 0, 0, ams), time.Date(2027, 1, 12, 0, 0, 0, 0, ams), ams)
	var labels []string
	for _, s := range spans {
		labels = append(labels, s.Label)
	}
	if fmt.Sprint(labels) != "[2026-W51 2026-W52 2026-W53 2027-W01 2027-W02]" {
		t.Errorf("spans %v", labels)
	}
	if l, _ := Quarter.PeriodOfDay("2026-11-29"); l != "2026-Q4" {
		t.Errorf("PeriodOfDay %s", l)
	}
}

// Totals added in any order and then partly subtracted equal the totals
// recomputed from the records that remain.
func TestTotalsAddSubProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 30))
	for round := 0; round < 200; round++ {
		cfg := Config{MinN: 3, CSAT: Scale{Min: 0, Max: 10, From: 7}, CES: DefaultCES}
		if round%2 == 1 {
			cfg.CSAT = Scale{Min: 0, Max: 100, From: 70}
		}
		n := rng.IntN(60)
		recs := make([]Totals, n)
		raw := make([]Record, n)
		for i := range recs {
			r := &raw[i]
			if rng.IntN(3) > 0 {
				r.NPS = ptr(rng.IntN(11))
			}
			if rng.IntN(2) > 0 {
				r.CSAT = ptr(rng.IntN(cfg.CSAT.Max + 1))
			}
			if rng.IntN(2) > 0 {
				r.CES = ptr(1 + rng.IntN(7))
			}
			if rng.IntN(2) > 0 {
				r.HasComment, r.Compound = true, float64(rng.IntN(20001)-10000)/1e4
			}
			var err error
			if recs[i], err = cfg.Of(*r); err != nil {
				t.Fatal(err)
			}
		}
		var sum Totals
		for _, i := range rng.Perm(n) {
			sum.Add(recs[i])
		}
		keep := make([]bool, n)
		for _, i := range rng.Perm(n) {
			if keep[i] = rng.IntN(3) > 0; !keep[i] {
				sum.Sub(recs[i])
			}
		}
		var want Totals
		for i, r := range recs {
			if keep[i] {
				want.Add(r)
			}
		}
		if sum != want || !sum.Valid() {
			t.Fatalf("round %d: %v != %v", round, sum, want)
		}
		checkDirect(t, cfg, &sum, raw, keep)
		a, _ := json.Marshal(cfg.Summary(&sum))
		b, _ := json.Marshal(cfg.Summary(&want))
		if string(a) != string(b) {
			t.Fatalf("figures differ: %s %s", a, b)
		}
	}
}

func TestColumnNames(t *testing.T) {
	names := ColumnNames()
	if len(names) != Width || names[INPS+10] != "nps_10" || names[ICSAT] != "csat_n" || names[ICSAT+SDist] != "csat_0" ||
		names[ICES+SSq] != "ces_sq" || names[ICES+SDist+Points-1] != "ces_10" || names[ICompoundSq] != "compound_sq" ||
		names[IPositive] != "positive" || Width != 47 {
		t.Errorf("%v", names)
	}
}

// checkDirect computes NPS, the CSAT mean and the mean compound straight
// from the kept records, as a reader of the spec would, and compares.
func checkDirect(t *testing.T, cfg Config, sum *Totals, raw []Record, keep []bool) {
	t.Helper()
	var n, p, d, cn, cs, sn int
	var comp float64
	for i, r := range raw {
		if !keep[i] {
			continue
		}
		if r.NPS != nil {
			n++
			if *r.NPS >= 9 {
				p++
			} else if *r.NPS <= 6 {
				d++
			}
		}
		if r.CSAT != nil {
			cn++
			cs += *r.CSAT
		}
		if r.HasComment {
			sn++
			comp += r.Compound
		}
	}
	s := cfg.Summary(sum)
	if n >= cfg.MinN && math.Abs(*s.NPS.Value-100*float64(p-d)/float64(n)) > 1e-12 {
		t.Fatalf("nps %v, direct %v", *s.NPS.Value, 100*float64(p-d)/float64(n))
	}
	if n < cfg.MinN && s.NPS.Value != nil {
		t.Fatal("nps shown below min_n")
	}
	if cn >= cfg.MinN && math.Abs(*s.CSAT.Mean-float64(cs)/float64(cn)) > 1e-12 {
		t.Fatalf("csat mean %v, direct %v", *s.CSAT.Mean, float64(cs)/float64(cn))
	}
	if sn >= cfg.MinN && math.Abs(*s.Sentiment.Mean-comp/float64(sn)) > 1e-12 {
		t.Fatalf("compound mean %v, direct %v", *s.Sentiment.Mean, comp/float64(sn))
	}
}

func TestRollupAndTrend(t *testing.T) {
	cfg := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}
	one := func(nps int) Totals {
		r, _ := cfg.Of(Record{NPS: ptr(nps)})
		return r
	}
	days := map[string]Totals{"2026-12-31": one(10), "2027-01-01": one(0), "2026-12-28": one(9), "2026-11-30": one(5)}
	b, err := Month.Rollup(days)
	if err != nil {
		t.Fatal(err)
	}
	tr := cfg.Trend(b)
	got, _ := json.Marshal([]any{tr[0].Period, *tr[0].NPS.Value, tr[1].Period, *tr[1].NPS.Value, tr[2].Period, *tr[2].NPS.Value})
	if string(got) != `["2026-11",-100,"2026-12",100,"2027-01",-100]` {
		t.Errorf("month trend %s", got)
	}
	w, _ := Week.Rollup(days)
	if len(w) != 2 || w[0].Period != "2026-W49" || w[1].Period != "2026-W53" || w[1].Totals[IRecords] != 3 {
		t.Errorf("weeks %+v", w)
	}
	if _, err := Day.Rollup(map[string]Totals{"2026-13-01": {}}); err == nil {
		t.Error("a bad day key must be an error")
	}
	j, _ := json.Marshal(tr[0])
	if !strings.HasPrefix(string(j), `{"period":"2026-11","records":1,"nps":{"n":1,"value":-100,`) {
		t.Errorf("trend point JSON %s", j)
	}
}

// Period parsing never panics and a parsed day labels itself.
func FuzzPeriodOfDay(f *testing.F) {
	for _, s := range []string{"2026-11-29", "2026-02-30", "", "2026-1-1", "0000-01-01", "9999-12-31"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := Day.PeriodOfDay(s)
		if err == nil && l != s {
			t.Fatalf("%q labels as %q", s, l)
		}
		if p, err := ParsePeriod(s); err == nil && p.String() != s {
			t.Fatalf("%q parses as %v", s, p)
		}
	})
}

// The fast t quantile equals gonum's to 1e-13 relative up to a few
// thousand degrees of freedom, and R's qt beyond, where gonum's own loses
// digits (1e-9 relative at 1e7).
func TestTQuantile(t *testing.T) {
	for _, df := range []int64{1, 2, 3, 10, 59, 199, 200, 201, 250, 500, 1000, 4321} {
		want := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
		if got := tQuantile975(df); math.Abs(got-want) > 1e-13*want {
			t.Errorf("t(0.975, %d) = %.17g, gonum %.17g", df, got, want)
		}
	}
	// R 4.2.2: qt(0.975, c(200, 1000))
	near(t, "qt 200", tQuantile975(200), 1.9718962236339079)
	near(t, "qt 1000", tQuantile975(1000), 1.9623390808264076)
	if got := tQuantile975(1e5); math.Abs(got-1.9599877075346088) > 1e-15 {
		t.Errorf("qt 1e5 %.17g", got)
	}
	if got := tQuantile975(1e7); math.Abs(got-1.9599642217672049) > 1e-15 {
		t.Errorf("qt 1e7 %.17g", got)
	}
}

// OfValues takes answers as cxm.Record holds them.
func TestOfValues(t *testing.T) {
	a, err := DefaultConfig.OfValues(cxm.NoAnswer, 4, cxm.NoAnswer, true, -0.3)
	b, _ := DefaultConfig.Of(Record{CSAT: ptr(4), HasComment: true, Compound: -0.3})
	if err != nil || a != b || a[INPS] != 0 || a[ICES+SN] != 0 || a[ICSAT+SN] != 1 || a[INegative] != 1 {
		t.Errorf("%v %v", a, err)
	}
	if _, err := DefaultConfig.OfValues(0, cxm.NoAnswer, 0, false, 0); err == nil || err.Error() != "ces: 0 is not on the scale 1..7" {
		t.Errorf("ces 0: %v", err)
	}
}
