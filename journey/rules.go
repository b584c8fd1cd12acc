package journey

import (
	"strconv"
	"strings"
	"time"

	"github.com/cxmhq/cxm/internal/yamlcheck"

	"github.com/cxmhq/cxm"
	yaml "go.yaml.in/yaml/v4"
)

func (p *parser) promises(n *yaml.Node, r *refs, j *cxm.Journey) []cxm.Promise {
	var out []cxm.Promise
	ids := map[string]*yaml.Node{}
	p.list(n, "promises", MaxPromises, func(e *yaml.Node) {
		pr := cxm.Promise{Period: "week"}
		var measureN *yaml.Node
		bound := func(key string, dst **float64) yamlcheck.Field {
			return yamlcheck.Opt(func(v *yaml.Node) {
				var x float64
				if p.Number(v, key, &x) {
					*dst = &x
				}
			})
		}
		p.Mapping(e, "promise", map[string]yamlcheck.Field{
			"id":       yamlcheck.Req(func(v *yaml.Node) { p.id(v, "promise id", ids, &pr.ID) }),
			"text":     yamlcheck.Req(func(v *yaml.Node) { p.text(v, "promise text", MaxText, &pr.Text) }),
			"source":   yamlcheck.Req(func(v *yaml.Node) { p.ref(v, "promise source", &r.sources, &pr.Source) }),
			"stage":    yamlcheck.Opt(func(v *yaml.Node) { p.ref(v, "promise stage", &r.stages, &pr.Stage) }),
			"measure":  yamlcheck.Req(func(v *yaml.Node) { measureN = v; p.text(v, "promise measure", MaxID, &pr.Measure) }),
			"at_most":  bound("at_most", &pr.AtMost),
			"at_least": bound("at_least", &pr.AtLeast),
			"target": yamlcheck.Req(func(v *yaml.Node) {
				if p.Number(v, "target", &pr.Target) && (pr.Target < 0 || pr.Target > 100) {
					p.Errorf(v, "target must be a percent from 0 to 100, not %g", pr.Target)
				}
			}),
			"period": yamlcheck.Opt(func(v *yaml.Node) { p.oneOf(v, "period", cxm.Periods, &pr.Period) }),
		})
		if e.Kind == yaml.MappingNode && (pr.AtMost == nil) == (pr.AtLeast == nil) {
			p.Errorf(e, "promise %q needs exactly one of at_most and at_least", pr.ID)
		}
		if measureN != nil && pr.Measure != "" {
			src, m := pr.Source, pr.Measure
			r.after = append(r.after, func() {
				if s := j.Source(src); s != nil && s.MeasureIndex(m) < 0 {
					p.Errorf(measureN, "measure %q is not a measure of source %q (measures: %s)", m, src, measureNames(s))
				}
			})
		}
		out = append(out, pr)
	})
	return out
}

func measureNames(s *cxm.Source) string {
	if len(s.Measures) == 0 {
		return "none"
	}
	names := make([]string, len(s.Measures))
	for i, m := range s.Measures {
		names[i] = m.Name
	}
	return strings.Join(names, ", ")
}

func (p *parser) followUps(n *yaml.Node, r *refs, j *cxm.Journey) []cxm.FollowUpRule {
	var out []cxm.FollowUpRule
	ids := map[string]*yaml.Node{}
	p.list(n, "follow_up", MaxFollowUp, func(e *yaml.Node) {
		var f cxm.FollowUpRule
		p.Mapping(e, "follow-up rule", map[string]yamlcheck.Field{
			"id":     yamlcheck.Req(func(v *yaml.Node) { p.id(v, "follow-up id", ids, &f.ID) }),
			"when":   yamlcheck.Req(func(v *yaml.Node) { p.condition(v, &f.When, r, j) }),
			"within": yamlcheck.Req(func(v *yaml.Node) { p.within(v, &f.Within) }),
			"owner": yamlcheck.Req(func(v *yaml.Node) {
				var s string
				if p.text(v, "owner", MaxName, &s) {
					if s != "employee" && s != "stage" && !email.MatchString(s) {
						p.Errorf(v, "owner must be employee, stage or an email address, not %q", s)
						return
					}
					f.Owner = s
				}
			}),
			"hours": yamlcheck.Opt(func(v *yaml.Node) {
				var s string
				if !p.text(v, "hours", MaxText, &s) {
					return
				}
				h, err := ParseHours(s)
				if err != nil {
					p.Errorf(v, "hours %q: %v", s, err)
					return
				}
				f.Hours = h
			}),
		})
		out = append(out, f)
	})
	return out
}

func (p *parser) within(n *yaml.Node, dst *time.Duration) {
	var s string
	if !p.text(n, "within", MaxName, &s) {
		return
	}
	d, err := time.ParseDuration(s)
	switch {
	case err != nil:
		p.Errorf(n, "within must be a duration such as 24h, 90m or 1h30m, not %q", s)
	case d <= 0:
		p.Errorf(n, "within must be longer than 0, not %q", s)
	case d > MaxWithin:
		p.Errorf(n, "within must be at most %s (366 days), not %q", MaxWithin, s)
	default:
		*dst = d
	}
}

func (p *parser) condition(n *yaml.Node, c *cxm.Condition, r *refs, j *cxm.Journey) {
	atMost := func(key string, dst **int) yamlcheck.Field {
		return yamlcheck.Opt(func(v *yaml.Node) {
			var x int
			if p.integer(v, key, &x) {
				*dst = &x
			}
		})
	}
	var nN, cN, eN *yaml.Node
	p.Mapping(n, "when", map[string]yamlcheck.Field{
		"nps_at_most":     yamlcheck.Opt(func(v *yaml.Node) { nN = v; atMost("nps_at_most", &c.NPSAtMost).Set(v) }),
		"csat_at_most":    yamlcheck.Opt(func(v *yaml.Node) { cN = v; atMost("csat_at_most", &c.CSATAtMost).Set(v) }),
		"ces_at_most":     yamlcheck.Opt(func(v *yaml.Node) { eN = v; atMost("ces_at_most", &c.CESAtMost).Set(v) }),
		"comment_matches": yamlcheck.Opt(func(v *yaml.Node) { c.Comment = p.regexpOf(v, "comment_matches", &c.CommentMatches) }),
		"sentiment_below": yamlcheck.Opt(func(v *yaml.Node) {
			var x float64
			if p.Number(v, "sentiment_below", &x) {
				if x <= -1 || x > 1 {
					p.Errorf(v, "sentiment_below must be above -1 and at most 1 (a VADER compound score), not %g", x)
				}
				c.SentimentBelow = &x
			}
		}),
	})
	if n.Kind != yaml.MappingNode {
		return
	}
	if len(n.Content) == 0 {
		p.Errorf(n, "when needs at least one of nps_at_most, csat_at_most, ces_at_most, comment_matches, sentiment_below")
	}
	if c.NPSAtMost != nil && (*c.NPSAtMost < 0 || *c.NPSAtMost > 9) {
		p.Errorf(nN, "nps_at_most must be from 0 to 9, not %d", *c.NPSAtMost)
	}
	// Scales may come after follow_up in the file: checked once all is read.
	r.after = append(r.after, func() {
		if cN != nil && c.CSATAtMost != nil && (*c.CSATAtMost < j.Scales.CSAT.Min || *c.CSATAtMost >= j.Scales.CSAT.Max) {
			p.Errorf(cN, "csat_at_most must be from %d to %d (below the top of the csat scale), not %d", j.Scales.CSAT.Min, j.Scales.CSAT.Max-1, *c.CSATAtMost)
		}
		if eN != nil && c.CESAtMost != nil && (*c.CESAtMost < j.Scales.CES.Min || *c.CESAtMost >= j.Scales.CES.Max) {
			p.Errorf(eN, "ces_at_most must be from %d to %d (below the top of the ces scale), not %d", j.Scales.CES.Min, j.Scales.CES.Max-1, *c.CESAtMost)
		}
	})
}

// ParseHours reads opening hours: one or more "DAYS HH:MM-HH:MM" separated
// by ";", where DAYS is a day (Mon), a range (Mon-Fri) or days joined by
// commas (Mon,Wed,Fri). Times are on a 24-hour clock; 24:00 ends a day.
func ParseHours(s string) (*cxm.Hours, error) {
	h := &cxm.Hours{Text: s}
	for _, part := range strings.Split(s, ";") {
		fields := strings.Fields(part)
		if len(fields) != 2 {
			return nil, errorf("each part must be days and a time range, e.g. \"Mon-Fri 09:00-17:00\"")
		}
		days, err := parseDays(fields[0])
		if err != nil {
			return nil, err
		}
		from, to, ok := strings.Cut(fields[1], "-")
		if !ok {
			return nil, errorf("%q is not a time range such as 09:00-17:00", fields[1])
		}
		a, err := clock(from)
		if err != nil {
			return nil, err
		}
		b, err := clock(to)
		if err != nil {
			return nil, err
		}
		if b <= a {
			return nil, errorf("%s must end after it starts (ranges do not cross midnight)", fields[1])
		}
		for d, on := range days {
			if !on {
				continue
			}
			for _, sp := range h.Spans[d] {
				if a < sp.To && sp.From < b {
					return nil, errorf("%s %s overlaps another range of the same day", time.Weekday(d).String()[:3], fields[1])
				}
			}
			h.Spans[d] = insertSpan(h.Spans[d], cxm.TimeSpan{From: a, To: b})
		}
	}
	return h, nil
}

func insertSpan(spans []cxm.TimeSpan, sp cxm.TimeSpan) []cxm.TimeSpan {
	i := 0
	for i < len(spans) && spans[i].From < sp.From {
		i++
	}
	spans = append(spans, cxm.TimeSpan{})
	copy(spans[i+1:], spans[i:])
	spans[i] = sp
	return spans
}

var dayNames = map[string]int{"sun": 0, "mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6}

func parseDays(s string) ([7]bool, error) {
	var days [7]bool
	for _, item := range strings.Split(s, ",") {
		from, to, isRange := strings.Cut(item, "-")
		a, ok := dayNames[strings.ToLower(from)]
		if !ok {
			return days, errorf("%q is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", from)
		}
		b := a
		if isRange {
			if b, ok = dayNames[strings.ToLower(to)]; !ok {
				return days, errorf("%q is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)", to)
			}
		}
		// Ranges run in week order from Monday: Sat-Sun is the weekend,
		// Fri-Mon wraps over it.
		for d := a; ; d = (d + 1) % 7 {
			days[d] = true
			if d == b {
				break
			}
		}
	}
	return days, nil
}

func clock(s string) (int, error) {
	hh, mm, ok := strings.Cut(s, ":")
	h, err1 := strconv.Atoi(hh)
	m, err2 := strconv.Atoi(mm)
	if !ok || len(hh) != 2 || len(mm) != 2 || err1 != nil || err2 != nil || h > 24 || m > 59 || h == 24 && m != 0 {
		return 0, errorf("%q is not a time of day such as 09:00 or 17:30", s)
	}
	return h*60 + m, nil
}

func (p *parser) drivers(n *yaml.Node, r *refs, j *cxm.Journey) []cxm.DriverAnalysis {
	var out []cxm.DriverAnalysis
	ids := map[string]*yaml.Node{}
	p.list(n, "drivers", MaxDrivers, func(e *yaml.Node) {
		var d cxm.DriverAnalysis
		var targetN, driversN, scaleMaxN *yaml.Node
		var names []*yaml.Node
		okScale := 0
		p.Mapping(e, "driver analysis", map[string]yamlcheck.Field{
			"id":     yamlcheck.Req(func(v *yaml.Node) { p.id(v, "driver analysis id", ids, &d.ID) }),
			"target": yamlcheck.Req(func(v *yaml.Node) { targetN = v; p.text(v, "target", MaxID, &d.Target) }),
			"source": yamlcheck.Req(func(v *yaml.Node) { p.ref(v, "driver source", &r.sources, &d.Source) }),
			"drivers": yamlcheck.Req(func(v *yaml.Node) {
				driversN = v
				seen := map[string]bool{}
				p.list(v, "drivers", MaxDriverItems, func(e *yaml.Node) {
					var s string
					if !p.text(e, "driver", MaxID, &s) {
						return
					}
					if seen[s] {
						p.Errorf(e, "driver %q appears twice", s)
						return
					}
					seen[s] = true
					d.Drivers = append(d.Drivers, s)
					names = append(names, e)
				})
			}),
			"scale": yamlcheck.Req(func(v *yaml.Node) {
				p.Mapping(v, "driver scale", map[string]yamlcheck.Field{
					"min": yamlcheck.Req(func(v *yaml.Node) {
						if p.Number(v, "scale min", &d.Scale.Min) {
							okScale++
						}
					}),
					"max": yamlcheck.Req(func(v *yaml.Node) {
						scaleMaxN = v
						if p.Number(v, "scale max", &d.Scale.Max) {
							okScale++
						}
					}),
				})
			}),
		})
		if okScale == 2 && d.Scale.Min >= d.Scale.Max {
			p.Errorf(scaleMaxN, "scale max (%g) must be greater than min (%g)", d.Scale.Max, d.Scale.Min)
		}
		if driversN != nil && driversN.Kind == yaml.SequenceNode && len(driversN.Content) == 0 {
			p.Errorf(driversN, "a driver analysis needs at least 1 driver")
		}
		dd := d
		r.after = append(r.after, func() { p.checkDrivers(&dd, targetN, names, j) })
		out = append(out, d)
	})
	return out
}

// checkDrivers checks that the target and the drivers are measures of the
// analysis' source (the target may also be nps, csat or ces).
func (p *parser) checkDrivers(d *cxm.DriverAnalysis, targetN *yaml.Node, names []*yaml.Node, j *cxm.Journey) {
	s := j.Source(d.Source)
	if s == nil {
		return
	}
	if targetN != nil && d.Target != "" {
		switch d.Target {
		case "nps", "csat", "ces":
		default:
			if s.MeasureIndex(d.Target) < 0 {
				p.Errorf(targetN, "target must be nps, csat, ces or a measure of source %q (measures: %s), not %q", s.ID, measureNames(s), d.Target)
			}
		}
	}
	for _, n := range names {
		if s.MeasureIndex(n.Value) < 0 {
			p.Errorf(n, "driver %q is not a measure of source %q (measures: %s)", n.Value, s.ID, measureNames(s))
		} else if n.Value == d.Target {
			p.Errorf(n, "driver %q is also the target", n.Value)
		}
	}
}
