package sentiment

import (
	"math"
	"testing"
)

// Any text scores without a panic, within [−1, 1], as a multiple of 1e-4.
func FuzzPolarity(f *testing.F) {
	for _, s := range []string{"", " ", "no", "but", "least", "kind of", "not so good but great!!",
		"the the the the bomb", "at least", "no no no", "💘💘", "A\x1cB", "yeah right", "\xff\xfe",
		"kiss of death", "<br /><BR>good", "GREAT GREAT good?? ?", "без", "İSTANBUL great"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c := Compound(s)
		if !(c >= -1 && c <= 1) || math.Abs(c*1e4-math.Round(c*1e4)) > 1e-6 {
			t.Fatalf("%q: compound %v", s, c)
		}
		p := Polarity(s)
		if p.Neg < 0 || p.Neu < 0 || p.Pos < 0 {
			t.Fatalf("%q: %+v", s, p)
		}
	})
}
