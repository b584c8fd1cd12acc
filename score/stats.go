package score

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// moments accumulates count, mean and the sum of squared deviations with
// Welford's method: one pass, numerically stable, constant memory, so
// responses can be streamed instead of held.
type moments struct {
	n    int
	mean float64
	m2   float64
}

func (m *moments) add(x float64) {
	m.n++
	d := x - m.mean
	m.mean += d / float64(m.n)
	m.m2 += d * (x - m.mean)
}

// variance is the sample variance (n − 1); NaN below 2 observations.
func (m *moments) variance() float64 {
	if m.n < 2 {
		return math.NaN()
	}
	return m.m2 / float64(m.n-1)
}

// tQuantile975 is t(0.975, df), cached because a breakdown asks for the same
// few degrees of freedom thousands of times.
type tQuantiles map[int]float64

func (q tQuantiles) at(df int) float64 {
	if v, ok := q[df]; ok {
		return v
	}
	v := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(df)}.Quantile(0.975)
	q[df] = v
	return v
}

// spread returns the sample sd and the 95% CI of the mean, mean ± t(0.975,
// n−1)·sd/√n (§4.3); both nil below 2 observations.
func (q tQuantiles) spread(m moments) (sd *float64, ci *[2]float64) {
	if m.n < 2 {
		return nil, nil
	}
	s := math.Sqrt(m.variance())
	half := q.at(m.n-1) * s / math.Sqrt(float64(m.n))
	return &s, &[2]float64{m.mean - half, m.mean + half}
}

func ptr(x float64) *float64 { return &x }
