package listen

import "time"

// NoStage is the stage of records that no route or source places.
const NoStage = ""

// Slices adds records' totals up per stage and local day, as storage keeps
// them, so that a journey's summary is made from them alone (cxm listen,
// the summary page). Memory grows with stages × days, not with records.
type Slices struct {
	loc  *time.Location
	days map[string]map[string]*Totals // stage → day (DayKey) → totals
	all  Totals
}

// NewSlices counts days in loc, the journey's time zone.
func NewSlices(loc *time.Location) *Slices {
	return &Slices{loc: loc, days: map[string]map[string]*Totals{}}
}

// Add counts one record's totals at its stage and moment.
func (s *Slices) Add(stage string, at time.Time, t Totals) {
	byDay, ok := s.days[stage]
	if !ok {
		byDay = map[string]*Totals{}
		s.days[stage] = byDay
	}
	day := DayKey(at, s.loc)
	d, ok := byDay[day]
	if !ok {
		d = &Totals{}
		byDay[day] = d
	}
	d.Add(t)
	s.all.Add(t)
}

// StageSummary is one stage of §11's summary: its figures, the trend per
// period when one is asked for, and the change of the last period against
// the one before.
type StageSummary struct {
	ID string `json:"id"`
	Summary
	Trend  []TrendPoint `json:"trend,omitempty"`
	Change *Changes     `json:"change,omitempty"`
}

// JourneySummary is §11's summary object, without the journey's reference
// and range, which the caller knows.
type JourneySummary struct {
	Stages []StageSummary `json:"stages"`
	All    Summary        `json:"all"`
}

// Summarize makes the summary of the stages in order (the journey's), then
// of records with no stage when there are any. A nil period gives no trend.
func (c Config) Summarize(s *Slices, stages []string, period *Period) (JourneySummary, error) {
	out := JourneySummary{Stages: []StageSummary{}, All: c.Summary(&s.all)}
	order := append([]string{}, stages...)
	if _, ok := s.days[NoStage]; ok {
		order = append(order, NoStage)
	}
	for _, id := range order {
		st, err := c.stageSummary(id, s.days[id], period)
		if err != nil {
			return JourneySummary{}, err
		}
		out.Stages = append(out.Stages, st)
	}
	return out, nil
}

func (c Config) stageSummary(id string, byDay map[string]*Totals, period *Period) (StageSummary, error) {
	var total Totals
	days := make(map[string]Totals, len(byDay))
	for day, t := range byDay {
		total.Add(*t)
		days[day] = *t
	}
	st := StageSummary{ID: id, Summary: c.Summary(&total)}
	if period == nil {
		return st, nil
	}
	buckets, err := period.Rollup(days)
	if err != nil {
		return StageSummary{}, err
	}
	st.Trend = c.Trend(buckets)
	if n := len(buckets); n >= 2 {
		ch := c.Compare(&buckets[n-1].Totals, &buckets[n-2].Totals)
		st.Change = &ch
	}
	return st, nil
}

// Merge adds o's totals to s (a file's, once all of it is valid).
func (s *Slices) Merge(o *Slices) {
	for stage, byDay := range o.days {
		mine, ok := s.days[stage]
		if !ok {
			mine = map[string]*Totals{}
			s.days[stage] = mine
		}
		for day, t := range byDay {
			d, ok := mine[day]
			if !ok {
				d = &Totals{}
				mine[day] = d
			}
			d.Add(*t)
		}
	}
	s.all.Add(o.all)
}
