package server

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/score"
)

// The results dashboard of an assessment: computed from the stored
// responses on every request, so new answers show at once. Charts are SVG
// drawn here; nothing runs in the browser.

type dashboardCharts struct {
	Bars, Radar, Ladder template.HTML
	Distributions       []competencyDistribution
}

type competencyDistribution struct {
	Name  string
	Chart template.HTML
}

func (s *Server) dashboardPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	res, f, err := s.results(r.Context(), a, a.AttributeNames())
	if err != nil {
		return err
	}
	v := dashboardView{A: a, F: f, R: res}
	if !res.Withheld {
		v.Verdict = score.Verdict(f, res)
		for _, c := range res.Competencies {
			v.Rows = append(v.Rows, competencyRow{
				Name: f.Competency(c.ID).Name, Stage: f.StageName(c.Stage), Agreement: score.Agreement(c.Rwg),
				C: c, Weakest: c.ID == res.Overall.Weakest,
			})
		}
		v.Charts = dashboardChartsFor(f, res)
		for _, attr := range res.GroupBy {
			v.Breakdown = append(v.Breakdown, breakdownFor(f, res, attr))
		}
		texts := map[string]string{}
		for _, c := range f.Competencies {
			for _, it := range c.Items {
				texts[it.ID] = it.Text
			}
		}
		for _, it := range res.Items {
			v.Items = append(v.Items, itemRow{Competency: f.Competency(it.Competency).Name, Text: texts[it.ID], Item: it})
		}
	}
	return s.render(w, r, http.StatusOK, "dashboard.html", a.Name, v)
}

func dashboardChartsFor(f *cxm.Framework, res *score.Result) dashboardCharts {
	var bars []chart.Bar
	var axes []string
	var values []*float64
	var markers []chart.Marker
	for _, c := range res.Competencies {
		name := f.Competency(c.ID).Name
		score := c.Score
		b := chart.Bar{Label: name, Value: &score, Highlight: c.ID == res.Overall.Weakest}
		if c.CI != nil {
			b.Low, b.High = &c.CI[0], &c.CI[1]
		}
		bars = append(bars, b)
		axes = append(axes, name)
		values = append(values, &score)
		markers = append(markers, chart.Marker{Label: name, Value: &score, Highlight: c.ID == res.Overall.Weakest})
	}
	var thresholds []chart.Threshold
	var stages []chart.Stage
	for _, st := range f.Stages {
		stages = append(stages, chart.Stage{ID: st.ID, Name: st.Name, From: st.From})
		if st.From > 0 {
			thresholds = append(thresholds, chart.Threshold{Value: st.From, Label: st.Name})
		}
	}
	weak := f.WeakBelow
	out := dashboardCharts{
		Bars: chart.ScoreBars(bars, chart.BarsOptions{
			Frame:      chart.Frame{ID: "scores", Title: "Score per competency", Desc: "Scores from 0 to 100 with 95% confidence intervals; stage thresholds as vertical lines."},
			Thresholds: thresholds, WeakBelow: &weak, HighlightText: "weakest link",
		}),
		Radar: chart.Radar(axes, []chart.Series{{Name: "This assessment", Values: values}}, chart.RadarOptions{
			Frame: chart.Frame{ID: "radar", Title: "Competency profile", Desc: "Each axis is a competency from 0 at the centre to 100 at the edge."},
		}),
		Ladder: chart.StageLadder(stages, chart.LadderOptions{
			Frame:   chart.Frame{ID: "ladder", Title: "Maturity stages", Desc: "The stages from lowest to highest, with the organization's stage under the weakest-link rule and each competency's position."},
			Current: res.Overall.Stage, Markers: markers, CurrentText: "organization", HighlightText: "weakest link",
		}),
	}
	options := make([]string, 0, f.Scale.Options())
	for x := f.Scale.Min; x <= f.Scale.Max; x++ {
		label := strconv.Itoa(x)
		if l := f.Scale.Labels[x]; l != "" {
			label = l
		}
		options = append(options, label)
	}
	for _, c := range f.Competencies {
		var dists []chart.Distribution
		for _, it := range res.Items {
			if it.Competency == c.ID {
				dists = append(dists, chart.Distribution{Label: itemText(c, it.ID), Counts: it.Counts})
			}
		}
		out.Distributions = append(out.Distributions, competencyDistribution{Name: c.Name, Chart: chart.StackedBars(dists, options, chart.StackedOptions{
			Frame: chart.Frame{ID: "dist-" + c.ID, Title: "Answers to the statements of " + c.Name, Desc: "For each statement, the share of each answer (raw answers, before reverse-keying)."},
		})})
	}
	return out
}

func itemText(c cxm.Competency, id string) string {
	for _, it := range c.Items {
		if it.ID == id {
			return it.Text
		}
	}
	return id
}

// breakdownFor draws one attribute's heatmap. Suppressed groups are not in
// the result at all; suppressed cells come as nil and are drawn hatched.
func breakdownFor(f *cxm.Framework, res *score.Result, attr string) breakdown {
	b := breakdown{Attribute: attr, Suppressed: res.Suppressed[attr], Groups: res.Groups[attr], Gaps: res.Gaps[attr]}
	var cols []string
	for _, c := range res.Competencies {
		cols = append(cols, f.Competency(c.ID).Name)
	}
	var rows []chart.HeatRow
	for _, g := range b.Groups {
		row := chart.HeatRow{Label: valueText(g.Value), N: g.N}
		for _, c := range g.Competencies {
			row.Cells = append(row.Cells, c.Score)
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		b.Heatmap = chart.Heatmap(cols, rows, chart.HeatmapOptions{
			Frame:     chart.Frame{ID: "heat-" + slugify(attr), Title: "Competency scores by " + attr, Desc: fmt.Sprintf("Each cell is a group's score from 0 to 100. Groups of fewer than %d respondents are not shown.", res.MinGroup)},
			Diverging: true, Midpoint: f.WeakBelow,
			SuppressedText: "too few respondents to show",
		})
	}
	return b
}

func valueText(v string) string {
	if v == "" {
		return "(not given)"
	}
	return v
}

// slugify makes an attribute name safe inside an SVG id.
func slugify(s string) string {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' {
			out = append(out, c)
		} else {
			out = append(out, '-')
		}
	}
	return string(out)
}
