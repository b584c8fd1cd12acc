package score

import (
	"fmt"
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
// link and what its weakness means, and the other weaknesses.
func Verdict(f *cxm.Framework, r *Result) []string {
	if len(r.Competencies) == 0 {
		return []string{"No competency could be scored: no respondent answered enough statements."}
	}
	weakest := r.Competency(r.Overall.Weakest)
	wc := f.Competency(weakest.ID)
	stage := f.StageName(r.Overall.Stage)
	var out []string
	if f.Rule == cxm.RuleMean {
		out = append(out, fmt.Sprintf("Overall the organization is at stage %s: the mean of its competencies is %.1f. Its weakest competency is %s at %.1f.",
			stage, *r.Overall.Mean, wc.Name, weakest.Score))
	} else {
		out = append(out, fmt.Sprintf("%s is the weakest link at %.1f: an organization is only as mature as its weakest competency, so it holds the whole organization at stage %s.",
			wc.Name, weakest.Score, stage))
	}
	if weakest.Weak && wc.Weakness.Label != "" {
		out = append(out, fmt.Sprintf("Weak in %s, an organization is %s. %s", wc.Name, wc.Weakness.Label, sentence(wc.Weakness.Meaning)))
	}
	var others []string
	for _, d := range r.Overall.Diagnosis {
		if d.Competency == weakest.ID {
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

// sentence trims s and ends it with a full stop.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" || strings.HasSuffix(s, ".") {
		return s
	}
	return s + "."
}
