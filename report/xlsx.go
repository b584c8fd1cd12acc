package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/xuri/excelize/v2"
)

// SheetNames are the workbook's sheets, in order.
var SheetNames = []string{"Summary", "Competencies", "Items", "Groups", "Plan", "Comments"}

// XLSX writes the workbook: the sheets Summary (key/value rows),
// Competencies, Items, Groups and Plan (a bold header row, frozen, then one
// row per competency, statement, group × competency and plan step). Numbers
// are stored as numbers to 15 significant digits (Excel15) and shown with 1 decimal for
// scores and 2 for alpha and rwg; undefined values are empty cells. A
// withheld result gives each sheet its header and a note row only.
func XLSX(w io.Writer, in Input) (err error) {
	if err := in.check(); err != nil {
		return err
	}
	tables := []*table{summaryTable(&in)}
	for _, name := range Tables {
		t, err := buildTable(&in, name)
		if err != nil {
			return err
		}
		tables = append(tables, t)
	}

	x := excelize.NewFile()
	defer func() {
		if cerr := x.Close(); err == nil {
			err = cerr
		}
	}()
	st, err := newStyles(x)
	if err != nil {
		return err
	}
	for i, t := range tables {
		if i == 0 {
			if err := x.SetSheetName("Sheet1", t.Name); err != nil {
				return err
			}
		} else if _, err := x.NewSheet(t.Name); err != nil {
			return err
		}
		if err := writeSheet(x, st, t); err != nil {
			return fmt.Errorf("report: sheet %s: %w", t.Name, err)
		}
	}
	// The first sheet is the active one already (SetActiveSheet would parse every streamed sheet again).
	props := &excelize.DocProperties{
		Title:   "Customer experience maturity: " + in.Assessment.Name,
		Subject: in.Organization.Name,
		Creator: "cxm",
	}
	if !in.Generated.IsZero() {
		props.Created = in.Generated.UTC().Format(time.RFC3339)
		props.Modified = props.Created
	}
	if err := x.SetDocProps(props); err != nil {
		return err
	}
	return x.Write(w)
}

type styles struct {
	header, text, wrap, integer, score, coef, rate, general, boolean, note int
}

func newStyles(x *excelize.File) (*styles, error) {
	var s styles
	top := func(wrap bool) *excelize.Alignment {
		return &excelize.Alignment{Vertical: "top", WrapText: wrap}
	}
	fmtStyle := func(f string) *excelize.Style {
		return &excelize.Style{CustomNumFmt: &f, Alignment: top(false)}
	}
	defs := []struct {
		dst   *int
		style *excelize.Style
	}{
		{&s.header, &excelize.Style{
			Font:      &excelize.Font{Bold: true, Color: "1F2937"},
			Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"E5E7EB"}},
			Border:    []excelize.Border{{Type: "bottom", Color: "6B7280", Style: 1}},
			Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
		}},
		{&s.text, &excelize.Style{Alignment: top(false)}},
		{&s.wrap, &excelize.Style{Alignment: top(true)}},
		{&s.integer, &excelize.Style{NumFmt: 1, Alignment: top(false)}},
		{&s.score, fmtStyle("0.0")},
		{&s.coef, fmtStyle("0.00")},
		{&s.rate, fmtStyle("0.0%")},
		{&s.general, &excelize.Style{Alignment: top(false)}},
		{&s.boolean, &excelize.Style{Alignment: &excelize.Alignment{Vertical: "top", Horizontal: "center"}}},
		{&s.note, &excelize.Style{Font: &excelize.Font{Italic: true, Color: "4B5563"}, Alignment: top(false)}},
	}
	for _, d := range defs {
		id, err := x.NewStyle(d.style)
		if err != nil {
			return nil, err
		}
		*d.dst = id
	}
	return &s, nil
}

// writeSheet writes one table as a sheet through excelize's StreamWriter,
// which writes each row's XML as it goes: the cell-by-cell API keeps a cell
// model per cell and encodes it with encoding/xml at the end, which for the
// Groups sheet of a large breakdown (78 groups × 8 competencies, some 7,000
// cells) cost more than 20 ms. Sheet settings go first: the writer takes
// them from the sheet as it is when it starts.
func writeSheet(x *excelize.File, st *styles, t *table) error {
	sh := t.Name
	// Printing: landscape A4, as wide as one page, the header row repeated.
	fit, landscape, a4, tall := true, "landscape", 9, 0
	one := 1
	if err := x.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := x.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	if err := x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh + "'!$1:$1", Scope: sh}); err != nil {
		return err
	}
	sw, err := x.NewStreamWriter(sh)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	header := make([]any, len(t.Columns))
	for c, col := range t.Columns {
		if err := sw.SetColWidth(c+1, c+1, col.Width); err != nil {
			return err
		}
		header[c] = excelize.Cell{StyleID: st.header, Value: col.Name}
	}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	for r, row := range t.Rows {
		cells := make([]any, len(row))
		for c, v := range row {
			if v == nil {
				continue
			}
			wrap := c < len(t.Columns) && t.Columns[c].Wrap
			if cells[c], err = cellOf(st, v, wrap); err != nil {
				return fmt.Errorf("row %d, column %d: %w", r+2, c+1, err)
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, r+2)
		if err := sw.SetRow(cell, cells); err != nil {
			return err
		}
	}
	return sw.Flush()
}

// cellOf is one value as a styled cell. Numbers are rounded to 15
// significant digits (Excel15), all that Excel keeps of a number; NaN and
// infinities are left empty.
func cellOf(st *styles, v any, wrap bool) (any, error) {
	num := func(f float64, style int) (any, error) {
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return nil, nil
		}
		return excelize.Cell{StyleID: style, Value: Excel15(f)}, nil
	}
	switch v := v.(type) {
	case string:
		if wrap {
			return excelize.Cell{StyleID: st.wrap, Value: v}, nil
		}
		return excelize.Cell{StyleID: st.text, Value: v}, nil
	case note:
		return excelize.Cell{StyleID: st.note, Value: string(v)}, nil
	case int:
		return excelize.Cell{StyleID: st.integer, Value: v}, nil
	case bool:
		return excelize.Cell{StyleID: st.boolean, Value: v}, nil
	case float64:
		return num(v, st.general)
	case scoreNum:
		return num(float64(v), st.score)
	case coefNum:
		return num(float64(v), st.coef)
	case rateNum:
		return num(float64(v), st.rate)
	}
	return nil, fmt.Errorf("unexpected %T", v)
}

// Excel15 is v rounded to 15 significant digits, as the workbook stores it:
// Excel keeps no more (and excelize's row writer cuts the rest off without
// rounding). JSON and CSV keep every digit.
func Excel15(v float64) float64 {
	r, err := strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	if err != nil {
		return v
	}
	return r
}
