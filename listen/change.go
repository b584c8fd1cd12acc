package listen

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Change compares a figure of slice a (this period, this region) with the
// same figure of slice b (the previous period, another region), §4.4.
// Diff = a − b (NPS and percent points, or the difference of means on the
// answer scale when Mean); P is the two-sided p-value. Both are null when
// either side is below min_n (Reason "too few answers"); P alone is null
// when the test is undefined (Reason says why).
type Change struct {
	Diff   *float64 `json:"diff"`
	P      *float64 `json:"p"`
	Mean   bool     `json:"-"`
	Reason string   `json:"-"`
}

// Changes are §4.4's changes of every figure of a summary.
type Changes struct {
	NPS       Change `json:"nps"`
	CSAT      Change `json:"csat"`
	CSATMean  Change `json:"csat_mean"`
	CES       Change `json:"ces"`
	Easy      Change `json:"easy"`
	Positive  Change `json:"positive"`
	Negative  Change `json:"negative"`
	Sentiment Change `json:"sentiment_mean"`
}

// Reasons a change has no p-value.
const (
	TooFew      = "too few answers"
	NoVariation = "the answers do not vary, so it cannot be tested"
)

// Compare computes every change of slice a against slice b.
func (c Config) Compare(a, b *Totals) Changes {
	ma, mb := scaleMoments(a, ICSAT), scaleMoments(b, ICSAT)
	ea, eb := scaleMoments(a, ICES), scaleMoments(b, ICES)
	na := a[IPositive] + a[INeutral] + a[INegative]
	nb := b[IPositive] + b[INeutral] + b[INegative]
	ca := moments{n: na, sum: a[ICompound], sq: a[ICompoundSq]}
	cb := moments{n: nb, sum: b[ICompound], sq: b[ICompoundSq]}
	return Changes{
		NPS:       c.ChangeNPS(a, b),
		CSAT:      c.proportions(a[ICSAT+STop], ma.n, b[ICSAT+STop], mb.n),
		CSATMean:  c.means(ma, mb, 1),
		CES:       c.means(ea, eb, 1),
		Easy:      c.proportions(a[ICES+STop], ea.n, b[ICES+STop], eb.n),
		Positive:  c.proportions(a[IPositive], na, b[IPositive], nb),
		Negative:  c.proportions(a[INegative], na, b[INegative], nb),
		Sentiment: c.means(ca, cb, CompoundUnit),
	}
}

// ChangeNPS is §4.4's NPS change: diff = nps_a − nps_b and the z-test on
// the unadjusted shares.
func (c Config) ChangeNPS(a, b *Totals) Change {
	n1, p1, d1 := npsCounts(a)
	n2, p2, d2 := npsCounts(b)
	if !c.shown(n1) || !c.shown(n2) {
		return Change{Reason: TooFew}
	}
	ch := Change{Diff: ptr(100*float64(p1-d1)/float64(n1) - 100*float64(p2-d2)/float64(n2))}
	if _, p := NPSTest(p1, d1, n1, p2, d2, n2); p != nil {
		ch.P = p
	} else {
		ch.Reason = NoVariation
	}
	return ch
}

func (c Config) proportions(s1, n1, s2, n2 int64) Change {
	if !c.shown(n1) || !c.shown(n2) {
		return Change{Reason: TooFew}
	}
	ch := Change{Diff: ptr(100*float64(s1)/float64(n1) - 100*float64(s2)/float64(n2))}
	if _, p := TwoProportion(s1, n1, s2, n2); p != nil {
		ch.P = p
	} else {
		ch.Reason = NoVariation
	}
	return ch
}

func (c Config) means(a, b moments, unit float64) Change {
	if !c.shown(a.n) || !c.shown(b.n) {
		return Change{Reason: TooFew, Mean: true}
	}
	m1, m2 := a.mean(unit), b.mean(unit)
	ch := Change{Diff: ptr(m1 - m2), Mean: true}
	if _, _, p := Welch(a.n, m1, a.variance(unit), b.n, m2, b.variance(unit)); p != nil {
		ch.P = p
	} else if a.n < 2 || b.n < 2 {
		ch.Reason = TooFew
	} else {
		ch.Reason = NoVariation
	}
	return ch
}

// NPSTest is §4.4's z-test of two NPS from the unadjusted shares:
// eᵢ = pᵢ − dᵢ, vᵢ = (pᵢ + dᵢ − eᵢ²)/nᵢ, z = (e₁ − e₂)/√(v₁ + v₂), p
// two-sided. Both nil when a side has no answers or v₁ + v₂ = 0.
func NPSTest(p1, d1, n1, p2, d2, n2 int64) (z, p *float64) {
	if n1 <= 0 || n2 <= 0 {
		return nil, nil
	}
	e1, v1 := npsShares(p1, d1, n1)
	e2, v2 := npsShares(p2, d2, n2)
	if !(v1+v2 > 0) {
		return nil, nil
	}
	zv := (e1 - e2) / math.Sqrt(v1+v2)
	return &zv, ptr(twoSided(zv))
}

func npsShares(p, d, n int64) (e, v float64) {
	pp, dd := float64(p)/float64(n), float64(d)/float64(n)
	e = pp - dd
	return e, (pp + dd - e*e) / float64(n)
}

// TwoProportion is the pooled two-proportion z-test of s1/n1 against
// s2/n2, two-sided, the p-value of R's prop.test(c(s1, s2), c(n1, n2),
// correct = FALSE). Both nil when a side has no trials or the pooled share
// is 0 or 1 (R answers NaN).
func TwoProportion(s1, n1, s2, n2 int64) (z, p *float64) {
	if n1 <= 0 || n2 <= 0 {
		return nil, nil
	}
	pooled := float64(s1+s2) / float64(n1+n2)
	se2 := pooled * (1 - pooled) * (1/float64(n1) + 1/float64(n2))
	if !(se2 > 0) {
		return nil, nil
	}
	zv := (float64(s1)/float64(n1) - float64(s2)/float64(n2)) / math.Sqrt(se2)
	return &zv, ptr(twoSided(zv))
}

// Welch is Welch's two-sided t-test of mean m1 (n1 values, sample variance
// v1) against m2: t = (m1 − m2)/√(v1/n1 + v2/n2), df by Welch–
// Satterthwaite, as R's t.test(x1, x2). All nil below 2 values on a side
// or when both variances are 0.
func Welch(n1 int64, m1, v1 float64, n2 int64, m2, v2 float64) (t, df, p *float64) {
	if n1 < 2 || n2 < 2 {
		return nil, nil, nil
	}
	a, b := v1/float64(n1), v2/float64(n2)
	se2 := a + b
	if !(se2 > 0) || math.IsInf(se2, 0) {
		return nil, nil, nil
	}
	tv := (m1 - m2) / math.Sqrt(se2)
	dfv := se2 * se2 / (a*a/float64(n1-1) + b*b/float64(n2-1))
	// 2·F(−|t|) keeps its precision far into the tail.
	pv := math.Min(1, 2*distuv.StudentsT{Mu: 0, Sigma: 1, Nu: dfv}.CDF(-math.Abs(tv)))
	return &tv, &dfv, &pv
}

// ChangeWords says what a change means, in the words of wave comparisons
// (score.ChangeWords): "up 8.0 points, p = 0.01: a real change", "down
// 3.1 points, p = 0.42: no clear change", "up 0.25, p = 0.03: a real
// change" for a mean, "too few answers" when a side is below min_n.
func ChangeWords(ch Change) string {
	if ch.Diff == nil {
		return TooFew
	}
	move := movement(*ch.Diff, ch.Mean)
	if ch.P == nil {
		reason := ch.Reason
		if reason == "" {
			reason = NoVariation
		}
		return move + ": " + reason
	}
	verdict := "no clear change"
	if *ch.P < Significance {
		verdict = "a real change"
	}
	return fmt.Sprintf("%s, %s: %s", move, FormatP(*ch.P), verdict)
}

// Significance is the p-value below which a change is called real
// (two-sided, 5%), as for assessment waves (score.Significance).
const Significance = 0.05

// FormatP writes a p-value as score.FormatP does (a test holds them
// equal; listen does not import score so that score may one day import
// listen, for evidence): "p < 0.001", "p = 0.004", "p = 0.42", and "p <
// 0.05" for a p just below 0.05 that would round up to it.
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

// movement is "up 8.0 points" (percent and NPS points, one decimal) or
// "up 0.25" (a mean on the answer scale, two decimals), "unchanged" at 0.
func movement(d float64, mean bool) string {
	dir := "up"
	if d < 0 {
		dir = "down"
	}
	format, unit, tiny := "%s %.1f points", "", "0.1 points"
	if mean {
		format, tiny = "%s %.2f", "0.01"
	}
	a := math.Abs(d)
	switch s := fmt.Sprintf(format, dir, a) + unit; {
	case a == 0:
		return "unchanged"
	case s == dir+" 0.0 points" || s == dir+" 0.00":
		return dir + " less than " + tiny
	default:
		return s
	}
}
