package score

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
)

// pairedReference is the "paired" part of testdata/reference_stats.json:
// response tables of the framework tiny and what SciPy's ttest_rel says
// about them (reference_stats.py). A 0 in rows is no answer.
type pairedReference struct {
	Rows        [][]int            `json:"rows"`
	Scores      map[string]float64 `json:"scores"`
	Weakest     string             `json:"weakest"`
	TiedWith    []string           `json:"tied_with"`
	Comparisons []struct {
		Competency string
		M          int
		Diff       *float64
		P          *float64
	} `json:"comparisons"`
}

func loadPaired(t *testing.T) map[string]pairedReference {
	t.Helper()
	b, err := os.ReadFile("testdata/reference_stats.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref struct {
		Paired map[string]pairedReference `json:"paired"`
	}
	if err := json.Unmarshal(b, &ref); err != nil {
		t.Fatal(err)
	}
	if len(ref.Paired) < 6 {
		t.Fatalf("reference_stats.json has %d paired cases", len(ref.Paired))
	}
	return ref.Paired
}

// relNear is |got − want| ≤ 1e-9·|want| (p can be 1e-26: relative).
func relNear(got, want *float64) bool {
	if got == nil || want == nil {
		return got == nil && want == nil
	}
	return math.Abs(*got-*want) <= 1e-9*math.Abs(*want)
}

func TestPairedComparisonsMatchSciPy(t *testing.T) {
	for name, ref := range loadPaired(t) {
		rows := make([][]int, len(ref.Rows))
		for i, r := range ref.Rows {
			rows[i] = make([]int, len(r))
			for j, x := range r {
				rows[i][j] = x
				if x == 0 {
					rows[i][j] = X
				}
			}
		}
		res := scoreRows(t, tiny(cxm.RuleWeakestLink), rows)
		for _, c := range res.Competencies {
			if want := ref.Scores[c.ID]; math.Abs(c.Score-want) > 1e-9 {
				t.Errorf("%s: %s score %v, want %v", name, c.ID, c.Score, want)
			}
		}
		if res.Overall.Weakest != ref.Weakest || !reflect.DeepEqual(res.Overall.TiedWith, ref.TiedWith) {
			t.Errorf("%s: weakest %s tied with %v, want %s and %v", name, res.Overall.Weakest, res.Overall.TiedWith, ref.Weakest, ref.TiedWith)
		}
		if len(res.Overall.Comparisons) != len(ref.Comparisons) {
			t.Fatalf("%s: %d comparisons, want %d", name, len(res.Overall.Comparisons), len(ref.Comparisons))
		}
		for i, got := range res.Overall.Comparisons {
			want := ref.Comparisons[i]
			if got.Competency != want.Competency || got.M != want.M || !relNear(got.Diff, want.Diff) || !relNear(got.P, want.P) {
				t.Errorf("%s: %s m %d diff %v p %v, want %d %v %v", name, got.Competency, got.M,
					fmtp(got.Diff), fmtp(got.P), want.M, fmtp(want.Diff), fmtp(want.P))
			}
		}
	}
}

// TestCertaintyByHand: three respondents, worked on paper. Indices (scale
// 1..5, index = 25·(mean answer − 1)):
//
//	respondent  a     b     c
//	1           75    25    50
//	2           100   25    62.5
//	3           75    50    —     (left out of c)
//
// b is the weakest (33.33). a − b: 50, 75, 25 → diff 50, sd 25, t =
// 50/(25/√3) = 2√3 = 3.4641, df 2, p = 2·F(−3.4641; 2) = 0.07418 (two-sided
// t with 2 df: p = 1 − |t|/√(t² + 2) = 1 − 3.4641/√14 = 0.074180). c − b
// over respondents 1 and 2: 25, 37.5 → diff 31.25, sd 8.8388, t = 5, df 1,
// p = 1 − (2/π)·atan(5) = 0.125666. Both p ≥ 0.05: tied with a and c.
func TestCertaintyByHand(t *testing.T) {
	res := scoreRows(t, tiny(cxm.RuleWeakestLink), [][]int{
		{4, 4, 2, 2, 3, 3, 1, 5},
		{5, 5, 2, 2, 4, 3, 1, 5},
		{4, 4, 3, 3, X, X, 1, 5},
	})
	o := res.Overall
	if o.Weakest != "b" || !reflect.DeepEqual(o.TiedWith, []string{"a", "c", "d"}) {
		t.Fatalf("weakest %s tied with %v", o.Weakest, o.TiedWith)
	}
	pa := 1 - 2*math.Sqrt(3)/math.Sqrt(14)
	pc := 1 - 2/math.Pi*math.Atan(5)
	want := []Comparison{
		{"a", 3, ptr(50), ptr(pa)},
		{"c", 2, ptr(31.25), ptr(pc)},
		// d: index 50 for everyone; d − b = 25, 25, 0 → diff 16.67, sd 14.43,
		// t = 2, df 2, p = 1 − 2/√6.
		{"d", 3, ptr(50.0 / 3), ptr(1 - 2/math.Sqrt(6))},
	}
	for i, w := range want {
		g := o.Comparisons[i]
		if g.Competency != w.Competency || g.M != w.M || math.Abs(*g.Diff-*w.Diff) > 1e-12 || math.Abs(*g.P-*w.P) > 1e-12 {
			t.Errorf("%s: m %d diff %v p %v, want %d %v %v", g.Competency, g.M, *g.Diff, *g.P, w.M, *w.Diff, *w.P)
		}
	}
	// Stage ranges: the tiny stages start at 0, 30 and 60. b: 33.33 ± t(2)·
	// 14.43/√3 = 33.33 ± 35.86 → [−2.5, 69.2], clamped [0, 69.2]: s0 to s2.
	b := res.Competency("b")
	if b.StageRange == nil || *b.StageRange != [2]string{"s0", "s2"} || o.StageRange != b.StageRange {
		t.Errorf("b stage range %v, overall %v", b.StageRange, o.StageRange)
	}
	// d: every index 50, sd 0: ci [50, 50], one stage twice.
	if d := res.Competency("d"); *d.StageRange != [2]string{"s1", "s1"} {
		t.Errorf("d stage range %v", *d.StageRange)
	}
}

func TestCertaintyEdges(t *testing.T) {
	// One respondent: no ci, so no stage range; m = 1, so p is null and
	// every other competency is tied.
	res := scoreRows(t, tiny(cxm.RuleWeakestLink), [][]int{{4, 4, 2, 2, 3, 3, 5, 5}})
	if res.Competency("b").StageRange != nil || res.Overall.StageRange != nil {
		t.Error("a stage range without a ci")
	}
	if c := res.Overall.Comparisons[0]; c.M != 1 || c.P != nil || *c.Diff != 50 || len(res.Overall.TiedWith) != 3 {
		t.Errorf("one respondent: %+v tied %v", c, res.Overall.TiedWith)
	}
	// No respondent in common: m = 0, diff and p null, tied. Under rule
	// mean there is no overall stage range.
	res = scoreRows(t, tiny(cxm.RuleMean), [][]int{{4, 4, 2, 2, X, X, X, X}, {4, 4, X, X, 5, 5, X, X}, {4, 4, 2, 2, 5, 5, X, X}})
	// b (25) weakest; c over respondents 2 and 3 but b over 1 and 3: m 1.
	if res.Overall.Weakest != "b" || res.Overall.StageRange != nil {
		t.Errorf("rule mean: %+v", res.Overall)
	}
	res = scoreRows(t, tiny(cxm.RuleWeakestLink), [][]int{{4, 4, 2, 2, X, X, X, X}, {4, 4, 2, 2, X, X, X, X}, {4, 4, X, X, 5, 5, X, X}})
	if c := res.Overall.Comparisons[1]; c.Competency != "c" || c.M != 0 || c.Diff != nil || c.P != nil {
		t.Errorf("no one in common: %+v", c)
	}
	// A competency below the weakest over the paired respondents (diff ≤ 0)
	// is tied whatever p says. b: 50 for three, 0 for three who skip c →
	// 25, the weakest; c: 37.5 for the first three. c − b = −12.5 for all
	// three: sd 0, so p = 0, yet tied. a and d: 100, far above.
	res = scoreRows(t, tiny(cxm.RuleWeakestLink), [][]int{
		{5, 5, 3, 3, 2, 3, 5, 5}, {5, 5, 3, 3, 2, 3, 5, 5}, {5, 5, 3, 3, 2, 3, 5, 5},
		{5, 5, 1, 1, X, X, 5, 5}, {5, 5, 1, 1, X, X, 5, 5}, {5, 5, 1, 1, X, X, 5, 5},
	})
	c := res.Overall.Comparisons[1]
	if res.Overall.Weakest != "b" || c.M != 3 || *c.Diff != -12.5 || *c.P != 0 || !reflect.DeepEqual(res.Overall.TiedWith, []string{"c"}) {
		t.Errorf("diff below 0: weakest %s %+v tied %v", res.Overall.Weakest, c, res.Overall.TiedWith)
	}
}

// TestItemsWithheld: in the server's mode an item answered by fewer than k
// respondents has no distribution and no index (§4.12); the command line's
// mode shows them.
func TestItemsWithheld(t *testing.T) {
	rows := [][]int{{4, X, 2, 2, 3, 3, 1, 5}, {5, 5, 2, 2, 4, 3, 1, 5}, {4, X, 3, 3, X, X, 1, 5}}
	s, _ := New(tiny(cxm.RuleWeakestLink), Options{Withhold: true, MinGroup: 3})
	for _, r := range rows {
		s.Add(Response{Answers: r})
	}
	res := s.Result()
	for _, it := range res.Items {
		hide := it.ID == "a2" || it.ID == "c1" || it.ID == "c2" // answered by 1, 2, 2
		if it.Withheld != hide || (it.Counts == nil) != hide || (it.Index == nil) != hide {
			t.Errorf("%s: n %d withheld %v counts %v index %v", it.ID, it.N, it.Withheld, it.Counts, fmtp(it.Index))
		}
	}
	if a1 := res.Items[0]; a1.N != 3 || !reflect.DeepEqual(a1.Counts, []int{0, 0, 0, 2, 1}) {
		t.Errorf("a1 %+v", a1)
	}
	b, _ := json.Marshal(res.Items[1])
	if string(b) != `{"id":"a2","competency":"a","n":1,"index":null,"counts":null,"withheld":true}` {
		t.Errorf("a2 as JSON: %s", b)
	}
	if res := scoreRows(t, tiny(cxm.RuleWeakestLink), rows); res.Items[1].Withheld || res.Items[1].Counts[4] != 1 {
		t.Errorf("without Withhold: %+v", res.Items[1])
	}
}

// TestWithholdFewInCompetencyOrComparison: in the server's mode a
// competency that fewer than k respondents were included in has no figures
// (unscored), and a comparison whose m leaves out 1 to k − 1 of either
// competency's respondents shows no diff: with both totals shown, the
// summed difference would give the sum of those left out. k = 3; b is the
// weakest (25 for all seven), a is 75 for all, c is answered by two, d by
// six (the seventh skips it).
func TestWithholdFewInCompetencyOrComparison(t *testing.T) {
	rows := [][]int{
		{4, 4, 2, 2, 3, 3, 5, 5}, {4, 4, 2, 2, 3, 3, 5, 5},
		{4, 4, 2, 2, X, X, 5, 5}, {4, 4, 2, 2, X, X, 5, 5}, {4, 4, 2, 2, X, X, 5, 5}, {4, 4, 2, 2, X, X, 5, 5},
		{4, 4, 2, 2, X, X, X, X},
	}
	s, _ := New(tiny(cxm.RuleWeakestLink), Options{Withhold: true, MinGroup: 3})
	for _, r := range rows {
		s.Add(Response{Answers: r})
	}
	res := s.Result()
	if !reflect.DeepEqual(res.Unscored, []string{"c"}) || res.Competency("c") != nil || res.Overall.Weakest != "b" {
		t.Fatalf("unscored %v, weakest %s", res.Unscored, res.Overall.Weakest)
	}
	cmp := res.Overall.Comparisons
	if len(cmp) != 2 || cmp[0].Competency != "a" || cmp[0].M != 7 || *cmp[0].Diff != 50 || *cmp[0].P != 0 ||
		cmp[1].Competency != "d" || cmp[1].M != 6 || cmp[1].Diff != nil || *cmp[1].P != 0 {
		t.Fatalf("comparisons %+v", cmp)
	}
	if len(res.Overall.TiedWith) != 0 {
		t.Errorf("tied with %v: d's hidden diff (75) still decides", res.Overall.TiedWith)
	}
	// The command line's mode shows all of it.
	res = scoreRows(t, tiny(cxm.RuleWeakestLink), rows)
	if len(res.Unscored) != 0 || res.Competency("c").N != 2 || *res.Overall.Comparisons[2].Diff != 75 {
		t.Errorf("without Withhold: unscored %v, comparisons %+v", res.Unscored, res.Overall.Comparisons)
	}
}
