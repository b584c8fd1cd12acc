package journey

import (
	"errors"
	"os"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

// FuzzParse feeds arbitrary bytes to Parse (seed corpus in
// testdata/fuzz/FuzzParse, plus the example journey). Parse must never
// panic, and must return either a journey that keeps the promises of §1 or
// an ErrorList of positioned errors. Run it with a short minimization
// time, or the fuzzer spends its minute minimizing the 4 KB example:
//
//	go test ./journey -run '^$' -fuzz '^FuzzParse$' -fuzztime 60s -fuzzminimizetime 5s
func FuzzParse(f *testing.F) {
	data, err := os.ReadFile("builtin/online-grocer.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(""))
	f.Add([]byte("id: &a x\nname: *a\n"))
	f.Add([]byte("id: x\nversion: 1\nname: X\nstages: [{id: a, name: A}]\nsources: [{id: s, channel: survey, columns: {id: i}, time_format: \"%Y%m%d%I%p\"}]\nfollow_up: [{id: f, when: {csat_at_most: 1}, within: 1h, owner: stage, hours: \"Sat-Mon 00:00-24:00\"}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j, err := Parse("fuzz.yaml", data)
		if err != nil {
			var list cxm.ErrorList
			if j != nil || !errors.As(err, &list) || len(list) == 0 {
				t.Fatalf("want a positioned ErrorList and no journey, got %v, %T", j, err)
			}
			for _, e := range list {
				if e.File != "fuzz.yaml" || e.Msg == "" || e.Line < 0 || e.Column < 0 {
					t.Fatalf("bad error %+v", e)
				}
			}
			if len(list) > maxErrors+1 {
				t.Fatalf("%d errors", len(list))
			}
			return
		}
		checkJourney(t, j)
	})
}

// checkJourney checks what every parsed journey promises.
func checkJourney(t *testing.T, j *cxm.Journey) {
	if !slug.MatchString(j.ID) || j.Version < 1 || j.MinN < 1 || j.Location == nil || len(j.Stages) == 0 || len(j.Sources) == 0 {
		t.Fatalf("journey breaks §1: %+v", j)
	}
	sc := j.Scales
	if sc.CSAT.Min >= sc.CSAT.Max || sc.CSAT.SatisfiedFrom <= sc.CSAT.Min || sc.CSAT.SatisfiedFrom > sc.CSAT.Max ||
		sc.CES.Min >= sc.CES.Max || sc.CES.EasyFrom <= sc.CES.Min || sc.CES.EasyFrom > sc.CES.Max {
		t.Fatalf("bad scales %+v", sc)
	}
	for _, s := range j.Sources {
		if s.Stage != "" && j.StageIndex(s.Stage) < 0 {
			t.Fatalf("source stage %q", s.Stage)
		}
		if s.TimeFormat != "" {
			if _, err := CompileTimeFormat(s.TimeFormat); err != nil {
				t.Fatal(err)
			}
		}
		if s.Format != cxm.FormatNDJSON && len(s.Columns) > 0 && s.Columns[cxm.FieldID] == "" {
			t.Fatalf("source %s without id column", s.ID)
		}
	}
	for _, r := range j.Routes {
		if j.StageIndex(r.Stage) < 0 || r.Source != "" && j.Source(r.Source) == nil || (r.CommentMatches != "") != (r.Comment != nil) {
			t.Fatalf("bad route %+v", r)
		}
	}
	for _, p := range j.Promises {
		s := j.Source(p.Source)
		if s == nil || s.MeasureIndex(p.Measure) < 0 || (p.AtMost == nil) == (p.AtLeast == nil) || p.Target < 0 || p.Target > 100 {
			t.Fatalf("bad promise %+v", p)
		}
	}
	for _, f := range j.FollowUp {
		if f.Within <= 0 || f.Owner == "" {
			t.Fatalf("bad rule %+v", f)
		}
		if f.Hours != nil {
			for _, spans := range f.Hours.Spans {
				for i, sp := range spans {
					if sp.From >= sp.To || sp.To > 1440 || i > 0 && spans[i-1].To > sp.From {
						t.Fatalf("bad hours %+v", f.Hours)
					}
				}
			}
		}
	}
}

// FuzzTimeFormat compiles arbitrary formats and parses arbitrary times with
// them: never a panic, and a parsed time formats back to a valid date.
func FuzzTimeFormat(f *testing.F) {
	f.Add("%Y-%m-%d %H:%M:%S", "2026-11-02 14:03:09")
	f.Add("%m/%d/%Y %I:%M %p", "11/2/2026 2:03 PM")
	f.Add("%d %b %Y %H:%M %z", "2 Nov 2026 14:03 -0500")
	f.Add("%Y%m%d%H%M", "202611021403")
	f.Fuzz(func(t *testing.T, format, in string) {
		l, err := CompileTimeFormat(format)
		if err != nil {
			return
		}
		tm, err := l.Parse(in, time.UTC)
		if err == nil && (tm.Year() < 0 || tm.Year() > 9999) {
			t.Fatalf("%q with %q gave %v", in, format, tm)
		}
	})
}
