package report

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/cxmhq/cxm/score"
)

// The tables of the workbook and of the CSV files are built once, here, so
// that a sheet and the CSV of the same name always have the same columns.
// A cell is nil (empty: undefined), a string, an int, a bool, a float64 (a
// number without a display format), a scoreNum (shown with 1 decimal), a
// coefNum (alpha, rwg: 2 decimals), a rateNum (a fraction shown as a
// percentage) or a note (text of a note row).
type (
	scoreNum float64
	coefNum  float64
	rateNum  float64
	note     string
)

// column is one column of a table; Width is in Excel character units.
type column struct {
	Name  string
	Width float64
	Wrap  bool
}

type table struct {
	Name    string // the sheet name
	Columns []column
	Rows    [][]any
}

func (t *table) add(row ...any) { t.Rows = append(t.Rows, row) }

// num returns a number cell of the given kind, or nil for an undefined or
// non-finite value.
func num[T scoreNum | coefNum | float64](p *float64) any {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return nil
	}
	return T(*p)
}

func ciBounds(ci *[2]float64) (lo, hi any) {
	if ci == nil {
		return nil, nil
	}
	return num[scoreNum](&ci[0]), num[scoreNum](&ci[1])
}

// buildTable returns the named table ("competencies", "items", "groups",
// "plan").
func buildTable(in *Input, name string) (*table, error) {
	switch name {
	case "competencies":
		return competenciesTable(in), nil
	case "items":
		return itemsTable(in), nil
	case "groups":
		return groupsTable(in), nil
	case "plan":
		return planTable(in), nil
	case "comments":
		return commentsTable(in), nil
	}
	return nil, fmt.Errorf("report: unknown table %q (known: %s)", name, strings.Join(Tables, ", "))
}

func withheld(t *table, r *score.Result) *table {
	t.add(note(withheldNote(r)))
	return t
}

func competenciesTable(in *Input) *table {
	f, r := in.Framework, in.Result
	t := &table{Name: "Competencies", Columns: []column{
		{"id", 24, false}, {"name", 28, false}, {"n", 7, false}, {"score", 8, false}, {"sd", 8, false},
		{"ci low", 8, false}, {"ci high", 8, false}, {"alpha", 8, false}, {"rwg", 8, false},
		{"agreement", 11, false}, {"stage", 12, false}, {"weak", 8, false},
	}}
	if r.Withheld {
		return withheld(t, r)
	}
	row := func(c *score.Competency) {
		lo, hi := ciBounds(c.CI)
		t.add(c.ID, compName(f, c.ID), c.N, num[scoreNum](&c.Score), num[scoreNum](c.SD), lo, hi,
			num[coefNum](c.Alpha), num[coefNum](c.Rwg), score.Agreement(c.Rwg), stageName(f, c.Stage), c.Weak)
	}
	done := map[string]bool{}
	for _, fc := range f.Competencies {
		done[fc.ID] = true
		if c := r.Competency(fc.ID); c != nil {
			row(c)
		} else {
			t.add(fc.ID, fc.Name, 0, nil, nil, nil, nil, nil, nil, nil, nil, nil)
		}
	}
	for i := range r.Competencies {
		if !done[r.Competencies[i].ID] {
			row(&r.Competencies[i])
		}
	}
	return t
}

func itemsTable(in *Input) *table {
	f, r := in.Framework, in.Result
	t := &table{Name: "Items", Columns: []column{
		{"competency", 24, false}, {"item id", 10, false}, {"statement", 60, true}, {"reverse", 8, false},
		{"n answered", 10, false}, {"index", 8, false},
	}}
	for _, l := range numberedOptions(f) {
		t.Columns = append(t.Columns, column{l, math.Max(9, math.Min(14, float64(len(l))*0.9)), true})
	}
	if r.Withheld {
		return withheld(t, r)
	}
	info := itemIndex(f)
	for _, it := range r.Items {
		text, reverse := "", false
		if x, ok := info[it.ID]; ok {
			text, reverse = x.item.Text, x.item.Reverse
		}
		row := []any{compName(f, it.Competency), it.ID, text, reverse, it.N, num[scoreNum](it.Index)}
		for i := range f.Scale.Options() {
			if i < len(it.Counts) {
				row = append(row, it.Counts[i])
			} else {
				row = append(row, nil)
			}
		}
		t.add(row...)
	}
	return t
}

func groupsTable(in *Input) *table {
	f, r := in.Framework, in.Result
	t := &table{Name: "Groups", Columns: []column{
		{"attribute", 14, false}, {"group", 22, false}, {"group n", 8, false}, {"competency", 26, false},
		{"n", 7, false}, {"score", 8, false}, {"sd", 8, false}, {"ci low", 8, false}, {"ci high", 8, false},
		{"stage", 12, false}, {"suppressed", 11, false}, {"note", 50, true},
	}}
	if r.Withheld {
		return withheld(t, r)
	}
	for _, attr := range groupAttrs(r) {
		for _, g := range r.Groups[attr] {
			for _, c := range g.Competencies {
				if c.Suppressed || c.Score == nil {
					t.add(attr, groupName(g.Value), g.N, compName(f, c.ID), nil, nil, nil, nil, nil, nil, true, nil)
					continue
				}
				lo, hi := ciBounds(c.CI)
				t.add(attr, groupName(g.Value), g.N, compName(f, c.ID), c.N, num[scoreNum](c.Score), num[scoreNum](c.SD),
					lo, hi, stageName(f, c.Stage), false, nil)
			}
		}
		t.add(attr, nil, nil, nil, nil, nil, nil, nil, nil, nil, nil, note(suppressedNote(attr, r.Suppressed[attr], r.MinGroup)))
	}
	return t
}

// groupAttrs lists the attributes of the breakdown: GroupBy, then any other
// attribute the result has groups for, in name order.
func groupAttrs(r *score.Result) []string {
	out := append([]string(nil), r.GroupBy...)
	seen := map[string]bool{}
	for _, a := range out {
		seen[a] = true
	}
	var extra []string
	for a := range r.Groups {
		if !seen[a] {
			extra = append(extra, a)
		}
	}
	slices.Sort(extra)
	return append(out, extra...)
}

func planTable(in *Input) *table {
	f, r := in.Framework, in.Result
	t := &table{Name: "Plan", Columns: []column{
		{"priority", 8, false}, {"competency", 24, false}, {"title", 36, true}, {"why", 60, true},
		{"target", 8, false}, {"target stage", 12, false}, {"owner", 18, true}, {"due", 11, false},
		{"status", 9, false}, {"custom", 8, false},
	}}
	if r.Withheld {
		return withheld(t, r)
	}
	for _, s := range planOrder(in.Plan) {
		t.add(s.Priority, compName(f, s.Competency), s.Title, s.Why, num[scoreNum](s.Target),
			stageName(f, s.TargetStage), s.Owner, s.Due, string(s.Status), s.Custom)
	}
	return t
}

// commentsTable is the answers to the open question, one a row, in the
// release's order; a note row when there are none to show.
func commentsTable(in *Input) *table {
	t := &table{Name: "Comments", Columns: []column{{"#", 6, false}, {"comment", 100, true}}}
	c := in.Comments
	switch {
	case in.Result.Withheld:
		return withheld(t, in.Result)
	case c == nil:
		t.add(nil, note("The assessment asked no open question."))
	case c.Withheld:
		t.add(nil, note(fmt.Sprintf("Fewer than %d comments: not shown.", c.K)))
	case len(c.Texts) == 0:
		t.add(nil, note("Nobody answered the open question."))
	}
	for i, text := range commentTexts(c, in.Result) {
		t.add(i+1, text)
	}
	return t
}

// commentTexts are the comments a report shows: none while withheld.
func commentTexts(c *Comments, r *score.Result) []string {
	if c == nil || c.Withheld || r.Withheld {
		return nil
	}
	return c.Texts
}

// summaryTable is the Summary sheet: key/value rows.
func summaryTable(in *Input) *table {
	f, r, a := in.Framework, in.Result, in.Assessment
	t := &table{Name: "Summary", Columns: []column{{"item", 26, false}, {"value", 90, true}}}
	t.add("organization", in.Organization.Name)
	if in.Organization.Industry != "" {
		t.add("industry", in.Organization.Industry)
	}
	if in.Organization.Size != "" {
		t.add("size", in.Organization.Size)
	}
	t.add("assessment", a.Name)
	t.add("framework", f.Name)
	t.add("framework id", f.ID)
	t.add("framework version", f.Version)
	t.add("status", string(a.Status))
	if !a.CreatedAt.IsZero() {
		t.add("opened", a.CreatedAt.Format("2006-01-02"))
	}
	if a.ClosedAt != nil && !a.ClosedAt.IsZero() {
		t.add("closed", a.ClosedAt.Format("2006-01-02"))
	}
	if a.Invited > 0 {
		t.add("invited", a.Invited)
	}
	t.add("respondents", r.Respondents)
	if a.Invited > 0 {
		t.add("response rate", rateNum(float64(r.Respondents)/float64(a.Invited)))
	}
	t.add("min group", r.MinGroup)
	t.add("overall rule", r.Overall.Rule)
	if r.Withheld {
		t.add("results", note(withheldNote(r)))
	} else {
		t.add("overall stage", stageName(f, r.Overall.Stage))
		t.add("mean", num[scoreNum](r.Overall.Mean))
		if w := r.Competency(r.Overall.Weakest); w != nil {
			t.add("weakest", compName(f, w.ID))
			t.add("weakest score", scoreNum(w.Score))
		}
		for i, s := range score.Verdict(f, r) {
			t.add(fmt.Sprintf("verdict %d", i+1), s)
		}
	}
	if !in.Generated.IsZero() {
		t.add("generated", in.Generated.Format("2006-01-02 15:04 MST"))
	}
	return t
}
