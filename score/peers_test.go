package score

import (
	"encoding/json"
	"math"
	"sort"
	"testing"
)

func TestPercentileAndQuantileReference(t *testing.T) {
	ref := loadReferenceStats(t)
	for name, p := range ref.Percentiles {
		if len(p.Scores) != p.N {
			t.Fatalf("%s: %d scores, n = %d", name, len(p.Scores), p.N)
		}
		sorted := append([]float64{}, p.Scores...)
		sort.Float64s(sorted)
		for _, q := range []struct {
			q    float64
			want float64
		}{{0.25, p.P25}, {0.5, p.Median}, {0.75, p.P75}} {
			if got := Quantile(sorted, q.q); got != q.want { // NumPy's lerp, bit for bit
				t.Errorf("%s: quantile %v = %v, want %v", name, q.q, got, q.want)
			}
		}
		for _, q := range p.Queries {
			// Percentile does not need sorted peers.
			if got := Percentile(q.X, p.Scores); got != q.Percentile {
				t.Errorf("%s: percentile of %v = %v, want %v", name, q.X, got, q.Percentile)
			}
		}
	}
}

func TestQuantileEdges(t *testing.T) {
	if got := Quantile([]float64{42}, 0.25); got != 42 {
		t.Errorf("n = 1: %v", got)
	}
	for _, q := range []float64{0, 0.5, 1} {
		if got := Quantile([]float64{42}, q); got != 42 {
			t.Errorf("n = 1, q = %v: %v", q, got)
		}
	}
	s := []float64{10, 20, 20, 20, 40}
	cases := []struct{ q, want float64 }{
		{0, 10}, {1, 40}, {-0.5, 10}, {1.5, 40}, // ends and clamping
		{0.125, 15}, {0.25, 20}, {0.5, 20}, {0.75, 20}, // ties: flat between equal ranks
		{0.875, 30}, {0.9375, 35},
	}
	for _, c := range cases {
		if got := Quantile(s, c.q); got != c.want {
			t.Errorf("q = %v: %v, want %v", c.q, got, c.want)
		}
	}
	// NumPy's two-sided lerp is monotone and exact at the upper end.
	two := []float64{0.1, 0.7}
	prev := math.Inf(-1)
	for i := 0; i <= 1000; i++ {
		got := Quantile(two, float64(i)/1000)
		if got < prev || got < 0.1 || got > 0.7 {
			t.Fatalf("q = %v: %v after %v", float64(i)/1000, got, prev)
		}
		prev = got
	}
	if !math.IsNaN(Quantile(nil, 0.5)) || !math.IsNaN(Quantile([]float64{}, 0.5)) || !math.IsNaN(Quantile(s, math.NaN())) {
		t.Error("empty input or NaN q should give NaN")
	}
}

func TestPercentileEdges(t *testing.T) {
	if !math.IsNaN(Percentile(50, nil)) {
		t.Error("no peers should give NaN")
	}
	if got := Percentile(50, []float64{50}); got != 50 {
		t.Errorf("one equal peer: %v", got)
	}
	if got := Percentile(50, []float64{50, 50, 50, 50}); got != 50 {
		t.Errorf("all equal: %v", got)
	}
	if got := Percentile(50, []float64{40, 50, 50, 60}); got != 50 {
		t.Errorf("ties in the middle: %v", got)
	}
	if got := Percentile(60, []float64{40, 50, 50, 60}); got != 87.5 {
		t.Errorf("tie at the top: %v", got)
	}
}

// peer is a result of framework f v1 with the given competency scores; a
// NaN score leaves the competency unscored.
func peer(scores map[string]float64) *Result {
	r := wave()
	for _, id := range []string{"a", "b", "c"} {
		if s, ok := scores[id]; ok && !math.IsNaN(s) {
			r.Competencies = append(r.Competencies, Competency{ID: id, N: 10, Score: s})
		}
	}
	return r
}

func TestBenchmark(t *testing.T) {
	ref := loadReferenceStats(t)
	eight := ref.Percentiles["eight"]
	five := ref.Percentiles["five"]
	// Competency a: the eight peers of the reference; b: scored by only the
	// first five of them (the reference's five); c: by four only.
	var peers []*Result
	for i, s := range eight.Scores {
		m := map[string]float64{"a": s}
		if i < 5 {
			m["b"] = five.Scores[i]
		}
		if i < 4 {
			m["c"] = 50
		}
		peers = append(peers, peer(m))
	}
	// Not peers: nil, withheld, another version, another framework.
	other := peer(map[string]float64{"a": 0, "b": 0, "c": 0})
	other.Framework.Version = 2
	another := peer(map[string]float64{"a": 0, "b": 0, "c": 0})
	another.Framework.ID = "g"
	withheld := wave()
	withheld.Withheld = true
	peers = append(peers, nil, other, another, withheld)

	own := peer(map[string]float64{"a": 55, "b": 62.5, "c": 50})
	n, pos := Benchmark(own, peers, MinPeers)
	if n != 8 {
		t.Errorf("n = %d, want 8", n)
	}
	want := []PeerPosition{
		{ID: "a", Score: 55, Percentile: 37.5, Median: eight.Median, P25: eight.P25, P75: eight.P75, Peers: 8},
		{ID: "b", Score: 62.5, Percentile: 70, Median: five.Median, P25: five.P25, P75: five.P75, Peers: 5},
	}
	if len(pos) != len(want) {
		t.Fatalf("positions %+v", pos)
	}
	for i := range want {
		if pos[i] != want[i] {
			t.Errorf("position %d: %+v, want %+v", i, pos[i], want[i])
		}
	}

	// minPeers 0 means MinPeers; a lower explicit minimum lets c through.
	if _, pos := Benchmark(own, peers, 0); len(pos) != 2 {
		t.Errorf("minPeers 0: %+v", pos)
	}
	if _, pos := Benchmark(own, peers, 4); len(pos) != 3 || pos[2].ID != "c" || pos[2].Percentile != 50 || pos[2].Peers != 4 {
		t.Errorf("minPeers 4: %+v", pos)
	}

	// An unscored own competency gets no position.
	ownA := peer(map[string]float64{"a": 55})
	if _, pos := Benchmark(ownA, peers, MinPeers); len(pos) != 1 || pos[0].ID != "a" {
		t.Errorf("own scores only a: %+v", pos)
	}
}

func TestBenchmarkTooFewPeers(t *testing.T) {
	own := peer(map[string]float64{"a": 50})
	var peers []*Result
	for i := 0; i < MinPeers-1; i++ {
		peers = append(peers, peer(map[string]float64{"a": float64(40 + i)}))
	}
	n, pos := Benchmark(own, peers, MinPeers)
	if n != MinPeers-1 || pos == nil || len(pos) != 0 {
		t.Errorf("n = %d, positions %v", n, pos)
	}
	b, _ := json.Marshal(pos)
	if string(b) != "[]" {
		t.Errorf("JSON %s, want []", b)
	}
	peers = append(peers, peer(map[string]float64{"a": 60}))
	if n, pos := Benchmark(own, peers, MinPeers); n != MinPeers || len(pos) != 1 || pos[0].Percentile != 80 {
		t.Errorf("n = %d, positions %+v", n, pos)
	}
	// Empty and nil input do not panic.
	for _, c := range []struct {
		own   *Result
		peers []*Result
	}{{nil, nil}, {own, nil}, {own, []*Result{}}, {wave(), peers}, {&Result{}, []*Result{{}, {}, {}, {}, {}}}} {
		n, pos := Benchmark(c.own, c.peers, MinPeers)
		if pos == nil || len(pos) != 0 {
			t.Errorf("own %v: n = %d, positions %v", c.own, n, pos)
		}
	}
}

func TestPeerPositionJSON(t *testing.T) {
	b, err := json.Marshal(PeerPosition{ID: "a", Score: 55, Percentile: 37.5, Median: 58.75, P25: 54.25, P75: 70.25, Peers: 8})
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"a","score":55,"percentile":37.5,"median":58.75,"p25":54.25,"p75":70.25,"peers":8}`
	if string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
}

// TestPercentileTieRule is issue 7's case: two peers gave the same answers
// in another order, so their means came out 67.68867924528297 and
// 67.688679245283 (3e-14 apart). Seven peers: 40, 50, 55.5 and 60 below,
// those two, and 80. Counting the second as above gave (4 + ½·1)/7 = 64.3;
// both are equal (§5.3: within 1e-9), so it is (4 + ½·2)/7 = 71.43.
func TestPercentileTieRule(t *testing.T) {
	peers := []float64{40, 50, 55.5, 60, 67.68867924528297, 67.688679245283, 80}
	for _, x := range []float64{67.68867924528297, 67.688679245283} {
		if got := Percentile(x, peers); got != 100*5.0/7 {
			t.Errorf("percentile of %v = %v, want 71.43", x, got)
		}
	}
	// Just outside the tolerance a peer is below again: 60 + 2e-9 has 4
	// peers below (4/7 = 57.14); 60 + 0.5e-9 has 3 below and 60 equal
	// (3.5/7 = 50).
	if got := Percentile(60+2e-9, peers); got != 100*4.0/7 {
		t.Errorf("60 + 2e-9: %v, want 57.14", got)
	}
	if got := Percentile(60+0.5e-9, peers); got != 100*3.5/7 {
		t.Errorf("60 + 0.5e-9: %v, want 50 (equal to 60)", got)
	}
}
