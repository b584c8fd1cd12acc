// Package listen computes the customer metrics of the listening pillar
// (shared/spec/listening.md §3, §4, §7.2 per slice) from additive totals.
// It is pure: no I/O, no clock, no randomness.
//
// Storage keeps one Totals per journey, stage, source, day and attribute
// value, adds a record's totals as it arrives and subtracts them when the
// record is replaced or erased; every figure of a slice is then computed
// from the sum of the slice's totals alone. All totals are integers, so
// adding and subtracting in any order is exact and a stored sum always
// equals a recomputation from the records.
package listen

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cxmhq/cxm"
)

// Points is the most answer values a scale's distribution is kept for:
// csat and ces totals count each answer value in Points slots when the
// scale has at most Points values (1..5, 1..7, 0..10), and leave those
// slots at 0 for a longer scale (0..100). The figures never need them:
// they come from the count, the count at or above the threshold, the sum
// and the sum of squares, kept for every scale.
const Points = 11

// The layout of a scale's block of slots (csat from ICSAT, ces from ICES).
const (
	// SN counts the answers.
	SN = 0
	// STop counts the answers at or above the threshold (satisfied_from,
	// easy_from).
	STop = 1
	// SSum is the sum of the answers, SSq the sum of their squares.
	SSum = 2
	SSq  = 3
	// SDist is the first of Points slots: the count of answers equal to
	// scale min + slot (only for a scale of at most Points values).
	SDist = 4
	// ScaleWidth is the number of slots of a scale's block.
	ScaleWidth = SDist + Points
)

// The layout of Totals: one int64 per slot, in this order. Storage may keep
// each slot in its own column (ColumnNames) and SUM them per slice.
const (
	// IRecords counts every record of the slice, answered or not.
	IRecords = 0
	// INPS is the first of 11 slots: the count of nps answers 0..10.
	INPS = 1
	// ICSAT is the first slot of the csat block (SN, STop, SSum, SSq,
	// SDist...).
	ICSAT = INPS + 11
	// ICES is the first slot of the ces block.
	ICES = ICSAT + ScaleWidth
	// IPositive, INeutral, INegative count comments by sentiment band.
	IPositive = ICES + ScaleWidth
	INeutral  = IPositive + 1
	INegative = INeutral + 1
	// ICompound is the sum of the comments' compound scores in units of
	// 1e-4 (VADER rounds the compound to 4 decimals, so this is exact).
	ICompound = INegative + 1
	// ICompoundSq is the sum of the squared compound scores in units of
	// 1e-8 (exact for the same reason).
	ICompoundSq = ICompound + 1
	// Width is the number of slots.
	Width = ICompoundSq + 1
)

// CompoundUnit is the fixed-point unit of ICompound: 1e-4.
const CompoundUnit = 1e4

// Totals are the additive totals of a slice (see the layout constants).
// The zero value is the empty slice. Totals are values: copy them freely.
type Totals [Width]int64

// ColumnNames names the slots in layout order, as SQL column names:
// records, nps_0..nps_10, csat_n, csat_top, csat_sum, csat_sq,
// csat_0..csat_10 (slot = answer − scale min), the same for ces, positive,
// neutral, negative, compound, compound_sq.
func ColumnNames() []string {
	names := make([]string, 0, Width)
	names = append(names, "records")
	for v := 0; v <= 10; v++ {
		names = append(names, "nps_"+strconv.Itoa(v))
	}
	for _, p := range []string{"csat_", "ces_"} {
		names = append(names, p+"n", p+"top", p+"sum", p+"sq")
		for s := 0; s < Points; s++ {
			names = append(names, p+strconv.Itoa(s))
		}
	}
	return append(names, "positive", "neutral", "negative", "compound", "compound_sq")
}

// Add adds u to t (merging two slices' totals).
func (t *Totals) Add(u Totals) {
	for i := range t {
		t[i] += u[i]
	}
}

// Sub subtracts u from t (a record replaced or erased).
func (t *Totals) Sub(u Totals) {
	for i := range t {
		t[i] -= u[i]
	}
}

// Valid reports whether no count is negative, which a consistent sum of
// records' totals never is (a guard for storage bugs). Sums may be
// negative: a scale may start below 0, a compound is below 0.
func (t Totals) Valid() bool {
	for i, v := range t {
		sum := i == ICompound || i == ICSAT+SSum || i == ICES+SSum
		if v < 0 && !sum {
			return false
		}
	}
	return true
}

// Scale is a bounded answer scale: csat (satisfied from From) or ces (easy
// from From).
type Scale struct {
	Min, Max, From int
}

// DefaultCSAT and DefaultCES are the spec's default scales (§1).
var (
	DefaultCSAT = Scale{Min: 1, Max: 5, From: 4}
	DefaultCES  = Scale{Min: 1, Max: 7, From: 5}
)

// Check says why a scale is not one, or nil.
func (s Scale) Check() error {
	switch {
	case s.Max <= s.Min:
		return fmt.Errorf("max %d must be above min %d", s.Max, s.Min)
	case s.From < s.Min || s.From > s.Max:
		return fmt.Errorf("the threshold %d must lie within %d..%d", s.From, s.Min, s.Max)
	}
	return nil
}

// Distributed reports whether the totals keep the count of each answer
// value of the scale (at most Points values).
func (s Scale) Distributed() bool { return s.Max-s.Min < Points }

// Config is what the figures need from a journey.
type Config struct {
	// MinN is the fewest answers a figure is shown for (at least 1).
	MinN int
	CSAT Scale
	CES  Scale
}

// DefaultConfig is the spec's defaults: min_n 10 and the default scales.
var DefaultConfig = Config{MinN: 10, CSAT: DefaultCSAT, CES: DefaultCES}

// Record is what the totals need from one stored record. A nil answer is
// "not given". Compound is the comment's VADER compound score (a multiple
// of 1e-4 in [−1, 1]); it counts only when HasComment.
type Record struct {
	NPS, CSAT, CES *int
	HasComment     bool
	Compound       float64
}

// Of returns the totals of one record, or empty totals and an error naming
// the answer that is off its scale.
func (c Config) Of(r Record) (Totals, error) {
	v := func(p *int) int {
		if p == nil {
			return cxm.NoAnswer
		}
		return *p
	}
	return c.OfValues(v(r.NPS), v(r.CSAT), v(r.CES), r.HasComment, r.Compound)
}

// OfValues is Of for answers given as cxm.Record holds them: cxm.NoAnswer
// is "not given". The compound is taken to 4 decimals (VADER's own
// rounding) and its band from that value, with §7.2's thresholds: positive
// ≥ 0.05, negative ≤ −0.05.
func (c Config) OfValues(nps, csat, ces int, hasComment bool, compound float64) (Totals, error) {
	var t Totals
	t[IRecords] = 1
	if nps != cxm.NoAnswer {
		if nps < 0 || nps > 10 {
			return Totals{}, fmt.Errorf("nps: %d is not an integer 0..10", nps)
		}
		t[INPS+nps]++
	}
	if err := c.CSAT.put(&t, ICSAT, csat, "csat"); err != nil {
		return Totals{}, err
	}
	if err := c.CES.put(&t, ICES, ces, "ces"); err != nil {
		return Totals{}, err
	}
	if hasComment {
		if !(compound >= -1 && compound <= 1) {
			return Totals{}, fmt.Errorf("compound: %v is not in [-1, 1]", compound)
		}
		q := int64(math.Round(compound * CompoundUnit))
		t[Band(float64(q)/CompoundUnit)]++
		t[ICompound] += q
		t[ICompoundSq] += q * q
	}
	return t, nil
}

// put adds answer v (unless cxm.NoAnswer) to the scale's block at base.
func (s Scale) put(t *Totals, base, v int, name string) error {
	if v == cxm.NoAnswer {
		return nil
	}
	if v < s.Min || v > s.Max {
		return fmt.Errorf("%s: %d is not on the scale %d..%d", name, v, s.Min, s.Max)
	}
	x := int64(v)
	t[base+SN]++
	if v >= s.From {
		t[base+STop]++
	}
	t[base+SSum] += x
	t[base+SSq] += x * x
	if s.Distributed() {
		t[base+SDist+v-s.Min]++
	}
	return nil
}

// Band is the totals slot of a compound score's band: IPositive at 0.05 and
// above, INegative at −0.05 and below, INeutral between (§7.2).
func Band(compound float64) int {
	switch {
	case compound >= 0.05:
		return IPositive
	case compound <= -0.05:
		return INegative
	}
	return INeutral
}
