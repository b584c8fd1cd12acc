package chart

import (
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Stage is a maturity stage: its id and name (the name is shown; the id
// only matters for matching LadderOptions.Current) and the lowest score that
// reaches it.
type Stage struct {
	ID   string
	Name string
	From float64
}

// Marker places a competency on the ladder.
type Marker struct {
	Label string
	// Value is the competency's score, 0..100; nil draws "–".
	Value *float64
	// Highlight marks the weakest link (other color and shape, and a text).
	Highlight bool
}

// LadderOptions configures StageLadder.
type LadderOptions struct {
	Frame
	// Current is the ID or Name (case-insensitive) of the organization's
	// current stage. When empty, it is the stage of the lowest marker
	// (the weakest-link rule); when nothing matches, no stage is marked.
	Current string
	// Markers optionally places each competency on the ladder.
	Markers []Marker
	// CurrentText labels the current stage; default "Current stage".
	CurrentText string
	// HighlightText labels a highlighted marker; default "weakest link".
	HighlightText string
}

type ladderMark struct {
	full  string
	lines []string
	v     float64
	ok    bool
	stage int
	hl    bool
}

type stepStyle struct{ fill, stroke, ink, sub string }

type ladderStage struct {
	name string
	from float64
	next float64 // the next stage's from, or 100
}

// stageIndex returns the last stage whose from ≤ v, or -1.
func stageIndex(st []ladderStage, v float64) int {
	idx := -1
	for i, s := range st {
		if s.from <= v {
			idx = i
		}
	}
	return idx
}

// StageLadder draws the maturity stages as a staircase from the lowest to
// the highest, marks the current stage and optionally places each
// competency on it. When the stage names do not fit side by side (narrow
// widths, many stages) the ladder is drawn vertically, highest stage on top.
func StageLadder(stages []Stage, opt LadderOptions) template.HTML {
	const defTitle = "Maturity stages"
	l := measureLadder(stages, opt)
	if len(l.st) == 0 {
		return note(opt.Frame, defTitle, "No maturity stages to show.")
	}
	var c canvas
	var h float64
	if l.colW >= l.need {
		h = ladderHorizontal(&c, l.st, l.cur, l.x0, l.colW, l.W, l.narrow, l.style, l.stageTip, l.curText)
		if len(l.marks) > 0 {
			h = l.drawMarkRows(&c, h+6)
		}
		h += pad
	} else {
		h = ladderVertical(&c, l.st, l.cur, l.W, l.style, l.stageTip, l.curText, l.marks, l.markTip, l.hlText)
	}
	return document(opt.Frame, defTitle, l.desc(), l.W, h, &c)
}

// ladder is a stage ladder measured: its stages in order, the current one,
// the competencies' markers and the columns' width.
type ladder struct {
	st              []ladderStage
	cur             int // the current stage, -1 when none
	curText, hlText string
	W               float64
	narrow          bool
	marks           []ladderMark
	x0, colW        float64 // where the columns start, and each one's width
	need            float64 // the width a column needs for its stage's words
}

func measureLadder(stages []Stage, opt LadderOptions) *ladder {
	sorted := append([]Stage(nil), stages...)
	sort.SliceStable(sorted, func(i, j int) bool { return sorted[i].From < sorted[j].From })
	l := &ladder{st: ladderStages(sorted), W: opt.width()}
	if len(l.st) == 0 {
		return l
	}
	l.narrow = l.W < NarrowWidth
	l.curText = clean(opt.CurrentText)
	if l.curText == "" {
		l.curText = "Current stage"
	}
	l.curText, _ = fit(l.curText, 160, fs, true)
	l.hlText = clean(opt.HighlightText)
	if l.hlText == "" {
		l.hlText = "weakest link"
	}
	l.hlText, _ = fit(l.hlText, 160, fs, true)
	l.cur = currentStage(l.st, sorted, opt)
	labelW := l.measureMarks(opt.Markers)
	l.x0 = pad
	if len(l.marks) > 0 && !l.narrow {
		l.x0 = pad + labelW + labGap + 2
	}
	l.colW = (l.W - pad - l.x0) / float64(len(l.st))
	l.need = textW("from 100", fsS, false) + 10
	for _, s := range l.st {
		for _, w := range strings.Fields(s.name) {
			l.need = math.Max(l.need, textW(w, fs, true)+10)
		}
	}
	return l
}

// ladderStages are the stages with a finite `from`, named, each with the
// next one's from (100 for the last).
func ladderStages(sorted []Stage) []ladderStage {
	var st []ladderStage
	for i, s := range sorted {
		if !finite(s.From) {
			continue
		}
		name := clean(s.Name)
		if name == "" {
			name = clean(s.ID)
		}
		if name == "" {
			name = "Stage " + strconv.Itoa(i+1)
		}
		st = append(st, ladderStage{name: name, from: clamp100(s.From)})
	}
	for i := range st {
		st[i].next = 100
		if i+1 < len(st) {
			st[i].next = st[i+1].from
		}
	}
	return st
}

// currentStage is the stage opt.Current names or, when it names none, the
// stage of the lowest marker (the weakest-link rule); -1 when neither.
func currentStage(st []ladderStage, sorted []Stage, opt LadderOptions) int {
	if want := strings.ToLower(strings.TrimSpace(opt.Current)); want != "" {
		for _, s := range sorted {
			if !finite(s.From) {
				continue
			}
			if strings.ToLower(strings.TrimSpace(s.ID)) == want || strings.ToLower(clean(s.Name)) == want {
				return stageIndex(st, clamp100(s.From))
			}
		}
		return -1
	}
	lowest, found := 0.0, false
	for _, m := range opt.Markers {
		if v, ok := val(m.Value); ok && (!found || v < lowest) {
			lowest, found = v, true
		}
	}
	if found {
		return max(stageIndex(st, clamp100(lowest)), 0)
	}
	return -1
}

// measureMarks wraps each marker's label and returns the widest.
func (l *ladder) measureMarks(markers []Marker) (labelW float64) {
	l.marks = make([]ladderMark, len(markers))
	for i, m := range markers {
		k := &l.marks[i]
		k.full = clean(m.Label)
		k.v, k.ok = val(m.Value)
		k.v = clamp100(k.v)
		k.hl = m.Highlight
		k.stage = max(stageIndex(l.st, k.v), 0)
		maxLW := l.W * 0.3
		if l.narrow {
			maxLW = l.W - 2*pad
		}
		k.lines, _ = wrap(k.full, maxLW, fs, false, 2)
		if len(k.lines) == 0 {
			k.lines = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(k.lines, fs, false))
	}
	return labelW
}

func (l *ladder) stageTip(i int) string {
	s := l.st[i]
	t := s.name + ": from " + exact(s.from)
	if i+1 < len(l.st) {
		t += " to below " + exact(s.next)
	} else {
		t += " to 100"
	}
	if i == l.cur {
		t += " (" + l.curText + ")"
	}
	return t
}

func (l *ladder) markTip(k ladderMark) string {
	name := k.full
	if name == "" {
		name = "(unnamed)"
	}
	if !k.ok {
		return name + ": no score"
	}
	t := name + ": " + exact(k.v) + ", stage " + l.st[k.stage].name
	if k.hl {
		t += ", " + l.hlText
	}
	return t
}

// style colours a step: stages passed, the current one, those ahead.
func (l *ladder) style(i int) stepStyle {
	switch {
	case l.cur < 0:
		return stepStyle{"#e5e7eb", "", colInk, colMuted}
	case i < l.cur:
		return stepStyle{"#dbeafe", "", colInk, colMuted}
	case i == l.cur:
		return stepStyle{colBar, "", "#ffffff", "#ffffff"}
	default:
		return stepStyle{"#f9fafb", colRef, colMuted, colMuted}
	}
}

// drawMarkRows draws the competency rows under a horizontal ladder,
// aligned with its columns, from top; it returns their bottom.
func (l *ladder) drawMarkRows(c *canvas, top float64) float64 {
	type placed struct{ top, h, cy float64 }
	pl := make([]placed, len(l.marks))
	y := top
	for i, k := range l.marks {
		nl := float64(len(k.lines))
		if l.narrow {
			pl[i] = placed{y, nl*lineH + 26, y + nl*lineH + 13}
		} else {
			hh := math.Max(32, nl*lineH+12)
			pl[i] = placed{y, hh, y + hh/2}
		}
		y += pl[i].h
	}
	n := len(l.st)
	if l.cur >= 0 {
		c.rect(l.x0+float64(l.cur)*l.colW, top, l.colW, y-top, "#eff6ff")
	}
	for i := 0; i <= n; i++ {
		x := l.x0 + float64(i)*l.colW
		c.line(x, top-6, x, y, colGrid, 1, "")
	}
	for i, k := range l.marks {
		p := pl[i]
		lt := txt{lines: k.lines, title: nameTip(joinLines(k.lines), k.full)}
		if l.narrow {
			lt.x, lt.y = pad, p.top+lineH-2
		} else {
			lt.x, lt.y, lt.anchor = l.x0-labGap-2, p.cy-float64(len(k.lines)-1)*lineH/2+4.5, "end"
		}
		c.text(lt)
		c.line(l.x0, p.cy, l.x0+float64(n)*l.colW, p.cy, "#d1d5db", 1, "")
		if !k.ok {
			c.text(txt{x: l.x0 + 4, y: p.cy + 4.5, lines: []string{"–"}, fill: colMuted, title: l.markTip(k)})
			continue
		}
		l.drawMark(c, k, p.cy)
	}
	return y
}

// drawMark places one competency's marker in its stage's column, at its
// place between the stage's from and the next one's, with its value.
func (l *ladder) drawMark(c *canvas, k ladderMark, cy float64) {
	s := l.st[k.stage]
	frac := 0.0
	if s.next > s.from {
		frac = clamp((k.v-s.from)/(s.next-s.from), 0, 1)
	}
	if k.v < l.st[0].from {
		frac = 0
	}
	mx := l.x0 + (float64(k.stage)+frac)*l.colW
	fill, shape := colBar, 0
	if k.hl {
		fill, shape = colHi, 2
	}
	c.add(`%s`, marker(shape, mx, cy, 6.5, fill, l.markTip(k), "cxm-marker"))
	vt := one(k.v)
	w := textW(vt, fs, true)
	if k.hl {
		w += 6 + textW(l.hlText, fs, true)
	}
	tx, anchor := mx+11, "start"
	if tx+w > l.W-pad {
		tx, anchor = mx-11, "end"
	}
	label := vt
	if k.hl {
		label = vt + "  " + l.hlText
	}
	c.text(txt{x: tx, y: cy + 4.5, lines: []string{label}, bold: true, anchor: anchor, fill: fill, halo: true})
}

// desc is the chart's text equivalent for screen readers.
func (l *ladder) desc() string {
	var ds []string
	for _, s := range l.st {
		ds = append(ds, s.name+" from "+exact(s.from))
	}
	d := "Maturity stages from lowest to highest: " + joinDesc(ds) + "."
	if l.cur >= 0 {
		d += " " + l.curText + ": " + l.st[l.cur].name + "."
	}
	if len(l.marks) > 0 {
		var ms []string
		for _, k := range l.marks {
			ms = append(ms, l.markTip(k))
		}
		d += " " + joinDesc(ms) + "."
	}
	return d
}

// ladderHorizontal draws the staircase rising to the right and returns the
// y of its base.
func ladderHorizontal(c *canvas, st []ladderStage, cur int, x0, colW, W float64, narrow bool,
	style func(int) stepStyle, stageTip func(int) string, curText string) float64 {
	n := len(st)
	names := make([][]string, n)
	maxLines := 1
	for i, s := range st {
		names[i], _ = wrap(s.name, colW-10, fs, true, 2)
		maxLines = max(maxLines, len(names[i]))
	}
	baseH := float64(maxLines)*lineH + lineH + 16
	rise := 14.0
	if narrow {
		rise = 10
	}
	top := pad + 24
	base := top + baseH + float64(n-1)*rise
	for i, s := range st {
		sty := style(i)
		x := x0 + float64(i)*colW
		stepTop := base - baseH - float64(i)*rise
		c.add(`<rect class="cxm-step" x="%s" y="%s" width="%s" height="%s" rx="3" fill="%s"`, f(x+1), f(stepTop), f(colW-2), f(base-stepTop), sty.fill)
		if sty.stroke != "" {
			c.add(` stroke="%s" stroke-dasharray="4 3"`, sty.stroke)
		}
		c.add(`>%s</rect>`, title(stageTip(i)))
		cxx := x + colW/2
		c.text(txt{x: cxx, y: stepTop + 19, lines: names[i], bold: true, anchor: "middle", fill: sty.ink, title: nameTip(joinLines(names[i]), s.name)})
		c.label(cxx, stepTop+19+float64(len(names[i]))*lineH, "from "+exact(s.from), fsS, "middle", sty.sub)
		if i == cur {
			w := textW(curText, fs, true)
			bx := clamp(cxx, pad+w/2, W-pad-w/2)
			c.text(txt{x: bx, y: stepTop - 12, lines: []string{curText}, bold: true, anchor: "middle", fill: colBar})
			c.add(`<polygon points="%s,%s %s,%s %s,%s" fill="%s"/>`, f(cxx-5), f(stepTop-8), f(cxx+5), f(stepTop-8), f(cxx), f(stepTop-2), colBar)
		}
	}
	c.line(x0, base, x0+float64(n)*colW, base, colAxis, 1, "")
	return base
}

// ladderVertical draws the ladder as rows, highest stage on top, with the
// competencies listed in the row of their stage, and returns the height.
func ladderVertical(c *canvas, st []ladderStage, cur int, W float64,
	style func(int) stepStyle, stageTip func(int) string, curText string,
	marks []ladderMark, markTip func(ladderMark) string, hlText string) float64 {
	n := len(st)
	stepMax := math.Min(W*0.26, 110)
	tx := pad + stepMax + 10
	avail := W - pad - tx
	y := pad
	for i := n - 1; i >= 0; i-- {
		s := st[i]
		sty := style(i)
		name, _ := fit(s.name, avail, fs, true)
		from := "from " + exact(s.from)
		fromSame := textW(name, fs, true)+8+textW(from, fsS, false) <= avail
		lines := 1.0
		if !fromSame {
			lines++
		}
		if i == cur {
			lines++
		}
		var ms []ladderMark
		var mlines [][]string
		for _, k := range marks {
			if k.stage != i {
				continue
			}
			text := k.full
			if text == "" {
				text = "(unnamed)"
			}
			if k.ok {
				text += " " + one(k.v)
			} else {
				text += " –"
			}
			l, _ := wrap(text, avail-18, fs, k.hl, 2)
			if k.hl {
				if last := l[len(l)-1] + " · " + hlText; textW(last, fs, true) <= avail-18 {
					l[len(l)-1] = last
				} else {
					l = append(l, hlText)
				}
			}
			ms = append(ms, k)
			mlines = append(mlines, l)
			lines += float64(len(l))
		}
		rowH := math.Max(40, lines*lineH+14)
		if i == cur {
			c.rect(0, y, W, rowH, "#eff6ff")
		}
		sw := stepMax * float64(i+1) / float64(n)
		c.add(`<rect class="cxm-step" x="%s" y="%s" width="%s" height="%s" rx="3" fill="%s"`, f(pad), f(y+3), f(sw), f(rowH-6), sty.fill)
		if sty.stroke != "" {
			c.add(` stroke="%s" stroke-dasharray="4 3"`, sty.stroke)
		}
		c.add(`>%s</rect>`, title(stageTip(i)))
		ly := y + 7 + 12
		c.text(txt{x: tx, y: ly, lines: []string{name}, bold: true, title: nameTip(name, s.name)})
		if fromSame {
			c.label(tx+textW(name, fs, true)+8, ly, from, fsS, "", colMuted)
		} else {
			ly += lineH
			c.label(tx, ly, from, fsS, "", colMuted)
		}
		if i == cur {
			ly += lineH
			c.text(txt{x: tx, y: ly, lines: []string{curText}, bold: true, fill: colBar})
		}
		for j, m := range ms {
			ly += lineH
			fill, shape, ink := colBar, 0, colInk
			if m.hl {
				fill, shape, ink = colHi, 2, colHi
			}
			if m.ok {
				c.add(`%s`, marker(shape, tx+6, ly-4.5, 5.5, fill, markTip(m), "cxm-marker"))
			}
			c.text(txt{x: tx + 18, y: ly, lines: mlines[j], fill: ink, bold: m.hl, title: markTip(m)})
			ly += float64(len(mlines[j])-1) * lineH
		}
		y += rowH
		if i > 0 {
			c.line(tx, y, W-pad, y, colGrid, 1, "")
		}
	}
	return y + pad
}
