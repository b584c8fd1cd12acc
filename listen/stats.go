package listen

import (
	"math"
	"math/big"
	"sync"

	"gonum.org/v1/gonum/stat/distuv"
)

// Z is Φ⁻¹(0.975), the normal quantile of every 95% interval (§4).
const Z = 1.959963984540054

var normal = distuv.UnitNormal

// Wilson is the Wilson score interval of s successes in n trials, in
// percent, as R's prop.test(s, n, correct = FALSE)$conf.int: clipped to
// [0, 100]. n must be positive.
func Wilson(s, n int64) [2]float64 {
	nf, sf := float64(n), float64(s)
	p := sf / nf
	z2 := Z * Z
	center := p + z2/(2*nf)
	half := Z * math.Sqrt(p*(1-p)/nf+z2/(4*nf*nf))
	den := 1 + z2/nf
	return [2]float64{100 * math.Max(0, (center-half)/den), 100 * math.Min(1, (center+half)/den)}
}

// AdjustedWald is the adjusted-Wald interval of NPS (Rocks 2016, §4.1) for
// p promoters and d detractors among n answers, in NPS points clipped to
// [−100, 100].
func AdjustedWald(p, d, n int64) [2]float64 {
	n1 := float64(n) + 3
	pp := (float64(p) + 0.75) / n1
	dd := (float64(d) + 0.75) / n1
	e := pp - dd
	se := math.Sqrt((pp + dd - e*e) / n1)
	return [2]float64{math.Max(-100, 100*(e-Z*se)), math.Min(100, 100*(e+Z*se))}
}

// moments are the exact integer sums of a set of numbers in some unit:
// count, sum and sum of squares.
type moments struct {
	n, sum, sq int64
}

// scaleMoments are the answers of a scale's block.
func scaleMoments(t *Totals, base int) moments {
	return moments{n: t[base+SN], sum: t[base+SSum], sq: t[base+SSq]}
}

// mean is sum/n divided by unit.
func (m moments) mean(unit float64) float64 {
	return float64(m.sum) / float64(m.n) / unit
}

// variance is the sample variance (n − 1) divided by unit²:
// (n·Σx² − (Σx)²) / (n(n − 1)), with the numerator computed exactly in
// big integers so that no cancellation can occur. NaN below 2.
func (m moments) variance(unit float64) float64 {
	if m.n < 2 {
		return math.NaN()
	}
	num := new(big.Int).Mul(big.NewInt(m.n), big.NewInt(m.sq))
	s := big.NewInt(m.sum)
	num.Sub(num, s.Mul(s, s))
	f, _ := new(big.Float).SetInt(num).Float64()
	return f / (float64(m.n) * float64(m.n-1)) / (unit * unit)
}

// tInterval is mean ± t(0.975, n − 1)·sd/√n (scoring.md 4.3); nil below
// 2 observations.
func tInterval(mean, variance float64, n int64) *[2]float64 {
	if n < 2 {
		return nil
	}
	half := tQuantile975(n-1) * math.Sqrt(variance/float64(n))
	return &[2]float64{mean - half, mean + half}
}

// tQuantile975 is t(0.975, df). gonum's quantile inverts the incomplete
// beta function, which takes tens of microseconds and, for the thousands of
// degrees of freedom a slice has, far longer; a page computes hundreds. So:
// below 200 degrees of freedom gonum's value, kept once computed; from 200
// on, the Cornish–Fisher expansion in 1/df to the fifth order (Abramowitz &
// Stegun 26.7.5 and the next term), whose relative error there is below
// 1e-14 (TestTQuantile checks it against gonum; R's qt agrees).
func tQuantile975(df int64) float64 {
	if df >= cornishFisherFrom {
		return cornishFisher(float64(df))
	}
	tCache.Lock()
	defer tCache.Unlock()
	if q := tCache.q[df]; q != 0 {
		return q
	}
	q := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
	tCache.q[df] = q
	return q
}

const cornishFisherFrom = 200

var tCache struct {
	sync.Mutex
	q [cornishFisherFrom]float64
}

func cornishFisher(v float64) float64 {
	x := Z
	x2 := x * x
	g1 := x * (x2 + 1) / 4
	g2 := x * ((5*x2+16)*x2 + 3) / 96
	g3 := x * (((3*x2+19)*x2+17)*x2 - 15) / 384
	g4 := x * ((((79*x2+776)*x2+1482)*x2-1920)*x2 - 945) / 92160
	g5 := x * (((((27*x2+339)*x2+930)*x2-1782)*x2-765)*x2 + 17955) / 368640
	return x + (g1+(g2+(g3+(g4+g5/v)/v)/v)/v)/v
}

// twoSided is the two-sided normal p-value of z.
func twoSided(z float64) float64 {
	return 2 * normal.CDF(-math.Abs(z))
}

func ptr[T any](x T) *T { return &x }
