package chart

import (
	"html/template"
	"strconv"
	"strings"
)

// HeatmapNarrow draws the data of a Heatmap for a phone: one small table
// per column (competency), its name as a heading over the full width and
// one line per row (group) with the group's name, its n and a colored cell
// holding the score. A grid of many columns squeezed into 360 units would
// have unreadable headers; a list of small tables reads top to bottom and
// compares the groups of one competency, which is what a breakdown is for.
func HeatmapNarrow(columns []string, rows []HeatRow, opt HeatmapOptions) template.HTML {
	const defTitle = "Scores by group"
	if len(columns) == 0 || len(rows) == 0 {
		return note(opt.Frame, defTitle, "No groups to show.")
	}
	W := opt.width()
	supText := clean(opt.SuppressedText)
	if supText == "" {
		supText = "too few respondents to show"
	}
	lay := layoutHeatNarrow(measureHeatNarrow(columns, rows, W), W)
	var c canvas
	id := opt.id()
	c.defs.WriteString(`<pattern id="` + id + `-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="` + hatchFill + `"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="2"/></pattern>`)
	desc, anyNil := drawHeatNarrow(&c, lay, rows, opt, supText)
	h := heatLegend(&c, opt, id, pad, lay.bottom+12, W, anyNil, supText) + pad
	d := "Scores from 0 to 100 by group, one competency after another. " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, W, h, &c)
}

// Sizes of the narrow heatmap.
const (
	hnCellW = 64.0 // the score cell
	hnRowH  = 30.0 // one group
	hnCellH = 24.0
	hnGap   = 14.0 // between two competencies
)

type heatNarrowBlock struct {
	full  string   // the competency's name
	lines []string // its heading, wrapped
	top   float64  // y of the heading's first baseline area
	row0  float64  // y of the first group row
}

type heatNarrowRow struct {
	full, shown string // the group's name, and as drawn (shortened if need be)
	n           string // "n = 12", or ""
}

type heatNarrowLayout struct {
	blocks []heatNarrowBlock
	rows   []heatNarrowRow
	cellX  float64
	bottom float64
}

// measureHeatNarrow wraps the headings and fits the group names in the
// room left of the score cell.
func measureHeatNarrow(columns []string, rows []HeatRow, W float64) heatNarrowLayout {
	lay := heatNarrowLayout{cellX: W - pad - hnCellW}
	for _, col := range columns {
		b := heatNarrowBlock{full: clean(col)}
		b.lines, _ = wrap(b.full, W-2*pad, fs, true, 3)
		if len(b.lines) == 0 {
			b.lines = []string{"–"}
		}
		lay.blocks = append(lay.blocks, b)
	}
	for _, r := range rows {
		hr := heatNarrowRow{full: clean(r.Label)}
		if r.N > 0 {
			hr.n = "n = " + strconv.Itoa(r.N)
		}
		room := lay.cellX - pad - 10
		if hr.n != "" {
			room -= textW(hr.n, fsS, false) + 8
		}
		hr.shown, _ = fit(hr.full, room, fs, false)
		if hr.shown == "" {
			hr.shown = "–"
		}
		lay.rows = append(lay.rows, hr)
	}
	return lay
}

// layoutHeatNarrow stacks the blocks from the top.
func layoutHeatNarrow(lay heatNarrowLayout, W float64) heatNarrowLayout {
	y := pad
	for i := range lay.blocks {
		b := &lay.blocks[i]
		b.top = y
		b.row0 = y + float64(len(b.lines))*lineH + 4
		y = b.row0 + float64(len(lay.rows))*hnRowH + hnGap
	}
	lay.bottom = y - hnGap
	return lay
}

// drawHeatNarrow draws the blocks and returns the description of each
// competency and whether a cell was suppressed.
func drawHeatNarrow(c *canvas, lay heatNarrowLayout, rows []HeatRow, opt HeatmapOptions, supText string) ([]string, bool) {
	var desc []string
	anyNil := false
	for j, b := range lay.blocks {
		c.text(txt{x: pad, y: b.top + 13, lines: b.lines, bold: true, title: nameTip(joinLines(b.lines), b.full)})
		var cells []string
		for i, r := range lay.rows {
			y := b.row0 + float64(i)*hnRowH
			if i%2 == 1 {
				c.rect(pad-4, y, lay.cellX+hnCellW-pad+8, hnRowH, colBand)
			}
			ly := y + hnRowH/2 + 4.5
			c.text(txt{x: pad, y: ly, lines: []string{r.shown}, title: nameTip(r.shown, r.full)})
			if r.n != "" {
				c.label(pad+textW(r.shown, fs, false)+8, ly, r.n, fsS, "", colMuted)
			}
			cy := y + (hnRowH-hnCellH)/2
			tip := r.full + ", " + b.full + ": "
			var v float64
			ok := false
			if j < len(rows[i].Cells) {
				v, ok = val(rows[i].Cells[j])
			}
			if !ok {
				anyNil = true
				c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="url(#%s-hatch)">%s</rect>`,
					f(lay.cellX), f(cy), f(hnCellW), f(hnCellH), opt.id(), title(tip+supText))
				c.text(txt{x: lay.cellX + hnCellW/2, y: cy + hnCellH/2 + 5, lines: []string{"–"}, bold: true, anchor: "middle"})
				cells = append(cells, r.full+" "+supText)
				continue
			}
			fill, ink := opt.Color(v)
			c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s" stroke="#e5e7eb" stroke-width="0.5">%s</rect>`,
				f(lay.cellX), f(cy), f(hnCellW), f(hnCellH), fill, title(tip+exact(v)))
			c.text(txt{x: lay.cellX + hnCellW/2, y: cy + hnCellH/2 + 4.5, lines: []string{one(v)}, bold: true, anchor: "middle", fill: ink})
			cells = append(cells, r.full+" "+one(v))
		}
		desc = append(desc, b.full+": "+strings.Join(cells, ", "))
	}
	return desc, anyNil
}
