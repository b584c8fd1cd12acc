package score

// RandomVariance is σ²_EU = (A² − 1)/12, the variance of answers picked at
// random among A options (§4.5's null distribution of rwg).
func RandomVariance(options int) float64 {
	a := float64(options)
	return (a*a - 1) / 12
}

// AnswerVariance is the sample variance (n − 1) of the answers whose counts
// are given (counts[i] answered the i-th option), and n; ok is false below
// two answers. The workshop ranks statements by it.
func AnswerVariance(counts []int) (variance float64, n int, ok bool) {
	var sum float64
	for i, c := range counts {
		if c > 0 {
			n += c
			sum += float64(c) * float64(i)
		}
	}
	if n < 2 {
		return 0, n, false
	}
	mean := sum / float64(n)
	var ss float64
	for i, c := range counts {
		if c > 0 {
			d := float64(i) - mean
			ss += float64(c) * d * d
		}
	}
	return ss / float64(n-1), n, true
}
