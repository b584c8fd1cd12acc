package server

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/report"
	"github.com/cxmhq/cxm/score"
)

// Waves (scoring.md §5.2): a closed assessment starts its next wave, a new
// open assessment with the same framework version and attributes; waves are
// compared per competency with Welch's test, and drawn as a trend.

// waveSuffix is the " – wave N" that next waves add to the name.
var waveSuffix = regexp.MustCompile(` – wave \d+$`)

// waveName is the name of the wave at position n (1-based) of a series
// whose waves are named after base: "Q1 survey – wave 2".
func waveName(base string, n int) string {
	base = strings.TrimSpace(waveSuffix.ReplaceAllString(base, ""))
	suffix := fmt.Sprintf(" – wave %d", n)
	for len(base)+len(suffix) > 200 {
		_, size := utf8.DecodeLastRuneInString(base)
		base = base[:len(base)-size]
	}
	return base + suffix
}

// nextWave starts the next wave of a closed assessment. name "" means the
// default, "<name> – wave N".
func (s *Server) nextWave(ctx context.Context, a cxm.Assessment, name string) (int64, error) {
	if a.Status != cxm.StatusClosed {
		return 0, errorf(http.StatusConflict, "close the assessment before starting its next wave")
	}
	series, err := s.db.Series(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	pos := 0
	for i, w := range series {
		if w.ID == a.ID {
			pos = i + 1
		}
		if w.PreviousID == a.ID {
			return 0, &Error{Status: http.StatusConflict, Message: fmt.Sprintf("the next wave of this assessment exists already: %q (id %d)", w.Name, w.ID), Details: map[string]int64{"id": w.ID}}
		}
	}
	name = strings.TrimSpace(name)
	if name == "" {
		name = waveName(a.Name, pos+1)
	} else if len(name) > 200 {
		return 0, badField("name", "an assessment needs a name of at most 200 characters")
	}
	id, err := s.db.NextWave(ctx, a.ID, name)
	if errors.Is(err, cxm.ErrConflict) {
		return 0, errorf(http.StatusConflict, "%s", strings.TrimPrefix(err.Error(), cxm.ErrConflict.Error()+": "))
	}
	if err != nil {
		return 0, err
	}
	// The plan goes on in the new wave; without it the wave is not started.
	if err := s.db.CarryPlan(ctx, a.ID, id, pos+1, userEmail(ctx)); err != nil {
		if derr := s.db.DiscardNextWave(ctx, id); derr != nil {
			return 0, errors.Join(err, derr)
		}
		return 0, err
	}
	// The next wave greets respondents as this one did.
	text, err := s.db.Welcome(ctx, a.ID)
	if err != nil || text == "" {
		return id, err
	}
	return id, s.db.SetWelcome(ctx, id, text)
}

func (s *Server) apiNextWave(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	id, err := s.nextWave(r.Context(), a, in.Name)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (s *Server) nextWaveForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	id, err := s.nextWave(r.Context(), a, "")
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", id), "next-wave")
}

// comparable checks that two assessments can be compared: another
// assessment, scored against the same framework version.
func comparable(before, after cxm.Assessment) error {
	if before.ID == after.ID {
		return badField("with", "compare with another assessment, not with itself")
	}
	if before.FrameworkID != after.FrameworkID || before.FrameworkVersion != after.FrameworkVersion {
		return badField("with", "assessment %d uses framework %s version %d and assessment %d uses %s version %d: only the same framework version can be compared",
			before.ID, before.FrameworkID, before.FrameworkVersion, after.ID, after.FrameworkID, after.FrameworkVersion)
	}
	return nil
}

func (s *Server) apiCompare(w http.ResponseWriter, r *http.Request) error {
	after, err := s.assessment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	q := r.URL.Query().Get("with")
	if q == "" {
		return badField("with", "name the earlier assessment to compare with: ?with=ID")
	}
	withID, err := strconv.ParseInt(q, 10, 64)
	if err != nil || withID <= 0 {
		return badField("with", "with must be an assessment id, not %q", q)
	}
	before, err := s.db.Assessment(ctx, withID)
	if errors.Is(err, cxm.ErrNotFound) {
		return &Error{Status: http.StatusNotFound, Field: "with", Message: fmt.Sprintf("no assessment %d", withID)}
	}
	if err != nil {
		return err
	}
	if err := comparable(before, after); err != nil {
		return err
	}
	rb, _, err := s.results(ctx, before, nil)
	if err != nil {
		return err
	}
	ra, _, err := s.results(ctx, after, nil)
	if err != nil {
		return err
	}
	side := func(a cxm.Assessment, res *score.Result) map[string]any {
		return map[string]any{"id": a.ID, "name": a.Name, "respondents": res.Respondents, "withheld": res.Withheld}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"before": side(before, rb), "after": side(after, ra),
		"competencies": score.Compare(rb, ra),
	})
	return nil
}

// The progress page

type progressView struct {
	A           cxm.Assessment
	F           *cxm.Framework
	Series      []cxm.Assessment
	Earlier     []cxm.Assessment // the waves before this one: what it can be compared with
	Before      *cxm.Assessment  // the wave compared with, nil when none
	Next        *cxm.Assessment  // the wave after this one, if started
	Progress    *plan.Progress   // the headline and the table; nil when a wave has no figures
	Withheld    string           // why the comparison shows no figures
	Trend       template.HTML
	TrendNarrow template.HTML
	Radar       template.HTML
	RadarNarrow template.HTML
}

func (s *Server) progressPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return err
	}
	series, err := s.db.Series(ctx, a.ID)
	if err != nil {
		return err
	}
	v := progressView{A: a, F: f, Series: series}
	results := make([]*score.Result, len(series))
	var res *score.Result
	for i, wv := range series {
		if wv.ID == a.ID {
			if i+1 < len(series) {
				v.Next = &series[i+1]
			}
			break
		}
		v.Earlier = append(v.Earlier, wv)
	}
	for i, wv := range series {
		if results[i], _, err = s.results(ctx, wv, nil); err != nil {
			return err
		}
		if wv.ID == a.ID {
			res = results[i]
		}
	}
	// The wave compared with: ?with=, else the one just before.
	withID := a.PreviousID
	if q := r.URL.Query().Get("with"); q != "" {
		withID, _ = strconv.ParseInt(q, 10, 64)
	}
	var before *score.Result
	for i, wv := range series {
		if wv.ID == withID && wv.ID != a.ID {
			v.Before, before = &series[i], results[i]
		}
	}
	if v.Before == nil && withID != a.PreviousID {
		return errorf(http.StatusNotFound, "assessment %d is not an earlier wave of this series", withID)
	}
	if v.Before != nil {
		switch {
		case before.Withheld:
			v.Withheld = fmt.Sprintf("%s has too few respondents to show figures (%d of the %d needed).", v.Before.Name, before.Respondents, before.MinGroup)
		case res.Withheld:
			v.Withheld = fmt.Sprintf("This wave has too few respondents to show figures (%d of the %d needed).", res.Respondents, res.MinGroup)
		default:
			p, err := s.progressOf(ctx, f, *v.Before, a, before, res)
			if err != nil {
				return err
			}
			v.Progress = &p
			v.Radar = progressRadar(f, before, res, v.Before.Name, a.Name, wideChart, "")
			v.RadarNarrow = progressRadar(f, before, res, v.Before.Name, a.Name, narrowChart, "-n")
		}
	}
	if len(series) > 1 {
		v.Trend = trendOf(f, series, results, wideChart, "")
		v.TrendNarrow = trendOf(f, series, results, narrowChart, "-n")
	}
	return s.render(w, r, http.StatusOK, "progress.html", "Progress · "+a.Name, v)
}

// trendOf draws every competency across the waves of a series; a withheld
// wave has no points.
func trendOf(f *cxm.Framework, series []cxm.Assessment, results []*score.Result, width float64, suffix string) template.HTML {
	labels := make([]string, len(series))
	for i, wv := range series {
		labels[i] = wv.Name
	}
	var lines []chart.TrendLine
	for _, fc := range f.Competencies {
		line := chart.TrendLine{Label: fc.Name}
		has := false
		for _, res := range results {
			var p chart.TrendPoint
			if c := res.Competency(fc.ID); c != nil && !res.Withheld {
				p.Value = ptr(c.Score)
				if c.CI != nil {
					p.Low, p.High = ptr(c.CI[0]), ptr(c.CI[1])
				}
				has = true
			}
			line.Points = append(line.Points, p)
		}
		if has {
			lines = append(lines, line)
		}
	}
	weak := f.WeakBelow
	return chart.Trend(labels, lines, chart.TrendOptions{
		Frame:  chart.Frame{ID: "trend" + suffix, Title: "Scores across waves", Desc: "Each line is a competency's score per wave, from 0 to 100, with its 95% confidence interval.", Width: width},
		ShowCI: true, WeakBelow: &weak,
	})
}

func progressRadar(f *cxm.Framework, before, after *score.Result, beforeName, afterName string, width float64, suffix string) template.HTML {
	var axes []string
	var b, a []*float64
	for _, fc := range f.Competencies {
		cb, ca := before.Competency(fc.ID), after.Competency(fc.ID)
		if cb == nil && ca == nil {
			continue
		}
		axes = append(axes, fc.Name)
		var vb, va *float64
		if cb != nil {
			vb = ptr(cb.Score)
		}
		if ca != nil {
			va = ptr(ca.Score)
		}
		b, a = append(b, vb), append(a, va)
	}
	return chart.Radar(axes, []chart.Series{{Name: beforeName, Values: b}, {Name: afterName, Values: a}}, chart.RadarOptions{
		Frame: chart.Frame{ID: "radar-waves" + suffix, Title: "Profile in both waves", Desc: "Each axis is a competency from 0 at the centre to 100 at the edge; one outline per wave.", Width: width},
	})
}

// waveInfo is where an assessment stands in its series: for the
// dashboard's links.
type waveInfo struct {
	Number     int // 1-based position in the series
	Count      int // waves in the series
	Prev, Next *cxm.Assessment
	Tables     []string // the CSV exports
}

func (s *Server) waveInfo(ctx context.Context, a cxm.Assessment) (waveInfo, error) {
	w := waveInfo{Tables: report.Tables}
	series, err := s.db.Series(ctx, a.ID)
	if err != nil {
		return w, err
	}
	w.Count = len(series)
	for i := range series {
		if series[i].ID == a.ID {
			w.Number = i + 1
			if i > 0 {
				w.Prev = &series[i-1]
			}
			if i+1 < len(series) {
				w.Next = &series[i+1]
			}
		}
	}
	return w, nil
}
