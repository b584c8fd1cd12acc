package cxm

import (
	"math"
	"testing"
	"time"
)

func TestRecordJSON(t *testing.T) {
	src := &Source{ID: "s", Measures: []Measure{{Name: "speed", Column: "q5"}, {Name: "wait", Column: "w"}}, Attributes: []string{"Region", "Product"}}
	r := &Record{Source: "s", ID: "R_1", At: time.Date(2026, 11, 2, 14, 3, 0, 0, time.UTC), Stage: "get-help",
		NPS: 3, CSAT: NoAnswer, CES: 6, Comment: "slow", Measures: []float64{2, math.NaN()}, Attributes: []string{"EU", ""}, Value: math.NaN()}
	got, err := r.JSON(src)
	want := `{"source":"s","id":"R_1","at":"2026-11-02T14:03:00Z","stage":"get-help","nps":3,"ces":6,"comment":"slow","measures":{"speed":2},"attributes":{"Region":"EU"}}`
	if err != nil || string(got) != want {
		t.Errorf("got %s %v\nwant %s", got, err, want)
	}
	if !r.HasFeedback() {
		t.Error("a record with an nps has feedback")
	}
	empty := &Record{NPS: NoAnswer, CSAT: NoAnswer, CES: NoAnswer, Measures: []float64{math.NaN()}, Value: math.NaN()}
	if empty.HasFeedback() {
		t.Error("an empty record has no feedback")
	}
	empty.Measures[0] = 0
	if !empty.HasFeedback() {
		t.Error("a measure of 0 is feedback")
	}
}

func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 45 * time.Second: "45s", 2*time.Hour + 5*time.Second: "2h0m5s"} {
		if got := ShortDuration(d); got != want {
			t.Errorf("%v: got %s, want %s", d, got, want)
		}
	}
}
