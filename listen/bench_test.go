package listen

import "testing"

// The per-record cost of the totals, paid once per stored record.
func BenchmarkOf(b *testing.B) {
	cfg := DefaultConfig
	var sum Totals
	for i := 0; i < b.N; i++ {
		r, err := cfg.Of(Record{NPS: ptr(i % 11), CSAT: ptr(1 + i%5), CES: ptr(1 + i%7), HasComment: true,
			Compound: float64(i%20001-10000) / 1e4})
		if err != nil {
			b.Fatal(err)
		}
		sum.Add(r)
	}
}

// Every figure of one slice from its totals, as a summary does per stage
// and per trend period.
func BenchmarkSummary(b *testing.B) {
	var t Totals
	for i := range t {
		t[i] = int64(1000 + 37*i)
	}
	t[ICompound] = 1234567
	t[ICompoundSq] = 98765432109
	cfg := DefaultConfig
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = cfg.Summary(&t)
	}
}

// A summary with its change against the previous period.
func BenchmarkCompare(b *testing.B) {
	var t, u Totals
	for i := range t {
		t[i], u[i] = int64(1000+37*i), int64(900+41*i)
	}
	cfg := DefaultConfig
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = cfg.Compare(&t, &u)
	}
}
