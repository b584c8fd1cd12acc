package score

import (
	"math"
	"sort"
)

// MinPeers is the fewest peers a benchmark shows anything for
// (shared/spec/scoring.md §5.3).
const MinPeers = 5

// PeerPosition is where an assessment stands among its peers on one
// competency (§5.3): its own score, its percentile among the peer scores,
// the peers' median and quartiles, and how many peers scored it.
type PeerPosition struct {
	ID         string  `json:"id"`
	Score      float64 `json:"score"`
	Percentile float64 `json:"percentile"`
	Median     float64 `json:"median"`
	P25        float64 `json:"p25"`
	P75        float64 `json:"p75"`
	Peers      int     `json:"peers"`
}

// TieTolerance is how far apart two scores may be and still be equal
// (§5.3): a score is a mean computed in floating point, and the same answers
// in another order must not change a percentile.
const TieTolerance = 1e-9

// Percentile is 100 · (number of peers below x + ½ · number equal to x) / n,
// on 0..100, where a peer within TieTolerance of x is equal; NaN when there
// are no peers.
func Percentile(x float64, peers []float64) float64 {
	if len(peers) == 0 {
		return math.NaN()
	}
	below, equal := Rank(x, peers)
	return 100 * (float64(below) + 0.5*float64(equal)) / float64(len(peers))
}

// Rank counts the peers below x and those equal to it (within
// TieTolerance), as Percentile does, so that words about a position agree
// with its percentile.
func Rank(x float64, peers []float64) (below, equal int) {
	for _, p := range peers {
		switch {
		case math.Abs(p-x) <= TieTolerance:
			equal++
		case p < x:
			below++
		}
	}
	return below, equal
}

// Quantile is the q-quantile (0 ≤ q ≤ 1; clamped) of values sorted in
// ascending order, by linear interpolation between the closest ranks as
// NumPy's default: h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]).
// NaN when sorted is empty.
func Quantile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 || math.IsNaN(q) {
		return math.NaN()
	}
	q = math.Max(0, math.Min(1, q))
	h := float64(n-1) * q
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	lower, upper := sorted[lo], sorted[lo+1]
	frac := h - float64(lo)
	if frac == 0 || lower == upper {
		return lower
	}
	// NumPy's _lerp: from the nearer end, so the result is exact at both
	// ends and never leaves [lower, upper].
	if frac >= 0.5 {
		return upper - (upper-lower)*(1-frac)
	}
	return lower + (upper-lower)*frac
}

// Benchmark places own among its peers (§5.3). n is the number of peers:
// the peer results that are not nil, not withheld and scored against the
// same framework id and version as own. Below minPeers (MinPeers when
// minPeers < 1) no position is returned. Otherwise every competency own
// scored gets a position, in own's order, among the peers that scored that
// competency, unless fewer than minPeers did: that competency is left out.
// positions is never nil.
func Benchmark(own *Result, peers []*Result, minPeers int) (n int, positions []PeerPosition) {
	positions = []PeerPosition{}
	if minPeers < 1 {
		minPeers = MinPeers
	}
	if own == nil {
		return 0, positions
	}
	var valid []*Result
	for _, p := range peers {
		if p != nil && !p.Withheld && p.Framework == own.Framework {
			valid = append(valid, p)
		}
	}
	n = len(valid)
	if n < minPeers {
		return n, positions
	}
	for _, c := range own.Competencies {
		var scores []float64
		for _, p := range valid {
			if pc := p.Competency(c.ID); pc != nil {
				scores = append(scores, pc.Score)
			}
		}
		if len(scores) < minPeers {
			continue
		}
		sort.Float64s(scores)
		positions = append(positions, PeerPosition{
			ID:         c.ID,
			Score:      c.Score,
			Percentile: Percentile(c.Score, scores),
			Median:     Quantile(scores, 0.5),
			P25:        Quantile(scores, 0.25),
			P75:        Quantile(scores, 0.75),
			Peers:      len(scores),
		})
	}
	return n, positions
}
