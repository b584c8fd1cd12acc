package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/score"
)

//go:embed report.html
var reportHTML string

var page = template.Must(template.New("report").Funcs(template.FuncMap{
	"f1":     f1,
	"f2":     f2,
	"signed": signed,
	"inc":    func(i int) int { return i + 1 },
	"status": statusWord,
}).Parse(reportHTML))

// statusWord is a plan step's status as people read it (the CSV and the
// workbook keep the value).
func statusWord(s cxm.PlanStatus) string {
	switch s {
	case cxm.PlanTodo:
		return "To do"
	case cxm.PlanDoing:
		return "Doing"
	case cxm.PlanDone:
		return "Done"
	case cxm.PlanDropped:
		return "Dropped"
	}
	return string(s)
}

// WeakItemsShown is how many of the weakest statements the report lists.
const WeakItemsShown = 5

// HTML writes the report as one self-contained HTML page: inline style
// sheet (with a print style sheet for A4), inline SVG charts, no script and
// no external resource of any kind. Every text from the input is escaped.
// A withheld result shows the cover and a note, and no figure.
func HTML(w io.Writer, in Input) error {
	if err := in.check(); err != nil {
		return err
	}
	v := buildView(&in)
	var buf bytes.Buffer
	if err := page.Execute(&buf, v); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

type view struct {
	Org          cxm.Organization
	A            cxm.Assessment
	F            *cxm.Framework
	R            *score.Result
	Generated    string
	Fieldwork    string // "Opened 3 March 2025, closed 28 March 2025"
	Invited      int
	ResponseRate string
	Withheld     bool
	WithheldNote string

	Verdict     []string
	AlphaNotes  []string // what each alpha that is not simply good means
	Comparisons []string // the weakest compared with each other competency (scoring.md 4.10)
	Stage       cxm.Stage
	StageNo     int // 1-based
	Mean        *float64
	Weakest     *compRow
	Strongest   *compRow
	Spread      float64 // strongest minus weakest score
	Diagnosis   []diagRow
	// DiagnosisOthers: the verdict already describes the weakest link's
	// weakness, so Diagnosis lists only the others.
	DiagnosisOthers bool
	Rows            []compRow
	Unscored        []string
	Bars            template.HTML
	Radar           template.HTML
	Ladder          template.HTML
	// LadderTall: the ladder is drawn vertically and printed beside the
	// stage's description.
	LadderTall bool
	PrevLabel  string // the previous wave drawn on the radar, "" when none

	Breakdowns []breakdownView
	WeakItems  []weakItem
	WeakChart  template.HTML

	HasWaves    bool
	Changes     []changeRow
	Trend       template.HTML
	ThisLabel   string
	Bench       *benchView
	Plan        []planRow
	PlanDropped int
	MinPeers    int
	ScaleText   string
	Thresholds  string
	Comments    *Comments          // nil: no open question
	Sec         map[string]section // the sections shown, by key
	Contents    []section
}

type section struct {
	N     int
	Title string
}

type compRow struct {
	ID         string
	Name       string
	C          score.Competency
	Stage      string
	StageRange string // "between Explore and Mobilize" when the interval spans stages
	Agreement  string
	Alpha      string // alpha in a word (score.AlphaWord)
	Weakest    bool
}

type diagRow struct {
	Name, Label, Meaning string
	Score                float64
}

type breakdownView struct {
	Attribute   string
	Heatmap     template.HTML
	HeatNarrow  template.HTML // the same for a phone's screen (chart.HeatmapNarrow)
	Shown       int
	Suppressed  int
	Note        string
	HiddenCells bool
	Widest      string
	Gaps        []gapRow
}

type gapRow struct {
	Name string
	Gap  float64
}

type changeRow struct {
	Name          string
	Before, After *float64
	Delta         *float64
	Words         string
	Real          bool
	Dir           string // "up" or "down" for a real change
}

type benchView struct {
	Peers int
	Few   bool
	Chart template.HTML
	Rows  []benchRow
}

type benchRow struct {
	Name string
	P    score.PeerPosition
}

type planRow struct {
	S       cxm.PlanStep
	Name    string
	SameWhy bool
	Target  string
	Dropped bool
}

func buildView(in *Input) *view {
	f, r, a := in.Framework, in.Result, in.Assessment
	v := &view{Org: in.Organization, A: a, F: f, R: r, Withheld: r.Withheld, Invited: a.Invited, MinPeers: score.MinPeers}
	v.cover(in)
	if r.Withheld {
		v.WithheldNote = withheldNote(r)
		return v
	}
	v.verdict(f, r)
	v.charts(in)
	v.waves(in)
	if b := in.Benchmark; b != nil {
		v.Bench = benchOf(f, b)
	}
	v.plan(f, in.Plan)
	v.Comments = in.Comments
	v.sections()
	return v
}

// cover fills what the report says before any figure: fieldwork, response
// rate, the scale and the stages.
func (v *view) cover(in *Input) {
	f, r, a := in.Framework, in.Result, in.Assessment
	if !in.Generated.IsZero() {
		v.Generated = in.Generated.Format("2 January 2006")
	}
	v.Fieldwork = fieldwork(a)
	if a.Invited > 0 {
		v.ResponseRate = fmt.Sprintf("%.0f%%", 100*float64(r.Respondents)/float64(a.Invited))
	}
	v.ThisLabel = a.Name
	if strings.TrimSpace(v.ThisLabel) == "" {
		v.ThisLabel = "This wave"
	}
	v.ScaleText = scaleText(f)
	var th []string
	for _, s := range f.Stages {
		th = append(th, fmt.Sprintf("%s from %g", s.Name, s.From))
	}
	v.Thresholds = strings.Join(th, ", ")
}

// verdict fills the verdict in words, the competency rows with their
// stage ranges and alpha notes, and the diagnosis.
func (v *view) verdict(f *cxm.Framework, r *score.Result) {
	v.Verdict = score.Verdict(f, r)
	for _, c := range r.Overall.Comparisons {
		v.Comparisons = append(v.Comparisons, score.ComparisonWords(f, c))
	}
	v.Mean = r.Overall.Mean
	if i := f.StageIndex(r.Overall.Stage); i >= 0 {
		v.Stage, v.StageNo = f.Stages[i], i+1
	}
	for _, c := range r.Competencies {
		row := compRow{ID: c.ID, Name: compName(f, c.ID), C: c, Stage: stageName(f, c.Stage),
			Agreement: score.Agreement(c.Rwg), Alpha: score.AlphaWord(c), Weakest: c.ID == r.Overall.Weakest}
		if rng := c.StageRange; rng != nil && rng[0] != rng[1] {
			row.StageRange = score.StageRangeWords(f, rng)
		}
		if row.Alpha != "good" {
			v.AlphaNotes = append(v.AlphaNotes, score.AlphaNote(c))
		}
		v.Rows = append(v.Rows, row)
		if row.Weakest {
			w := row
			v.Weakest = &w
		}
		if v.Strongest == nil || c.Score > v.Strongest.C.Score {
			st := row
			v.Strongest = &st
		}
	}
	if v.Weakest != nil && v.Strongest != nil {
		v.Spread = v.Strongest.C.Score - v.Weakest.C.Score
	}
	for _, id := range r.Unscored {
		v.Unscored = append(v.Unscored, compName(f, id))
	}
	for _, d := range r.Overall.Diagnosis {
		if c := f.Competency(d.Competency); d.Competency == r.Overall.Weakest && c != nil && c.Weakness.Label != "" {
			v.DiagnosisOthers = true // the verdict says it
			continue
		}
		dr := diagRow{Name: compName(f, d.Competency), Label: d.Label, Score: d.Score}
		if c := f.Competency(d.Competency); c != nil {
			dr.Meaning = c.Weakness.Meaning
		}
		v.Diagnosis = append(v.Diagnosis, dr)
	}
}

// charts draws the main charts (against the previous wave when there is
// one), the breakdowns and the weakest statements' answers.
func (v *view) charts(in *Input) {
	f, r := in.Framework, in.Result
	var prev *score.Result
	if n := len(in.Waves); n > 0 {
		if w := in.Waves[n-1]; w.Result != nil && !w.Result.Withheld {
			prev = w.Result
			v.PrevLabel = w.Label
			if strings.TrimSpace(v.PrevLabel) == "" {
				v.PrevLabel = "Previous wave"
			}
		}
	}
	v.Bars, v.Radar, v.Ladder = mainCharts(f, r, prev, v.PrevLabel, v.ThisLabel)
	v.LadderTall = ladderVertical(v.Ladder, f)
	for i, attr := range groupAttrs(r) {
		v.Breakdowns = append(v.Breakdowns, breakdownOf(f, r, attr, i))
	}
	v.WeakItems = weakestItems(f, r, WeakItemsShown)
	if len(v.WeakItems) > 0 {
		var dists []chart.Distribution
		for i, it := range v.WeakItems {
			dists = append(dists, chart.Distribution{Label: fmt.Sprintf("Statement %d", i+1), Counts: it.Item.Counts, Reverse: it.Reverse})
		}
		v.WeakChart = inline(chart.StackedBars(dists, chart.OptionLabels(f.Scale), chart.StackedOptions{
			Frame: chart.Frame{ID: "weak-items", Title: "Answers to the weakest statements",
				Desc: "For each of the weakest statements, the share of each answer (raw answers, before reverse-keying; on reverse-keyed statements the colors are swapped so that blue is always the good end)."},
		}))
	}
}

// waves fills the changes since the previous wave and the trend.
func (v *view) waves(in *Input) {
	f := in.Framework
	v.HasWaves = len(in.Waves) > 0 || len(in.Compare) > 0
	for _, c := range in.Compare {
		row := changeRow{Name: compName(f, c.ID), Before: c.Before, After: c.After, Delta: c.Delta, Words: score.ChangeWords(c)}
		row.Real = c.P != nil && *c.P < score.Significance
		if row.Real && c.Delta != nil {
			switch {
			case *c.Delta > 0:
				row.Dir = "up"
			case *c.Delta < 0:
				row.Dir = "down"
			}
		}
		v.Changes = append(v.Changes, row)
	}
	if len(in.Waves) > 0 {
		v.Trend = trendChart(f, in.Result, in.Waves, v.ThisLabel)
	}
}

// plan fills the plan's rows, dropped steps last.
func (v *view) plan(f *cxm.Framework, steps []cxm.PlanStep) {
	var lastWhy string
	for _, s := range planOrder(steps) {
		pr := planRow{S: s, Name: compName(f, s.Competency), Dropped: s.Status == cxm.PlanDropped}
		pr.SameWhy = s.Why != "" && s.Why == lastWhy
		lastWhy = s.Why
		if s.Target != nil && !math.IsNaN(*s.Target) {
			pr.Target = fmt.Sprintf("%.0f", *s.Target)
			if n := stageName(f, s.TargetStage); n != "" {
				pr.Target += " (" + n + ")"
			}
		} else if n := stageName(f, s.TargetStage); n != "" {
			pr.Target = n
		}
		if pr.Dropped {
			v.PlanDropped++
		}
		v.Plan = append(v.Plan, pr)
	}
}

// sections numbers the report's sections that have something to show.
func (v *view) sections() {
	v.Sec = map[string]section{}
	add := func(key, title string, ok bool) {
		if ok {
			s := section{N: len(v.Contents) + 1, Title: title}
			v.Sec[key] = s
			v.Contents = append(v.Contents, s)
		}
	}
	add("summary", "Where the organization stands", true)
	add("scores", "Competency scores", true)
	add("groups", "Differences between groups", len(v.Breakdowns) > 0)
	add("statements", "The weakest statements", len(v.WeakItems) > 0)
	add("changes", "Changes since the previous wave", v.HasWaves)
	add("benchmark", "Position among peers", v.Bench != nil)
	add("plan", "Improvement plan", true)
	add("comments", "Comments", v.Comments != nil)
	add("methods", "How the figures are made", true)
}

// fieldwork says when the assessment was open.
func fieldwork(a cxm.Assessment) string {
	var parts []string
	if !a.CreatedAt.IsZero() {
		parts = append(parts, "opened "+a.CreatedAt.Format("2 January 2006"))
	}
	switch {
	case a.ClosedAt != nil && !a.ClosedAt.IsZero():
		parts = append(parts, "closed "+a.ClosedAt.Format("2 January 2006"))
	case a.Status == cxm.StatusClosed:
		parts = append(parts, "closed")
	case a.Status == cxm.StatusOpen:
		parts = append(parts, "still open")
	}
	s := strings.Join(parts, ", ")
	if s == "" {
		return ""
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// scaleText is e.g. `1 ("Strongly disagree") to 5 ("Strongly agree")`.
func scaleText(f *cxm.Framework) string {
	end := func(x int) string {
		if l := f.Scale.Labels[x]; l != "" {
			return fmt.Sprintf("%d (%s)", x, l)
		}
		return fmt.Sprint(x)
	}
	return end(f.Scale.Min) + " to " + end(f.Scale.Max)
}

// mainCharts draws the score bars, the radar (with the previous wave as a
// second series when there is one) and the stage ladder, as the dashboard
// does.
func mainCharts(f *cxm.Framework, r *score.Result, prev *score.Result, prevLabel, thisLabel string) (bars, radar, ladder template.HTML) {
	var bs []chart.Bar
	var axes []string
	var values, before []*float64
	var markers []chart.Marker
	for _, c := range r.Competencies {
		name := compName(f, c.ID)
		sc := c.Score
		b := chart.Bar{Label: name, Value: &sc, Highlight: c.ID == r.Overall.Weakest}
		if c.CI != nil {
			lo, hi := c.CI[0], c.CI[1]
			b.Low, b.High = &lo, &hi
		}
		bs = append(bs, b)
		axes = append(axes, name)
		values = append(values, &sc)
		markers = append(markers, chart.Marker{Label: name, Value: &sc, Highlight: c.ID == r.Overall.Weakest})
		if prev != nil {
			var p *float64
			if pc := prev.Competency(c.ID); pc != nil {
				ps := pc.Score
				p = &ps
			}
			before = append(before, p)
		}
	}
	stages, thresholds := chart.StagesOf(f)
	weak := f.WeakBelow
	bars = inline(chart.ScoreBars(bs, chart.BarsOptions{
		Frame:      chart.Frame{ID: "scores", Title: "Score per competency", Desc: "Scores from 0 to 100 with 95% confidence intervals; stage thresholds as vertical lines.", Width: 700},
		Thresholds: thresholds, WeakBelow: &weak, HighlightText: "weakest link",
	}))
	series := []chart.Series{{Name: thisLabel, Values: values}}
	if prev != nil {
		series = append(series, chart.Series{Name: prevLabel, Values: before})
	}
	radar = inline(chart.Radar(axes, series, chart.RadarOptions{
		Frame: chart.Frame{ID: "radar", Title: "Competency profile", Desc: "Each axis is a competency from 0 at the centre to 100 at the edge.", Width: 460},
	}))
	current := r.Overall.Stage
	if current == "" {
		current = "-" // matches no stage: nothing is marked
	}
	lopt := chart.LadderOptions{
		Frame:   chart.Frame{ID: "ladder", Title: "Maturity stages", Desc: "The stages from lowest to highest, with the organization's stage and each competency's position."},
		Current: current, Markers: markers, CurrentText: "organization", HighlightText: "weakest link",
	}
	ladder = inline(chart.StageLadder(stages, lopt))
	if ladderVertical(ladder, f) {
		// Drawn vertically: it is printed beside the stage's description,
		// so draw it for that narrower column.
		lopt.Width = 520
		ladder = inline(chart.StageLadder(stages, lopt))
	}
	return bars, radar, ladder
}

// ladderVertical reports whether the stage ladder was drawn vertically
// (the stage names do not fit side by side): the highest stage's name is
// then right above the lowest one's instead of to its right.
func ladderVertical(svg template.HTML, f *cxm.Framework) bool {
	if len(f.Stages) < 2 {
		return false
	}
	pos := func(name string) (x, y float64, ok bool) {
		re := regexp.MustCompile(`<text x="([0-9.]+)" y="([0-9.]+)"[^>]*>` + regexp.QuoteMeta(template.HTMLEscapeString(name)) + `<`)
		m := re.FindStringSubmatch(string(svg))
		if m == nil {
			return 0, 0, false
		}
		x, _ = strconv.ParseFloat(m[1], 64)
		y, _ = strconv.ParseFloat(m[2], 64)
		return x, y, true
	}
	lo, hi := f.Stages[0], f.Stages[0]
	for _, s := range f.Stages {
		if s.From < lo.From {
			lo = s
		}
		if s.From > hi.From {
			hi = s
		}
	}
	x0, y0, ok0 := pos(lo.Name)
	x1, y1, ok1 := pos(hi.Name)
	return ok0 && ok1 && x0 == x1 && y1 < y0
}

func breakdownOf(f *cxm.Framework, r *score.Result, attr string, n int) breakdownView {
	b := breakdownView{Attribute: attr, Suppressed: r.Suppressed[attr]}
	groups := r.Groups[attr]
	b.Shown = len(groups)
	b.Note = suppressedNote(attr, b.Suppressed, r.MinGroup)
	var cols []string
	for _, c := range r.Competencies {
		cols = append(cols, compName(f, c.ID))
	}
	var rows []chart.HeatRow
	for _, g := range groups {
		row := chart.HeatRow{Label: groupName(g.Value), N: g.N}
		for _, c := range r.Competencies {
			var cell *float64
			for _, gc := range g.Competencies {
				if gc.ID == c.ID {
					if gc.Score == nil || gc.Suppressed {
						b.HiddenCells = true
					} else {
						s := *gc.Score
						cell = &s
					}
				}
			}
			row.Cells = append(row.Cells, cell)
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		opt := func(suffix string, width float64) chart.HeatmapOptions {
			return chart.HeatmapOptions{
				Frame: chart.Frame{ID: fmt.Sprintf("heat-%d-%s%s", n, slug(attr), suffix), Title: "Competency scores by " + attr,
					Desc:  fmt.Sprintf("Each cell is a group's score from 0 to 100. Groups of fewer than %d respondents are not shown.", r.MinGroup),
					Width: width},
				Diverging: true, Midpoint: f.WeakBelow, SuppressedText: "too few respondents to show",
			}
		}
		b.Heatmap = inline(chart.Heatmap(cols, rows, opt("", 720)))
		b.HeatNarrow = inline(chart.HeatmapNarrow(cols, rows, opt("-n", 360)))
	}
	gaps := r.Gaps[attr]
	var widest *score.Gap
	for i := range gaps {
		g := &gaps[i]
		b.Gaps = append(b.Gaps, gapRow{Name: compName(f, g.Competency), Gap: g.Gap})
		if widest == nil || g.Gap > widest.Gap {
			widest = g
		}
	}
	if widest != nil {
		hs, ls := groupScore(groups, widest.High, widest.Competency), groupScore(groups, widest.Low, widest.Competency)
		b.Widest = fmt.Sprintf("The widest gap is in %s: %.1f points between %s (highest, %s) and %s (lowest, %s).",
			compName(f, widest.Competency), widest.Gap, groupName(widest.High), f1(hs), groupName(widest.Low), f1(ls))
	}
	return b
}

func groupScore(groups []score.Group, value, comp string) *float64 {
	for _, g := range groups {
		if g.Value != value {
			continue
		}
		for _, c := range g.Competencies {
			if c.ID == comp {
				return c.Score
			}
		}
	}
	return nil
}

func trendChart(f *cxm.Framework, r *score.Result, waves []Wave, thisLabel string) template.HTML {
	labels := make([]string, 0, len(waves)+1)
	results := make([]*score.Result, 0, len(waves)+1)
	for i, w := range waves {
		l := w.Label
		if strings.TrimSpace(l) == "" {
			l = fmt.Sprintf("Wave %d", i+1)
		}
		labels = append(labels, l)
		results = append(results, w.Result)
	}
	labels = append(labels, thisLabel)
	results = append(results, r)
	var lines []chart.TrendLine
	for _, fc := range f.Competencies {
		line := chart.TrendLine{Label: fc.Name}
		has := false
		for _, wr := range results {
			var p chart.TrendPoint
			if wr != nil && !wr.Withheld {
				if c := wr.Competency(fc.ID); c != nil {
					s := c.Score
					p.Value = &s
					has = true
					if c.CI != nil {
						lo, hi := c.CI[0], c.CI[1]
						p.Low, p.High = &lo, &hi
					}
				}
			}
			line.Points = append(line.Points, p)
		}
		if has {
			lines = append(lines, line)
		}
	}
	weak := f.WeakBelow
	return inline(chart.Trend(labels, lines, chart.TrendOptions{
		Frame:  chart.Frame{ID: "trend", Title: "Scores across waves", Desc: "Each line is a competency's score per wave, with its 95% confidence interval."},
		ShowCI: true, WeakBelow: &weak,
	}))
}

func benchOf(f *cxm.Framework, b *Benchmark) *benchView {
	bv := &benchView{Peers: b.Peers, Few: b.Peers < score.MinPeers}
	if bv.Few {
		return bv
	}
	var rows []chart.RangeRow
	for _, p := range b.Positions {
		p := p
		bv.Rows = append(bv.Rows, benchRow{Name: compName(f, p.ID), P: p})
		rows = append(rows, chart.RangeRow{Label: compName(f, p.ID), Score: &p.Score, P25: &p.P25, Median: &p.Median, P75: &p.P75, Percentile: &p.Percentile})
	}
	if len(rows) > 0 {
		bv.Chart = inline(chart.Range(rows, chart.RangeOptions{
			Frame: chart.Frame{ID: "bench", Title: "Position among peers",
				Desc: "For each competency, the middle half of the peers' scores as a box, their median as a line and this organization's score as a marker."},
		}))
	}
	return bv
}

// inline drops the SVG namespace declaration, which HTML does not need
// for an inline <svg>, so the page mentions no URL at all.
func inline(h template.HTML) template.HTML {
	return template.HTML(strings.Replace(string(h), ` xmlns="http://www.w3.org/2000/svg"`, "", 1))
}

// slug makes a string safe inside an SVG id.
func slug(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c < 128 && (c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c >= 'A' && c <= 'Z') {
			b.WriteRune(c)
		} else {
			b.WriteByte('-')
		}
	}
	return b.String()
}

// f1 writes a number with 1 decimal, "–" when undefined.
func f1(v any) string { return fixed(v, 1) }

// f2 writes a number with 2 decimals, "–" when undefined.
func f2(v any) string { return fixed(v, 2) }

func fixed(v any, d int) string {
	var x float64
	switch t := v.(type) {
	case float64:
		x = t
	case *float64:
		if t == nil {
			return "–"
		}
		x = *t
	case int:
		x = float64(t)
	default:
		return "–"
	}
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	s := fmt.Sprintf("%.*f", d, x)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return strings.Replace(s, "-", "−", 1)
}

// signed writes a change with its sign: "+8.2", "−3.1", "0.0".
func signed(p *float64) string {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return "–"
	}
	s := f1(*p)
	if s != "0.0" && !strings.HasPrefix(s, "−") {
		s = "+" + s
	}
	return s
}
