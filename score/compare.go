package score

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Significance is the p-value below which a change between two waves is
// called real (two-sided, 5%).
const Significance = 0.05

// Change is one competency compared across two waves of an assessment
// (shared/spec/scoring.md §5.2). Before and After are the competency scores
// (nil when the competency was not scored in that wave), Delta is
// After − Before. T, DF and P are Welch's two-sided t-test on the two waves'
// respondent indices; T is positive when the score went up. They are nil
// when the test is undefined: the competency is missing from a wave, a wave
// has fewer than 2 respondents for it, or every respondent of both waves
// gave the same index (no spread to test against).
type Change struct {
	ID      string   `json:"id"`
	Before  *float64 `json:"before"`
	After   *float64 `json:"after"`
	Delta   *float64 `json:"delta"`
	T       *float64 `json:"t"`
	DF      *float64 `json:"df"`
	P       *float64 `json:"p"`
	BeforeN int      `json:"before_n"`
	AfterN  int      `json:"after_n"`
}

// Compare compares every competency scored in either wave: in the framework
// order of after, then any scored only in before. Both results should come
// from the same framework version; Compare does not check it.
func Compare(before, after *Result) []Change {
	out := []Change{}
	for _, id := range competencyOrder(after, before) {
		var b, a *Competency
		if before != nil {
			b = before.Competency(id)
		}
		if after != nil {
			a = after.Competency(id)
		}
		if a == nil && b == nil {
			continue
		}
		c := Change{ID: id}
		if b != nil {
			c.Before, c.BeforeN = ptr(b.Score), b.N
		}
		if a != nil {
			c.After, c.AfterN = ptr(a.Score), a.N
		}
		if a != nil && b != nil {
			c.Delta = ptr(a.Score - b.Score)
			if b.SD != nil && a.SD != nil {
				c.T, c.DF, c.P = welch(b.N, b.Score, *b.SD, a.N, a.Score, *a.SD)
			}
		}
		out = append(out, c)
	}
	return out
}

// competencyOrder lists the competency ids of the results, each once: the
// framework order of the first result (its items list every competency of
// the framework, scored or not; its competencies are the fallback when it
// has no items), then those only in the second.
func competencyOrder(results ...*Result) []string {
	var ids []string
	seen := map[string]bool{}
	add := func(id string) {
		if !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, r := range results {
		if r == nil {
			continue
		}
		for _, it := range r.Items {
			add(it.Competency)
		}
		for _, c := range r.Competencies {
			add(c.ID)
		}
	}
	return ids
}

// welch is Welch's two-sided t-test of wave 2 against wave 1 from each
// wave's count, mean and sample sd: t = (m2 − m1)/√(s1²/n1 + s2²/n2), df by
// Welch–Satterthwaite, p = 2·F(−|t|; df). All nil when n < 2 on either side
// or both variances are 0.
func welch(n1 int, m1, s1 float64, n2 int, m2, s2 float64) (t, df, p *float64) {
	if n1 < 2 || n2 < 2 {
		return nil, nil, nil
	}
	v1 := s1 * s1 / float64(n1)
	v2 := s2 * s2 / float64(n2)
	se2 := v1 + v2
	if !(se2 > 0) || math.IsInf(se2, 0) {
		return nil, nil, nil
	}
	tv := (m2 - m1) / math.Sqrt(se2)
	dfv := se2 * se2 / (v1*v1/float64(n1-1) + v2*v2/float64(n2-1))
	// 2·F(−|t|) keeps full relative precision in the tail, where
	// 2·(1 − F(|t|)) would cancel to 0 long before p does.
	pv := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: dfv}.CDF(-math.Abs(tv))
	if pv > 1 {
		pv = 1
	}
	return &tv, &dfv, &pv
}

// ChangeWords says what a change means for a reader who does not read
// p-values: "up 8.2 points, p = 0.01: a real change", "down 3.1 points,
// p = 0.42: no clear change", "unchanged, p = 1.00: no clear change". A
// change is called real when p < Significance. Without a test the sentence
// says why; without a score in one wave, which wave lacks it.
func ChangeWords(c Change) string {
	switch {
	case c.Before == nil && c.After == nil:
		return "not scored in either wave"
	case c.Before == nil:
		return "not scored in the earlier wave"
	case c.After == nil:
		return "not scored in this wave"
	}
	d := *c.After - *c.Before
	if c.Delta != nil {
		d = *c.Delta
	}
	move := movement(d)
	if c.P == nil {
		if c.BeforeN < 2 || c.AfterN < 2 {
			return move + ": too few respondents in a wave to tell whether it is a real change"
		}
		return move + ": the answers did not vary within either wave, so it cannot be tested"
	}
	verdict := "no clear change"
	if *c.P < Significance {
		verdict = "a real change"
	}
	return fmt.Sprintf("%s, %s: %s", move, FormatP(*c.P), verdict)
}

// movement is "up 8.2 points", "down 3.1 points", "up less than 0.1
// points" or "unchanged" (exactly 0).
func movement(d float64) string {
	dir := "up"
	if d < 0 {
		dir = "down"
	}
	switch a := math.Abs(d); {
	case a == 0:
		return "unchanged"
	case fmt.Sprintf("%.1f", a) == "0.0":
		return dir + " less than 0.1 points"
	default:
		return fmt.Sprintf("%s %.1f points", dir, a)
	}
}

// FormatP writes a p-value the way reports do: "p < 0.001" below 0.001,
// three decimals below 0.01 ("p = 0.004"), two otherwise ("p = 0.42"). A p
// just below Significance that would round to 0.05 is written "p < 0.05", so
// that the number never contradicts the verdict next to it.
func FormatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return "p unknown"
	case p < 0.001:
		return "p < 0.001"
	case p < 0.01:
		return fmt.Sprintf("p = %.3f", p)
	}
	s := fmt.Sprintf("%.2f", p)
	if p < Significance && s == "0.05" {
		return "p < 0.05"
	}
	return "p = " + s
}
