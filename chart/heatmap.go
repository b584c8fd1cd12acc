package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// HeatRow is one row of a Heatmap, typically a department.
type HeatRow struct {
	Label string
	// N is the number of respondents, shown under the label when > 0.
	N int
	// Cells holds one score per column, 0..100; nil (or a missing entry)
	// is a suppressed cell, drawn hatched with "–".
	Cells []*float64
}

// HeatmapOptions configures Heatmap.
type HeatmapOptions struct {
	Frame
	// Diverging uses a red–white–blue scale around Midpoint instead of the
	// default light-to-dark blue scale.
	Diverging bool
	// Midpoint is the white point of the diverging scale; values outside
	// 1..99 (and 0, the zero value) mean 50.
	Midpoint float64
	// SuppressedText explains a nil cell; default "too few respondents to
	// show".
	SuppressedText string
}

// Scale ends and stops. Both scales are colorblind-safe (ColorBrewer
// Blues and RdBu); values are printed in every cell as well.
var (
	seqStops  = []string{"#deebf7", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b"}
	divLow    = []string{"#b2182b", "#d6604d", "#f4a582", "#fddbc7", "#f7f7f7"}
	divHigh   = []string{"#f7f7f7", "#d1e5f0", "#92c5de", "#4393c3", "#2166ac"}
	hatchFill = "#f3f4f6"
)

func (o HeatmapOptions) midpoint() float64 {
	m := o.Midpoint
	if !finite(m) || m < 1 || m > 99 {
		return 50
	}
	return m
}

// Color returns the fill of a cell with value v (0..100, clamped) on the
// options' scale and the text color (black or white) that contrasts
// most with it. It can color table cells consistently with the heatmap.
func (o HeatmapOptions) Color(v float64) (fill, ink string) {
	if !finite(v) {
		return hatchFill, colInk
	}
	v = clamp100(v)
	if o.Diverging {
		m := o.midpoint()
		if v < m {
			fill = ramp(divLow, v/m)
		} else {
			fill = ramp(divHigh, (v-m)/(100-m))
		}
	} else {
		fill = ramp(seqStops, v/100)
	}
	return fill, inkOn(fill)
}

// Heatmap draws rows (e.g. departments, with their n) × columns (e.g.
// competencies); each cell is colored by its score with the value printed
// in it, suppressed cells are hatched, and a legend shows the color scale.
func Heatmap(columns []string, rows []HeatRow, opt HeatmapOptions) template.HTML {
	const defTitle = "Scores by group"
	if len(columns) == 0 || len(rows) == 0 {
		return note(opt.Frame, defTitle, "No groups to show.")
	}
	l := layoutHeatmap(columns, rows, opt)
	var c canvas
	c.defs.WriteString(`<pattern id="` + l.id + `-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="` + hatchFill + `"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="2"/></pattern>`)
	l.drawHeaders(&c)
	anyNil := false
	var desc []string
	for i := range rows {
		d, hatched := l.drawRow(&c, i)
		desc = append(desc, d)
		anyNil = anyNil || hatched
	}
	bottom := l.top + float64(len(rows))*l.rowH
	// Legend: the color scale, and the hatch when a cell is suppressed.
	h := heatLegend(&c, opt, l.id, l.x0, bottom+16, l.W, anyNil, l.supText) + pad
	d := "Scores from 0 to 100 by group for " + strings.Join(l.colNames, ", ") + ". " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, l.W, h, &c)
}

// heatLayout is a heatmap measured and placed: the rows' labels, the
// columns' headers (upright in up to three lines, or at 45°), the cells'
// size and where the grid starts.
type heatLayout struct {
	opt                HeatmapOptions
	rows               []HeatRow
	W                  float64
	id, supText        string
	narrow             bool
	rowNames, colNames []string
	rowLines, colLines [][]string
	x0, top            float64
	cellW, cellH       float64
	rowH, cellOff      float64 // a row's height, and its cells' offset under a narrow label
	hs                 float64 // the headers' font size
	hb, angled         bool
}

func layoutHeatmap(columns []string, rows []HeatRow, opt HeatmapOptions) *heatLayout {
	l := &heatLayout{opt: opt, rows: rows, W: opt.width(), id: opt.id(), supText: clean(opt.SuppressedText)}
	if l.supText == "" {
		l.supText = "too few respondents to show"
	}
	// Narrow: each row's label goes on a line above its cells, so the
	// cells get the full width.
	l.narrow = l.W < NarrowWidth
	labelW, maxRowLines := l.measureRows()
	nc := float64(len(columns))
	l.x0 = pad + labelW + labGap
	l.cellW = math.Min((l.W-pad-l.x0)/nc, 150)
	l.cellH = math.Max(40, float64(maxRowLines)*lineH+10)
	l.rowH = l.cellH
	if l.narrow {
		l.x0 = pad
		l.cellW = math.Min((l.W-2*pad)/nc, 150)
		l.cellH = 36
		l.cellOff = lineH + 4
		l.rowH = l.cellOff + l.cellH + 4
	}
	l.colNames = make([]string, len(columns))
	for j, c := range columns {
		l.colNames[j] = clean(c)
	}
	l.top = pad + l.layoutHeaders() + 10
	return l
}

// measureRows wraps the rows' labels; it returns the widest and the most
// lines one takes (its n included).
func (l *heatLayout) measureRows() (labelW float64, maxRowLines int) {
	l.rowNames = make([]string, len(l.rows))
	l.rowLines = make([][]string, len(l.rows))
	maxRowLines = 1
	for i, r := range l.rows {
		l.rowNames[i] = clean(r.Label)
		if l.narrow {
			nt := ""
			if r.N > 0 {
				nt = "n = " + strconv.Itoa(r.N)
			}
			line, _ := fit(l.rowNames[i], l.W-2*pad-textW(nt, fsS, false)-10, fs, false)
			l.rowLines[i] = []string{line}
			continue
		}
		l.rowLines[i], _ = wrap(l.rowNames[i], math.Min(l.W*0.28, 220), fs, false, 2)
		if len(l.rowLines[i]) == 0 {
			l.rowLines[i] = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(l.rowLines[i], fs, false))
		k := len(l.rowLines[i])
		if r.N > 0 {
			labelW = math.Max(labelW, textW("n = "+strconv.Itoa(r.N), fsS, false))
			k++
		}
		maxRowLines = max(maxRowLines, k)
	}
	return labelW, maxRowLines
}

// layoutHeaders chooses the largest style in which every header fits in
// three lines without breaking a word, or else sets them at 45°; it returns
// the headers' height.
func (l *heatLayout) layoutHeaders() float64 {
	l.hs, l.hb, l.angled = fsS, false, true
	for _, st := range []struct {
		size float64
		bold bool
	}{{fs, true}, {fsS, true}, {fsS, false}} {
		ok := true
		for _, name := range l.colNames {
			_, cut := wrap(name, l.cellW-6, st.size, st.bold, 3)
			if cut || !wordsFit(name, l.cellW-6, st.size, st.bold) {
				ok = false
				break
			}
		}
		if ok {
			l.hs, l.hb, l.angled = st.size, st.bold, false
			break
		}
	}
	l.colLines = make([][]string, len(l.colNames))
	if l.angled {
		return l.layoutAngled()
	}
	maxColLines := 1
	for j := range l.colNames {
		l.colLines[j], _ = wrap(l.colNames[j], l.cellW-6, l.hs, l.hb, 3)
		if len(l.colLines[j]) == 0 {
			l.colLines[j] = []string{"–"}
		}
		maxColLines = max(maxColLines, len(l.colLines[j]))
	}
	return float64(maxColLines)*lineH - 4
}

// layoutAngled sets the headers that cannot fit upright at 45°, one line
// each, shortened if need be; the cells narrow so that the last header
// stays inside the chart. It returns the headers' height.
func (l *heatLayout) layoutAngled() float64 {
	const k = math.Sqrt2 / 2
	nc := len(l.colNames)
	for maxL := 240.0; ; maxL -= 10 {
		cw := (l.W - pad - l.x0) / float64(nc)
		longest := 0.0
		for j, name := range l.colNames {
			line, _ := fit(name, maxL, fsS, true)
			if line == "" {
				line = "–"
			}
			l.colLines[j] = []string{line}
			L := textW(line, fsS, true)
			longest = math.Max(longest, L)
			cw = math.Min(cw, (l.W-pad-l.x0-k*L+4)/(float64(j)+0.5))
		}
		if cw >= 40 || maxL <= 60 {
			l.cellW = math.Max(cw, 20)
			return longest*k + 8
		}
	}
}

// drawHeaders writes the columns' headers above the grid.
func (l *heatLayout) drawHeaders(c *canvas) {
	for j := range l.colNames {
		cx := l.x0 + (float64(j)+0.5)*l.cellW
		tip := nameTip(joinLines(l.colLines[j]), l.colNames[j])
		if l.angled {
			c.add(`<text transform="translate(%s %s) rotate(-45)" font-size="%s" font-weight="bold" fill="%s">%s%s</text>`,
				f(cx-2), f(l.top-6), f(fsS), colInk, title(tip), esc(l.colLines[j][0]))
			continue
		}
		y := l.top - 8 - float64(len(l.colLines[j])-1)*lineH
		c.text(txt{x: cx, y: y, lines: l.colLines[j], size: l.hs, bold: l.hb, anchor: "middle", title: tip})
	}
}

// drawRow draws row i: its label and n, then its cells. It returns the
// row's description for screen readers and whether a cell was hatched.
func (l *heatLayout) drawRow(c *canvas, i int) (desc string, hatched bool) {
	r := l.rows[i]
	y := l.top + float64(i)*l.rowH
	rname := l.rowNames[i]
	if r.N > 0 {
		rname += " (n = " + strconv.Itoa(r.N) + ")"
	}
	if l.narrow {
		ly := y + lineH - 2
		c.text(txt{x: pad, y: ly, lines: l.rowLines[i], title: nameTip(l.rowLines[i][0], l.rowNames[i])})
		if r.N > 0 {
			c.label(pad+textW(l.rowLines[i][0], fs, false)+8, ly, "n = "+strconv.Itoa(r.N), fsS, "", colMuted)
		}
	} else {
		k := len(l.rowLines[i])
		if r.N > 0 {
			k++
		}
		ly := y + l.cellH/2 - float64(k-1)*lineH/2 + 4.5
		c.text(txt{x: l.x0 - labGap, y: ly, lines: l.rowLines[i], anchor: "end", title: nameTip(joinLines(l.rowLines[i]), l.rowNames[i])})
		if r.N > 0 {
			c.label(l.x0-labGap, ly+float64(len(l.rowLines[i]))*lineH, "n = "+strconv.Itoa(r.N), fsS, "end", colMuted)
		}
	}
	y += l.cellOff
	var cells []string
	for j := range l.colNames {
		var v float64
		ok := false
		if j < len(r.Cells) {
			v, ok = val(r.Cells[j])
		}
		if !ok {
			hatched = true
		}
		cells = append(cells, l.drawCell(c, i, j, l.x0+float64(j)*l.cellW, y, v, ok))
	}
	return rname + ": " + strings.Join(cells, ", "), hatched
}

// drawCell draws one cell, hatched with "–" when it has no value, and
// returns its description.
func (l *heatLayout) drawCell(c *canvas, i, j int, x, y, v float64, ok bool) string {
	tipHead := l.rowNames[i] + ", " + l.colNames[j] + ": "
	if !ok {
		c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="url(#%s-hatch)">%s</rect>`,
			f(x+1), f(y+1), f(l.cellW-2), f(l.cellH-2), l.id, title(tipHead+l.supText))
		c.text(txt{x: x + l.cellW/2, y: y + l.cellH/2 + 5, lines: []string{"–"}, bold: true, anchor: "middle", fill: colInk, halo: false})
		return l.colNames[j] + " " + l.supText
	}
	fill, ink := l.opt.Color(v)
	c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s" stroke="#e5e7eb" stroke-width="0.5">%s</rect>`,
		f(x+1), f(y+1), f(l.cellW-2), f(l.cellH-2), fill, title(tipHead+exact(v)))
	vt := one(v)
	switch {
	case textW(vt, fs, true)+6 <= l.cellW:
		c.text(txt{x: x + l.cellW/2, y: y + l.cellH/2 + 4.5, lines: []string{vt}, bold: true, anchor: "middle", fill: ink})
	case textW(vt, fsS, false)+2 <= l.cellW:
		c.text(txt{x: x + l.cellW/2, y: y + l.cellH/2 + 4, lines: []string{vt}, size: fsS, anchor: "middle", fill: ink})
	}
	return l.colNames[j] + " " + one(v)
}

// heatLegend draws the color scale (from x0 when there is room) at y, and
// the hatch's meaning when a cell is suppressed; it returns the bottom.
func heatLegend(c *canvas, opt HeatmapOptions, id string, x0, ly, W float64, anyNil bool, supText string) float64 {
	gx := x0
	gw := math.Min(240, W-pad-x0)
	if sw := textW("Score", fsS, false) + 8; gw < 140 || gx-pad < sw {
		gx, gw = pad+textW("Score", fsS, false)+8, math.Min(240, W-2*pad-textW("Score", fsS, false)-8)
	}
	c.defs.WriteString(`<linearGradient id="` + id + `-scale" x1="0" x2="1" y1="0" y2="0">`)
	if opt.Diverging {
		m := opt.midpoint() / 100
		for k, s := range divLow {
			c.defs.WriteString(`<stop offset="` + f(m*float64(k)/float64(len(divLow)-1)) + `" stop-color="` + s + `"/>`)
		}
		for k, s := range divHigh[1:] {
			c.defs.WriteString(`<stop offset="` + f(m+(1-m)*float64(k+1)/float64(len(divHigh)-1)) + `" stop-color="` + s + `"/>`)
		}
	} else {
		for k, s := range seqStops {
			c.defs.WriteString(`<stop offset="` + f(float64(k)/float64(len(seqStops)-1)) + `" stop-color="` + s + `"/>`)
		}
	}
	c.defs.WriteString(`</linearGradient>`)
	c.label(gx-8, ly+10.5, "Score", fsS, "end", colMuted)
	c.add(`<rect class="cxm-scale" x="%s" y="%s" width="%s" height="12" fill="url(#%s-scale)" stroke="#9ca3af" stroke-width="0.5"/>`, f(gx), f(ly), f(gw), id)
	for _, t := range []float64{0, 25, 50, 75, 100} {
		x := gx + t/100*gw
		c.line(x, ly+12, x, ly+16, colAxis, 1, "")
		c.label(x, ly+29, strconv.Itoa(int(t)), fsS, "middle", colMuted)
	}
	h := ly + 34
	if anyNil {
		sw := 18.0
		tw := textW(supText, fsS, false)
		sx, sy := gx+gw+24, ly
		if sx+sw+6+tw > W-pad {
			sx, sy = gx, ly+40
			h = sy + 16
		}
		c.add(`<rect x="%s" y="%s" width="%s" height="12" fill="url(#%s-hatch)" stroke="#9ca3af" stroke-width="0.5"/>`, f(sx), f(sy), f(sw), id)
		t, _ := fit("– "+supText, W-pad-(sx+sw+6), fsS, false)
		c.label(sx+sw+6, sy+10.5, t, fsS, "", colInk)
	}
	return h
}
