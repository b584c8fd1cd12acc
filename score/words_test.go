package score

import (
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
)

// verdictResult is a hand-made result of tiny: b the weakest at 38.5 with
// the interval 29.3–49.6 (stages Zero from 0, One from 30, Two from 60).
func verdictResult(rule cxm.Rule, tied []string, rng *[2]string) *Result {
	return &Result{
		Competencies: []Competency{
			{ID: "a", Name: "A", Score: 70},
			{ID: "b", Name: "B", Score: 38.5, CI: &[2]float64{29.3, 49.6}, StageRange: rng, Stage: "s1"},
			{ID: "c", Name: "C", Score: 40.2},
		},
		Overall: Overall{Rule: string(rule), Mean: ptr(49.6), Weakest: "b", Stage: "s1", StageRange: rng, TiedWith: tied},
	}
}

func TestWeakestWords(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	for _, tc := range []struct {
		tied []string
		rng  *[2]string
		want string
	}{
		{nil, &[2]string{"s1", "s1"},
			"B is the weakest link at 38.5: an organization is only as mature as its weakest competency, so it holds the whole organization at stage One."},
		{nil, &[2]string{"s0", "s1"},
			"B is the weakest link at 38.5: an organization is only as mature as its weakest competency, so it holds the whole organization at stage One; allowing for the margin of error of that score (29.3–49.6), somewhere between Zero and One."},
		{[]string{"c"}, &[2]string{"s1", "s1"},
			"B (38.5) and C (40.2) are jointly the weakest: the difference between them is within what chance would give. An organization is only as mature as its weakest competency, so they hold the whole organization at stage One."},
		{[]string{"a", "c"}, &[2]string{"s0", "s1"},
			"B (38.5), A (70.0) and C (40.2) are jointly the weakest: the differences between them are within what chance would give. An organization is only as mature as its weakest competency, so they hold the whole organization at stage One; allowing for the margin of error of that score (29.3–49.6), somewhere between Zero and One."},
	} {
		if got := WeakestWords(f, verdictResult(cxm.RuleWeakestLink, tc.tied, tc.rng)); got != tc.want {
			t.Errorf("tied %v range %v:\n got %s\nwant %s", tc.tied, tc.rng, got, tc.want)
		}
	}
	// Rule mean: no overall stage range; the tie is said all the same.
	f = tiny(cxm.RuleMean)
	got := WeakestWords(f, verdictResult(cxm.RuleMean, []string{"c"}, nil))
	if want := "Overall the organization is at stage One: the mean of its competencies is 49.6. B (38.5) and C (40.2) are jointly the weakest: the difference between them is within what chance would give."; got != want {
		t.Errorf("rule mean:\n got %s\nwant %s", got, want)
	}
	v := strings.Join(Verdict(f, verdictResult(cxm.RuleMean, nil, nil)), " ")
	if !strings.Contains(v, "Its weakest competency is B at 38.5.") {
		t.Errorf("rule mean, clear: %s", v)
	}
}

func TestStageRangeWords(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	for rng, want := range map[*[2]string]string{nil: "", {"s1", "s1"}: "One", {"s0", "s2"}: "between Zero and Two"} {
		if got := StageRangeWords(f, rng); got != want {
			t.Errorf("%v: %q, want %q", rng, got, want)
		}
	}
}

func TestAlphaWords(t *testing.T) {
	for _, tc := range []struct {
		alpha    *float64
		complete int
		word     string
		note     string
	}{
		// The case: 6 respondents, alpha −13.20.
		{ptr(-13.2), 6, "few answers", "Whether the statements of Engagement hang together cannot be told yet: alpha (-13.20) rests on only 6 respondents who answered all of them, too few for the number to be reliable (it needs at least 10)."},
		{ptr(0.9), 9, "few answers", "rests on only 9 respondents"},
		{ptr(-0.35), 40, "negative", "The statements of Engagement do not hang together (alpha -0.35, below zero): respondents who rated one high often rated another low, so the score mixes things that differ; read its statements one by one."},
		{ptr(0.4999), 10, "low", "hang together poorly (alpha 0.49, below 0.5): the score is only a rough summary"},
		{ptr(0.5), 10, "questionable", "hang together only moderately (alpha 0.50, below 0.7): treat small differences in its score with caution."},
		{ptr(0.6999), 10, "questionable", "only moderately"},
		{ptr(0.7), 10, "good", "The statements of Engagement hang together well (alpha 0.70): the score is a fair summary of them."},
		{nil, 1, "unknown", "cannot be judged: fewer than 2 respondents answered all of them."},
		{nil, 12, "unknown", "cannot be judged: every respondent who answered all of them gave the same total."},
	} {
		c := Competency{ID: "ee", Name: "Engagement", Alpha: tc.alpha, Complete: tc.complete}
		if got := AlphaWord(c); got != tc.word {
			t.Errorf("alpha %v (%d complete): word %q, want %q", fmtp(tc.alpha), tc.complete, got, tc.word)
		}
		if got := AlphaNote(c); !strings.Contains(got, tc.note) {
			t.Errorf("alpha %v (%d complete): note %q, want %q", fmtp(tc.alpha), tc.complete, got, tc.note)
		}
	}
}

func TestComparisonWords(t *testing.T) {
	f := tiny(cxm.RuleWeakestLink)
	for _, tc := range []struct {
		c    Comparison
		want string
	}{
		{Comparison{"c", 39, ptr(2.1), ptr(0.31)}, "C: 2.1 points higher among the 39 respondents who answered both (p = 0.31), within what chance would give"},
		{Comparison{"a", 39, ptr(12.4), ptr(0.0002)}, "A: 12.4 points higher among the 39 respondents who answered both (p < 0.001), a clear difference"},
		{Comparison{"a", 3, ptr(-12.5), ptr(0)}, "A: 12.5 points lower among the 3 respondents who answered both (p < 0.001), so it cannot be called stronger"},
		{Comparison{"a", 1, ptr(50), nil}, "A: 50.0 points higher, but only 1 respondent answered both, too few to tell"},
		{Comparison{"a", 0, nil, nil}, "A: no respondent answered both, so the two cannot be compared"},
		{Comparison{"a", 38, nil, ptr(0.002)}, "A: a clear difference among the 38 respondents who answered both (p = 0.002); its size is not shown, since with the totals it would reveal the answers of the few who answered only one of the two"},
	} {
		if got := ComparisonWords(f, tc.c); got != tc.want {
			t.Errorf("%+v:\n got %s\nwant %s", tc.c, got, tc.want)
		}
	}
}
