package listen_test

import (
	"encoding/json"
	"fmt"
	"math"
	"time"

	"github.com/cxmhq/cxm/listen"
	"github.com/cxmhq/cxm/score"
)

// How storage and `cxm listen` use the package: each record's totals are
// added to the totals of its slices (here one slice per month), and the
// figures come from the sums.
func Example() {
	cfg := listen.Config{MinN: 2, CSAT: listen.DefaultCSAT, CES: listen.DefaultCES}
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	days := map[string]listen.Totals{}
	add := func(at string, nps, csat int, compound float64) {
		t, _ := time.Parse(time.RFC3339, at)
		tot, err := cfg.Of(listen.Record{NPS: &nps, CSAT: &csat, HasComment: true, Compound: compound})
		if err != nil {
			panic(err)
		}
		day := listen.DayKey(t, ams)
		sum := days[day]
		sum.Add(tot)
		days[day] = sum
	}
	add("2026-10-30T09:00:00Z", 10, 5, 0.8126)
	add("2026-10-31T23:30:00Z", 3, 2, -0.4767) // 1 November in Amsterdam
	add("2026-11-02T10:00:00Z", 9, 4, 0.4404)
	add("2026-11-03T10:00:00Z", 6, 1, 0)

	months, _ := listen.Month.Rollup(days)
	for _, p := range cfg.Trend(months) {
		b, _ := json.Marshal(p.NPS)
		fmt.Println(p.Period, string(b))
	}
	last, prev := months[1].Totals, months[0].Totals
	fmt.Println(listen.ChangeWords(cfg.Compare(&last, &prev).NPS))
	// Output:
	// 2026-10 {"n":1,"value":null,"ci":null,"promoters":null,"passives":null,"detractors":null}
	// 2026-11 {"n":3,"value":-33.333333333333336,"ci":[-84.66650644658658,51.33317311325326],"promoters":1,"passives":0,"detractors":2}
	// too few answers
}

// FormatP and Significance are score's, copied so that listen does not
// import score.
func ExampleFormatP() {
	for _, p := range []float64{0.0004, 0.004, 0.0499, 0.05, 0.42, math.NaN()} {
		if listen.FormatP(p) != score.FormatP(p) {
			panic(p)
		}
		fmt.Println(listen.FormatP(p))
	}
	fmt.Println(listen.Significance == score.Significance)
	// Output:
	// p < 0.001
	// p = 0.004
	// p < 0.05
	// p = 0.05
	// p = 0.42
	// p unknown
	// true
}
