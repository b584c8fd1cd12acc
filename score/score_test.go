package score_test

import (
	"encoding/json"
	"math"
	"os"
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/responses"
	"github.com/cxmhq/cxm/score"
)

// reference.json was computed independently by testdata/reference.R with R's
// psych (alpha) and multilevel (rwg.j) packages and qt(); see that script.
type refStat struct {
	N        int        `json:"n"`
	Score    float64    `json:"score"`
	SD       *float64   `json:"sd"`
	CI       *[]float64 `json:"ci"`
	Alpha    *float64   `json:"alpha"`
	Rwg      *float64   `json:"rwg"`
	Complete int        `json:"complete"`
}

type reference struct {
	Competencies map[string]refStat `json:"competencies"`
	Overall      struct {
		Mean    float64 `json:"mean"`
		Weakest string  `json:"weakest"`
		Stage   string  `json:"stage"`
	} `json:"overall"`
	Groups map[string]map[string]struct {
		N            int                `json:"n"`
		Competencies map[string]refStat `json:"competencies"`
	} `json:"groups"`
	QT       map[string]float64 `json:"qt975"`
	Disagree struct {
		Competencies map[string]refStat `json:"competencies"`
	} `json:"disagree"`
}

func loadReference(t *testing.T) reference {
	t.Helper()
	data, err := os.ReadFile("testdata/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	var ref reference
	if err := json.Unmarshal(data, &ref); err != nil {
		t.Fatal(err)
	}
	return ref
}

func fixture(t testing.TB) *cxm.Framework {
	t.Helper()
	f, err := framework.Load("testdata/ref-framework.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// scoreFile scores a response file the way the command line does.
func scoreFile(t testing.TB, f *cxm.Framework, path string, groupBy []string, k int) *score.Result {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	rd, err := responses.NewReader(path, fh, f)
	if err != nil {
		t.Fatal(err)
	}
	s, err := score.New(f, score.Options{Attributes: rd.Attributes(), GroupBy: groupBy, MinGroup: k})
	if err != nil {
		t.Fatal(err)
	}
	if err := rd.Each(s.Add); err != nil {
		t.Fatal(err)
	}
	return s.Result()
}

const tol = 1e-9

func near(a, b float64) bool {
	return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b))
}

func checkNum(t *testing.T, what string, got *float64, want *float64) {
	t.Helper()
	switch {
	case got == nil && want == nil:
	case got == nil || want == nil:
		t.Errorf("%s = %v, want %v", what, fmtPtr(got), fmtPtr(want))
	case !near(*got, *want):
		t.Errorf("%s = %.15g, want %.15g", what, *got, *want)
	}
}

func fmtPtr(p *float64) any {
	if p == nil {
		return "null"
	}
	return *p
}

func checkCI(t *testing.T, what string, got *[2]float64, want *[]float64) {
	t.Helper()
	if (got == nil) != (want == nil) {
		t.Fatalf("%s ci = %v, want %v", what, got, want)
	}
	if got != nil && (!near(got[0], (*want)[0]) || !near(got[1], (*want)[1])) {
		t.Errorf("%s ci = %v, want %v", what, *got, *want)
	}
}

func TestScoresMatchR(t *testing.T) {
	ref := loadReference(t)
	f := fixture(t)
	res := scoreFile(t, f, "testdata/ref-responses.csv", nil, 0)
	if res.Respondents != 20 {
		t.Fatalf("respondents = %d, want 20", res.Respondents)
	}
	if len(res.Competencies) != 3 || len(res.Unscored) != 0 {
		t.Fatalf("got %d competencies, unscored %v", len(res.Competencies), res.Unscored)
	}
	for _, c := range res.Competencies {
		want, ok := ref.Competencies[c.ID]
		if !ok {
			t.Fatalf("no reference for %s", c.ID)
		}
		if c.N != want.N || c.Complete != want.Complete {
			t.Errorf("%s n = %d complete = %d, want %d and %d", c.ID, c.N, c.Complete, want.N, want.Complete)
		}
		checkNum(t, c.ID+" score", &c.Score, &want.Score)
		checkNum(t, c.ID+" sd", c.SD, want.SD)
		checkCI(t, c.ID, c.CI, want.CI)
		checkNum(t, c.ID+" alpha", c.Alpha, want.Alpha)
		checkNum(t, c.ID+" rwg", c.Rwg, want.Rwg)
	}
	checkNum(t, "overall mean", res.Overall.Mean, &ref.Overall.Mean)
	if res.Overall.Weakest != ref.Overall.Weakest || res.Overall.Stage != ref.Overall.Stage {
		t.Errorf("overall weakest %s stage %s, want %s %s", res.Overall.Weakest, res.Overall.Stage, ref.Overall.Weakest, ref.Overall.Stage)
	}
	// Stages by hand: alpha-c 58.4 and gamma-c 57.9 and beta-c 54.9 are all
	// at or above 40 and below 70.
	for _, c := range res.Competencies {
		if c.Stage != "mid" {
			t.Errorf("%s stage = %s, want mid", c.ID, c.Stage)
		}
	}
}

// TestGroupsMatchR checks the shown groups of a breakdown against R's
// per-group figures, and which groups the anonymity rules hide.
func TestGroupsMatchR(t *testing.T) {
	ref := loadReference(t)
	f := fixture(t)
	// Departments: Sales 6, Ops 5, Finance 4, HR 3, IT 2.
	for _, tc := range []struct {
		k          int
		shown      []string
		suppressed int
	}{
		// k=3: IT (2) is hidden, holding 2 < 3, so the smallest shown
		// group, HR (3), goes too: 5 hidden respondents.
		{3, []string{"Finance", "Ops", "Sales"}, 2},
		// k=4: IT and HR are below 4 and hold 5 ≥ 4: nothing more.
		{4, []string{"Finance", "Ops", "Sales"}, 2},
		// k=5: IT, HR and Finance hold 9. suppressed counts the groups
		// hidden for at least one competency (§4.11): those three, Ops
		// (4 answered alpha-c and beta-c) and Sales (4 answered beta-c).
		{5, []string{"Ops", "Sales"}, 5},
		// k=6: only Sales reaches 6; the others hold 14. Sales is hidden
		// for every competency (5, 4 and 5 answered them): 5 in all.
		{6, []string{"Sales"}, 5},
	} {
		res := scoreFile(t, f, "testdata/ref-responses.csv", []string{"department"}, tc.k)
		var shown []string
		for _, g := range res.Groups["department"] {
			shown = append(shown, g.Value)
			want := ref.Groups["department"][g.Value]
			if g.N != want.N {
				t.Errorf("k=%d %s n = %d, want %d", tc.k, g.Value, g.N, want.N)
			}
			for _, c := range g.Competencies {
				w := want.Competencies[c.ID]
				if c.N != w.N {
					t.Errorf("k=%d %s/%s n = %d, want %d", tc.k, g.Value, c.ID, c.N, w.N)
				}
				if c.N < tc.k {
					if !c.Suppressed || c.Score != nil {
						t.Errorf("k=%d %s/%s has %d answers but is shown", tc.k, g.Value, c.ID, c.N)
					}
					continue
				}
				checkNum(t, g.Value+"/"+c.ID+" score", c.Score, &w.Score)
				checkNum(t, g.Value+"/"+c.ID+" sd", c.SD, w.SD)
				checkCI(t, g.Value+"/"+c.ID, c.CI, w.CI)
			}
		}
		if !reflect.DeepEqual(shown, tc.shown) || res.Suppressed["department"] != tc.suppressed {
			t.Errorf("k=%d shown %v suppressed %d, want %v and %d", tc.k, shown, res.Suppressed["department"], tc.shown, tc.suppressed)
		}
	}
}

func TestDisagreementTruncatesRwg(t *testing.T) {
	ref := loadReference(t)
	f := fixture(t)
	res := scoreFile(t, f, "testdata/ref-disagree.csv", nil, 0)
	for _, c := range res.Competencies {
		want := ref.Disagree.Competencies[c.ID]
		checkNum(t, c.ID+" score", &c.Score, &want.Score)
		checkNum(t, c.ID+" sd", c.SD, want.SD)
		checkCI(t, c.ID, c.CI, want.CI)
		checkNum(t, c.ID+" alpha", c.Alpha, want.Alpha)
		checkNum(t, c.ID+" rwg", c.Rwg, want.Rwg)
	}
	// gamma-c: everyone answers 1/5 or 5/1, mean item variance 4.8 > 2;
	// the raw formula would give +7, the spec truncates to 0. Every sum is
	// 6, so alpha is undefined.
	g := res.Competency("gamma-c")
	if g.Rwg == nil || *g.Rwg != 0 || g.Alpha != nil {
		t.Errorf("gamma-c rwg %v alpha %v, want 0 and null", fmtPtr(g.Rwg), fmtPtr(g.Alpha))
	}
}
