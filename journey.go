package cxm

import (
	"encoding/json"
	"regexp"
	"strings"
	"time"
)

// Journey is a customer journey as written in a journey file
// (shared/spec/listening.md §1): the stages customers go through, the
// sources their feedback comes from and how it is mapped to the stages.
// Journeys are data, read and linted by package journey.
type Journey struct {
	ID         string           `json:"id"`
	Version    int              `json:"version"`
	Name       string           `json:"name"`
	Timezone   string           `json:"timezone"`  // IANA name, default UTC
	Location   *time.Location   `json:"-"`         // Timezone loaded; never nil once parsed
	MinN       int              `json:"min_n"`     // fewer answers: the count only
	Stages     []JourneyStage   `json:"stages"`    // in journey order
	Scales     FeedbackScales   `json:"scales"`    // csat and ces
	Sources    []Source         `json:"sources"`   // at least 1
	Routes     []Route          `json:"routes"`    // the first that matches sets the stage
	Topics     []Topic          `json:"topics"`    // matched in comments (§7.3)
	Promises   []Promise        `json:"promises"`  // §6.1
	FollowUp   []FollowUpRule   `json:"follow_up"` // §6.2; the first matching rule opens a case
	RootCauses []string         `json:"root_causes"`
	Scorecard  Scorecard        `json:"scorecard"`
	Drivers    []DriverAnalysis `json:"drivers"` // §7.1
}

// JourneyStage is one step of the customer journey.
type JourneyStage struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Owner       string `json:"owner,omitempty"` // an email: who answers for the stage
	Description string `json:"description,omitempty"`
}

// FeedbackScales are the answer scales of CSAT and CES.
type FeedbackScales struct {
	CSAT CSATScale `json:"csat"`
	CES  CESScale  `json:"ces"`
}

// CSATScale is the CSAT answer scale; answers ≥ SatisfiedFrom are satisfied.
type CSATScale struct {
	Min           int `json:"min"`
	Max           int `json:"max"`
	SatisfiedFrom int `json:"satisfied_from"`
}

// CESScale is the customer-effort answer scale; answers ≥ EasyFrom are easy.
type CESScale struct {
	Min      int `json:"min"`
	Max      int `json:"max"`
	EasyFrom int `json:"easy_from"`
}

// Channel is the kind of a source.
type Channel string

// The channels of §1. Records of ChannelCustomers are gained and lost
// customers (§5), not feedback.
const (
	ChannelSurvey     Channel = "survey"
	ChannelSupport    Channel = "support"
	ChannelReview     Channel = "review"
	ChannelSocial     Channel = "social"
	ChannelChat       Channel = "chat"
	ChannelCall       Channel = "call"
	ChannelEmail      Channel = "email"
	ChannelOperations Channel = "operations"
	ChannelCustomers  Channel = "customers"
	ChannelOther      Channel = "other"
)

// Channels lists every channel, in the spec's order.
var Channels = []Channel{ChannelSurvey, ChannelSupport, ChannelReview, ChannelSocial, ChannelChat,
	ChannelCall, ChannelEmail, ChannelOperations, ChannelCustomers, ChannelOther}

// Format is the file format of a source.
type Format string

const (
	FormatCSV       Format = "csv"
	FormatNDJSON    Format = "ndjson"
	FormatQualtrics Format = "qualtrics" // a Qualtrics CSV export: 3 header rows
)

// Field is a record field that a source's column can hold (§2).
type Field string

const (
	FieldID       Field = "id"
	FieldAt       Field = "at"
	FieldCustomer Field = "customer"
	FieldEmployee Field = "employee"
	FieldStage    Field = "stage"
	FieldNPS      Field = "nps"
	FieldCSAT     Field = "csat"
	FieldCES      Field = "ces"
	FieldComment  Field = "comment"
	FieldEvent    Field = "event"
	FieldValue    Field = "value"
)

// Fields lists the fields a column mapping may name, in record order.
var Fields = []Field{FieldID, FieldAt, FieldCustomer, FieldEmployee, FieldStage, FieldNPS,
	FieldCSAT, FieldCES, FieldComment, FieldEvent, FieldValue}

// Source is where records come from: a survey tool's export, a review site,
// the support desk.
type Source struct {
	ID         string           `json:"id"`
	Channel    Channel          `json:"channel"`
	Format     Format           `json:"format"`
	Stage      string           `json:"stage,omitempty"`       // the stage of its records unless a route says otherwise
	TimeFormat string           `json:"time_format,omitempty"` // strftime subset; "" is RFC 3339
	Columns    map[Field]string `json:"columns,omitempty"`     // record field → column (CSV and Qualtrics)
	Measures   []Measure        `json:"measures,omitempty"`    // in file order
	Attributes []string         `json:"attributes,omitempty"`  // column names, kept as attribute names
}

// Measure is a number a source's records carry, by name, and the column
// holding it (the name itself for NDJSON).
type Measure struct {
	Name   string `json:"name"`
	Column string `json:"column"`
}

// MeasureIndex returns the index of the named measure, or -1.
func (s *Source) MeasureIndex(name string) int {
	for i, m := range s.Measures {
		if m.Name == name {
			return i
		}
	}
	return -1
}

// AttributeIndex returns the index of the named attribute, or -1.
func (s *Source) AttributeIndex(name string) int {
	for i, a := range s.Attributes {
		if a == name {
			return i
		}
	}
	return -1
}

// Route sets the stage of the records it matches. Every condition given
// must hold; a route has at least one.
type Route struct {
	Source         string            `json:"source,omitempty"`
	CommentMatches string            `json:"comment_matches,omitempty"` // RE2
	Comment        *regexp.Regexp    `json:"-"`                         // CommentMatches compiled
	Attribute      map[string]string `json:"attribute,omitempty"`       // attribute name → value
	Stage          string            `json:"stage"`
}

// Topic is one of the organization's own topics, matched in comments.
type Topic struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Terms []string `json:"terms"`
}

// Promise is a measurable brand promise (§6.1): a record keeps it when its
// measure is at most AtMost (or at least AtLeast; exactly one is set).
type Promise struct {
	ID      string   `json:"id"`
	Text    string   `json:"text"`
	Source  string   `json:"source"`
	Stage   string   `json:"stage,omitempty"`
	Measure string   `json:"measure"`
	AtMost  *float64 `json:"at_most,omitempty"`
	AtLeast *float64 `json:"at_least,omitempty"`
	Target  float64  `json:"target"` // percent of records that keep it, 0..100
	Period  string   `json:"period"` // day|week|month|quarter
}

// Kept reports whether a measured value keeps the promise.
func (p *Promise) Kept(v float64) bool {
	if p.AtMost != nil {
		return v <= *p.AtMost
	}
	return v >= *p.AtLeast
}

// Periods a trend or promise can be counted in.
var Periods = []string{"day", "week", "month", "quarter"}

// FollowUpRule opens a case on a record that matches When (§6.2).
type FollowUpRule struct {
	ID     string        `json:"id"`
	When   Condition     `json:"when"`
	Within time.Duration `json:"within"`          // due = at + Within (in Hours when given)
	Owner  string        `json:"owner"`           // "employee", "stage" or an email
	Hours  *Hours        `json:"hours,omitempty"` // nil: elapsed time
}

// WithinText is Within as a user writes it: 24h, 90m, 1h30m.
func (f *FollowUpRule) WithinText() string { return ShortDuration(f.Within) }

// MarshalJSON writes within as text (24h), not nanoseconds.
func (f FollowUpRule) MarshalJSON() ([]byte, error) {
	type plain FollowUpRule
	return json.Marshal(struct {
		plain
		Within string `json:"within"`
	}{plain(f), ShortDuration(f.Within)})
}

// ShortDuration writes a duration without zero units: 24h, 1h30m, 90s.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// Condition holds a follow-up rule's tests; every one given must hold.
type Condition struct {
	NPSAtMost      *int           `json:"nps_at_most,omitempty"`
	CSATAtMost     *int           `json:"csat_at_most,omitempty"`
	CESAtMost      *int           `json:"ces_at_most,omitempty"`
	CommentMatches string         `json:"comment_matches,omitempty"`
	Comment        *regexp.Regexp `json:"-"`
	SentimentBelow *float64       `json:"sentiment_below,omitempty"`
}

// Hours are opening hours, e.g. "Mon-Fri 09:00-17:00; Sat 10:00-14:00", in
// the journey's time zone.
type Hours struct {
	Text  string        `json:"text"`
	Spans [7][]TimeSpan `json:"-"` // per time.Weekday (Sunday = 0), sorted, not overlapping
}

// TimeSpan is [From, To) in minutes after midnight; To ≤ 1440.
type TimeSpan struct{ From, To int }

// Scorecard chooses the metric of the per-employee service index (§6.3).
type Scorecard struct {
	Metric Field `json:"metric"` // nps, csat or ces
}

// DriverAnalysis is a key-driver analysis (§7.1): Target (nps, csat, ces
// or a measure of Source) against measures of Source.
type DriverAnalysis struct {
	ID      string      `json:"id"`
	Target  string      `json:"target"`
	Source  string      `json:"source"`
	Drivers []string    `json:"drivers"`
	Scale   DriverScale `json:"scale"` // the drivers' scale, for performance 0..100
}

// DriverScale is the scale the driver measures are answered on.
type DriverScale struct {
	Min float64 `json:"min"`
	Max float64 `json:"max"`
}

// StageIndex returns the index of the stage with the given id, or -1.
func (j *Journey) StageIndex(id string) int {
	for i, s := range j.Stages {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// Source returns the source with the given id, or nil.
func (j *Journey) Source(id string) *Source {
	for i := range j.Sources {
		if j.Sources[i].ID == id {
			return &j.Sources[i]
		}
	}
	return nil
}
