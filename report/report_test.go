package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/net/html"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/synth"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/report"
	"github.com/cxmhq/cxm/score"
)

const evil = `<script>alert("x")</script>`

// Departments: the last three are so small that they are suppressed
// (directly, or by secondary suppression); their names must never appear.
var (
	departments = []string{"Customer Service", "Finance", "Marketing", "Operations", "Sales", "Internal Audit", "Procurement", "Legal Affairs"}
	depWeights  = []float64{46, 16, 20, 36, 40, 1.6, 1.2, 0.8}
	levels      = []string{"Executive", "Manager", "Staff"}
)

type fixture struct {
	in         report.Input
	suppressed []string // department names not shown
}

func scoreSpec(t testing.TB, f *cxm.Framework, deps []string, s synth.Spec) *score.Result {
	t.Helper()
	sc, err := score.New(f, score.Options{Attributes: []string{"department", "level"}, GroupBy: []string{"department", "level"}, MinGroup: 5, Withhold: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := synth.Generate(f, s, func(r score.Response) error { return sc.Add(r) }); err != nil {
		t.Fatal(err)
	}
	return sc.Result()
}

func spec(deps []string, n int, seed uint64, means map[string]float64) synth.Spec {
	return synth.Spec{
		Respondents: n, Seed: seed, MissingRate: 0.03,
		Attributes: []synth.Attribute{
			{Name: "department", Values: deps, Weights: depWeights},
			{Name: "level", Values: levels, Weights: []float64{10, 40, 100}},
		},
		CompetencyMeans: means,
		Shifts: []synth.Shift{
			{Attribute: "level", Value: "Executive", Delta: 0.45},
			{Attribute: "department", Value: deps[4], Competency: "compelling-brand-values", Delta: 0.4},
			{Attribute: "department", Value: deps[0], Competency: "employee-engagement", Delta: -0.5},
			{Attribute: "department", Value: deps[3], Competency: "customer-connectedness", Delta: -0.35},
		},
	}
}

// newFixture scores synthetic responses to temkin-four by department and
// level (some departments too small to show), an earlier wave, peers and a
// generated plan. With hostile, names carry markup.
func newFixture(t testing.TB, hostile bool) fixture {
	t.Helper()
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		t.Fatal("no temkin-four")
	}
	deps := slices.Clone(departments)
	org, name, owner, wave := "Northwind Insurance", "CX maturity 2025", "Dana Whitfield (HR)", "CX maturity 2024"
	comment := "Keep the monthly customer panel."
	if hostile {
		comment = evil + " comment\"'&"
		deps[4] = evil + " Sales"
		org, name, owner, wave = evil+" Northwind", evil+" 2025", evil, evil+" 2024"
	}
	cur := scoreSpec(t, f, deps, spec(deps, 184, 42, map[string]float64{
		"purposeful-leadership": 3.35, "compelling-brand-values": 3.55, "employee-engagement": 2.75, "customer-connectedness": 3.0}))
	prev := scoreSpec(t, f, deps, spec(deps, 151, 7, map[string]float64{
		"purposeful-leadership": 3.1, "compelling-brand-values": 3.5, "employee-engagement": 2.45, "customer-connectedness": 2.95}))
	var peers []*score.Result
	for i := range 7 {
		d := float64(i%5)*0.15 - 0.3
		peers = append(peers, scoreSpec(t, f, deps, spec(deps, 60+7*i, uint64(100+i), map[string]float64{
			"purposeful-leadership": 3.2 + d, "compelling-brand-values": 3.4 - d/2, "employee-engagement": 3.0 + d, "customer-connectedness": 3.1})))
	}
	np, pos := score.Benchmark(cur, peers, 0)

	var steps []cxm.PlanStep
	for i, s := range plan.Generate(f, cur, 0) {
		target := s.Target
		st := []cxm.PlanStatus{cxm.PlanDoing, cxm.PlanDone, cxm.PlanTodo, cxm.PlanTodo, cxm.PlanDropped}[i%5]
		steps = append(steps, cxm.PlanStep{ID: int64(i + 1), AssessmentID: 7, Priority: s.Priority, Competency: s.Competency,
			Practice: s.Practice, Title: s.Title, Description: s.Description, Why: s.Why, Target: &target,
			TargetStage: s.TargetStage, Owner: owner, Due: fmt.Sprintf("2025-%02d-30", 5+i%7), Status: st})
	}
	steps = append(steps, cxm.PlanStep{ID: 99, AssessmentID: 7, Priority: len(steps) + 1, Competency: "employee-engagement",
		Title: "Share one customer story at every all-hands meeting", Why: "Asked for in the results workshop.",
		Status: cxm.PlanTodo, Custom: true})

	closed := time.Date(2025, 3, 28, 17, 0, 0, 0, time.UTC)
	in := report.Input{
		Framework: f,
		Assessment: cxm.Assessment{ID: 7, OrganizationID: 1, Name: name, FrameworkID: f.ID, FrameworkVersion: f.Version,
			Attributes: []cxm.Attribute{{Name: "department", Values: deps}, {Name: "level", Values: levels}},
			MinGroup:   5, Status: cxm.StatusClosed, PreviousID: 6, CreatedAt: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC),
			ClosedAt: &closed, Invited: 240, Responses: cur.Respondents},
		Organization: cxm.Organization{ID: 1, Name: org, Industry: "Insurance"},
		Result:       cur,
		Plan:         steps,
		Waves:        []report.Wave{{Label: wave, Result: prev}},
		Compare:      score.Compare(prev, cur),
		Benchmark:    &report.Benchmark{Peers: np, Positions: pos},
		Comments: &report.Comments{Question: "What one thing should we change?", K: 5, Texts: []string{
			"Answer the phone faster.", "Fewer meetings,\nmore time with customers.", "Tell us what the survey changed.",
			"Train new staff on our products.", "Ask customers before changing prices.", comment},
		},
		Generated: time.Date(2025, 4, 2, 10, 30, 0, 0, time.UTC),
	}
	fx := fixture{in: in}
	shown := map[string]bool{}
	for _, g := range cur.Groups["department"] {
		shown[g.Value] = true
	}
	for _, d := range deps {
		if !shown[d] {
			fx.suppressed = append(fx.suppressed, d)
		}
	}
	if cur.Suppressed["department"] == 0 || len(fx.suppressed) == 0 || len(cur.Groups["department"]) < 3 {
		t.Fatalf("the fixture should suppress some departments and show others: shown %d, suppressed %v", len(cur.Groups["department"]), fx.suppressed)
	}
	if len(pos) == 0 || np < score.MinPeers {
		t.Fatalf("the fixture should have a benchmark: %d peers", np)
	}
	return fx
}

func withheldInput(t testing.TB) report.Input {
	fx := newFixture(t, false)
	in := fx.in
	in.Result = scoreSpec(t, in.Framework, departments, spec(departments, 3, 1, nil))
	if !in.Result.Withheld {
		t.Fatal("3 respondents should be withheld")
	}
	return in
}

// ---------------------------------------------------------------------------
// XLSX

func openXLSX(t *testing.T, in report.Input) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := report.XLSX(&buf, in); err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	return x
}

// sheetRows returns a sheet's rows as maps from header to raw cell value,
// plus the header.
func sheetRows(t *testing.T, x *excelize.File, sheet string) ([]string, []map[string]string) {
	t.Helper()
	rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) == 0 {
		t.Fatalf("sheet %s is empty", sheet)
	}
	header := rows[0]
	var out []map[string]string
	for _, r := range rows[1:] {
		m := map[string]string{}
		for i, v := range r {
			if i < len(header) {
				m[header[i]] = v
			} else if v != "" {
				t.Errorf("sheet %s: a value %q beyond the header", sheet, v)
			}
		}
		out = append(out, m)
	}
	return header, out
}

// numberCell checks that the cell under header col of data row i (0-based)
// holds a number and returns it.
func numberCell(t *testing.T, x *excelize.File, sheet string, header []string, col string, i int) float64 {
	t.Helper()
	c := slices.Index(header, col)
	if c < 0 {
		t.Fatalf("sheet %s has no column %q", sheet, col)
	}
	cell, _ := excelize.CoordinatesToCellName(c+1, i+2)
	typ, err := x.GetCellType(sheet, cell)
	if err != nil {
		t.Fatal(err)
	}
	if typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber {
		t.Errorf("%s!%s (%s) is not a number cell (type %v)", sheet, cell, col, typ)
	}
	raw, _ := x.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	v, err := strconv.ParseFloat(raw, 64)
	if err != nil {
		t.Fatalf("%s!%s (%s) = %q, not a number", sheet, cell, col, raw)
	}
	return v
}

func wantNum(t *testing.T, what string, got float64, want *float64) {
	t.Helper()
	if want == nil {
		t.Errorf("%s = %v, want empty", what, got)
	} else if got != report.Excel15(*want) { // the workbook keeps Excel's 15 significant digits
		t.Errorf("%s = %v, want %v", what, got, *want)
	}
}

func TestXLSX(t *testing.T) {
	fx := newFixture(t, false)
	in, r := fx.in, fx.in.Result
	x := openXLSX(t, in)

	if got := x.GetSheetList(); !slices.Equal(got, []string{"Summary", "Competencies", "Items", "Groups", "Plan", "Comments"}) {
		t.Fatalf("sheets = %v", got)
	}

	if i := x.GetActiveSheetIndex(); i != 0 {
		t.Errorf("the workbook opens on sheet %d, want Summary", i)
	}
	// Every sheet: bold header row, frozen.
	for _, sh := range x.GetSheetList() {
		st, _ := x.GetCellStyle(sh, "A1")
		style, err := x.GetStyle(st)
		if err != nil || style.Font == nil || !style.Font.Bold {
			t.Errorf("%s: header not bold", sh)
		}
		panes, err := x.GetPanes(sh)
		if err != nil || !panes.Freeze || panes.YSplit != 1 {
			t.Errorf("%s: top row not frozen: %+v %v", sh, panes, err)
		}
	}

	t.Run("Summary", func(t *testing.T) {
		_, rows := sheetRows(t, x, "Summary")
		kv := map[string]string{}
		for _, r := range rows {
			kv[r["item"]] = r["value"]
		}
		for k, want := range map[string]string{
			"organization": in.Organization.Name, "assessment": in.Assessment.Name, "framework id": "temkin-four",
			"framework version": "1", "status": "closed", "respondents": strconv.Itoa(r.Respondents), "min group": "5",
			"overall rule": "weakest-link", "overall stage": in.Framework.StageName(r.Overall.Stage),
			"weakest": in.Framework.Competency(r.Overall.Weakest).Name,
		} {
			if kv[k] != want {
				t.Errorf("summary %q = %q, want %q", k, kv[k], want)
			}
		}
		if m, _ := strconv.ParseFloat(kv["mean"], 64); m != *r.Overall.Mean {
			t.Errorf("summary mean = %q, want %v", kv["mean"], *r.Overall.Mean)
		}
		for i, s := range score.Verdict(in.Framework, r) {
			if got := kv[fmt.Sprintf("verdict %d", i+1)]; got != s {
				t.Errorf("verdict %d = %q, want %q", i+1, got, s)
			}
		}
	})

	t.Run("Competencies", func(t *testing.T) {
		header, rows := sheetRows(t, x, "Competencies")
		want := []string{"id", "name", "n", "score", "sd", "ci low", "ci high", "alpha", "rwg", "agreement", "stage", "weak"}
		if !slices.Equal(header, want) {
			t.Fatalf("header = %v, want %v", header, want)
		}
		if len(rows) != len(in.Framework.Competencies) {
			t.Fatalf("%d rows, want %d", len(rows), len(in.Framework.Competencies))
		}
		for i, row := range rows {
			c := r.Competency(row["id"])
			if c == nil {
				t.Fatalf("row %d: unknown competency %q", i, row["id"])
			}
			wantNum(t, c.ID+" score", numberCell(t, x, "Competencies", header, "score", i), &c.Score)
			wantNum(t, c.ID+" sd", numberCell(t, x, "Competencies", header, "sd", i), c.SD)
			wantNum(t, c.ID+" ci low", numberCell(t, x, "Competencies", header, "ci low", i), &c.CI[0])
			wantNum(t, c.ID+" ci high", numberCell(t, x, "Competencies", header, "ci high", i), &c.CI[1])
			wantNum(t, c.ID+" alpha", numberCell(t, x, "Competencies", header, "alpha", i), c.Alpha)
			wantNum(t, c.ID+" rwg", numberCell(t, x, "Competencies", header, "rwg", i), c.Rwg)
			if n := numberCell(t, x, "Competencies", header, "n", i); n != float64(c.N) {
				t.Errorf("%s n = %v, want %d", c.ID, n, c.N)
			}
			if row["agreement"] != score.Agreement(c.Rwg) || row["stage"] != in.Framework.StageName(c.Stage) {
				t.Errorf("%s: agreement %q stage %q", c.ID, row["agreement"], row["stage"])
			}
			if row["weak"] != map[bool]string{true: "1", false: "0"}[c.Weak] {
				t.Errorf("%s weak = %q, want %v", c.ID, row["weak"], c.Weak)
			}
		}
		// Number formats: 1 decimal for scores, 2 for alpha and rwg.
		for col, want := range map[string]string{"D2": "0.0", "F2": "0.0", "H2": "0.00", "I2": "0.00"} {
			st, _ := x.GetCellStyle("Competencies", col)
			style, _ := x.GetStyle(st)
			if style.CustomNumFmt == nil || *style.CustomNumFmt != want {
				t.Errorf("%s number format = %v, want %s", col, style.CustomNumFmt, want)
			}
		}
		if v, _ := x.GetCellValue("Competencies", "D2"); !regexp.MustCompile(`^\d+\.\d$`).MatchString(v) {
			t.Errorf("formatted score %q does not show 1 decimal", v)
		}
	})

	t.Run("Items", func(t *testing.T) {
		header, rows := sheetRows(t, x, "Items")
		if len(header) != 6+in.Framework.Scale.Options() {
			t.Errorf("header %v: want 6 columns and one per answer option", header)
		}
		if len(rows) != len(r.Items) {
			t.Fatalf("%d rows, want %d", len(rows), len(r.Items))
		}
		for i, it := range r.Items {
			if rows[i]["item id"] != it.ID {
				t.Fatalf("row %d: item %q, want %q", i, rows[i]["item id"], it.ID)
			}
			wantNum(t, it.ID+" index", numberCell(t, x, "Items", header, "index", i), it.Index)
			for k, n := range it.Counts {
				if got := numberCell(t, x, "Items", header, header[6+k], i); got != float64(n) {
					t.Errorf("%s count %d = %v, want %d", it.ID, k, got, n)
				}
			}
		}
	})

	t.Run("Groups", func(t *testing.T) {
		header, rows := sheetRows(t, x, "Groups")
		type key struct{ attr, group, comp string }
		want := map[key]score.GroupCompetency{}
		for attr, groups := range r.Groups {
			for _, g := range groups {
				for _, c := range g.Competencies {
					want[key{attr, g.Value, in.Framework.Competency(c.ID).Name}] = c
				}
			}
		}
		seen := map[key]bool{}
		notes := map[string]string{}
		for i, row := range rows {
			if row["group"] == "" {
				notes[row["attribute"]] = row["note"]
				continue
			}
			k := key{row["attribute"], row["group"], row["competency"]}
			c, ok := want[k]
			if !ok {
				t.Errorf("row %d: %v is not a shown group", i, k)
				continue
			}
			seen[k] = true
			if c.Score == nil {
				if row["score"] != "" || row["suppressed"] != "1" {
					t.Errorf("%v: suppressed cell shows %q, suppressed=%q", k, row["score"], row["suppressed"])
				}
				continue
			}
			wantNum(t, fmt.Sprint(k, " score"), numberCell(t, x, "Groups", header, "score", i), c.Score)
			wantNum(t, fmt.Sprint(k, " sd"), numberCell(t, x, "Groups", header, "sd", i), c.SD)
			if c.CI != nil {
				wantNum(t, fmt.Sprint(k, " ci low"), numberCell(t, x, "Groups", header, "ci low", i), &c.CI[0])
			}
		}
		if len(seen) != len(want) {
			t.Errorf("%d group cells in the sheet, want %d", len(seen), len(want))
		}
		for _, attr := range r.GroupBy {
			n := r.Suppressed[attr]
			if note, ok := notes[attr]; !ok || (n > 0 && !strings.HasPrefix(note, strconv.Itoa(n)+" group")) {
				t.Errorf("note for %s = %q, want the %d suppressed groups", attr, note, n)
			}
		}
	})

	t.Run("Plan", func(t *testing.T) {
		header, rows := sheetRows(t, x, "Plan")
		if len(rows) != len(in.Plan) {
			t.Fatalf("%d rows, want %d", len(rows), len(in.Plan))
		}
		byPriority := map[string]cxm.PlanStep{}
		for _, s := range in.Plan {
			byPriority[strconv.Itoa(s.Priority)] = s
		}
		dropped := false
		for i, row := range rows {
			s, ok := byPriority[row["priority"]]
			if !ok {
				t.Fatalf("row %d: unknown priority %q", i, row["priority"])
			}
			if row["title"] != s.Title || row["why"] != s.Why || row["owner"] != s.Owner || row["due"] != s.Due ||
				row["status"] != string(s.Status) || row["competency"] != in.Framework.Competency(s.Competency).Name {
				t.Errorf("row %d = %v, want step %+v", i, row, s)
			}
			if s.Target != nil {
				wantNum(t, "target", numberCell(t, x, "Plan", header, "target", i), s.Target)
			} else if row["target"] != "" {
				t.Errorf("row %d: target %q, want empty", i, row["target"])
			}
			if (row["custom"] == "1") != s.Custom {
				t.Errorf("row %d: custom %q", i, row["custom"])
			}
			if s.Status == cxm.PlanDropped {
				dropped = true
			} else if dropped {
				t.Errorf("row %d: a step that is not dropped after a dropped one", i)
			}
		}
	})

	t.Run("NoSuppressedName", func(t *testing.T) {
		for _, sh := range x.GetSheetList() {
			rows, _ := x.GetRows(sh)
			for _, row := range rows {
				for _, v := range row {
					for _, name := range fx.suppressed {
						if strings.Contains(v, name) {
							t.Errorf("%s: suppressed group %q appears in %q", sh, name, v)
						}
					}
				}
			}
		}
	})
}

func TestXLSXNullsAreEmpty(t *testing.T) {
	fx := newFixture(t, false)
	r := *fx.in.Result
	r.Competencies = slices.Clone(r.Competencies)
	r.Competencies[0].Alpha, r.Competencies[0].Rwg, r.Competencies[0].CI = nil, nil, nil
	fx.in.Result = &r
	x := openXLSX(t, fx.in)
	_, rows := sheetRows(t, x, "Competencies")
	for _, col := range []string{"alpha", "rwg", "ci low", "ci high"} {
		if v := rows[0][col]; v != "" {
			t.Errorf("undefined %s = %q, want an empty cell", col, v)
		}
	}
	if rows[0]["agreement"] != "unknown" {
		t.Errorf("agreement = %q", rows[0]["agreement"])
	}
}

func TestXLSXWithheld(t *testing.T) {
	in := withheldInput(t)
	x := openXLSX(t, in)
	if got := x.GetSheetList(); !slices.Equal(got, report.SheetNames) {
		t.Fatalf("sheets = %v", got)
	}
	for _, sh := range report.SheetNames[1:] {
		rows, _ := x.GetRows(sh)
		if len(rows) != 2 || len(rows[0]) < 2 || !strings.Contains(strings.Join(rows[1], ""), "withheld") {
			t.Errorf("%s: want a header and a note row, got %q", sh, rows)
		}
	}
	_, rows := sheetRows(t, x, "Summary")
	for _, r := range rows {
		switch r["item"] {
		case "mean", "overall stage", "weakest", "verdict 1":
			t.Errorf("withheld summary shows %s = %q", r["item"], r["value"])
		}
	}
}

// ---------------------------------------------------------------------------
// CSV

func readCSV(t *testing.T, in report.Input, table string) ([]string, []map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := report.CSV(&buf, in, table); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(buf.Bytes(), []byte("\r\n")) {
		t.Errorf("%s: lines do not end in CRLF", table)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")) {
		t.Errorf("%s: no UTF-8 byte order mark", table)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v", table, err)
	}
	if last := recs[0][len(recs[0])-1]; last != "withheld" {
		t.Errorf("%s: last column %q", table, last)
	}
	recs[0] = recs[0][:len(recs[0])-1]
	var out []map[string]string
	for _, rec := range recs[1:] {
		m := map[string]string{"withheld": rec[len(rec)-1]}
		for i, v := range rec[:len(rec)-1] {
			m[recs[0][i]] = v
		}
		out = append(out, m)
	}
	return recs[0], out
}

// parseNum checks a score cell: rounded to 1 decimal as shown.
func parseNum(t *testing.T, what, s string, want *float64) {
	t.Helper()
	checkRounded(t, what, s, want, 1)
}

// parseCoef checks an alpha or rwg cell: rounded to 2 decimals.
func parseCoef(t *testing.T, what, s string, want *float64) {
	t.Helper()
	checkRounded(t, what, s, want, 2)
}

func checkRounded(t *testing.T, what, s string, want *float64, decimals int) {
	t.Helper()
	if want == nil {
		if s != "" {
			t.Errorf("%s = %q, want empty", what, s)
		}
		return
	}
	if w := strconv.FormatFloat(*want, 'f', decimals, 64); s != w {
		t.Errorf("%s = %q, want %q (%v rounded)", what, s, w, *want)
	}
}

func TestCSV(t *testing.T) {
	fx := newFixture(t, false)
	in, r := fx.in, fx.in.Result
	x := openXLSX(t, in)
	sheets := map[string]string{"competencies": "Competencies", "items": "Items", "groups": "Groups", "plan": "Plan", "comments": "Comments"}
	if !slices.Equal(report.Tables, []string{"competencies", "items", "groups", "plan", "comments"}) {
		t.Fatalf("Tables = %v", report.Tables)
	}
	for _, table := range report.Tables {
		header, rows := readCSV(t, in, table)
		xh, xrows := sheetRows(t, x, sheets[table])
		if !slices.Equal(header, xh) {
			t.Errorf("%s: CSV header %v, sheet header %v", table, header, xh)
		}
		if len(rows) != len(xrows) {
			t.Errorf("%s: %d CSV rows, %d sheet rows", table, len(rows), len(xrows))
		}
		for _, row := range rows {
			for _, name := range fx.suppressed {
				for _, v := range row {
					if strings.Contains(v, name) {
						t.Errorf("%s: suppressed group %q appears", table, name)
					}
				}
			}
		}
	}

	_, rows := readCSV(t, in, "competencies")
	for i, c := range r.Competencies {
		row := rows[i]
		if row["id"] != c.ID || row["n"] != strconv.Itoa(c.N) || row["weak"] != strings.ToUpper(strconv.FormatBool(c.Weak)) {
			t.Errorf("row %d = %v", i, row)
		}
		parseNum(t, c.ID+" score", row["score"], &c.Score)
		parseNum(t, c.ID+" sd", row["sd"], c.SD)
		parseNum(t, c.ID+" ci low", row["ci low"], &c.CI[0])
		parseNum(t, c.ID+" ci high", row["ci high"], &c.CI[1])
		parseCoef(t, c.ID+" alpha", row["alpha"], c.Alpha)
		parseCoef(t, c.ID+" rwg", row["rwg"], c.Rwg)
		if row["withheld"] != "FALSE" {
			t.Errorf("row %d withheld = %q", i, row["withheld"])
		}
	}

	_, rows = readCSV(t, in, "items")
	for i, it := range r.Items {
		if rows[i]["item id"] != it.ID || rows[i]["n answered"] != strconv.Itoa(it.N) {
			t.Errorf("items row %d = %v", i, rows[i])
		}
		parseNum(t, it.ID+" index", rows[i]["index"], it.Index)
	}

	_, rows = readCSV(t, in, "groups")
	i := 0
	for _, attr := range r.GroupBy {
		for _, g := range r.Groups[attr] {
			for _, c := range g.Competencies {
				row := rows[i]
				i++
				if row["attribute"] != attr || row["group"] != g.Value || row["group n"] != strconv.Itoa(g.N) {
					t.Fatalf("groups row %d = %v, want %s %s", i, row, attr, g.Value)
				}
				parseNum(t, attr+" "+g.Value+" score", row["score"], c.Score)
				if row["suppressed"] != strings.ToUpper(strconv.FormatBool(c.Score == nil)) {
					t.Errorf("groups row %d suppressed = %q", i, row["suppressed"])
				}
			}
		}
		if note := rows[i]; note["attribute"] != attr || note["group"] != "" || !strings.Contains(note["note"], strconv.Itoa(r.Suppressed[attr])) {
			t.Errorf("note row for %s = %v", attr, note)
		}
		i++
	}
	if i != len(rows) {
		t.Errorf("groups: %d rows, want %d", len(rows), i)
	}

	_, rows = readCSV(t, in, "plan")
	if len(rows) != len(in.Plan) {
		t.Fatalf("plan: %d rows", len(rows))
	}
	for _, row := range rows {
		p, _ := strconv.Atoi(row["priority"])
		var s *cxm.PlanStep
		for j := range in.Plan {
			if in.Plan[j].Priority == p {
				s = &in.Plan[j]
			}
		}
		if s == nil || row["title"] != s.Title || row["status"] != string(s.Status) || row["why"] != s.Why {
			t.Errorf("plan row %v does not match a step", row)
			continue
		}
		parseNum(t, "target", row["target"], s.Target)
	}

	if err := report.CSV(io.Discard, in, "nope"); err == nil {
		t.Error("an unknown table is not an error")
	}
}

func TestCSVWithheldAndInjection(t *testing.T) {
	in := withheldInput(t)
	for _, table := range report.Tables {
		header, rows := readCSV(t, in, table)
		if len(rows) != 1 || rows[0]["withheld"] != "TRUE" {
			t.Fatalf("%s: %v, want one withheld row", table, rows)
		}
		for _, h := range header {
			if rows[0][h] != "" {
				t.Errorf("%s: withheld row has %s = %q", table, h, rows[0][h])
			}
		}
	}
	fx := newFixture(t, false)
	fx.in.Plan[0].Owner = "=HYPERLINK(\"x\")"
	_, rows := readCSV(t, fx.in, "plan")
	for _, row := range rows {
		if strings.HasPrefix(row["owner"], "=") {
			t.Errorf("owner %q would run as a formula", row["owner"])
		}
	}
}

func TestInputErrors(t *testing.T) {
	fx := newFixture(t, false)
	noF, noR := fx.in, fx.in
	noF.Framework, noR.Result = nil, nil
	for _, in := range []report.Input{noF, noR} {
		if report.HTML(io.Discard, in) == nil || report.XLSX(io.Discard, in) == nil || report.CSV(io.Discard, in, "items") == nil {
			t.Error("missing input is not an error")
		}
	}
}

// ---------------------------------------------------------------------------
// HTML

func renderHTML(t testing.TB, in report.Input) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.HTML(&buf, in); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// pageText parses the page and returns its visible text (spaces
// collapsed) and the names of its elements.
func pageText(t *testing.T, page string) (string, map[string]int) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	tags := map[string]int{}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			tags[n.Data]++
			if n.Data == "style" || n.Data == "title" && n.Parent != nil && n.Parent.Data == "head" {
				return
			}
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return strings.Join(strings.Fields(b.String()), " "), tags
}

// checkSelfContained fails on anything that would make the browser fetch.
func checkSelfContained(t *testing.T, page string) {
	t.Helper()
	low := strings.ToLower(page)
	for _, bad := range []string{"http://", "https://", "<script", "<link", "<img", "<iframe", "<object", "<embed", "@import", " src=", "href=", "xlink:", "<base", "<meta http-equiv"} {
		if i := strings.Index(low, bad); i >= 0 {
			t.Errorf("page contains %q: …%s…", bad, page[max(0, i-60):min(len(page), i+60)])
		}
	}
	// url() only for references within the page (SVG gradients, patterns).
	for _, m := range regexp.MustCompile(`url\(\s*['"]?(.)`).FindAllStringSubmatch(low, -1) {
		if m[1] != "#" {
			t.Errorf("page contains %q", m[0])
		}
	}
}

func TestHTML(t *testing.T) {
	fx := newFixture(t, false)
	in, r := fx.in, fx.in.Result
	page := renderHTML(t, in)
	checkSelfContained(t, page)
	text, tags := pageText(t, page)

	if !strings.HasPrefix(page, "<!DOCTYPE html>") || tags["html"] != 1 || tags["head"] != 1 || tags["body"] != 1 || tags["style"] != 1 {
		t.Errorf("not one well-formed page: %v", tags)
	}
	if !strings.Contains(page, ".cxm-chart { display:block; height:auto; max-width:100%; break-inside:avoid; page-break-inside:avoid; }") {
		t.Error("the chart CSS rule is missing")
	}
	for _, css := range []string{"@page", "size: A4", "@media print", "break-before: page", "display: table-header-group", "break-inside: avoid"} {
		if !strings.Contains(page, css) {
			t.Errorf("print style sheet lacks %q", css)
		}
	}
	if tags["svg"] < 7 { // bars, radar, ladder, 2 heatmaps, statements, trend, range
		t.Errorf("%d charts", tags["svg"])
	}
	for _, s := range score.Verdict(in.Framework, r) {
		if !strings.Contains(text, s) {
			t.Errorf("verdict sentence missing: %q", s)
		}
	}
	for _, c := range r.Competencies {
		if !strings.Contains(text, fmt.Sprintf("%.1f", c.Score)) {
			t.Errorf("score of %s (%.1f) missing", c.ID, c.Score)
		}
		if c.CI != nil && !strings.Contains(text, fmt.Sprintf("%.1f–%.1f", c.CI[0], c.CI[1])) {
			t.Errorf("CI of %s missing", c.ID)
		}
		if !strings.Contains(text, fmt.Sprintf("%s (%.2f)", score.Agreement(c.Rwg), *c.Rwg)) {
			t.Errorf("agreement of %s missing", c.ID)
		}
	}
	for _, name := range fx.suppressed {
		if strings.Contains(page, name) {
			t.Errorf("suppressed group %q appears in the page", name)
		}
	}
	for _, want := range []string{
		in.Organization.Name, in.Assessment.Name, "Four CX Core Competencies, version 1", "184 of 240 invited",
		"response rate 77%", "Overall maturity stage", in.Framework.StageName(r.Overall.Stage),
		fmt.Sprintf("%d groups of department are hidden for some or all competencies", r.Suppressed["department"]),
		"The widest gap is in", "The weakest statements", "Changes since the previous wave",
		"Trend across waves", "Position among peers", "Improvement plan", "How the figures are made",
		score.ChangeWords(in.Compare[0]), "Dana Whitfield (HR)", "added by the team",
		"How sure the weakest link is", score.ComparisonWords(in.Framework, r.Overall.Comparisons[0]),
	} {
		if !strings.Contains(text, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	// The weakest statement's text is listed.
	var low *score.Item
	for i := range r.Items {
		if it := &r.Items[i]; it.Index != nil && (low == nil || *it.Index < *low.Index) {
			low = it
		}
	}
	for _, c := range in.Framework.Competencies {
		for _, it := range c.Items {
			if it.ID == low.ID && !strings.Contains(text, it.Text) {
				t.Errorf("weakest statement %q missing", it.Text)
			}
		}
	}
	// Dropped steps come last, greyed.
	if i, j := strings.LastIndex(page, `<tr class="">`), strings.Index(page, `<tr class="dropped`); j < 0 || i > j {
		t.Error("dropped steps are not listed last")
	}
	// The previous wave is the radar's second series.
	if !strings.Contains(text, "Profile compared with "+in.Waves[0].Label) {
		t.Error("the radar does not compare with the previous wave")
	}
}

func TestHTMLEscapes(t *testing.T) {
	fx := newFixture(t, true)
	page := renderHTML(t, fx.in)
	checkSelfContained(t, page) // includes no "<script"
	if !strings.Contains(page, "&lt;script&gt;") {
		t.Error("the hostile names do not appear escaped")
	}
	text, _ := pageText(t, page)
	if !strings.Contains(text, evil+" Northwind") || !strings.Contains(text, evil+" Sales") || !strings.Contains(text, evil+" comment\"'&") {
		t.Error("escaped names do not read back as text")
	}
	var buf bytes.Buffer
	if err := report.XLSX(&buf, fx.in); err != nil {
		t.Fatal(err)
	}
}

func TestHTMLWithheld(t *testing.T) {
	in := withheldInput(t)
	page := renderHTML(t, in)
	checkSelfContained(t, page)
	text, tags := pageText(t, page)
	if !strings.Contains(text, "Results are withheld") || !strings.Contains(text, "at least 5 respondents") {
		t.Error("the withheld note is missing")
	}
	if tags["svg"] != 0 || tags["table"] != 0 {
		t.Errorf("withheld page shows charts or tables: %v", tags)
	}
	if m := regexp.MustCompile(`\d+\.\d`).FindString(text); m != "" {
		t.Errorf("withheld page shows a figure: %q", m)
	}
	for _, c := range in.Framework.Competencies {
		if strings.Contains(text, c.Name) {
			t.Errorf("withheld page names competency %s", c.Name)
		}
	}
}

// TestComments: the comments section lists the comments in the order
// given (the release's), says when they are withheld or none, and is
// absent without an open question; the tables follow.
func TestComments(t *testing.T) {
	fx := newFixture(t, false)
	in := fx.in
	text, _ := pageText(t, renderHTML(t, in))
	at := strings.Index(text, "Answers to the open question “What one thing should we change?”")
	if at < 0 {
		t.Fatal("no comments section")
	}
	for _, c := range in.Comments.Texts {
		c, _, _ = strings.Cut(c, "\n") // the page text folds lines
		i := strings.Index(text[at:], c)
		if i < 0 {
			t.Fatalf("%q is not listed after the comment before it", c)
		}
		at += i + len(c)
	}
	_, rows := readCSV(t, in, "comments")
	if len(rows) != 6 || rows[1]["#"] != "2" || rows[1]["comment"] != "Fewer meetings,\nmore time with customers." {
		t.Errorf("comments.csv: %v", rows)
	}

	in.Comments = &report.Comments{Question: "Why?", K: 5, Withheld: true}
	text, _ = pageText(t, renderHTML(t, in))
	_, rows = readCSV(t, in, "comments")
	if !strings.Contains(text, "Fewer than 5 comments: not shown") || len(rows) != 1 || rows[0]["comment"] != "Fewer than 5 comments: not shown." {
		t.Errorf("withheld: %v", rows)
	}
	in.Comments = &report.Comments{Question: "Why?", K: 5, Texts: []string{}}
	text, _ = pageText(t, renderHTML(t, in))
	if !strings.Contains(text, "Nobody answered the open question.") {
		t.Error("no comment is not said")
	}
	in.Comments = nil
	text, _ = pageText(t, renderHTML(t, in))
	_, rows = readCSV(t, in, "comments")
	if strings.Contains(text, "Answers to the open question") || len(rows) != 1 || rows[0]["comment"] != "The assessment asked no open question." {
		t.Errorf("without an open question: %v", rows)
	}
}

func TestHTMLOptionalSections(t *testing.T) {
	fx := newFixture(t, false)
	in := fx.in
	in.Waves, in.Compare, in.Benchmark, in.Plan = nil, nil, nil, nil
	text, tags := pageText(t, renderHTML(t, in))
	for _, absent := range []string{"Changes since the previous wave", "Position among peers", "Profile compared with"} {
		if strings.Contains(text, absent) {
			t.Errorf("page without waves and benchmark has %q", absent)
		}
	}
	if !strings.Contains(text, "No improvement plan has been made yet.") {
		t.Error("an empty plan is not said")
	}
	if tags["svg"] < 5 {
		t.Errorf("%d charts", tags["svg"])
	}

	in.Benchmark = &report.Benchmark{Peers: 3}
	text, _ = pageText(t, renderHTML(t, in))
	if !strings.Contains(text, "Fewer than 5 peers") || !strings.Contains(text, "(3 so far)") {
		t.Error("the few-peers note is missing")
	}
}

// ---------------------------------------------------------------------------
// Print

// TestPrint prints the report to PDF with headless Chromium and checks that
// it has several pages. Without Chromium it is skipped, except on CI.
func TestPrint(t *testing.T) {
	bin, err := exec.LookPath("chromium")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is needed on CI to check the printed report")
		}
		t.Skip("chromium not installed")
	}
	fx := newFixture(t, false)
	dir := t.TempDir()
	in := filepath.Join(dir, "report.html")
	out := filepath.Join(dir, "report.pdf")
	if err := os.WriteFile(in, []byte(renderHTML(t, fx.in)), 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
		"--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir="+filepath.Join(dir, "profile"),
		"--no-pdf-header-footer", "--print-to-pdf="+out, "file://"+in)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, b)
	}
	pdf, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page[^s]`).FindAll(pdf, -1))
	if info, err := exec.LookPath("pdfinfo"); err == nil {
		b, err := exec.CommandContext(ctx, info, out).Output()
		if err != nil {
			t.Fatal(err)
		}
		m := regexp.MustCompile(`(?m)^Pages:\s+(\d+)`).FindSubmatch(b)
		if m == nil {
			t.Fatalf("pdfinfo: %s", b)
		}
		pages, _ = strconv.Atoi(string(m[1]))
		if !bytes.Contains(b, []byte("A4")) {
			t.Errorf("the PDF is not A4:\n%s", b)
		}
	}
	if pages < 2 {
		t.Errorf("the printed report has %d pages, want at least 2", pages)
	}
	t.Logf("%d pages", pages)
}

// TestNothingScored renders a result where nobody answered enough
// statements: no competency is scored, yet every output is made.
func TestNothingScored(t *testing.T) {
	fx := newFixture(t, false)
	in := fx.in
	s := spec(departments, 40, 9, nil)
	s.MissingRate = 1
	in.Result = scoreSpec(t, in.Framework, departments, s)
	in.Plan, in.Waves, in.Compare, in.Benchmark = nil, nil, nil, nil
	if len(in.Result.Competencies) != 0 || in.Result.Withheld {
		t.Fatal("want a result with nothing scored")
	}
	text, _ := pageText(t, renderHTML(t, in))
	if !strings.Contains(text, "No competency could be scored") {
		t.Error("the page does not say that nothing could be scored")
	}
	if err := report.XLSX(io.Discard, in); err != nil {
		t.Fatal(err)
	}
	_, rows := readCSV(t, in, "competencies")
	if len(rows) != len(in.Framework.Competencies) || rows[0]["n"] != "0" || rows[0]["score"] != "" {
		t.Errorf("unscored competencies: %v", rows)
	}
}
