package chart

import (
	"html/template"
	"math"
	"sort"
)

// Bar is one competency of a ScoreBars chart.
type Bar struct {
	Label string
	// Value is the score, 0..100; nil when the competency has no score.
	Value *float64
	// Low and High are the bounds of the 95% confidence interval; the
	// whisker is drawn only when both are present.
	Low, High *float64
	// Highlight marks the weakest link: another fill and a text label.
	Highlight bool
}

// BarsOptions configures ScoreBars.
type BarsOptions struct {
	Frame
	// Thresholds are the stages' `from` values: vertical reference lines
	// labelled with the stage names at the top, with alternate stage bands
	// shaded.
	Thresholds []Threshold
	// WeakBelow, when set, draws a dashed line labelled "weak below N".
	WeakBelow *float64
	// HighlightText labels the highlighted bar; default "weakest link".
	HighlightText string
}

type barRow struct {
	full      string
	lines     []string
	v         float64
	ok        bool
	lo, hi    float64
	ci        bool
	hl        bool
	hlInLabel bool // the highlight text goes under the label (no room right of the value)
	top, h    float64
	cy        float64
}

// ScoreBars draws one horizontal bar per competency on a 0..100 axis, with
// the 95% confidence interval as a whisker, the value printed after the
// bar, optional stage thresholds and weak line, and highlighted weakest link.
func ScoreBars(bars []Bar, opt BarsOptions) template.HTML {
	const defTitle = "Competency scores"
	if len(bars) == 0 {
		return note(opt.Frame, defTitle, "No scores to show.")
	}
	W := opt.width()
	narrow := W < NarrowWidth
	hlText := clean(opt.HighlightText)
	if hlText == "" {
		hlText = "weakest link"
	}
	hlText, _ = fit(hlText, 160, fs, true)
	valueW := textW("100.0", fs, true)
	rightM := valueW + 10 + pad

	rows := make([]barRow, len(bars))
	labelW := 0.0
	maxLW := W * 0.32
	if narrow {
		maxLW = W - 2*pad
	}
	for i, b := range bars {
		r := &rows[i]
		r.full = clean(b.Label)
		r.lines, _ = wrap(r.full, maxLW, fs, false, 2)
		if len(r.lines) == 0 {
			r.lines = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(r.lines, fs, false))
		r.v, r.ok = val(b.Value)
		lo, okl := val(b.Low)
		hi, okh := val(b.High)
		if okl && okh {
			if lo > hi {
				lo, hi = hi, lo
			}
			r.lo, r.hi, r.ci = lo, hi, true
		}
		r.hl = b.Highlight
	}
	x0 := pad
	if !narrow {
		x0 = pad + labelW + labGap + 2
	}
	plotW := W - x0 - rightM
	xOf := func(v float64) float64 { return x0 + clamp100(v)/100*plotW }

	// Threshold labels at the top, staggered into rows when they collide.
	type thr struct {
		x     float64
		label string
		weak  bool
	}
	var thrs []thr
	sorted := append([]Threshold(nil), opt.Thresholds...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].Value < sorted[j].Value })
	for _, t := range sorted {
		if finite(t.Value) {
			l, _ := fit(clean(t.Label), math.Max(plotW/2, 60), fsS, false)
			thrs = append(thrs, thr{x: xOf(t.Value), label: l})
		}
	}
	weak, hasWeak := val(opt.WeakBelow)
	if hasWeak {
		thrs = append(thrs, thr{x: xOf(weak), label: "weak below " + exact(clamp100(weak)), weak: true})
	}
	spans := make([][2]float64, len(thrs))
	for i, t := range thrs {
		w := textW(t.label, fsS, t.weak)
		var s float64
		if t.weak {
			s = t.x - 4 - w
		} else {
			s = t.x + 4
		}
		s = clamp(s, pad, W-pad-w)
		spans[i] = [2]float64{s, s + w}
	}
	// The weak label gets a row of its own above the stage labels, so it
	// never pushes them around.
	var stageSpans [][2]float64
	for i, t := range thrs {
		if !t.weak {
			stageSpans = append(stageSpans, spans[i])
		}
	}
	stageRow, nRows := stagger(stageSpans, 8, 3)
	thrRow := make([]int, len(thrs))
	off := 0
	if hasWeak {
		off = 1
		nRows++
	}
	for i, k := 0, 0; i < len(thrs); i++ {
		if !thrs[i].weak {
			thrRow[i] = stageRow[k] + off
			k++
		}
	}
	top := pad
	if nRows > 0 {
		top += float64(nRows)*lineH + 6
	}

	// Rows.
	y := top
	for i := range rows {
		r := &rows[i]
		if r.hl && r.ok {
			end := math.Max(xOf(r.v), 0)
			if r.ci {
				end = math.Max(end, xOf(r.hi))
			}
			r.hlInLabel = end+6+textW(one(r.v), fs, true)+6+textW(hlText, fs, true) > W-pad
		}
		n := float64(len(r.lines))
		if r.hlInLabel {
			n++
		}
		r.top = y
		if narrow {
			r.h = n*lineH + 34
			r.cy = y + n*lineH + 17
		} else {
			r.h = math.Max(38, n*lineH+14)
			r.cy = y + r.h/2
		}
		y += r.h
	}
	bottom := y

	var c canvas
	// Stage bands, reference lines and their labels.
	for i, t := range thrs {
		if t.weak {
			continue
		}
		next := x0 + plotW
		for _, u := range thrs[i+1:] {
			if !u.weak {
				next = u.x
				break
			}
		}
		if i%2 == 1 && next > t.x {
			c.rect(t.x, top, next-t.x, bottom-top, colBand)
		}
	}
	if len(thrs) == 0 {
		for _, t := range []float64{25, 50, 75, 100} {
			c.line(xOf(t), top, xOf(t), bottom, colGrid, 1, "")
		}
	}
	for i, t := range thrs {
		ly := pad + float64(thrRow[i])*lineH + 12
		if t.weak {
			c.line(t.x, ly-10, t.x, bottom, colHi, 1.5, "5 4")
			c.text(txt{x: spans[i][0], y: ly, lines: []string{t.label}, size: fsS, bold: true, fill: colHi, halo: true})
		} else {
			c.line(t.x, ly-10, t.x, bottom, colRef, 1, "")
			c.label(spans[i][0], ly, t.label, fsS, "", colMuted)
		}
	}

	barH := 20.0
	if narrow {
		barH = 18
	}
	for i := range rows {
		r := &rows[i]
		// Label.
		lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full), halo: narrow}
		if narrow {
			lt.x, lt.y = pad, r.top+lineH
		} else {
			n := float64(len(r.lines))
			if r.hlInLabel {
				n++
			}
			lt.x, lt.y, lt.anchor = x0-labGap-2, r.cy-(n-1)*lineH/2+4.5, "end"
		}
		c.text(lt)
		if r.hlInLabel {
			hl := lt
			hl.lines, hl.title, hl.bold, hl.fill = []string{hlText}, "", true, colHi
			hl.y += float64(len(r.lines)) * lineH
			c.text(hl)
		}
		name := r.full
		if name == "" {
			name = "(unnamed)"
		}
		if !r.ok {
			c.text(txt{x: x0 + 4, y: r.cy + 4.5, lines: []string{"–"}, fill: colMuted, title: name + ": no score"})
			continue
		}
		fill := colBar
		if r.hl {
			fill = colHi
		}
		tip := name + ": " + exact(r.v)
		if r.ci {
			tip += " (95% CI " + exact(r.lo) + " to " + exact(r.hi) + ")"
		}
		if r.hl {
			tip += ", " + hlText
		}
		c.add(`<rect class="cxm-bar" x="%s" y="%s" width="%s" height="%s" fill="%s">%s</rect>`,
			f(x0), f(r.cy-barH/2), f(xOf(r.v)-x0), f(barH), fill, title(tip))
		end := xOf(r.v)
		if r.ci {
			xl, xh := xOf(r.lo), xOf(r.hi)
			c.add(`<g class="cxm-ci" stroke="%s" stroke-width="1.5">%s`, colWhisker, title("95% CI "+exact(r.lo)+" to "+exact(r.hi)))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(xl), f(r.cy), f(xh), f(r.cy))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(xl), f(r.cy-6), f(xl), f(r.cy+6))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(xh), f(r.cy-6), f(xh), f(r.cy+6))
			c.add(`</g>`)
			end = math.Max(end, xh)
		}
		vx := end + 6
		vfill := colInk
		if r.hl {
			vfill = colHi
		}
		c.text(txt{x: vx, y: r.cy + 4.5, lines: []string{one(r.v)}, bold: true, fill: vfill, class: "cxm-value", halo: true})
		if r.hl && !r.hlInLabel {
			c.text(txt{x: vx + textW(one(r.v), fs, true) + 6, y: r.cy + 4.5, lines: []string{hlText}, bold: true, fill: colHi, halo: true})
		}
	}
	c.axisTicks(x0, plotW, bottom)
	h := bottom + 24 + pad

	var desc []string
	for _, r := range rows {
		s := r.full + " "
		if r.ok {
			s += one(r.v)
			if r.ci {
				s += " (95% CI " + one(r.lo) + " to " + one(r.hi) + ")"
			}
			if r.hl {
				s += ", " + hlText
			}
		} else {
			s += "no score"
		}
		desc = append(desc, s)
	}
	d := "Scores from 0 to 100. " + joinDesc(desc) + "."
	if len(thrs) > 0 {
		var ts []string
		for _, t := range sorted {
			if finite(t.Value) {
				ts = append(ts, clean(t.Label)+" from "+exact(clamp100(t.Value)))
			}
		}
		if len(ts) > 0 {
			d += " Stages: " + joinDesc(ts) + "."
		}
		if hasWeak {
			d += " Weak below " + exact(clamp100(weak)) + "."
		}
	}
	return document(opt.Frame, defTitle, d, W, h, &c)
}
