package score

import (
	"fmt"
	"math"
	"strings"

	"github.com/cxmhq/cxm"
)

// Agreement thresholds for rwg, after LeBreton & Senter (2008), who call
// below .50 weak or no agreement, .51–.70 moderate and above .70 strong.
const (
	ModerateAgreement = 0.5
	StrongAgreement   = 0.7
)

// Agreement puts rwg into the word a CX leader reads: "low", "moderate" or
// "strong"; "unknown" when rwg is undefined (fewer than 2 complete answers).
func Agreement(rwg *float64) string {
	switch {
	case rwg == nil:
		return "unknown"
	case *rwg >= StrongAgreement:
		return "strong"
	case *rwg >= ModerateAgreement:
		return "moderate"
	}
	return "low"
}

// Verdict states the overall result in sentences: the stage, the weakest
// link (or the competencies jointly the weakest, §4.10) and what its
// weakness means, and the other weaknesses.
func Verdict(f *cxm.Framework, r *Result) []string {
	if len(r.Competencies) == 0 {
		return []string{"No competency could be scored: no respondent answered enough statements."}
	}
	weakest := r.Competency(r.Overall.Weakest)
	wc := f.Competency(weakest.ID)
	out := []string{WeakestWords(f, r)}
	if weakest.Weak && wc.Weakness.Label != "" {
		out = append(out, fmt.Sprintf("Weak in %s, an organization is %s. %s", wc.Name, wc.Weakness.Label, sentence(wc.Weakness.Meaning)))
	}
	var others []string
	for _, d := range r.Overall.Diagnosis {
		if d.Competency == weakest.ID {
			continue
		}
		if d.Label == "" {
			others = append(others, fmt.Sprintf("%s (%.1f)", f.Competency(d.Competency).Name, d.Score))
			continue
		}
		others = append(others, fmt.Sprintf("%s (%s, %.1f)", f.Competency(d.Competency).Name, d.Label, d.Score))
	}
	switch {
	case len(others) > 0:
		out = append(out, fmt.Sprintf("Also below %g: %s.", f.WeakBelow, strings.Join(others, "; ")))
	case len(r.Overall.Diagnosis) == 0:
		out = append(out, fmt.Sprintf("No competency scores below %g.", f.WeakBelow))
	}
	if len(r.Unscored) > 0 {
		out = append(out, fmt.Sprintf("Not scored (too few answers): %s; the overall stage leaves them out.", strings.Join(r.Unscored, ", ")))
	}
	return out
}

// WeakestWords is the verdict's first sentence: which competency holds the
// organization back and at which stage. When the weakest cannot be told
// apart from others (overall.tied_with) it says they are jointly the
// weakest; when the stage's margin of error spans stages (stage_range) it
// says between which.
func WeakestWords(f *cxm.Framework, r *Result) string {
	w := r.Competency(r.Overall.Weakest)
	if w == nil {
		return "No competency could be scored: no respondent answered enough statements."
	}
	name := f.Competency(w.ID).Name
	tied := TiedWords(f, r)
	if f.Rule == cxm.RuleMean {
		s := fmt.Sprintf("Overall the organization is at stage %s: the mean of its competencies is %.1f.",
			f.StageName(r.Overall.Stage), *r.Overall.Mean)
		if tied != "" {
			return s + " " + tied
		}
		return s + fmt.Sprintf(" Its weakest competency is %s at %.1f.", name, w.Score)
	}
	stage := "at stage " + f.StageName(r.Overall.Stage)
	if rng := r.Overall.StageRange; rng != nil && rng[0] != rng[1] {
		stage += fmt.Sprintf("; allowing for the margin of error of that score (%.1f–%.1f), somewhere %s",
			w.CI[0], w.CI[1], StageRangeWords(f, rng))
	}
	if tied != "" {
		return tied + " An organization is only as mature as its weakest competency, so they hold the whole organization " + stage + "."
	}
	return fmt.Sprintf("%s is the weakest link at %.1f: an organization is only as mature as its weakest competency, so it holds the whole organization %s.",
		name, w.Score, stage)
}

// TiedWords says which competencies are jointly the weakest, with their
// scores: "Employee Engagement (38.5) and Customer Connectedness (40.2) are
// jointly the weakest: the difference between them is within what chance
// would give." Empty when the weakest link is clear (tied_with is empty).
func TiedWords(f *cxm.Framework, r *Result) string {
	if len(r.Overall.TiedWith) == 0 {
		return ""
	}
	var names []string
	for _, id := range append([]string{r.Overall.Weakest}, r.Overall.TiedWith...) {
		if c := r.Competency(id); c != nil {
			names = append(names, fmt.Sprintf("%s (%.1f)", f.Competency(id).Name, c.Score))
		}
	}
	diff := "the difference between them is"
	if len(names) > 2 {
		diff = "the differences between them are"
	}
	return fmt.Sprintf("%s are jointly the weakest: %s within what chance would give.", andList(names), diff)
}

// StageRangeWords names a stage range: "Explore" when it lies within one
// stage, "between Mobilize and Drive" when it spans stages; empty for nil.
func StageRangeWords(f *cxm.Framework, rng *[2]string) string {
	switch {
	case rng == nil:
		return ""
	case rng[0] == rng[1]:
		return f.StageName(rng[0])
	}
	return fmt.Sprintf("between %s and %s", f.StageName(rng[0]), f.StageName(rng[1]))
}

// ComparisonWords says how another competency compares with the weakest,
// respondent by respondent: "Customer Connectedness: 2.1 points higher
// among the 39 respondents who answered both (p = 0.31), within what chance
// would give" or "…: 12.4 points higher …(p < 0.001), a clear difference".
func ComparisonWords(f *cxm.Framework, c Comparison) string {
	name := f.Competency(c.Competency).Name
	switch {
	case c.M == 0:
		return name + ": no respondent answered both, so the two cannot be compared"
	case c.P == nil && c.Diff != nil:
		return fmt.Sprintf("%s: %s, but only %d respondent answered both, too few to tell", name, pointsHigher(*c.Diff), c.M)
	case c.P == nil:
		return fmt.Sprintf("%s: only %d respondent answered both, too few to tell", name, c.M)
	}
	who := fmt.Sprintf("among the %d respondents who answered both (%s)", c.M, FormatP(*c.P))
	switch {
	case c.Diff == nil && *c.P < Significance:
		return fmt.Sprintf("%s: a clear difference %s; its size is not shown, since with the totals it would reveal the answers of the few who answered only one of the two", name, who)
	case c.Diff == nil:
		return fmt.Sprintf("%s: no clear difference %s; its size is not shown, since with the totals it would reveal the answers of the few who answered only one of the two", name, who)
	case *c.Diff <= 0:
		return fmt.Sprintf("%s: %s %s, so it cannot be called stronger", name, pointsHigher(*c.Diff), who)
	case *c.P < Significance:
		return fmt.Sprintf("%s: %s %s, a clear difference", name, pointsHigher(*c.Diff), who)
	}
	return fmt.Sprintf("%s: %s %s, within what chance would give", name, pointsHigher(*c.Diff), who)
}

func pointsHigher(d float64) string {
	switch {
	case d > 0:
		return fmt.Sprintf("%.1f points higher", d)
	case d < 0:
		return fmt.Sprintf("%.1f points lower", -d)
	}
	return "the same"
}

// andList joins "A", "B" and "C" as "A, B and C".
func andList(s []string) string {
	if len(s) < 2 {
		return strings.Join(s, "")
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// Thresholds for Cronbach's alpha in words, after George & Mallery (2003),
// who call below .5 unacceptable, .5–.6 poor, .6–.7 questionable and .7 or
// more acceptable; merged into low (< AlphaLow), questionable
// (< AlphaAcceptable) and good. Below MinAlphaComplete respondents who
// answered every statement, alpha itself is too unstable to be read.
const (
	AlphaLow         = 0.5
	AlphaAcceptable  = 0.7
	MinAlphaComplete = 10
)

// AlphaWord is alpha in one or two words for a table cell: "good",
// "questionable", "low", "negative", "few answers" (fewer than
// MinAlphaComplete respondents answered every statement) or "unknown"
// (undefined). AlphaNote says what it means.
func AlphaWord(c Competency) string {
	switch {
	case c.Alpha == nil:
		return "unknown"
	case c.Complete < MinAlphaComplete:
		return "few answers"
	case *c.Alpha < 0:
		return "negative"
	case *c.Alpha < AlphaLow:
		return "low"
	case *c.Alpha < AlphaAcceptable:
		return "questionable"
	}
	return "good"
}

// AlphaNote explains a competency's alpha in a sentence a CX leader can act
// on, so that no page prints the number bare: whether its statements hang
// together (and so whether its score is a fair summary of them), and why it
// cannot be judged when it cannot.
func AlphaNote(c Competency) string {
	name := c.Name
	if name == "" {
		name = c.ID
	}
	switch {
	case c.Alpha == nil && c.Complete < 2:
		return fmt.Sprintf("Whether the statements of %s hang together cannot be judged: fewer than 2 respondents answered all of them.", name)
	case c.Alpha == nil:
		return fmt.Sprintf("Whether the statements of %s hang together cannot be judged: every respondent who answered all of them gave the same total.", name)
	}
	a := *c.Alpha
	switch {
	case c.Complete < MinAlphaComplete:
		return fmt.Sprintf("Whether the statements of %s hang together cannot be told yet: alpha (%.2f) rests on only %d respondents who answered all of them, too few for the number to be reliable (it needs at least %d).",
			name, a, c.Complete, MinAlphaComplete)
	case a < 0:
		return fmt.Sprintf("The statements of %s do not hang together (alpha %.2f, below zero): respondents who rated one high often rated another low, so the score mixes things that differ; read its statements one by one.", name, a)
	case a < AlphaLow:
		return fmt.Sprintf("The statements of %s hang together poorly (alpha %s, below %g): the score is only a rough summary; read its statements one by one.", name, below(a, AlphaLow), AlphaLow)
	case a < AlphaAcceptable:
		return fmt.Sprintf("The statements of %s hang together only moderately (alpha %s, below %g): treat small differences in its score with caution.", name, below(a, AlphaAcceptable), AlphaAcceptable)
	}
	return fmt.Sprintf("The statements of %s hang together well (alpha %.2f): the score is a fair summary of them.", name, a)
}

// below writes a, which is below limit, to 2 decimals, rounding down when
// rounding would reach the limit (0.4999 is "0.49", not "0.50", next to
// "below 0.5").
func below(a, limit float64) string {
	if s := fmt.Sprintf("%.2f", a); s != fmt.Sprintf("%.2f", limit) {
		return s
	}
	return fmt.Sprintf("%.2f", math.Floor(a*100)/100)
}

// sentence trims s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
