package cxm

import (
	"encoding/json"
	"math"
	"time"
)

// Record is one piece of customer feedback (shared/spec/listening.md §2):
// a survey answer, a review, a support ticket's rating, or for a source of
// channel customers a customer gained or lost. Package feedback reads them.
//
// Not given is NoAnswer for NPS, CSAT and CES, NaN for Value and a measure,
// "" for text. Measures and Attributes are aligned with the source's
// Measures and Attributes.
type Record struct {
	Source     string
	ID         string
	At         time.Time // in the journey's location
	Customer   string
	Employee   string
	Stage      string // "" is "no stage"
	NPS        int    // 0..10
	CSAT       int    // on the journey's CSAT scale
	CES        int    // on the journey's CES scale
	Comment    string
	Measures   []float64 // per source measure; NaN when not given
	Attributes []string  // per source attribute; "" when not given
	Event      string    // "gained" or "lost" (channel customers)
	Value      float64   // what the customer is worth a year; NaN when not given
}

// Customer events of channel customers.
const (
	EventGained = "gained"
	EventLost   = "lost"
)

// JSON writes the record in the §2 shape; fields not given are
// left out. Measure and attribute names come from src.
func (r *Record) JSON(src *Source) ([]byte, error) {
	type out struct {
		Source     string             `json:"source"`
		ID         string             `json:"id"`
		At         string             `json:"at"`
		Customer   string             `json:"customer,omitempty"`
		Employee   string             `json:"employee,omitempty"`
		Stage      string             `json:"stage,omitempty"`
		NPS        *int               `json:"nps,omitempty"`
		CSAT       *int               `json:"csat,omitempty"`
		CES        *int               `json:"ces,omitempty"`
		Comment    string             `json:"comment,omitempty"`
		Measures   map[string]float64 `json:"measures,omitempty"`
		Attributes map[string]string  `json:"attributes,omitempty"`
		Event      string             `json:"event,omitempty"`
		Value      *float64           `json:"value,omitempty"`
	}
	o := out{Source: r.Source, ID: r.ID, At: r.At.Format(time.RFC3339Nano), Customer: r.Customer,
		Employee: r.Employee, Stage: r.Stage, Comment: r.Comment, Event: r.Event}
	answer := func(v int) *int {
		if v == NoAnswer {
			return nil
		}
		return &v
	}
	o.NPS, o.CSAT, o.CES = answer(r.NPS), answer(r.CSAT), answer(r.CES)
	if !math.IsNaN(r.Value) {
		v := r.Value
		o.Value = &v
	}
	for i, v := range r.Measures {
		if !math.IsNaN(v) && i < len(src.Measures) {
			if o.Measures == nil {
				o.Measures = map[string]float64{}
			}
			o.Measures[src.Measures[i].Name] = v
		}
	}
	for i, v := range r.Attributes {
		if v != "" && i < len(src.Attributes) {
			if o.Attributes == nil {
				o.Attributes = map[string]string{}
			}
			o.Attributes[src.Attributes[i]] = v
		}
	}
	return json.Marshal(o)
}

// HasFeedback reports whether the record carries at least one of nps, csat,
// ces, comment or a measure (§2: every record but a customers one must).
func (r *Record) HasFeedback() bool {
	if r.NPS != NoAnswer || r.CSAT != NoAnswer || r.CES != NoAnswer || r.Comment != "" {
		return true
	}
	for _, v := range r.Measures {
		if !math.IsNaN(v) {
			return true
		}
	}
	return false
}
