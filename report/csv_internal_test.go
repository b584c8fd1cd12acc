package report

import "testing"

// The CSV cells are rounded as the workbook shows them, never "-0.0".
func TestCSVCellRounding(t *testing.T) {
	for _, c := range []struct {
		v    any
		want string
	}{
		{scoreNum(41.25000001), "41.3"}, {scoreNum(66.666666), "66.7"}, {scoreNum(100), "100.0"}, {scoreNum(-0.04), "0.0"},
		{coefNum(0.81496), "0.81"}, {coefNum(-0.004), "0.00"}, {coefNum(-0.126), "-0.13"}, {rateNum(0.12345), "0.123"},
		{float64(1.23456789), "1.23456789"}, {3, "3"}, {true, "TRUE"}, {nil, ""}, {note("n"), "n"},
	} {
		if got := csvCell(c.v); got != c.want {
			t.Errorf("csvCell(%#v) = %q, want %q", c.v, got, c.want)
		}
	}
}
