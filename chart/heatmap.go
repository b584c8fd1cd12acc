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
	nc, nr := len(columns), len(rows)
	if nc == 0 || nr == 0 {
		return note(opt.Frame, defTitle, "No groups to show.")
	}
	W := opt.width()
	id := opt.id()
	supText := clean(opt.SuppressedText)
	if supText == "" {
		supText = "too few respondents to show"
	}

	// Row labels.
	rowNames := make([]string, nr)
	rowLines := make([][]string, nr)
	labelW := 0.0
	maxRowLines := 1
	// Narrow: each row's label goes on a line above its cells, so the
	// cells get the full width.
	narrow := W < NarrowWidth
	for i, r := range rows {
		rowNames[i] = clean(r.Label)
		if narrow {
			nt := ""
			if r.N > 0 {
				nt = "n = " + strconv.Itoa(r.N)
			}
			l, _ := fit(rowNames[i], W-2*pad-textW(nt, fsS, false)-10, fs, false)
			rowLines[i] = []string{l}
			continue
		}
		rowLines[i], _ = wrap(rowNames[i], math.Min(W*0.28, 220), fs, false, 2)
		if len(rowLines[i]) == 0 {
			rowLines[i] = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(rowLines[i], fs, false))
		k := len(rowLines[i])
		if r.N > 0 {
			labelW = math.Max(labelW, textW("n = "+strconv.Itoa(r.N), fsS, false))
			k++
		}
		maxRowLines = max(maxRowLines, k)
	}
	x0 := pad + labelW + labGap
	cellW := math.Min((W-pad-x0)/float64(nc), 150)
	cellH := math.Max(40, float64(maxRowLines)*lineH+10)
	rowH, cellOff := cellH, 0.0
	if narrow {
		x0 = pad
		cellW = math.Min((W-2*pad)/float64(nc), 150)
		cellH = 36
		cellOff = lineH + 4
		rowH = cellOff + cellH + 4
	}

	// Column headers: the largest style in which every header fits in
	// three lines without breaking a word.
	colNames := make([]string, nc)
	for j, c := range columns {
		colNames[j] = clean(c)
	}
	hs, hb, angled := fsS, false, true
	for _, st := range []struct {
		size float64
		bold bool
	}{{fs, true}, {fsS, true}, {fsS, false}} {
		ok := true
		for _, name := range colNames {
			_, cut := wrap(name, cellW-6, st.size, st.bold, 3)
			if cut || !wordsFit(name, cellW-6, st.size, st.bold) {
				ok = false
				break
			}
		}
		if ok {
			hs, hb, angled = st.size, st.bold, false
			break
		}
	}
	colLines := make([][]string, nc)
	maxColLines := 1
	headerH := 0.0
	if angled {
		// Headers that cannot fit upright are set at 45°, one line each,
		// shortened if need be; the cells narrow so that the last header
		// stays inside the chart.
		const k = math.Sqrt2 / 2
		for maxL := 240.0; ; maxL -= 10 {
			cw := (W - pad - x0) / float64(nc)
			longest := 0.0
			for j, name := range colNames {
				l, _ := fit(name, maxL, fsS, true)
				if l == "" {
					l = "–"
				}
				colLines[j] = []string{l}
				L := textW(l, fsS, true)
				longest = math.Max(longest, L)
				cw = math.Min(cw, (W-pad-x0-k*L+4)/(float64(j)+0.5))
			}
			if cw >= 40 || maxL <= 60 {
				cellW = math.Max(cw, 20)
				headerH = longest*k + 8
				break
			}
		}
	} else {
		for j := range columns {
			colLines[j], _ = wrap(colNames[j], cellW-6, hs, hb, 3)
			if len(colLines[j]) == 0 {
				colLines[j] = []string{"–"}
			}
			maxColLines = max(maxColLines, len(colLines[j]))
		}
		headerH = float64(maxColLines)*lineH - 4
	}
	top := pad + headerH + 10

	var c canvas
	c.defs.WriteString(`<pattern id="` + id + `-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="` + hatchFill + `"/><line x1="0" y1="0" x2="0" y2="6" stroke="#9ca3af" stroke-width="2"/></pattern>`)

	for j := range columns {
		cx := x0 + (float64(j)+0.5)*cellW
		tip := nameTip(joinLines(colLines[j]), colNames[j])
		if angled {
			c.add(`<text transform="translate(%s %s) rotate(-45)" font-size="%s" font-weight="bold" fill="%s">%s%s</text>`,
				f(cx-2), f(top-6), f(fsS), colInk, title(tip), esc(colLines[j][0]))
			continue
		}
		y := top - 8 - float64(len(colLines[j])-1)*lineH
		c.text(txt{x: cx, y: y, lines: colLines[j], size: hs, bold: hb, anchor: "middle", title: tip})
	}
	anyNil := false
	var desc []string
	for i, r := range rows {
		y := top + float64(i)*rowH
		rname := rowNames[i]
		if r.N > 0 {
			rname += " (n = " + strconv.Itoa(r.N) + ")"
		}
		if narrow {
			ly := y + lineH - 2
			c.text(txt{x: pad, y: ly, lines: rowLines[i], title: nameTip(rowLines[i][0], rowNames[i])})
			if r.N > 0 {
				c.label(pad+textW(rowLines[i][0], fs, false)+8, ly, "n = "+strconv.Itoa(r.N), fsS, "", colMuted)
			}
		} else {
			k := len(rowLines[i])
			if r.N > 0 {
				k++
			}
			ly := y + cellH/2 - float64(k-1)*lineH/2 + 4.5
			c.text(txt{x: x0 - labGap, y: ly, lines: rowLines[i], anchor: "end", title: nameTip(joinLines(rowLines[i]), rowNames[i])})
			if r.N > 0 {
				c.label(x0-labGap, ly+float64(len(rowLines[i]))*lineH, "n = "+strconv.Itoa(r.N), fsS, "end", colMuted)
			}
		}
		y += cellOff
		var cells []string
		for j := range columns {
			x := x0 + float64(j)*cellW
			var v float64
			ok := false
			if j < len(r.Cells) {
				v, ok = val(r.Cells[j])
			}
			tipHead := rowNames[i] + ", " + colNames[j] + ": "
			if !ok {
				anyNil = true
				c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="url(#%s-hatch)">%s</rect>`,
					f(x+1), f(y+1), f(cellW-2), f(cellH-2), id, title(tipHead+supText))
				c.text(txt{x: x + cellW/2, y: y + cellH/2 + 5, lines: []string{"–"}, bold: true, anchor: "middle", fill: colInk, halo: false})
				cells = append(cells, colNames[j]+" "+supText)
				continue
			}
			fill, ink := opt.Color(v)
			c.add(`<rect class="cxm-cell" x="%s" y="%s" width="%s" height="%s" rx="2" fill="%s" stroke="#e5e7eb" stroke-width="0.5">%s</rect>`,
				f(x+1), f(y+1), f(cellW-2), f(cellH-2), fill, title(tipHead+exact(v)))
			vt := one(v)
			switch {
			case textW(vt, fs, true)+6 <= cellW:
				c.text(txt{x: x + cellW/2, y: y + cellH/2 + 4.5, lines: []string{vt}, bold: true, anchor: "middle", fill: ink})
			case textW(vt, fsS, false)+2 <= cellW:
				c.text(txt{x: x + cellW/2, y: y + cellH/2 + 4, lines: []string{vt}, size: fsS, anchor: "middle", fill: ink})
			}
			cells = append(cells, colNames[j]+" "+one(v))
		}
		desc = append(desc, rname+": "+strings.Join(cells, ", "))
	}
	bottom := top + float64(nr)*rowH

	// Legend: the color scale, and the hatch when a cell is suppressed.
	h := heatLegend(&c, opt, id, x0, bottom+16, W, anyNil, supText) + pad

	colsDesc := strings.Join(colNames, ", ")
	d := "Scores from 0 to 100 by group for " + colsDesc + ". " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, W, h, &c)
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
