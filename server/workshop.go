package server

import (
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/chart"
	"github.com/cxmhq/cxm/score"
)

// The workshop view: the page a facilitator puts on the projector while the
// management team discusses the results. A maturity model is a safe frame
// for self-criticism when it is taken one competency at a time, starting
// where it matters (the lowest score), with the statements the team
// disagreed on as prompts, the gaps between departments and levels, and a
// box where the decisions taken are written down: each becomes a custom
// step of the improvement plan.
//
// Disagreement on a statement is the sample variance (n − 1) of its raw
// answers, worked out from the answer counts of the result: with c_i
// respondents answering min+i, n = Σ c_i, m = Σ c_i·i / n and
// s² = Σ c_i·(i − m)² / (n − 1). Reverse keying does not change it. It is
// undefined below 2 answers, and such statements are never prompts. The
// words put it against σ²_EU = (A² − 1)/12, the variance of answers picked
// at random among the A options (2 on a 5-point scale), as rwg does
// (scoring.md §4.5): the item's agreement 1 − s²/σ²_EU read with the same
// thresholds as rwg. The prompts are the 3 statements of the competency
// with the largest s² (ties in framework order); statements everyone
// answered alike (s² = 0) are left out.

// Prompts is how many statements are offered for discussion per competency.
const workshopPrompts = 3

// Limits of a recorded decision, in characters.
const (
	maxDecision      = 4000
	maxDecisionTitle = 200
	maxDecisionOwner = 200
)

type workshopView struct {
	A        cxm.Assessment
	F        *cxm.Framework
	R        *score.Result
	Steps    []workshopStep // every competency, in discussion order
	Index    int            // the competency shown, 0-based
	Cur      *workshopCompetency
	Prev     *workshopStep
	Next     *workshopStep
	Decided  []cxm.PlanStep // custom plan steps of the competency shown
	Error    string         // a rejected decision
	Decision string         // the rejected decision's text, to edit
	Owner    string
	Later    *cxm.Assessment // the next wave, where the plan continues: no decision is recorded here
}

// workshopStep is one competency in the discussion order.
type workshopStep struct {
	Number  int // 1-based
	URL     string
	Name    string
	Score   *float64
	Current bool
}

type workshopCompetency struct {
	ID, Name, Summary  string
	Scored             bool
	C                  score.Competency
	Stage              string
	StageRange         string // "between Explore and Mobilize" when the interval spans stages
	Agreement          string
	AlphaNote          string // when alpha is not simply good (score.AlphaNote)
	Weakest            bool
	Tied               string // "jointly the weakest" sentence when this one cannot be told apart from it
	Weakness, Meaning  string // when the competency is weak
	Bar, BarNarrow     template.HTML
	Prompts            []workshopPrompt
	Dist, DistNarrow   template.HTML
	RandomVariance     string // σ²_EU of the scale, two decimals
	Gaps               []workshopGap
	HasGroupBreakdowns bool
}

// workshopPrompt is a statement people disagreed on.
type workshopPrompt struct {
	Number   int
	ID, Text string
	Reverse  bool
	N        int
	Variance float64
	Figure   string // the variance, two decimals
	Words    string // "The room is split", …
	Split    bool   // as spread as random answers or more
}

// workshopGap is the spread of one attribute's shown groups on the
// competency. Groups withheld for anonymity are never in it.
type workshopGap struct {
	Attribute          string
	Groups             []workshopGroup // shown groups, highest score first
	High, Low          *workshopGroup
	Gap                float64
	HasGap             bool // two or more groups shown
	Suppressed         int  // groups withheld from the breakdown
	CellsHidden        int  // shown groups with too few answers on this competency
	Chart, ChartNarrow template.HTML
}

type workshopGroup struct {
	Value string
	N     int
	Score float64
}

func (s *Server) workshopPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	index := 0
	if q := r.URL.Query().Get("c"); q != "" {
		if index, err = strconv.Atoi(q); err != nil || index < 0 {
			return errorf(http.StatusNotFound, "not found")
		}
	}
	return s.renderWorkshop(w, r, http.StatusOK, a, index, "", "", "")
}

// renderWorkshop draws the workshop page of competency index (in
// discussion order), with a rejected decision and its message if any.
func (s *Server) renderWorkshop(w http.ResponseWriter, r *http.Request, status int, a cxm.Assessment, index int, msg, decision, owner string) error {
	ctx := r.Context()
	res, f, err := s.results(ctx, a, a.AttributeNames())
	if err != nil {
		return err
	}
	v := workshopView{A: a, F: f, R: res, Index: index, Error: msg, Decision: decision, Owner: owner}
	wave, err := s.waveInfo(ctx, a)
	if err != nil {
		return err
	}
	v.Later = wave.Next
	title := "Workshop · " + a.Name
	if res.Withheld {
		// No figures, not even the order of the competencies: it would
		// tell which is lowest.
		return s.render(w, r, status, "workshop.html", title, v)
	}
	order := workshopOrder(f, res)
	if index >= len(order) {
		return errorf(http.StatusNotFound, "not found")
	}
	for i, id := range order {
		st := workshopStep{Number: i + 1, URL: workshopURL(a.ID, i), Name: f.Competency(id).Name, Current: i == index}
		if c := res.Competency(id); c != nil {
			sc := c.Score
			st.Score = &sc
		}
		v.Steps = append(v.Steps, st)
	}
	if index > 0 {
		v.Prev = &v.Steps[index-1]
	}
	if index+1 < len(v.Steps) {
		v.Next = &v.Steps[index+1]
	}
	v.Cur = workshopCompetencyOf(f, res, order[index])
	plan, err := s.db.PlanSteps(ctx, a.ID)
	if err != nil {
		return err
	}
	for _, st := range plan {
		if st.Custom && st.Competency == v.Cur.ID {
			v.Decided = append(v.Decided, st)
		}
	}
	return s.render(w, r, status, "workshop.html", title, v)
}

func workshopURL(id int64, index int) string {
	return fmt.Sprintf("/assessments/%d/workshop?c=%d", id, index)
}

// workshopOrder is the discussion order: the scored competencies from the
// lowest score up (ties in framework order), then those that could not be
// scored, in framework order.
func workshopOrder(f *cxm.Framework, res *score.Result) []string {
	scored := slices.Clone(res.Competencies)
	slices.SortStableFunc(scored, func(a, b score.Competency) int {
		switch {
		case a.Score < b.Score:
			return -1
		case a.Score > b.Score:
			return 1
		}
		return frameworkPosition(f, a.ID) - frameworkPosition(f, b.ID)
	})
	var order []string
	for _, c := range scored {
		order = append(order, c.ID)
	}
	for _, c := range f.Competencies {
		if res.Competency(c.ID) == nil {
			order = append(order, c.ID)
		}
	}
	return order
}

func frameworkPosition(f *cxm.Framework, id string) int {
	for i, c := range f.Competencies {
		if c.ID == id {
			return i
		}
	}
	return len(f.Competencies)
}

// Chart widths of the workshop. The wide copy is drawn small and shown
// stretched to the page's width, so its text is large on a projector.
const (
	workshopWide   = 640
	workshopNarrow = 360
)

func workshopCompetencyOf(f *cxm.Framework, res *score.Result, id string) *workshopCompetency {
	fc := f.Competency(id)
	cur := &workshopCompetency{ID: id, Name: fc.Name, Summary: fc.Summary,
		RandomVariance: strconv.FormatFloat(score.RandomVariance(f.Scale.Options()), 'f', 2, 64)}
	c := res.Competency(id)
	if c == nil {
		return cur
	}
	cur.Scored, cur.C = true, *c
	cur.Stage = f.StageName(c.Stage)
	cur.Agreement = score.Agreement(c.Rwg)
	cur.Weakest = c.ID == res.Overall.Weakest
	cur.StageRange = spanWords(f, c.StageRange)
	if score.AlphaWord(*c) != "good" {
		cur.AlphaNote = score.AlphaNote(*c)
	}
	if cur.Weakest || slices.Contains(res.Overall.TiedWith, c.ID) {
		cur.Tied = score.TiedWords(f, res)
	}
	if c.Weak {
		cur.Weakness, cur.Meaning = fc.Weakness.Label, strings.TrimSpace(fc.Weakness.Meaning)
	}
	cur.Bar = workshopBar(f, cur, workshopWide, "")
	cur.BarNarrow = workshopBar(f, cur, workshopNarrow, "-n")

	cur.Prompts = mostDisagreed(f, fc, res.Items, workshopPrompts)
	if len(cur.Prompts) > 0 {
		options := chart.OptionLabels(f.Scale)
		var dists []chart.Distribution
		for _, p := range cur.Prompts {
			dists = append(dists, chart.Distribution{Label: fmt.Sprintf("Statement %d", p.Number), Counts: itemCounts(res.Items, p.ID), Reverse: p.Reverse})
		}
		dist := func(width float64, suffix string) template.HTML {
			return chart.StackedBars(dists, options, chart.StackedOptions{Frame: chart.Frame{ID: "ws-dist" + suffix, Width: width,
				Title: "How people answered the statements they disagreed on most",
				Desc:  "For each statement, the share of each answer as given. On reverse-keyed statements disagreeing is the good end, and their colors are swapped so that blue is always good."}})
		}
		cur.Dist, cur.DistNarrow = dist(workshopWide, ""), dist(workshopNarrow, "-n")
	}

	for i, attr := range res.GroupBy {
		cur.HasGroupBreakdowns = true
		cur.Gaps = append(cur.Gaps, workshopGapOf(fc, res, attr, i))
	}
	return cur
}

func workshopBar(f *cxm.Framework, cur *workshopCompetency, width float64, suffix string) template.HTML {
	sc := cur.C.Score
	b := chart.Bar{Label: "Score", Value: &sc, Highlight: cur.Weakest}
	if cur.C.CI != nil {
		b.Low, b.High = &cur.C.CI[0], &cur.C.CI[1]
	}
	_, thresholds := chart.StagesOf(f)
	weak := f.WeakBelow
	return chart.ScoreBars([]chart.Bar{b}, chart.BarsOptions{
		Frame: chart.Frame{ID: "ws-score" + suffix, Width: width, Title: "Score of " + cur.Name,
			Desc: "The score from 0 to 100 with its 95% confidence interval; the stages' thresholds as vertical lines."},
		Thresholds: thresholds, WeakBelow: &weak, HighlightText: "weakest link",
	})
}

// disagreementWords puts a statement's variance into words, against the
// variance of random answers and with rwg's thresholds.
func disagreementWords(variance, random float64) (string, bool) {
	if random <= 0 {
		return "Everyone gave the same answer", false
	}
	agreement := 1 - variance/random
	switch {
	case variance == 0:
		return "Everyone gave the same answer", false
	case agreement <= 0:
		return "The room is split", true
	case agreement < score.ModerateAgreement:
		return "Opinions are divided", false
	case agreement < score.StrongAgreement:
		return "Some disagreement", false
	}
	return "Broad agreement", false
}

// mostDisagreed returns the k statements of competency c with the largest
// answer variance, largest first; ties keep the framework's order.
// Statements everyone answered alike are no prompt.
func mostDisagreed(f *cxm.Framework, c *cxm.Competency, items []score.Item, k int) []workshopPrompt {
	random := score.RandomVariance(f.Scale.Options())
	var out []workshopPrompt
	for _, it := range c.Items {
		v, n, ok := score.AnswerVariance(itemCounts(items, it.ID))
		if !ok || v == 0 {
			continue // nothing to discuss: too few answers, or all the same
		}
		words, split := disagreementWords(v, random)
		out = append(out, workshopPrompt{ID: it.ID, Text: it.Text, Reverse: it.Reverse, N: n, Variance: v, Words: words, Split: split})
	}
	slices.SortStableFunc(out, func(a, b workshopPrompt) int {
		switch {
		case a.Variance > b.Variance:
			return -1
		case a.Variance < b.Variance:
			return 1
		}
		return 0
	})
	if len(out) > k {
		out = out[:k]
	}
	for i := range out {
		out[i].Number = i + 1
		out[i].Figure = strconv.FormatFloat(out[i].Variance, 'f', 2, 64)
	}
	return out
}

func itemCounts(items []score.Item, id string) []int {
	for _, it := range items {
		if it.ID == id {
			return it.Counts
		}
	}
	return nil
}

// workshopGapOf gathers the shown groups' scores on competency c for one
// attribute. Result.Groups holds only the groups shown; a group's cell of c
// may still be hidden (too few of its respondents answered c).
func workshopGapOf(c *cxm.Competency, res *score.Result, attr string, n int) workshopGap {
	g := workshopGap{Attribute: attr, Suppressed: res.Suppressed[attr]}
	for _, grp := range res.Groups[attr] {
		for _, gc := range grp.Competencies {
			if gc.ID != c.ID {
				continue
			}
			if gc.Score == nil || gc.Suppressed {
				g.CellsHidden++
				continue
			}
			g.Groups = append(g.Groups, workshopGroup{Value: grp.Value, N: gc.N, Score: *gc.Score})
		}
	}
	slices.SortStableFunc(g.Groups, func(a, b workshopGroup) int {
		switch {
		case a.Score > b.Score:
			return -1
		case a.Score < b.Score:
			return 1
		}
		return 0
	})
	if len(g.Groups) == 0 {
		return g
	}
	g.High, g.Low = &g.Groups[0], &g.Groups[len(g.Groups)-1]
	g.HasGap = len(g.Groups) >= 2
	g.Gap = g.High.Score - g.Low.Score
	bars := func(width float64, suffix string) template.HTML {
		var bs []chart.Bar
		for i := range g.Groups {
			gr := g.Groups[i]
			sc := gr.Score
			bs = append(bs, chart.Bar{Label: fmt.Sprintf("%s (n = %d)", valueText(gr.Value), gr.N), Value: &sc,
				Highlight: g.HasGap && i == len(g.Groups)-1})
		}
		return chart.ScoreBars(bs, chart.BarsOptions{
			Frame: chart.Frame{ID: fmt.Sprintf("ws-gap-%d%s", n, suffix), Width: width,
				Title: c.Name + " by " + attr,
				Desc:  fmt.Sprintf("Each shown group's score on %s from 0 to 100, highest first. Groups of fewer than %d respondents are not shown.", c.Name, res.MinGroup)},
			HighlightText: "lowest",
		})
	}
	g.Chart, g.ChartNarrow = bars(workshopWide, ""), bars(workshopNarrow, "-n")
	return g
}

// workshopDecision records a decision taken in the workshop as a custom
// step of the plan: its first line is the title, the rest the description.
func (s *Server) workshopDecision(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	res, f, err := s.results(ctx, a, nil)
	if err != nil {
		return err
	}
	compID := r.PostFormValue("competency")
	fc := f.Competency(compID)
	if fc == nil {
		return badField("competency", "choose a competency of the assessment's framework")
	}
	index := 0
	if !res.Withheld {
		index = max(slices.Index(workshopOrder(f, res), compID), 0)
	}
	text := strings.TrimSpace(strings.ReplaceAll(r.PostFormValue("decision"), "\r\n", "\n"))
	owner := strings.TrimSpace(r.PostFormValue("owner"))
	title, desc, _ := strings.Cut(text, "\n")
	title, desc = strings.TrimSpace(title), strings.TrimSpace(desc)
	var msg string
	switch {
	case text == "":
		msg = "Write the decision first: its first line becomes the title of the plan step."
	case utf8.RuneCountInString(text) > maxDecision:
		msg = fmt.Sprintf("Keep the decision under %d characters.", maxDecision)
	case utf8.RuneCountInString(title) > maxDecisionTitle:
		msg = fmt.Sprintf("Keep the first line under %d characters: it becomes the title of the plan step. Put the details on the next lines.", maxDecisionTitle)
	case utf8.RuneCountInString(owner) > maxDecisionOwner:
		msg = fmt.Sprintf("Keep the owner under %d characters.", maxDecisionOwner)
	case strings.ContainsFunc(text+owner, isControl):
		msg = "The decision contains control characters; type it again."
	}
	if msg != "" {
		if res.Withheld {
			return badField("decision", "%s", msg)
		}
		return s.renderWorkshop(w, r, http.StatusBadRequest, a, index, msg, r.PostFormValue("decision"), r.PostFormValue("owner"))
	}
	why := fmt.Sprintf("Decided in the workshop on %s.", s.cfg.Now().UTC().Format("2006-01-02"))
	if c := res.Competency(compID); c != nil && !res.Withheld {
		why = fmt.Sprintf("Decided in the workshop on %s, when %s scored %.1f (stage %s).",
			s.cfg.Now().UTC().Format("2006-01-02"), fc.Name, c.Score, f.StageName(c.Stage))
	}
	step := cxm.PlanStep{AssessmentID: a.ID, Competency: compID, Title: title, Description: desc, Owner: owner, Why: why}
	if _, err := s.db.AddPlanStep(ctx, step, principalFrom(ctx).user.Email); err != nil {
		return planErr(err)
	}
	// Back to the decision box, where the new decision is listed and the
	// confirmation is shown.
	http.Redirect(w, r, workshopURL(a.ID, index)+"&flash=decided#decisions", http.StatusSeeOther)
	return nil
}

// isControl reports control characters other than newline and tab.
func isControl(r rune) bool {
	return r != '\n' && r != '\t' && (r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0))
}
