package listen

import (
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// TestSummarize: totals per stage and day roll up into the stage's figures,
// its monthly trend and the change of the last month against the one
// before; records with no stage come last. Worked by hand: stage buy has
// in October promoters 10, 9 and a detractor 3 (nps 33.3), in November
// detractors 0 and 6 and a promoter 10 (nps −33.3); the change is −66.7.
func TestSummarize(t *testing.T) {
	ams, err := time.LoadLocation("Europe/Amsterdam")
	if err != nil {
		t.Fatal(err)
	}
	c := Config{MinN: 1, CSAT: DefaultCSAT, CES: DefaultCES}
	s := NewSlices(ams)
	add := func(stage, at string, nps int) {
		tm, err := time.Parse(time.RFC3339, at)
		if err != nil {
			t.Fatal(err)
		}
		tt, err := c.OfValues(nps, cxm.NoAnswer, cxm.NoAnswer, false, 0)
		if err != nil {
			t.Fatal(err)
		}
		s.Add(stage, tm, tt)
	}
	add("buy", "2026-10-02T10:00:00Z", 10)
	add("buy", "2026-10-31T22:30:00Z", 9) // 23:30 in Amsterdam: still October
	add("buy", "2026-10-15T08:00:00Z", 3)
	add("buy", "2026-10-31T23:30:00Z", 0) // 00:30 on 1 November in Amsterdam
	add("buy", "2026-11-20T12:00:00Z", 6)
	add("buy", "2026-11-21T12:00:00Z", 10)
	add(NoStage, "2026-11-21T12:00:00Z", 8)
	month := Month
	sum, err := c.Summarize(s, []string{"discover", "buy"}, &month)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Stages) != 3 || sum.Stages[0].ID != "discover" || sum.Stages[1].ID != "buy" || sum.Stages[2].ID != NoStage {
		t.Fatalf("stages %+v", sum.Stages)
	}
	if d := sum.Stages[0]; d.Records != 0 || d.NPS.N != 0 || len(d.Trend) != 0 || d.Change != nil {
		t.Errorf("a stage without records: %+v", d)
	}
	buy := sum.Stages[1]
	if buy.Records != 6 || *buy.NPS.Value != 0 || len(buy.Trend) != 2 || buy.Trend[0].Period != "2026-10" || buy.Trend[1].Period != "2026-11" {
		t.Fatalf("buy: %+v", buy)
	}
	near := func(got *float64, want float64) bool { return got != nil && *got > want-1e-9 && *got < want+1e-9 }
	if !near(buy.Trend[0].NPS.Value, 100.0/3) || !near(buy.Trend[1].NPS.Value, -100.0/3) {
		t.Errorf("trend %v %v", *buy.Trend[0].NPS.Value, *buy.Trend[1].NPS.Value)
	}
	if buy.Change == nil || !near(buy.Change.NPS.Diff, -200.0/3) {
		t.Errorf("change %+v", buy.Change)
	}
	if sum.All.Records != 7 || sum.All.NPS.N != 7 {
		t.Errorf("all %+v", sum.All)
	}
	sum, _ = c.Summarize(s, []string{"buy"}, nil)
	if sum.Stages[0].Trend != nil || sum.Stages[0].Change != nil {
		t.Errorf("no period, yet a trend: %+v", sum.Stages[0])
	}
}
