// Package report renders a scored assessment for people who read it away
// from the dashboard: one self-contained, printable HTML page (HTML), an
// Excel workbook (XLSX) and CSV tables (CSV).
//
// It does no I/O besides writing to the given writer, knows nothing about
// HTTP or storage and computes no statistics: it renders what it is given.
// Anonymity is the Result's business: groups the scorer suppressed are not
// in the Result, so they cannot appear here; a withheld Result (fewer
// respondents than the minimum group size) shows no figure anywhere.
package report

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/score"
)

// Input is everything a report shows.
type Input struct {
	Framework    *cxm.Framework
	Assessment   cxm.Assessment
	Organization cxm.Organization
	Result       *score.Result  // with GroupBy = the assessment's attributes; may be Withheld
	Plan         []cxm.PlanStep // may be empty
	Waves        []Wave         // earlier waves of the series, oldest first, for the trend (may be empty)
	Compare      []score.Change // against the previous wave (may be nil)
	Benchmark    *Benchmark     // nil: no benchmark section
	Comments     *Comments      // nil: the assessment asked no open question
	Generated    time.Time
}

// Wave is an earlier wave of the assessment series. Result may be nil or
// withheld: the wave then has no points in the trend.
type Wave struct {
	Label  string
	Result *score.Result
}

// Benchmark is the assessment's position among its peers
// (shared/spec/scoring.md §5.3). With fewer than score.MinPeers peers only
// a note is shown.
type Benchmark struct {
	Peers     int
	Positions []score.PeerPosition
}

// Comments are the answers to the assessment's open question as its
// release holds them: in the order shown (shuffled when the release was
// made), never by group; Withheld when there were 1 to K-1 of them.
type Comments struct {
	Question string
	K        int
	Withheld bool
	Texts    []string
}

// Tables lists the tables CSV writes, in the order of the workbook's sheets.
var Tables = []string{"competencies", "items", "groups", "plan", "comments"}

// check refuses input a report cannot be made of.
func (in *Input) check() error {
	if in.Framework == nil {
		return errors.New("report: no framework")
	}
	if in.Result == nil {
		return errors.New("report: no result")
	}
	for _, c := range in.Result.Competencies {
		if in.Framework.Competency(c.ID) == nil {
			return fmt.Errorf("report: the result has competency %q, which framework %s version %d does not have", c.ID, in.Framework.ID, in.Framework.Version)
		}
	}
	return nil
}

// compName is the competency's name in the framework, or its id.
func compName(f *cxm.Framework, id string) string {
	if c := f.Competency(id); c != nil && c.Name != "" {
		return c.Name
	}
	return id
}

// stageName is the stage's name, or "" when id is empty.
func stageName(f *cxm.Framework, id string) string {
	if id == "" {
		return ""
	}
	return f.StageName(id)
}

// groupName shows an empty attribute value.
func groupName(v string) string {
	if v == "" {
		return "(not given)"
	}
	return v
}

// itemInfo is a statement of the framework.
type itemInfo struct {
	comp *cxm.Competency
	item cxm.Item
	pos  int // position in the framework, for stable ordering
}

func itemIndex(f *cxm.Framework) map[string]itemInfo {
	m := map[string]itemInfo{}
	pos := 0
	for i := range f.Competencies {
		c := &f.Competencies[i]
		for _, it := range c.Items {
			m[it.ID] = itemInfo{comp: c, item: it, pos: pos}
			pos++
		}
	}
	return m
}

// numberedOptions names the answer options for table headers: "1 Strongly
// disagree" when the option has a label, else the number.
func numberedOptions(f *cxm.Framework) []string {
	var out []string
	for x := f.Scale.Min; x <= f.Scale.Max; x++ {
		l := fmt.Sprint(x)
		if t := f.Scale.Labels[x]; t != "" {
			l += " " + t
		}
		out = append(out, l)
	}
	return out
}

// planOrder returns the steps by priority, dropped steps last (each part
// keeps priority order; ties by id).
func planOrder(steps []cxm.PlanStep) []cxm.PlanStep {
	out := append([]cxm.PlanStep(nil), steps...)
	sort.SliceStable(out, func(i, j int) bool {
		di, dj := out[i].Status == cxm.PlanDropped, out[j].Status == cxm.PlanDropped
		if di != dj {
			return dj
		}
		if out[i].Priority != out[j].Priority {
			return out[i].Priority < out[j].Priority
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// withheldNote says why a withheld result shows nothing.
func withheldNote(r *score.Result) string {
	return fmt.Sprintf("Results are withheld: %d of the at least %d respondents needed have answered, so that no one's answers can be read on their own.", r.Respondents, r.MinGroup)
}

// suppressedNote says how many groups of an attribute are not shown and why.
func suppressedNote(attr string, n, k int) string {
	switch n {
	case 0:
		return fmt.Sprintf("0 groups of %s are suppressed: each has at least %d respondents.", attr, k)
	case 1:
		return fmt.Sprintf("1 group of %s is hidden for some or all competencies: it has fewer than %d respondents there, or its figures could be worked out from the others.", attr, k)
	}
	return fmt.Sprintf("%d groups of %s are hidden for some or all competencies: each has fewer than %d respondents there, or its figures could be worked out from the others.", n, attr, k)
}

// weakestItems returns up to k statements with the lowest index, ties in
// framework order.
func weakestItems(f *cxm.Framework, r *score.Result, k int) []weakItem {
	info := itemIndex(f)
	var out []weakItem
	for _, it := range r.Items {
		if it.Index == nil {
			continue
		}
		wi := weakItem{Item: it, Competency: compName(f, it.Competency), Text: it.ID, pos: len(info) + len(out)}
		if x, ok := info[it.ID]; ok {
			wi.Text, wi.Reverse, wi.pos = x.item.Text, x.item.Reverse, x.pos
		}
		out = append(out, wi)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if *out[i].Item.Index != *out[j].Item.Index {
			return *out[i].Item.Index < *out[j].Item.Index
		}
		return out[i].pos < out[j].pos
	})
	if len(out) > k {
		out = out[:k]
	}
	return out
}

type weakItem struct {
	Item       score.Item
	Competency string
	Text       string
	Reverse    bool
	pos        int
}
