package report

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// SheetNames are the workbook's sheets, in order.
var SheetNames = []string{"Summary", "Competencies", "Items", "Groups", "Plan"}

// XLSX writes the workbook: the sheets Summary (key/value rows),
// Competencies, Items, Groups and Plan (a bold header row, frozen, then one
// row per competency, statement, group × competency and plan step). Numbers
// are stored as numbers at full precision and shown with 1 decimal for
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
	x.SetActiveSheet(0)
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

func writeSheet(x *excelize.File, st *styles, t *table) error {
	sh := t.Name
	for c, col := range t.Columns {
		cell, _ := excelize.CoordinatesToCellName(c+1, 1)
		if err := x.SetCellStr(sh, cell, col.Name); err != nil {
			return err
		}
		name, _ := excelize.ColumnNumberToName(c + 1)
		if err := x.SetColWidth(sh, name, name, col.Width); err != nil {
			return err
		}
	}
	if len(t.Columns) > 0 {
		first, _ := excelize.CoordinatesToCellName(1, 1)
		last, _ := excelize.CoordinatesToCellName(len(t.Columns), 1)
		if err := x.SetCellStyle(sh, first, last, st.header); err != nil {
			return err
		}
	}
	// Styles are applied per run of cells of one style down a column, not
	// cell by cell: each SetCellStyle call costs as much as writing a cell,
	// and a column mostly holds one kind of value.
	styleOf := make([][]int, len(t.Rows))
	for r, row := range t.Rows {
		styleOf[r] = make([]int, len(row))
		for c, v := range row {
			if v == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(c+1, r+2)
			wrap := c < len(t.Columns) && t.Columns[c].Wrap
			var err error
			if styleOf[r][c], err = setCell(x, st, sh, cell, v, wrap); err != nil {
				return err
			}
		}
	}
	if err := applyStyles(x, sh, styleOf); err != nil {
		return err
	}
	if err := x.SetPanes(sh, &excelize.Panes{
		Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft",
		Selection: []excelize.Selection{{SQRef: "A2", ActiveCell: "A2", Pane: "bottomLeft"}},
	}); err != nil {
		return err
	}
	// Printing: landscape A4, as wide as one page, the header row repeated.
	fit, landscape, a4, tall := true, "landscape", 9, 0
	one := 1
	if err := x.SetSheetProps(sh, &excelize.SheetPropsOptions{FitToPage: &fit}); err != nil {
		return err
	}
	if err := x.SetPageLayout(sh, &excelize.PageLayoutOptions{Size: &a4, Orientation: &landscape, FitToWidth: &one, FitToHeight: &tall}); err != nil {
		return err
	}
	return x.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: "'" + sh + "'!$1:$1", Scope: sh})
}

// applyStyles sets the style of every cell written (styleOf[row][col], 0
// for none), one call per run of equal styles down a column.
func applyStyles(x *excelize.File, sh string, styleOf [][]int) error {
	cols := 0
	for _, row := range styleOf {
		cols = max(cols, len(row))
	}
	at := func(r, c int) int {
		if c < len(styleOf[r]) {
			return styleOf[r][c]
		}
		return 0
	}
	for c := 0; c < cols; c++ {
		for r := 0; r < len(styleOf); {
			style, end := at(r, c), r+1
			for end < len(styleOf) && at(end, c) == style {
				end++
			}
			if style != 0 {
				first, _ := excelize.CoordinatesToCellName(c+1, r+2)
				last, _ := excelize.CoordinatesToCellName(c+1, end+1)
				if err := x.SetCellStyle(sh, first, last, style); err != nil {
					return err
				}
			}
			r = end
		}
	}
	return nil
}

// setCell writes one value and returns the style it takes.
func setCell(x *excelize.File, st *styles, sh, cell string, v any, wrap bool) (int, error) {
	var err error
	style := st.text
	switch v := v.(type) {
	case string:
		err = x.SetCellStr(sh, cell, v)
		if wrap {
			style = st.wrap
		}
	case note:
		err = x.SetCellStr(sh, cell, string(v))
		style = st.note
	case int:
		err = x.SetCellInt(sh, cell, int64(v))
		style = st.integer
	case bool:
		err = x.SetCellBool(sh, cell, v)
		style = st.boolean
	case float64:
		err = setFloat(x, sh, cell, v)
		style = st.general
	case scoreNum:
		err = setFloat(x, sh, cell, float64(v))
		style = st.score
	case coefNum:
		err = setFloat(x, sh, cell, float64(v))
		style = st.coef
	case rateNum:
		err = setFloat(x, sh, cell, float64(v))
		style = st.rate
	default:
		return 0, fmt.Errorf("cell %s: unexpected %T", cell, v)
	}
	return style, err
}

// setFloat stores v with every digit needed to read back the same float64
// (excelize's automatic precision stops at Excel's 15 significant digits).
func setFloat(x *excelize.File, sh, cell string, v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	s := strconv.FormatFloat(v, 'f', -1, 64)
	prec := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		prec = len(s) - i - 1
	}
	return x.SetCellFloat(sh, cell, v, prec, 64)
}
