package plan

import (
	"fmt"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// Progress is the headline a leader looks for between two released waves:
// the overall stage and the weakest link before and after, and for each
// competency how it moved next to the plan steps done, doing and dropped
// for it. Every figure comes from the two results (the releases).
type Progress struct {
	Before, After Side
	StageWords    string // "The overall stage rose from Mobilize to Engage."
	WeakestWords  string // "The weakest link was Employee Engagement (34.8); it is now Customer Insight (52.0)."
	StepsWords    string // "Of the 9 steps in the plan: 3 done, 1 doing, 2 dropped, 3 still to do."
	Rows          []Movement
}

// Side is one wave's overall stage and weakest link.
type Side struct {
	Stage, StageName string
	Weakest, Name    string   // the weakest competency's id and name; "" when none is scored
	Score            *float64 // the weakest competency's score
	Tied             string   // score.TiedWords: "" when the weakest link is clear
	stageIndex       int
}

// Movement is one competency: its change (scoring.md §5.2) in words, and
// the titles of its plan steps by status.
type Movement struct {
	Competency, Name     string
	Change               score.Change
	Words                string // score.ChangeWords
	Real                 bool   // p < score.Significance
	Dir                  string // "up" or "down" for a real change, else ""
	Done, Doing, Dropped []string
	Todo                 int
}

// ProgressOf compares before with after (both released results of f) and
// sets the plan's steps (the later wave's, carried on) against it.
func ProgressOf(f *cxm.Framework, before, after *score.Result, steps []cxm.PlanStep) Progress {
	p := Progress{Before: sideOf(f, before), After: sideOf(f, after)}
	p.StageWords = stageWords(p.Before, p.After)
	p.WeakestWords = weakestWords(p.Before, p.After)
	p.StepsWords = stepsWords(steps)
	byComp := map[string]*Movement{}
	for _, c := range score.Compare(before, after) {
		m := Movement{Competency: c.ID, Name: c.ID, Change: c, Words: score.ChangeWords(c)}
		if fc := f.Competency(c.ID); fc != nil {
			m.Name = fc.Name
		}
		m.Real = c.P != nil && *c.P < score.Significance
		if m.Real && c.Delta != nil && *c.Delta != 0 {
			m.Dir = map[bool]string{true: "up", false: "down"}[*c.Delta > 0]
		}
		p.Rows = append(p.Rows, m)
	}
	for i := range p.Rows {
		byComp[p.Rows[i].Competency] = &p.Rows[i]
	}
	for _, st := range steps {
		m := byComp[st.Competency]
		if m == nil {
			continue
		}
		switch st.Status {
		case cxm.PlanDone:
			m.Done = append(m.Done, st.Title)
		case cxm.PlanDoing:
			m.Doing = append(m.Doing, st.Title)
		case cxm.PlanDropped:
			m.Dropped = append(m.Dropped, st.Title)
		default:
			m.Todo++
		}
	}
	return p
}

func sideOf(f *cxm.Framework, r *score.Result) Side {
	s := Side{Stage: r.Overall.Stage, StageName: f.StageName(r.Overall.Stage), stageIndex: f.StageIndex(r.Overall.Stage), Tied: score.TiedWords(f, r)}
	if c := r.Competency(r.Overall.Weakest); c != nil {
		s.Weakest, s.Name, s.Score = c.ID, c.ID, &c.Score
		if fc := f.Competency(c.ID); fc != nil {
			s.Name = fc.Name
		}
	}
	return s
}

// stageWords says how the overall stage moved.
func stageWords(b, a Side) string {
	switch {
	case b.Stage == "" || a.Stage == "":
		return "The overall stage cannot be compared: a wave has no overall stage."
	case b.Stage == a.Stage:
		return fmt.Sprintf("The overall stage is %s in both waves.", a.StageName)
	case a.stageIndex > b.stageIndex:
		return fmt.Sprintf("The overall stage rose from %s to %s.", b.StageName, a.StageName)
	}
	return fmt.Sprintf("The overall stage fell from %s to %s.", b.StageName, a.StageName)
}

// weakestWords says which competency was and is the weakest link; a side
// whose weakest is not clear says so (its Tied sentence is shown next to
// it).
func weakestWords(b, a Side) string {
	name := func(s Side) string {
		if s.Score == nil {
			return "none (nothing scored)"
		}
		n := fmt.Sprintf("%s (%.1f)", s.Name, *s.Score)
		if s.Tied != "" {
			n += ", jointly with others"
		}
		return n
	}
	if b.Weakest != "" && b.Weakest == a.Weakest && b.Tied == "" && a.Tied == "" {
		return fmt.Sprintf("The weakest link is %s in both waves: %.1f before, %.1f now.", a.Name, *b.Score, *a.Score)
	}
	return fmt.Sprintf("The weakest link was %s; it is now %s.", name(b), name(a))
}

// stepsWords counts the plan's steps by status.
func stepsWords(steps []cxm.PlanStep) string {
	if len(steps) == 0 {
		return "There is no plan to set against these changes."
	}
	n := map[cxm.PlanStatus]int{}
	for _, st := range steps {
		n[st.Status]++
	}
	return fmt.Sprintf("Of the %d steps in the plan: %d done, %d doing, %d dropped, %d still to do.",
		len(steps), n[cxm.PlanDone], n[cxm.PlanDoing], n[cxm.PlanDropped], n[cxm.PlanTodo])
}
