package score

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// certainty compares the weakest competency, respondent by respondent, with
// every other scored one (§4.10) and lists those it cannot be told apart
// from in overall.tied_with.
func (s *Scorer) certainty(res *Result) {
	if len(res.Competencies) == 0 {
		return
	}
	f := s.fw
	nc := len(s.comps)
	w := -1
	for c := range f.Competencies {
		if f.Competencies[c].ID == res.Overall.Weakest {
			w = c
		}
	}
	for c, comp := range f.Competencies {
		if c == w || !s.scored(c) {
			continue
		}
		// pairs hold index(later) − index(earlier); d is index(c) − index(w).
		var m moments
		sign := 1.0
		if c > w {
			m = s.pairs[w*nc+c]
		} else {
			m, sign = s.pairs[c*nc+w], -1
		}
		cmp := Comparison{Competency: comp.ID, M: m.n}
		if m.n > 0 {
			cmp.Diff = ptr(sign * m.mean)
			cmp.P = pairedP(m.n, *cmp.Diff, math.Sqrt(m.variance()))
		}
		if cmp.P == nil || *cmp.Diff <= 0 || *cmp.P >= Significance {
			res.Overall.TiedWith = append(res.Overall.TiedWith, comp.ID)
		}
		if s.opts.Withhold && (s.revealsFew(c, m.n) || s.revealsFew(w, m.n)) {
			// With both competencies' totals shown, the summed difference
			// over the m in both gives the sum of those in only one of them.
			cmp.Diff = nil
		}
		res.Overall.Comparisons = append(res.Overall.Comparisons, cmp)
	}
}

// revealsFew reports whether 1 to k − 1 of competency c's respondents are
// outside the m included in a comparison.
func (s *Scorer) revealsFew(c, m int) bool {
	out := s.comps[c].index.n - m
	return out > 0 && out < s.opts.MinGroup
}

// pairedP is the two-sided p of the paired t-test on m differences with mean
// diff and sample sd: t = diff/(sd/√m), df = m − 1, p = 2·F(−|t|). Nil when
// m < 2; with sd = 0, 0 when diff ≠ 0 and 1 when diff = 0 (§4.10).
func pairedP(m int, diff, sd float64) *float64 {
	switch {
	case m < 2:
		return nil
	case sd == 0 && diff != 0:
		return ptr(0)
	case sd == 0:
		return ptr(1)
	}
	t := diff / (sd / math.Sqrt(float64(m)))
	p := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m - 1)}.CDF(-math.Abs(t))
	return ptr(math.Min(p, 1))
}
