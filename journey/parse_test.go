package journey

import (
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

func TestParseDefaults(t *testing.T) {
	j, err := Parse("j.yaml", []byte(`
id: tiny
version: 1
name: Tiny
stages: [{id: buy, name: Buy}]
sources: [{id: s, channel: survey, columns: {id: id, nps: nps}}]
`))
	if err != nil {
		t.Fatal(err)
	}
	if j.MinN != 10 || j.Timezone != "UTC" || j.Location != time.UTC || j.Scales.CSAT != (cxm.CSATScale{Min: 1, Max: 5, SatisfiedFrom: 4}) ||
		j.Scales.CES != (cxm.CESScale{Min: 1, Max: 7, EasyFrom: 5}) || j.Sources[0].Format != cxm.FormatCSV || j.Scorecard.Metric != "csat" ||
		len(j.RootCauses) != 6 {
		t.Errorf("%+v", j)
	}
}

// TestParseErrors checks that every error is found, in file order, at its
// place.
func TestParseErrors(t *testing.T) {
	src := `id: Bad_Id
version: 0
name: X
timezone: Mars/Olympus
min_n: 0
colour: red
stages:
  - {id: buy, name: Buy, owner: nobody}
  - {id: buy, name: Again}
scales:
  csat: {min: 1, max: 5, satisfied_from: 6}
  ces: {min: 7, max: 1}
sources:
  - id: s
    channel: fax
    format: xml
    stage: nowhere
    time_format: "%Y-%q"
    columns: {id: rid, mood: m}
    measures: {speed: q5, 2fast: q6}
  - id: n
    channel: chat
    format: ndjson
    columns: {id: x}
  - id: c
    channel: customers
    columns: {id: id, value: v}
routes:
  - {source: s, comment_matches: "(unclosed", stage: buy}
  - {stage: buy}
  - {attribute: {Region: EU}, stage: gone}
promises:
  - {id: p, text: T, source: s, measure: wait, at_most: 1, at_least: 2, target: 120, period: year}
follow_up:
  - {id: f, when: {nps_at_most: 10, csat_at_most: 5}, within: 2 days, owner: boss, hours: "Mon-Fri 17:00-09:00"}
scorecard: {metric: effort}
drivers:
  - {id: d, target: joy, source: s, drivers: [speed, speed, wait], scale: {min: 5, max: 1}}
`
	_, err := Parse("j.yaml", []byte(src))
	want := `j.yaml:1:5: journey id "Bad_Id" is not a valid id (lowercase letters and digits, words joined by single hyphens, e.g. "get-help")
j.yaml:2:10: version must be a positive whole number, not 0
j.yaml:4:11: timezone "Mars/Olympus" is not an IANA time zone name (e.g. Europe/Amsterdam, America/New_York, UTC)
j.yaml:5:8: min_n must be at least 1, not 0
j.yaml:6:1: unknown key "colour" in the journey (known keys: drivers, follow_up, id, min_n, name, promises, root_causes, routes, scales, scorecard, sources, stages, timezone, topics, version)
j.yaml:8:33: stage owner must be an email address, not "nobody"
j.yaml:9:10: stage id "buy" is already used at line 8
j.yaml:11:42: csat satisfied_from must be above min and at most max (2..5), not 6
j.yaml:12:22: scale ces must have 0 ≤ min < max ≤ 100, not 7..1
j.yaml:15:14: channel must be one of survey, support, review, social, chat, call, email, operations, customers, other, not "fax"
j.yaml:16:13: format must be one of csv, ndjson, qualtrics, not "xml"
j.yaml:17:12: stage "nowhere" is not a stage of this journey (stages: buy)
j.yaml:18:18: time_format "%Y-%q": %q is not supported (use %Y %m %d %H %M %S %I %p %b %z)
j.yaml:19:24: unknown record field "mood" in columns (known fields: id, at, customer, employee, stage, nps, csat, ces, comment, event, value)
j.yaml:20:27: measure name "2fast" must be a letter then letters, digits or _ (e.g. wait_seconds)
j.yaml:24:14: an ndjson source takes no columns: its records name their fields (§2)
j.yaml:27:14: source "c" of channel customers maps no column to customer, which its records need
j.yaml:27:14: source "c" of channel customers maps no column to event, which its records need
j.yaml:29:34: comment_matches is not a valid regular expression (RE2 syntax): missing closing ): ` + "`(unclosed`" + `
j.yaml:30:5: a route needs at least one of source, comment_matches, attribute (else it would take every record)
j.yaml:31:18: attribute "Region" is not an attribute of any source
j.yaml:31:38: stage "gone" is not a stage of this journey (stages: buy)
j.yaml:33:5: promise "p" needs exactly one of at_most and at_least
j.yaml:33:42: measure "wait" is not a measure of source "s" (measures: speed)
j.yaml:33:81: target must be a percent from 0 to 100, not 120
j.yaml:33:94: period must be one of day, week, month, quarter, not "year"
j.yaml:35:33: nps_at_most must be from 0 to 9, not 10
j.yaml:35:51: csat_at_most must be from 1 to 4 (below the top of the csat scale), not 5
j.yaml:35:63: within must be a duration such as 24h, 90m or 1h30m, not "2 days"
j.yaml:35:78: owner must be employee, stage or an email address, not "boss"
j.yaml:35:91: hours "Mon-Fri 17:00-09:00": 17:00-09:00 must end after it starts (ranges do not cross midnight)
j.yaml:36:21: scorecard metric must be one of csat, nps, ces, not "effort"
j.yaml:38:21: target must be nps, csat, ces or a measure of source "s" (measures: speed), not "joy"
j.yaml:38:54: driver "speed" appears twice
j.yaml:38:61: driver "wait" is not a measure of source "s" (measures: speed)
j.yaml:38:89: scale max (1) must be greater than min (5)`
	if err == nil {
		t.Fatal("no error")
	}
	if got := err.Error(); got != want {
		gl, wl := strings.Split(got, "\n"), strings.Split(want, "\n")
		for i := 0; i < len(gl) || i < len(wl); i++ {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Errorf("line %d:\n got %s\nwant %s", i+1, g, w)
			}
		}
	}
}

func TestTimeFormat(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	cases := []struct{ format, in, want string }{
		{"%Y-%m-%d %H:%M:%S", "2026-11-02 14:03:09", "2026-11-02T14:03:09+01:00"},
		{"%m/%d/%Y %I:%M %p", "11/2/2026 2:03 PM", "2026-11-02T14:03:00+01:00"},
		{"%m/%d/%Y %I:%M %p", "11/02/2026 12:10 am", "2026-11-02T00:10:00+01:00"},
		{"%d %b %Y %H:%M %z", "2 Nov 2026 14:03 -0500", "2026-11-02T14:03:00-05:00"},
		{"%Y%m%d%H%M", "202611021403", "2026-11-02T14:03:00+01:00"},
		{"%Y-%m-%dT%H:%M:%S%z", "2026-11-02T14:03:00Z", "2026-11-02T14:03:00Z"},
		{"%d.%m.%Y", "30.02.2026", "error"},
		{"%d.%m.%Y", "3.11.2026 extra", "error"},
		{"%m/%d/%Y %I:%M %p", "11/2/2026 13:03 PM", "error"},
	}
	for _, c := range cases {
		l, err := CompileTimeFormat(c.format)
		if err != nil {
			t.Fatalf("%s: %v", c.format, err)
		}
		got, err := l.Parse(c.in, ams)
		s := got.Format(time.RFC3339)
		if err != nil {
			s = "error"
		}
		if s != c.want {
			t.Errorf("%s %q: got %s (%v), want %s", c.format, c.in, s, err, c.want)
		}
	}
	for format, msg := range map[string]string{
		"%H:%M":       "needs a year (%Y), a month (%m or %b) and a day (%d)",
		"%Y %m %d %":  "ends with a lone %",
		"%Y %m %d %Y": "%Y appears twice",
		"%Y %m %d %I": "%I (12-hour clock) and %p (AM/PM) go together",
		"%Y %b %m %d": "has both %m and %b: give the month once",
		"%Y %m %d %S": "has seconds (%S) but no minutes (%M)",
	} {
		if _, err := CompileTimeFormat(format); err == nil || err.Error() != msg {
			t.Errorf("%q: got %v, want %s", format, err, msg)
		}
	}
}

func TestParseTime(t *testing.T) {
	ams, _ := time.LoadLocation("Europe/Amsterdam")
	for in, want := range map[string]string{
		"2026-11-02T14:03:00Z":        "2026-11-02T15:03:00+01:00",
		"2026-11-02T14:03:00.5-05:00": "2026-11-02T20:03:00+01:00",
		"2026-11-02 14:03:00":         "2026-11-02T14:03:00+01:00",
		"2026-07-02T14:03":            "2026-07-02T14:03:00+02:00",
		"2026-11-02":                  "2026-11-02T00:00:00+01:00",
	} {
		got, err := ParseTime(in, ams)
		if err != nil || got.Format(time.RFC3339) != want {
			t.Errorf("%s: got %s %v, want %s", in, got.Format(time.RFC3339), err, want)
		}
	}
}

func TestHours(t *testing.T) {
	h, err := ParseHours("Mon-Fri 09:00-17:00; Sat,Sun 10:00-12:00; Sat 13:00-24:00")
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Spans[time.Monday]) != 1 || h.Spans[time.Friday][0] != (cxm.TimeSpan{From: 540, To: 1020}) ||
		len(h.Spans[time.Saturday]) != 2 || h.Spans[time.Saturday][1] != (cxm.TimeSpan{From: 780, To: 1440}) || len(h.Spans[time.Sunday]) != 1 {
		t.Errorf("%+v", h.Spans)
	}
	if h, _ := ParseHours("Fri-Mon 08:00-09:00"); len(h.Spans[time.Saturday]) != 1 || len(h.Spans[time.Wednesday]) != 0 {
		t.Errorf("wrap: %+v", h.Spans)
	}
	for in, msg := range map[string]string{
		"Mon-Fri":                          `each part must be days and a time range, e.g. "Mon-Fri 09:00-17:00"`,
		"Mon-Fry 09:00-17:00":              `"Fry" is not a day (Mon, Tue, Wed, Thu, Fri, Sat, Sun)`,
		"Mon 9:00-17:00":                   `"9:00" is not a time of day such as 09:00 or 17:30`,
		"Mon 09:00-12:00; Mon 11:00-13:00": "Mon 11:00-13:00 overlaps another range of the same day",
	} {
		if _, err := ParseHours(in); err == nil || err.Error() != msg {
			t.Errorf("%q: got %v, want %s", in, err, msg)
		}
	}
}
