// Package plan turns a scored assessment into an improvement plan
// (shared/spec/scoring.md §5.1): the framework's practices for the weakest
// competencies first, each with why it was chosen and the score to reach.
// It is pure: no I/O, no clock. Owners, due dates and status are added by
// users later and stored elsewhere.
package plan

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// DefaultPerCompetency is how many practices a competency gets at most
// unless the caller says otherwise.
const DefaultPerCompetency = 3

// WeakItemsShown is how many of a competency's lowest-scoring statements a
// step names in Why and WeakItems.
const WeakItemsShown = 2

// Step is one proposed step of an improvement plan.
type Step struct {
	Priority    int      `json:"priority"`    // 1 first
	Competency  string   `json:"competency"`  // competency id
	Practice    string   `json:"practice"`    // practice id
	Title       string   `json:"title"`       // the practice's title
	Description string   `json:"description"` // the practice's description
	Why         string   `json:"why"`         // score, stage and weakest statements, in words
	Target      float64  `json:"target"`      // the next stage's from; 100 at the top stage
	TargetStage string   `json:"target_stage"`
	Score       float64  `json:"score"` // the competency's score
	Stage       string   `json:"stage"` // the competency's stage id
	WeakItems   []string `json:"weak_items"`
}

// Generate proposes the steps for r, scored against f (§5.1). Competencies
// come in ascending order of score, ties in file order; unscored ones are
// left out. A competency's practices are those whose stages include its
// stage or, when none of its practices lists stages, all of them; in file
// order, at most perCompetency (DefaultPerCompetency when < 1). A
// competency with tagged practices none of which fits its stage gets no
// step. Steps are numbered 1..N in that order. The result is never nil.
func Generate(f *cxm.Framework, r *score.Result, perCompetency int) []Step {
	steps := []Step{}
	if f == nil || r == nil || len(f.Stages) == 0 {
		return steps
	}
	if perCompetency < 1 {
		perCompetency = DefaultPerCompetency
	}
	type scored struct {
		fc *cxm.Competency
		rc *score.Competency
	}
	var comps []scored
	for i := range f.Competencies {
		if rc := r.Competency(f.Competencies[i].ID); rc != nil {
			comps = append(comps, scored{&f.Competencies[i], rc})
		}
	}
	sort.SliceStable(comps, func(i, j int) bool { return comps[i].rc.Score < comps[j].rc.Score })

	for _, c := range comps {
		stage := stageIndex(f, c.rc)
		practices := Practices(c.fc, f.Stages[stage].ID)
		if len(practices) == 0 {
			continue
		}
		if len(practices) > perCompetency {
			practices = practices[:perCompetency]
		}
		target, targetStage := 100.0, f.Stages[stage].ID
		if stage+1 < len(f.Stages) {
			target, targetStage = f.Stages[stage+1].From, f.Stages[stage+1].ID
		}
		weak := weakestItems(c.fc, r, WeakItemsShown)
		why := whyText(c.fc, c.rc.Score, f.Stages[stage].Name, weak)
		for _, p := range practices {
			ids := make([]string, len(weak))
			for i, w := range weak {
				ids[i] = w.id
			}
			steps = append(steps, Step{
				Priority:    len(steps) + 1,
				Competency:  c.fc.ID,
				Practice:    p.ID,
				Title:       p.Title,
				Description: p.Description,
				Why:         why,
				Target:      target,
				TargetStage: targetStage,
				Score:       c.rc.Score,
				Stage:       f.Stages[stage].ID,
				WeakItems:   ids,
			})
		}
	}
	return steps
}

// Practices returns the practices of c that are a next step at the stage
// with the given id, in file order: those whose Stages include it, or all
// of them when none of c's practices lists stages. When some list stages,
// a practice that lists none is not chosen (the rule of §5.1 read
// literally).
func Practices(c *cxm.Competency, stage string) []cxm.Practice {
	tagged := false
	for _, p := range c.Practices {
		if len(p.Stages) > 0 {
			tagged = true
			break
		}
	}
	if !tagged {
		return append([]cxm.Practice{}, c.Practices...)
	}
	var out []cxm.Practice
	for _, p := range c.Practices {
		for _, s := range p.Stages {
			if s == stage {
				out = append(out, p)
				break
			}
		}
	}
	return out
}

// stageIndex is the index of the competency's stage: the one the result
// names, or the one its score reaches when the result names none the
// framework knows.
func stageIndex(f *cxm.Framework, rc *score.Competency) int {
	if i := f.StageIndex(rc.Stage); i >= 0 {
		return i
	}
	return f.StageOf(rc.Score)
}

type weakItem struct {
	id, text string
	index    float64
}

// weakestItems returns up to k statements of c with the lowest item index in
// r (ties: file order); statements nobody answered are left out.
func weakestItems(c *cxm.Competency, r *score.Result, k int) []weakItem {
	index := map[string]float64{}
	for _, it := range r.Items {
		if it.Competency == c.ID && it.Index != nil {
			index[it.ID] = *it.Index
		}
	}
	var items []weakItem
	for _, it := range c.Items {
		if x, ok := index[it.ID]; ok {
			items = append(items, weakItem{id: it.ID, text: it.Text, index: x})
		}
	}
	sort.SliceStable(items, func(i, j int) bool { return items[i].index < items[j].index })
	if len(items) > k {
		items = items[:k]
	}
	return items
}

// whyText is e.g. `Employee Engagement scores 34.8, stage Mobilize; the
// weakest statements: “…” (21.3) and “…” (28.0).`
func whyText(c *cxm.Competency, sc float64, stageName string, weak []weakItem) string {
	s := fmt.Sprintf("%s scores %.1f, stage %s", c.Name, sc, stageName)
	quoted := make([]string, len(weak))
	for i, w := range weak {
		quoted[i] = fmt.Sprintf("“%s” (%.1f)", strings.TrimSpace(w.text), w.index)
	}
	switch len(quoted) {
	case 0:
		return s + "."
	case 1:
		return s + "; the weakest statement: " + quoted[0] + "."
	}
	return s + "; the weakest statements: " + strings.Join(quoted[:len(quoted)-1], ", ") + " and " + quoted[len(quoted)-1] + "."
}
