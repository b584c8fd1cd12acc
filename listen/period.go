package listen

import (
	"fmt"
	"slices"
	"time"
)

// Period is a calendar period of §3, counted in the journey's time zone.
type Period int

// The periods of §3.
const (
	Day Period = iota
	Week
	Month
	Quarter
)

var periodNames = [...]string{"day", "week", "month", "quarter"}

// String is the period's name: day, week, month or quarter.
func (p Period) String() string {
	if p < Day || p > Quarter {
		return fmt.Sprintf("Period(%d)", int(p))
	}
	return periodNames[p]
}

// ParsePeriod reads day, week, month or quarter.
func ParsePeriod(s string) (Period, error) {
	for i, n := range periodNames {
		if s == n {
			return Period(i), nil
		}
	}
	return 0, fmt.Errorf("period %q is not one of day, week, month, quarter", s)
}

// Label names the period holding the instant t in loc: 2026-11-29,
// 2026-W48 (ISO 8601 week and week-year, Monday first), 2026-11, 2026-Q4.
func (p Period) Label(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	switch p {
	case Week:
		y, w := t.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case Month:
		return fmt.Sprintf("%04d-%02d", t.Year(), int(t.Month()))
	case Quarter:
		return fmt.Sprintf("%04d-Q%d", t.Year(), (int(t.Month())+2)/3)
	}
	return fmt.Sprintf("%04d-%02d-%02d", t.Year(), int(t.Month()), t.Day())
}

// Start is the first instant of the period holding t: local midnight of its
// first day in loc. A DST change makes days of 23 or 25 hours; where a
// zone skips midnight itself, the day starts at the transition (01:00).
func (p Period) Start(t time.Time, loc *time.Location) time.Time {
	y, m, d := p.firstDay(t, loc)
	return midnight(y, m, d, loc)
}

// firstDay is the local date of the first day of the period holding t.
func (p Period) firstDay(t time.Time, loc *time.Location) (int, time.Month, int) {
	t = t.In(loc)
	y, m, d := t.Date()
	switch p {
	case Week:
		d -= (int(t.Weekday()) + 6) % 7 // days since Monday
	case Month:
		d = 1
	case Quarter:
		m, d = time.Month((int(m)-1)/3*3+1), 1
	}
	return y, m, d
}

// midnight is the first instant of the local date y-m-d (normalized, so
// d may be 0 or 32) in loc. time.Date picks an instant of the previous day
// when midnight does not exist (a DST change at 00:00); the day then
// begins where that zone period ends.
func midnight(y int, m time.Month, d int, loc *time.Location) time.Time {
	y, m, d = time.Date(y, m, d, 12, 0, 0, 0, time.UTC).Date()
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	if ty, tm, td := t.Date(); ty != y || tm != m || td != d {
		if _, end := t.ZoneBounds(); !end.IsZero() {
			t = end
		}
	}
	return t
}

// Next is the first instant of the period after the one holding t.
func (p Period) Next(t time.Time, loc *time.Location) time.Time {
	y, m, d := p.firstDay(t, loc)
	switch p {
	case Day:
		d++
	case Week:
		d += 7
	case Month:
		m++
	case Quarter:
		m += 3
	}
	return midnight(y, m, d, loc)
}

// Span is one period of a trend: its label and its instants [From, To).
type Span struct {
	Label string
	From  time.Time
	To    time.Time
}

// Spans lists the periods that overlap [from, to), oldest first, each with
// its full bounds (the first and last may reach outside [from, to); the
// caller clips them when summing). None when to is not after from.
func (p Period) Spans(from, to time.Time, loc *time.Location) []Span {
	var out []Span
	for s := p.Start(from, loc); s.Before(to); {
		next := p.Next(s, loc)
		out = append(out, Span{Label: p.Label(s, loc), From: s, To: next})
		s = next
	}
	return out
}

// DayKey is the local date of t in loc, "2026-11-29": the day under which
// storage keeps a record's totals. Weeks, months and quarters are sums of
// whole days, so PeriodOfDay can label a stored day without a clock.
func DayKey(t time.Time, loc *time.Location) string { return Day.Label(t, loc) }

// PeriodOfDay is the label of the period holding the local date day
// ("2026-11-29").
func (p Period) PeriodOfDay(day string) (string, error) {
	d, err := time.Parse("2006-01-02", day)
	if err != nil {
		return "", fmt.Errorf("day %q is not a date YYYY-MM-DD", day)
	}
	return p.Label(d, time.UTC), nil
}

// Bucket is the totals of one period of a trend.
type Bucket struct {
	Period string
	Totals Totals
}

// Rollup sums totals kept per local day (keys as DayKey) into periods,
// oldest first (the labels sort as their periods do). A key that is not a
// date is an error naming it.
func (p Period) Rollup(days map[string]Totals) ([]Bucket, error) {
	sums := map[string]*Totals{}
	var labels []string
	for day, t := range days {
		l, err := p.PeriodOfDay(day)
		if err != nil {
			return nil, err
		}
		s, ok := sums[l]
		if !ok {
			s = &Totals{}
			sums[l] = s
			labels = append(labels, l)
		}
		s.Add(t)
	}
	slices.Sort(labels)
	out := make([]Bucket, len(labels))
	for i, l := range labels {
		out[i] = Bucket{Period: l, Totals: *sums[l]}
	}
	return out, nil
}

// TrendPoint is one period of §11's trend: its label and its figures.
type TrendPoint struct {
	Period string `json:"period"`
	Summary
}

// Trend is the figures of each bucket.
func (c Config) Trend(buckets []Bucket) []TrendPoint {
	out := make([]TrendPoint, len(buckets))
	for i := range buckets {
		out[i] = TrendPoint{Period: buckets[i].Period, Summary: c.Summary(&buckets[i].Totals)}
	}
	return out
}
