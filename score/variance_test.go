package score

import (
	"math"
	"testing"
)

// TestAnswerVariance checks the variance from counts against values worked
// out by hand, and σ²_EU.
func TestAnswerVariance(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		want   float64
		ok     bool
	}{
		{[]int{1, 0, 0, 0, 1}, 8, true},           // 1 and 5: mean 3, (4+4)/1
		{[]int{0, 3, 0, 0, 0}, 0, true},           // all the same
		{[]int{0, 0, 1, 0, 0}, 0, false},          // one answer
		{[]int{}, 0, false},                       // none
		{[]int{2, 1, 1, 0, 0}, 11.0 / 12, true},   // 1,1,2,3: mean 7/4, Σd² = 2.75, /3
		{[]int{6, 0, 0, 0, 5}, 480.0 / 110, true}, // the fixture's pattern A
	} {
		v, _, ok := AnswerVariance(tc.counts)
		if ok != tc.ok || math.Abs(v-tc.want) > 1e-12 {
			t.Errorf("AnswerVariance(%v) = %v, %v; want %v, %v", tc.counts, v, ok, tc.want, tc.ok)
		}
	}
	if v := RandomVariance(5); v != 2 {
		t.Errorf("σ²_EU of 5 options = %v, want 2", v)
	}
}
