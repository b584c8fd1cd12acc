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
	l := layoutBars(measureBars(bars, opt))
	var c canvas
	l.drawThresholds(&c)
	for i := range l.rows {
		l.drawRow(&c, &l.rows[i])
	}
	c.axisTicks(l.x0, l.plotW, l.bottom)
	h := l.bottom + 24 + pad
	return document(opt.Frame, defTitle, l.desc(), l.W, h, &c)
}

// barsData is what the bars show, measured: each row's wrapped label and
// figures, the thresholds in order and the weak line.
type barsData struct {
	W       float64
	narrow  bool
	hlText  string
	rows    []barRow
	labelW  float64     // the widest label
	sorted  []Threshold // the thresholds, lowest first
	weak    float64
	hasWeak bool
}

func measureBars(bars []Bar, opt BarsOptions) *barsData {
	m := &barsData{W: opt.width()}
	m.narrow = m.W < NarrowWidth
	m.hlText = clean(opt.HighlightText)
	if m.hlText == "" {
		m.hlText = "weakest link"
	}
	m.hlText, _ = fit(m.hlText, 160, fs, true)
	m.rows = make([]barRow, len(bars))
	maxLW := m.W * 0.32
	if m.narrow {
		maxLW = m.W - 2*pad
	}
	for i, b := range bars {
		r := &m.rows[i]
		r.full = clean(b.Label)
		r.lines, _ = wrap(r.full, maxLW, fs, false, 2)
		if len(r.lines) == 0 {
			r.lines = []string{"–"}
		}
		m.labelW = math.Max(m.labelW, maxWidth(r.lines, fs, false))
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
	m.sorted = append([]Threshold(nil), opt.Thresholds...)
	sort.SliceStable(m.sorted, func(i, j int) bool { return m.sorted[i].Value < m.sorted[j].Value })
	m.weak, m.hasWeak = val(opt.WeakBelow)
	return m
}

// barThreshold is a reference line with its label at the top.
type barThreshold struct {
	x     float64
	label string
	weak  bool
}

// barsLayout places the plot, the threshold labels (staggered into rows
// when they collide) and each row.
type barsLayout struct {
	*barsData
	x0, plotW   float64
	thrs        []barThreshold
	spans       [][2]float64 // each threshold label's extent
	thrRow      []int        // each threshold label's row
	top, bottom float64
}

func layoutBars(m *barsData) *barsLayout {
	l := &barsLayout{barsData: m, x0: pad}
	if !m.narrow {
		l.x0 = pad + m.labelW + labGap + 2
	}
	valueW := textW("100.0", fs, true)
	l.plotW = m.W - l.x0 - (valueW + 10 + pad)
	nRows := l.placeThresholds()
	l.top = pad
	if nRows > 0 {
		l.top += float64(nRows)*lineH + 6
	}
	l.placeRows()
	return l
}

func (l *barsLayout) xOf(v float64) float64 { return l.x0 + clamp100(v)/100*l.plotW }

// placeThresholds places the threshold labels and returns how many rows
// they take. The weak label gets a row of its own above the stage labels,
// so it never pushes them around.
func (l *barsLayout) placeThresholds() (nRows int) {
	for _, t := range l.sorted {
		if finite(t.Value) {
			lab, _ := fit(clean(t.Label), math.Max(l.plotW/2, 60), fsS, false)
			l.thrs = append(l.thrs, barThreshold{x: l.xOf(t.Value), label: lab})
		}
	}
	if l.hasWeak {
		l.thrs = append(l.thrs, barThreshold{x: l.xOf(l.weak), label: "weak below " + exact(clamp100(l.weak)), weak: true})
	}
	l.spans = make([][2]float64, len(l.thrs))
	for i, t := range l.thrs {
		w := textW(t.label, fsS, t.weak)
		var s float64
		if t.weak {
			s = t.x - 4 - w
		} else {
			s = t.x + 4
		}
		s = clamp(s, pad, l.W-pad-w)
		l.spans[i] = [2]float64{s, s + w}
	}
	var stageSpans [][2]float64
	for i, t := range l.thrs {
		if !t.weak {
			stageSpans = append(stageSpans, l.spans[i])
		}
	}
	stageRow, nRows := stagger(stageSpans, 8, 3)
	l.thrRow = make([]int, len(l.thrs))
	off := 0
	if l.hasWeak {
		off = 1
		nRows++
	}
	for i, k := 0, 0; i < len(l.thrs); i++ {
		if !l.thrs[i].weak {
			l.thrRow[i] = stageRow[k] + off
			k++
		}
	}
	return nRows
}

// placeRows gives each row its height and centre; the highlight text goes
// under the label when there is no room right of the value.
func (l *barsLayout) placeRows() {
	y := l.top
	for i := range l.rows {
		r := &l.rows[i]
		if r.hl && r.ok {
			end := math.Max(l.xOf(r.v), 0)
			if r.ci {
				end = math.Max(end, l.xOf(r.hi))
			}
			r.hlInLabel = end+6+textW(one(r.v), fs, true)+6+textW(l.hlText, fs, true) > l.W-pad
		}
		n := float64(len(r.lines))
		if r.hlInLabel {
			n++
		}
		r.top = y
		if l.narrow {
			r.h = n*lineH + 34
			r.cy = y + n*lineH + 17
		} else {
			r.h = math.Max(38, n*lineH+14)
			r.cy = y + r.h/2
		}
		y += r.h
	}
	l.bottom = y
}

// drawThresholds draws the stage bands, the reference lines and their
// labels, or a plain grid when there are no thresholds.
func (l *barsLayout) drawThresholds(c *canvas) {
	for i, t := range l.thrs {
		if t.weak {
			continue
		}
		next := l.x0 + l.plotW
		for _, u := range l.thrs[i+1:] {
			if !u.weak {
				next = u.x
				break
			}
		}
		if i%2 == 1 && next > t.x {
			c.rect(t.x, l.top, next-t.x, l.bottom-l.top, colBand)
		}
	}
	if len(l.thrs) == 0 {
		for _, t := range []float64{25, 50, 75, 100} {
			c.line(l.xOf(t), l.top, l.xOf(t), l.bottom, colGrid, 1, "")
		}
	}
	for i, t := range l.thrs {
		ly := pad + float64(l.thrRow[i])*lineH + 12
		if t.weak {
			c.line(t.x, ly-10, t.x, l.bottom, colHi, 1.5, "5 4")
			c.text(txt{x: l.spans[i][0], y: ly, lines: []string{t.label}, size: fsS, bold: true, fill: colHi, halo: true})
		} else {
			c.line(t.x, ly-10, t.x, l.bottom, colRef, 1, "")
			c.label(l.spans[i][0], ly, t.label, fsS, "", colMuted)
		}
	}
}

// drawRow draws one row: its label, the bar, the whisker and the value.
func (l *barsLayout) drawRow(c *canvas, r *barRow) {
	lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full), halo: l.narrow}
	if l.narrow {
		lt.x, lt.y = pad, r.top+lineH
	} else {
		n := float64(len(r.lines))
		if r.hlInLabel {
			n++
		}
		lt.x, lt.y, lt.anchor = l.x0-labGap-2, r.cy-(n-1)*lineH/2+4.5, "end"
	}
	c.text(lt)
	if r.hlInLabel {
		hl := lt
		hl.lines, hl.title, hl.bold, hl.fill = []string{l.hlText}, "", true, colHi
		hl.y += float64(len(r.lines)) * lineH
		c.text(hl)
	}
	name := r.full
	if name == "" {
		name = "(unnamed)"
	}
	if !r.ok {
		c.text(txt{x: l.x0 + 4, y: r.cy + 4.5, lines: []string{"–"}, fill: colMuted, title: name + ": no score"})
		return
	}
	barH := 20.0
	if l.narrow {
		barH = 18
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
		tip += ", " + l.hlText
	}
	c.add(`<rect class="cxm-bar" x="%s" y="%s" width="%s" height="%s" fill="%s">%s</rect>`,
		f(l.x0), f(r.cy-barH/2), f(l.xOf(r.v)-l.x0), f(barH), fill, title(tip))
	end := l.xOf(r.v)
	if r.ci {
		xl, xh := l.xOf(r.lo), l.xOf(r.hi)
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
		c.text(txt{x: vx + textW(one(r.v), fs, true) + 6, y: r.cy + 4.5, lines: []string{l.hlText}, bold: true, fill: colHi, halo: true})
	}
}

// desc is the chart's text equivalent for screen readers.
func (l *barsLayout) desc() string {
	var desc []string
	for _, r := range l.rows {
		s := r.full + " "
		if r.ok {
			s += one(r.v)
			if r.ci {
				s += " (95% CI " + one(r.lo) + " to " + one(r.hi) + ")"
			}
			if r.hl {
				s += ", " + l.hlText
			}
		} else {
			s += "no score"
		}
		desc = append(desc, s)
	}
	d := "Scores from 0 to 100. " + joinDesc(desc) + "."
	if len(l.thrs) > 0 {
		var ts []string
		for _, t := range l.sorted {
			if finite(t.Value) {
				ts = append(ts, clean(t.Label)+" from "+exact(clamp100(t.Value)))
			}
		}
		if len(ts) > 0 {
			d += " Stages: " + joinDesc(ts) + "."
		}
		if l.hasWeak {
			d += " Weak below " + exact(clamp100(l.weak)) + "."
		}
	}
	return d
}
