package server

import (
	"fmt"
	"html/template"
	"net/http"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/score"
)

// The results dashboard of an assessment: its release (release.go), or,
// before there is one, its participation and when figures will appear.
// Charts are SVG drawn here; nothing runs in the browser.

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
	if v.Waves, err = s.waveInfo(r.Context(), a); err != nil {
		return err
	}
	if v.Mail, err = s.mailView(r.Context(), a); err != nil {
		return err
	}
	if v.Welcome, err = s.db.Welcome(r.Context(), a.ID); err != nil {
		return err
	}
	if v.Imports, err = s.db.ResponseImports(r.Context(), a.ID); err != nil {
		return err
	}
	if v.Question, err = s.db.OpenQuestion(r.Context(), a.ID); err != nil {
		return err
	}
	if v.Comments, _, err = s.releasedComments(r.Context(), a); err != nil {
		return err
	}
	if res.Withheld {
		if v.P, err = s.participation(r.Context(), a); err != nil {
			return err
		}
		for _, at := range a.Attributes {
			v.ByAttribute = append(v.ByAttribute, participationRows{Attribute: at.Name, Values: v.P.By[at.Name]})
		}
		v.Waiting = waitingWords(a, v.P.Responses)
	} else {
		v.Verdict = score.Verdict(f, res)
		for _, c := range res.Competencies {
			v.Rows = append(v.Rows, competencyRow{
				Name: f.Competency(c.ID).Name, Stage: f.StageName(c.Stage), Agreement: score.Agreement(c.Rwg),
				StageRange: spanWords(f, c.StageRange), Alpha: score.AlphaWord(c),
				C: c, Weakest: c.ID == res.Overall.Weakest,
			})
			if score.AlphaWord(c) != "good" {
				v.AlphaNotes = append(v.AlphaNotes, score.AlphaNote(c))
			}
		}
		v.OverallRange = spanWords(f, res.Overall.StageRange)
		for _, c := range res.Overall.Comparisons {
			v.Comparisons = append(v.Comparisons, score.ComparisonWords(f, c))
		}
		// Each chart twice: wide for screens and print, narrow for phones,
		// where a wide chart scaled down would have unreadable text. CSS
		// shows one of them.
		v.Charts = dashboardChartsFor(f, res, wideChart, "")
		v.Narrow = dashboardChartsFor(f, res, narrowChart, "-n")
		for _, attr := range res.GroupBy {
			v.Breakdown = append(v.Breakdown, breakdownFor(f, res, attr))
		}
	}
	return s.render(w, r, http.StatusOK, "dashboard.html", a.Name, v)
}

// spanWords names a stage range only when it spans stages ("between
// Explore and Mobilize"): one stage needs no words beside the stage.
func spanWords(f *cxm.Framework, rng *[2]string) string {
	if rng == nil || rng[0] == rng[1] {
		return ""
	}
	return score.StageRangeWords(f, rng)
}

// Chart widths: the default for screens and print, and one for phones.
const (
	wideChart   = 640
	narrowChart = 360
	// distChart is the answers per statement on a screen: as wide as the
	// page at 1280 px, so that statements wrap over fewer lines.
	distChart = 960
)

func dashboardChartsFor(f *cxm.Framework, res *score.Result, width float64, suffix string) dashboardCharts {
	frame := func(id, title, desc string) chart.Frame {
		return chart.Frame{ID: id + suffix, Title: title, Desc: desc, Width: width}
	}
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
	stages, thresholds := chart.StagesOf(f)
	weak := f.WeakBelow
	out := dashboardCharts{
		Bars: chart.ScoreBars(bars, chart.BarsOptions{
			Frame:      frame("scores", "Score per competency", "Scores from 0 to 100 with 95% confidence intervals; stage thresholds as vertical lines."),
			Thresholds: thresholds, WeakBelow: &weak, HighlightText: "weakest link",
		}),
		Radar: chart.Radar(axes, []chart.Series{{Name: "This assessment", Values: values}}, chart.RadarOptions{
			Frame: frame("radar", "Competency profile", "Each axis is a competency from 0 at the centre to 100 at the edge."),
		}),
		Ladder: chart.StageLadder(stages, chart.LadderOptions{
			Frame:   frame("ladder", "Maturity stages", "The stages from lowest to highest, with the organization's stage under the weakest-link rule and each competency's position."),
			Current: res.Overall.Stage, Markers: markers, CurrentText: "organization", HighlightText: "weakest link",
		}),
	}
	options := chart.OptionLabels(f.Scale)
	for _, c := range f.Competencies {
		var dists []chart.Distribution
		for _, it := range res.Items {
			if it.Competency == c.ID {
				text, rev := itemText(c, it.ID)
				d := chart.Distribution{Label: text, Counts: it.Counts, Reverse: rev}
				if it.Counts == nil && it.N > 0 { // fewer than k answered it (release.go)
					d.Hidden = fmt.Sprintf("fewer than %d answered: not shown", res.MinGroup)
				}
				dists = append(dists, d)
			}
		}
		fr := frame("dist-"+c.ID, "Answers to the statements of "+c.Name, "For each statement, the share of each answer as given. On reverse-keyed statements disagreeing is the good end, and their colors are swapped so that blue is always good.")
		if width == wideChart {
			fr.Width = distChart // the statements take the page's width (.chart.full)
		}
		out.Distributions = append(out.Distributions, competencyDistribution{Name: c.Name, Chart: chart.StackedBars(dists, options, chart.StackedOptions{Frame: fr})})
	}
	return out
}

// itemText is a statement's text and whether it is reverse-keyed (the
// chart then swaps its colors and says so, so that agreement there is not
// read as good news).
func itemText(c cxm.Competency, id string) (string, bool) {
	for _, it := range c.Items {
		if it.ID == id {
			return it.Text, it.Reverse
		}
	}
	return id, false
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
		opt := func(suffix string, width float64) chart.HeatmapOptions {
			return chart.HeatmapOptions{
				Frame:     chart.Frame{ID: "heat-" + slugify(attr) + suffix, Width: width, Title: "Competency scores by " + attr, Desc: fmt.Sprintf("Each cell is a group's score from 0 to 100. Groups of fewer than %d respondents are not shown.", res.MinGroup)},
				Diverging: true, Midpoint: f.WeakBelow,
				SuppressedText: "too few respondents to show",
			}
		}
		b.Heatmap = chart.Heatmap(cols, rows, opt("", 0))
		b.HeatmapNarrow = chart.HeatmapNarrow(cols, rows, opt("-n", narrowChart))
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

// waitingWords says, for an assessment without a release, when its figures
// will appear and why not before.
func waitingWords(a cxm.Assessment, responses int) []string {
	why := "Until then only participation is shown, so that nobody can work out the latest answers by reading results as they come in."
	k := a.MinGroup
	switch {
	case a.Status != cxm.StatusOpen:
		return []string{fmt.Sprintf("No results: the assessment was closed with %d %s, fewer than the %d needed.", responses, plural(responses, "response", "responses"), k),
			"Results are only made from at least " + fmt.Sprint(k) + " responses, so that no one's answers can be read on their own. Reopen it to take more answers."}
	case responses < k:
		return []string{fmt.Sprintf("Results will appear once the assessment is closed with at least %d responses (%d so far).", k, responses), why}
	}
	return []string{fmt.Sprintf("Results will appear when the assessment is closed: it has %d responses, enough for results (at least %d are needed).", responses, k),
		why + " Once made, the results are final: the assessment then takes no more answers."}
}

// plural picks the word for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
