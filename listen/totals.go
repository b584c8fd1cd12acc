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
)

// Points is the most answer values a bounded scale (csat, ces) may have:
// the totals keep one count per value in a fixed number of slots, so a
// scale's max − min must be at most Points − 1 (1..5, 1..7, 0..10 all fit).
const Points = 11

// The layout of Totals: one int64 per slot, in this order. Storage may keep
// each slot in its own column (ColumnNames) and SUM them per slice.
const (
	// IRecords counts every record of the slice, answered or not.
	IRecords = 0
	// INPS is the first of 11 slots: the count of nps answers 0..10.
	INPS = 1
	// ICSAT is the first of Points slots: the count of csat answers equal
	// to scale min + slot.
	ICSAT = INPS + 11
	// ICES is the first of Points slots for ces answers, as ICSAT.
	ICES = ICSAT + Points
	// IPositive, INeutral, INegative count comments by sentiment band.
	IPositive = ICES + Points
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
// records, nps_0..nps_10, csat_0..csat_10 (slot = answer − scale min),
// ces_0..ces_10, positive, neutral, negative, compound, compound_sq.
func ColumnNames() []string {
	names := make([]string, 0, Width)
	names = append(names, "records")
	for v := 0; v <= 10; v++ {
		names = append(names, "nps_"+strconv.Itoa(v))
	}
	for _, p := range []string{"csat_", "ces_"} {
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

// Valid reports whether no slot is negative, which a consistent sum of
// records' totals never is (a guard for storage bugs).
func (t Totals) Valid() bool {
	for i, v := range t {
		if v < 0 && i != ICompound {
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

// Check says why a scale cannot be kept in totals, or nil.
func (s Scale) Check() error {
	switch {
	case s.Max <= s.Min:
		return fmt.Errorf("max %d must be above min %d", s.Max, s.Min)
	case s.Max-s.Min >= Points:
		return fmt.Errorf("a scale has at most %d points (min %d, max %d)", Points, s.Min, s.Max)
	case s.From < s.Min || s.From > s.Max:
		return fmt.Errorf("the threshold %d must lie within %d..%d", s.From, s.Min, s.Max)
	}
	return nil
}

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
// the answer that is off its scale. The compound is taken to 4 decimals
// (VADER's own rounding) and its band from that value, with §7.2's
// thresholds: positive ≥ 0.05, negative ≤ −0.05.
func (c Config) Of(r Record) (Totals, error) {
	var t Totals
	t[IRecords] = 1
	if r.NPS != nil {
		if *r.NPS < 0 || *r.NPS > 10 {
			return Totals{}, fmt.Errorf("nps: %d is not an integer 0..10", *r.NPS)
		}
		t[INPS+*r.NPS]++
	}
	if err := c.CSAT.put(&t, ICSAT, r.CSAT, "csat"); err != nil {
		return Totals{}, err
	}
	if err := c.CES.put(&t, ICES, r.CES, "ces"); err != nil {
		return Totals{}, err
	}
	if r.HasComment {
		if !(r.Compound >= -1 && r.Compound <= 1) {
			return Totals{}, fmt.Errorf("compound: %v is not in [-1, 1]", r.Compound)
		}
		q := int64(math.Round(r.Compound * CompoundUnit))
		t[Band(float64(q)/CompoundUnit)]++
		t[ICompound] += q
		t[ICompoundSq] += q * q
	}
	return t, nil
}

func (s Scale) put(t *Totals, base int, v *int, name string) error {
	if v == nil {
		return nil
	}
	if *v < s.Min || *v > s.Max || s.Max-s.Min >= Points {
		return fmt.Errorf("%s: %d is not on the scale %d..%d", name, *v, s.Min, s.Max)
	}
	t[base+*v-s.Min]++
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
