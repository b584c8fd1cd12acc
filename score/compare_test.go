package score

import (
	"encoding/json"
	"math"
	"os"
	"sort"
	"testing"

	"github.com/cxmhq/cxm"
)

// referenceStats is score/testdata/reference_stats.json, written by
// reference_stats.py with SciPy and NumPy.
type referenceStats struct {
	Welch map[string]struct {
		A, B     []float64
		MeanA    float64 `json:"mean_a"`
		MeanB    float64 `json:"mean_b"`
		T, DF, P float64
	} `json:"welch"`
	Percentiles map[string]struct {
		Scores           []float64
		N                int
		P25, Median, P75 float64
		Queries          []struct{ X, Percentile float64 }
	} `json:"percentiles"`
}

func loadReferenceStats(t *testing.T) referenceStats {
	t.Helper()
	b, err := os.ReadFile("testdata/reference_stats.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref referenceStats
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Welch) == 0 || len(ref.Percentiles) == 0 {
		t.Fatal("reference_stats.json has no cases")
	}
	return ref
}

// waveCompetency is what the Scorer reports for a competency whose
// respondents had the given indices: n, the Welford mean and the sample sd.
func waveCompetency(id string, indices []float64) Competency {
	var m moments
	for _, x := range indices {
		m.add(x)
	}
	c := Competency{ID: id, N: m.n, Score: m.mean}
	if m.n >= 2 {
		c.SD = ptr(math.Sqrt(m.variance()))
	}
	return c
}

func wave(comps ...Competency) *Result {
	return &Result{Framework: FrameworkRef{ID: "f", Version: 1}, Competencies: comps}
}

// relClose reports whether got is within rel·|want| of want, or within abs
// of it (for values that should be 0).
func relClose(got, want, rel, abs float64) bool {
	d := math.Abs(got - want)
	return d <= rel*math.Abs(want) || d <= abs
}

func TestCompareWelchReference(t *testing.T) {
	ref := loadReferenceStats(t)
	for name, w := range ref.Welch {
		// SciPy's t is a − b; the earlier wave is a, so cxm's t (after −
		// before, positive when the score went up) is −t.
		changes := Compare(wave(waveCompetency("c", w.A)), wave(waveCompetency("c", w.B)))
		if len(changes) != 1 {
			t.Fatalf("%s: %d changes", name, len(changes))
		}
		c := changes[0]
		if c.ID != "c" || c.BeforeN != len(w.A) || c.AfterN != len(w.B) {
			t.Errorf("%s: %+v", name, c)
		}
		if c.T == nil || c.DF == nil || c.P == nil || c.Delta == nil {
			t.Fatalf("%s: undefined test %+v", name, c)
		}
		if !relClose(*c.Before, w.MeanA, 1e-12, 1e-12) || !relClose(*c.After, w.MeanB, 1e-12, 1e-12) {
			t.Errorf("%s: before %v after %v, want %v %v", name, *c.Before, *c.After, w.MeanA, w.MeanB)
		}
		if !relClose(*c.Delta, w.MeanB-w.MeanA, 1e-9, 1e-12) {
			t.Errorf("%s: delta %v, want %v", name, *c.Delta, w.MeanB-w.MeanA)
		}
		if !relClose(*c.T, -w.T, 1e-9, 1e-12) {
			t.Errorf("%s: t = %.17g, want %.17g", name, *c.T, -w.T)
		}
		if !relClose(*c.DF, w.DF, 1e-9, 0) {
			t.Errorf("%s: df = %.17g, want %.17g", name, *c.DF, w.DF)
		}
		t.Logf("%s: relative error t %.1e, df %.1e, p %.1e", name,
			math.Abs(*c.T+w.T)/math.Max(math.Abs(w.T), 1), math.Abs(*c.DF-w.DF)/w.DF, math.Abs(*c.P-w.P)/w.P)
		if !relClose(*c.P, w.P, 1e-9, 0) {
			t.Errorf("%s: p = %.17g, want %.17g", name, *c.P, w.P)
		}
	}
}

func TestCompareSymmetric(t *testing.T) {
	ref := loadReferenceStats(t)
	w := ref.Welch["small"]
	up := Compare(wave(waveCompetency("c", w.A)), wave(waveCompetency("c", w.B)))[0]
	down := Compare(wave(waveCompetency("c", w.B)), wave(waveCompetency("c", w.A)))[0]
	if !relClose(*up.T, -*down.T, 1e-14, 0) || *up.DF != *down.DF || *up.P != *down.P || *up.Delta != -*down.Delta {
		t.Errorf("swapping the waves: %+v vs %+v", up, down)
	}
}

func TestCompareFarTail(t *testing.T) {
	// Scores 20 points apart with sd 1 and 30 respondents: t ≈ 77, p far
	// below what 1 − F(|t|) could represent; it must stay positive, not 0.
	a := []float64{}
	b := []float64{}
	for i := 0; i < 30; i++ {
		d := float64(i%3 - 1)
		a = append(a, 40+d)
		b = append(b, 60+d)
	}
	c := Compare(wave(waveCompetency("c", a)), wave(waveCompetency("c", b)))[0]
	if c.P == nil || !(*c.P > 0) || *c.P > 1e-50 {
		t.Errorf("far tail p = %v", c.P)
	}
	if *c.T < 70 {
		t.Errorf("t = %v", *c.T)
	}
}

func TestCompareUndefined(t *testing.T) {
	before := wave(
		waveCompetency("one-before", []float64{50}),            // n = 1 before
		waveCompetency("flat", []float64{50, 50, 50}),          // no spread in either wave
		waveCompetency("flat-same", []float64{40, 40}),         // no spread, same mean
		waveCompetency("one-flat", []float64{30, 30, 30}),      // no spread on one side only
		waveCompetency("gone", []float64{10, 20, 30}),          // only before
		waveCompetency("one-after", []float64{20, 40, 60, 80}), // n = 1 after
	)
	after := wave(
		waveCompetency("new", []float64{70, 80}), // only after
		waveCompetency("one-before", []float64{60, 70, 80}),
		waveCompetency("flat", []float64{75, 75}),
		waveCompetency("flat-same", []float64{40, 40, 40}),
		waveCompetency("one-flat", []float64{40, 50, 60}),
		waveCompetency("one-after", []float64{90}),
	)
	changes := Compare(before, after)
	var ids []string
	byID := map[string]Change{}
	for _, c := range changes {
		ids = append(ids, c.ID)
		byID[c.ID] = c
	}
	want := []string{"new", "one-before", "flat", "flat-same", "one-flat", "one-after", "gone"}
	if !equalStrings(ids, want) {
		t.Fatalf("order %v, want %v", ids, want)
	}
	for _, id := range []string{"one-before", "flat", "flat-same", "one-after"} {
		c := byID[id]
		if c.Delta == nil || c.T != nil || c.DF != nil || c.P != nil {
			t.Errorf("%s: want delta and no test, got %+v", id, c)
		}
	}
	if d := *byID["flat"].Delta; d != 25 {
		t.Errorf("flat delta %v", d)
	}
	// Zero variance on one side only is a test with df = n − 1 of the other.
	if c := byID["one-flat"]; c.T == nil || *c.DF != 2 || *c.T != 20/math.Sqrt(100.0/3) {
		t.Errorf("one-flat %+v", c)
	}
	if c := byID["new"]; c.Before != nil || c.Delta != nil || c.T != nil || *c.After != 75 || c.BeforeN != 0 || c.AfterN != 2 {
		t.Errorf("new %+v", c)
	}
	if c := byID["gone"]; c.After != nil || c.Delta != nil || c.T != nil || *c.Before != 20 || c.AfterN != 0 {
		t.Errorf("gone %+v", c)
	}
}

func TestCompareFrameworkOrder(t *testing.T) {
	// after's items give the framework order, unscored competencies included.
	before := wave(waveCompetency("b", []float64{1, 2}), waveCompetency("x", []float64{3, 4}))
	after := wave(waveCompetency("c", []float64{1, 2}), waveCompetency("a", []float64{3, 4}))
	after.Items = []Item{{ID: "a1", Competency: "a"}, {ID: "b1", Competency: "b"}, {ID: "c1", Competency: "c"}}
	var ids []string
	for _, c := range Compare(before, after) {
		ids = append(ids, c.ID)
	}
	if want := []string{"a", "b", "c", "x"}; !equalStrings(ids, want) {
		t.Errorf("order %v, want %v", ids, want)
	}
	if got := Compare(nil, nil); got == nil || len(got) != 0 {
		t.Errorf("Compare(nil, nil) = %v", got)
	}
	if got := Compare(&Result{Withheld: true}, &Result{Withheld: true}); len(got) != 0 {
		t.Errorf("withheld: %v", got)
	}
}

func TestChangeJSON(t *testing.T) {
	c := Change{ID: "pl", Before: ptr(50), After: ptr(60), Delta: ptr(10), T: ptr(2), DF: ptr(9), P: ptr(0.07), BeforeN: 5, AfterN: 6}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"pl","before":50,"after":60,"delta":10,"t":2,"df":9,"p":0.07,"before_n":5,"after_n":6}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	b, _ = json.Marshal(Change{ID: "x", After: ptr(1), AfterN: 1})
	if want := `{"id":"x","before":null,"after":1,"delta":null,"t":null,"df":null,"p":null,"before_n":0,"after_n":1}`; string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}

func TestChangeWords(t *testing.T) {
	tested := func(before, after, p float64) Change {
		return Change{Before: ptr(before), After: ptr(after), Delta: ptr(after - before), T: ptr(1), DF: ptr(10), P: ptr(p), BeforeN: 10, AfterN: 10}
	}
	cases := []struct {
		c    Change
		want string
	}{
		{tested(50, 58.2, 0.012), "up 8.2 points, p = 0.01: a real change"},
		{tested(50, 46.9, 0.42), "down 3.1 points, p = 0.42: no clear change"},
		{tested(50, 50, 1), "unchanged, p = 1.00: no clear change"},
		{tested(50, 50.04, 0.03), "up less than 0.1 points, p = 0.03: a real change"},
		{tested(50, 49.96, 0.3), "down less than 0.1 points, p = 0.30: no clear change"},
		{tested(30, 80, 1.5e-9), "up 50.0 points, p < 0.001: a real change"},
		{tested(30, 40, 0.0042), "up 10.0 points, p = 0.004: a real change"},
		{tested(30, 40, 0.0496), "up 10.0 points, p < 0.05: a real change"},
		{tested(30, 40, 0.05), "up 10.0 points, p = 0.05: no clear change"},
		{tested(30, 40, 0.0504), "up 10.0 points, p = 0.05: no clear change"},
		{tested(30, 40, 0.062), "up 10.0 points, p = 0.06: no clear change"},
		{Change{Before: ptr(50), After: ptr(60), Delta: ptr(10), BeforeN: 1, AfterN: 8},
			"up 10.0 points: too few respondents in a wave to tell whether it is a real change"},
		{Change{Before: ptr(60), After: ptr(50), Delta: ptr(-10), BeforeN: 3, AfterN: 3},
			"down 10.0 points: the answers did not vary within either wave, so it cannot be tested"},
		{Change{After: ptr(50), AfterN: 3}, "not scored in the earlier wave"},
		{Change{Before: ptr(50), BeforeN: 3}, "not scored in this wave"},
		{Change{}, "not scored in either wave"},
	}
	for _, tc := range cases {
		if got := ChangeWords(tc.c); got != tc.want {
			t.Errorf("got  %q\nwant %q", got, tc.want)
		}
	}
}

func TestChangeWordsOnReference(t *testing.T) {
	ref := loadReferenceStats(t)
	want := map[string]string{
		"small":       "up 14.5 points, p = 0.06: no clear change",
		"clear":       "up 44.1 points, p < 0.001: a real change",
		"none":        "unchanged, p = 1.00: no clear change",
		"unequal_var": "up 0.6 points, p = 0.93: no clear change",
	}
	names := make([]string, 0, len(ref.Welch))
	for name := range ref.Welch {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		w := ref.Welch[name]
		c := Compare(wave(waveCompetency("c", w.A)), wave(waveCompetency("c", w.B)))[0]
		if got := ChangeWords(c); got != want[name] {
			t.Errorf("%s: got %q, want %q", name, got, want[name])
		}
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestCompareScoredWaves runs two waves through the Scorer (the tiny
// framework of rules_test.go). Competency a: indices 0, 25, 50 before and
// 50, 75, 100, 87.5 after; the others are answered 3 by everyone (index 50,
// no spread). SciPy: ttest_ind([50, 75, 100, 87.5], [0, 25, 50],
// equal_var=False) gives t = 2.959320151246863, p = 0.04171138381041996;
// Welch–Satterthwaite df = 3.9900936355000676.
func TestCompareScoredWaves(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	row := func(a1, a2 int) []int { return []int{a1, a2, 3, 3, 3, 3, 3, 3} }
	before := scoreRows(t, f, [][]int{row(1, 1), row(2, 2), row(3, 3)})
	after := scoreRows(t, f, [][]int{row(3, 3), row(4, 4), row(5, 5), row(4, 5)})
	changes := Compare(before, after)
	var ids []string
	for _, c := range changes {
		ids = append(ids, c.ID)
	}
	if want := []string{"a", "b", "c", "d"}; !equalStrings(ids, want) {
		t.Fatalf("ids %v", ids)
	}
	a := changes[0]
	if *a.Before != 25 || *a.After != 78.125 || *a.Delta != 53.125 || a.BeforeN != 3 || a.AfterN != 4 {
		t.Errorf("a: %+v", a)
	}
	if !relClose(*a.T, 2.959320151246863, 1e-9, 0) || !relClose(*a.DF, 3.9900936355000676, 1e-9, 0) || !relClose(*a.P, 0.04171138381041996, 1e-9, 0) {
		t.Errorf("a: t %v df %v p %v", *a.T, *a.DF, *a.P)
	}
	if got, want := ChangeWords(a), "up 53.1 points, p = 0.04: a real change"; got != want {
		t.Errorf("a: %q, want %q", got, want)
	}
	b := changes[1]
	if *b.Delta != 0 || b.T != nil || b.P != nil {
		t.Errorf("b: %+v", b)
	}
	if got, want := ChangeWords(b), "unchanged: the answers did not vary within either wave, so it cannot be tested"; got != want {
		t.Errorf("b: %q, want %q", got, want)
	}
}
