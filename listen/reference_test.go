package listen

import (
	"encoding/json"
	"math"
	"os"
	"testing"
)

// reference is testdata/reference.json, written by testdata/reference.R
// (base R: prop.test, t.test, pnorm) and cross-checked by
// testdata/reference_scipy.py.
type reference struct {
	NPS map[string]struct {
		Counts     [11]int64
		N          int64
		Promoters  int64
		Detractors int64
		Value      float64
		CI         [2]float64
	}
	NPSChange map[string]struct {
		A, B [11]int64
		Diff float64
		Z, P *float64
	} `json:"nps_change"`
	Wilson []struct {
		S, N int64
		CI   [2]float64
	}
	TwoProportion []struct {
		S1, N1, S2, N2 int64
		P              *float64
	} `json:"two_proportion"`
	Means map[string]struct {
		Min    int
		Counts []int64
		Mean   float64
		CI     [2]float64
	}
	Welch []struct {
		A, B     string
		T, DF, P float64
	}
	Compound struct {
		A, B   []float64
		Mean   float64
		CI     [2]float64
		WelchP float64 `json:"welch_p"`
	}
}

func loadReference(t *testing.T) reference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var r reference
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	if len(r.NPS) == 0 || len(r.Wilson) == 0 || len(r.Means) == 0 || len(r.Welch) == 0 {
		t.Fatal("reference.json is missing cases")
	}
	return r
}

// near is a relative (or, near 0, absolute) tolerance of 1e-9.
func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %.15g, want %.15g", what, got, want)
	}
}

func nearCI(t *testing.T, what string, got *[2]float64, want [2]float64) {
	t.Helper()
	if got == nil {
		t.Errorf("%s: ci is nil, want %v", what, want)
		return
	}
	near(t, what+" lo", got[0], want[0])
	near(t, what+" hi", got[1], want[1])
}

func npsTotals(counts [11]int64) Totals {
	var t Totals
	copy(t[INPS:INPS+11], counts[:])
	return t
}

// scaleTotals is the totals of counts[k] answers min + k on a scale from
// min, as csat (base ICSAT) or ces, added one record at a time.
func scaleTotals(base, min int, counts []int64, s Scale) (Totals, Config) {
	c := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}
	s.Min = min
	if base == ICSAT {
		c.CSAT = s
	} else {
		c.CES = s
	}
	var t Totals
	for k, n := range counts {
		v := min + k
		r := Record{CSAT: &v}
		if base == ICES {
			r = Record{CES: &v}
		}
		one, err := c.Of(r)
		if err != nil {
			panic(err)
		}
		for ; n > 0; n-- {
			t.Add(one)
		}
	}
	return t, c
}

func TestNPSAgainstR(t *testing.T) {
	c := Config{MinN: 1}
	for name, r := range loadReference(t).NPS {
		tot := npsTotals(r.Counts)
		f := c.FigureNPS(&tot)
		if f.N != r.N || *f.Promoters != r.Promoters || *f.Detractors != r.Detractors {
			t.Errorf("%s: n %d P %d D %d, want %d %d %d", name, f.N, *f.Promoters, *f.Detractors, r.N, r.Promoters, r.Detractors)
		}
		near(t, name+" nps", *f.Value, r.Value)
		nearCI(t, name+" nps", f.CI, r.CI)
	}
}

func TestNPSChangeAgainstR(t *testing.T) {
	c := Config{MinN: 1}
	for name, r := range loadReference(t).NPSChange {
		a, b := npsTotals(r.A), npsTotals(r.B)
		ch := c.ChangeNPS(&a, &b)
		near(t, name+" diff", *ch.Diff, r.Diff)
		if (ch.P == nil) != (r.P == nil) {
			t.Fatalf("%s: p %v, R %v", name, ch.P, r.P)
		}
		if r.P != nil {
			near(t, name+" p", *ch.P, *r.P)
		}
	}
}

func TestWilsonAgainstPropTest(t *testing.T) {
	for _, r := range loadReference(t).Wilson {
		ci := Wilson(r.S, r.N)
		nearCI(t, "wilson", &ci, r.CI)
	}
}

func TestTwoProportionAgainstPropTest(t *testing.T) {
	for _, r := range loadReference(t).TwoProportion {
		_, p := TwoProportion(r.S1, r.N1, r.S2, r.N2)
		if (p == nil) != (r.P == nil) {
			t.Fatalf("%+v: p %v, R %v", r, p, r.P)
		}
		if p != nil {
			near(t, "prop.test p", *p, *r.P)
		}
		// the same through Compare: csat satisfied, ces easy, positive and
		// negative comments (s of n positive, the rest negative)
		a, b := shareTotals(r.S1, r.N1), shareTotals(r.S2, r.N2)
		ch := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}.Compare(&a, &b)
		for name, c := range map[string]Change{"csat": ch.CSAT, "easy": ch.Easy, "positive": ch.Positive, "negative": ch.Negative} {
			if (c.P == nil) != (r.P == nil) {
				t.Fatalf("%s %+v: p %v, R %v", name, r, c.P, r.P)
			}
			if c.P != nil {
				near(t, name+" p", *c.P, *r.P)
			}
		}
		near(t, "csat diff", *ch.CSAT.Diff, 100*float64(r.S1)/float64(r.N1)-100*float64(r.S2)/float64(r.N2))
	}
}

// shareTotals holds n records: s of them satisfied, easy and positive, the
// others unsatisfied, hard and negative.
func shareTotals(s, n int64) Totals {
	cfg := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}
	good, _ := cfg.Of(Record{CSAT: ptr(5), CES: ptr(7), HasComment: true, Compound: 0.5})
	bad, _ := cfg.Of(Record{CSAT: ptr(1), CES: ptr(1), HasComment: true, Compound: -0.5})
	var t Totals
	for i := int64(0); i < n; i++ {
		if i < s {
			t.Add(good)
		} else {
			t.Add(bad)
		}
	}
	return t
}

func TestMeansAgainstTTest(t *testing.T) {
	ref := loadReference(t)
	for name, r := range ref.Means {
		// as a csat scale and as a ces scale: the same mean and interval
		max := r.Min + len(r.Counts) - 1
		tot, c := scaleTotals(ICSAT, r.Min, r.Counts, Scale{Max: max, From: max})
		f := c.FigureCSAT(&tot)
		near(t, name+" csat mean", *f.Mean, r.Mean)
		nearCI(t, name+" csat mean", f.MeanCI, r.CI)
		tot, c = scaleTotals(ICES, r.Min, r.Counts, Scale{Max: max, From: max})
		g := c.FigureCES(&tot)
		near(t, name+" ces mean", *g.Value, r.Mean)
		nearCI(t, name+" ces mean", g.CI, r.CI)
	}
	for _, w := range ref.Welch {
		a, b := ref.Means[w.A], ref.Means[w.B]
		max := a.Min + len(a.Counts) - 1
		ta, c := scaleTotals(ICES, a.Min, a.Counts, Scale{Max: max, From: max})
		tb, _ := scaleTotals(ICES, b.Min, b.Counts, Scale{Max: max, From: max})
		ch := c.Compare(&ta, &tb).CES
		near(t, w.A+"-"+w.B+" welch p", *ch.P, w.P)
		ma, mb := scaleMoments(&ta, ICES), scaleMoments(&tb, ICES)
		tv, df, _ := Welch(ma.n, ma.mean(1), ma.variance(1), mb.n, mb.mean(1), mb.variance(1))
		near(t, w.A+"-"+w.B+" welch t", *tv, w.T)
		near(t, w.A+"-"+w.B+" welch df", *df, w.DF)
	}
}

func TestCompoundAgainstTTest(t *testing.T) {
	ref := loadReference(t).Compound
	c := Config{MinN: 1}
	totals := func(xs []float64) Totals {
		var sum Totals
		for _, x := range xs {
			r, err := c.Of(Record{HasComment: true, Compound: x})
			if err != nil {
				t.Fatal(err)
			}
			sum.Add(r)
		}
		return sum
	}
	a, b := totals(ref.A), totals(ref.B)
	f := c.FigureSentiment(&a)
	near(t, "compound mean", *f.Mean, ref.Mean)
	nearCI(t, "compound mean", f.MeanCI, ref.CI)
	near(t, "compound welch p", *c.Compare(&a, &b).Sentiment.P, ref.WelchP)
}
