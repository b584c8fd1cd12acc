package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Series is one polygon of a Radar chart (e.g. this wave, the previous
// wave, a department): a name, shown in the legend, and one value per axis.
type Series struct {
	Name string
	// Values holds one value per axis, in axis order; nil (or a missing
	// entry) leaves a gap in the outline.
	Values []*float64
}

// RadarOptions configures Radar.
type RadarOptions struct {
	Frame
	// HideValues omits the values printed under each axis label (they are
	// printed for up to three series).
	HideValues bool
}

// RadarMaxAxes is the largest number of axes Radar draws; with more (or
// fewer than 3) it draws a note instead.
const RadarMaxAxes = 12

// Radar draws a spider chart of the competencies (axes, 3..12) on 0..100
// with rings at 25, 50, 75 and 100 and one polygon per series, each with
// its own color, dash pattern and marker shape, and a legend.
func Radar(axes []string, series []Series, opt RadarOptions) template.HTML {
	const defTitle = "Competency profile"
	n := len(axes)
	if n < 3 {
		return note(opt.Frame, defTitle, "A profile chart needs at least 3 competencies; see the score bars.")
	}
	if n > RadarMaxAxes {
		return note(opt.Frame, defTitle, "Too many competencies for a profile chart; see the score bars.")
	}
	m := measureRadar(axes, series, opt)
	l := layoutRadar(m)
	var c canvas
	l.drawGrid(&c)
	l.drawSeries(&c)
	l.drawRingValues(&c)
	l.drawLabels(&c)
	h := l.cy + l.maxY + 14
	if len(series) > 0 {
		entries := make([]legendEntry, len(series))
		for s := range series {
			entries[s] = legendEntry{name: m.snames[s], color: seriesColor(s), dash: seriesDash(s), shape: s}
		}
		h += c.legend(entries, pad, h, m.W-2*pad)
	}
	h += pad
	return document(opt.Frame, defTitle, m.desc(), m.W, h, &c)
}

// radarData is what a radar shows, measured: the axes' names and wrapped
// labels, and each series' values (ok false where a value is missing).
type radarData struct {
	W          float64
	n          int
	names      []string
	lines      [][]string // each axis label, wrapped
	lfs        float64    // the labels' font size
	vals       [][]float64
	oks        [][]bool
	snames     []string
	showValues bool // the values are printed under each axis label
}

func measureRadar(axes []string, series []Series, opt RadarOptions) *radarData {
	n := len(axes)
	m := &radarData{W: opt.width(), n: n, names: make([]string, n), lines: make([][]string, n), lfs: fs,
		showValues: !opt.HideValues && len(series) > 0 && len(series) <= 3}
	if m.W < NarrowWidth {
		m.lfs = fsS
	}
	labelMaxW := clamp(m.W*0.24, 70, 170)
	for i, a := range axes {
		m.names[i] = clean(a)
		labelMaxW = math.Max(labelMaxW, math.Min(longestWord(m.names[i], m.lfs, false), m.W*0.3))
	}
	for i := range axes {
		m.lines[i], _ = wrap(m.names[i], labelMaxW, m.lfs, false, 3)
		if len(m.lines[i]) == 0 {
			m.lines[i] = []string{"–"}
		}
	}
	m.vals = make([][]float64, len(series))
	m.oks = make([][]bool, len(series))
	m.snames = make([]string, len(series))
	for s, sr := range series {
		m.vals[s] = make([]float64, n)
		m.oks[s] = make([]bool, n)
		for i := 0; i < n && i < len(sr.Values); i++ {
			m.vals[s][i], m.oks[s][i] = val(sr.Values[i])
		}
		m.snames[s] = clean(sr.Name)
		if m.snames[s] == "" {
			m.snames[s] = "Series " + strconv.Itoa(s+1)
		}
	}
	return m
}

// valueText is each series' value on axis i, "–" where it has none.
func (m *radarData) valueText(i int) (parts []string) {
	for s := range m.vals {
		if m.oks[s][i] {
			parts = append(parts, one(m.vals[s][i]))
		} else {
			parts = append(parts, "–")
		}
	}
	return parts
}

// desc is the chart's text equivalent for screen readers.
func (m *radarData) desc() string {
	var desc []string
	for s := range m.vals {
		var parts []string
		for i := range m.n {
			v := "no score"
			if m.oks[s][i] {
				v = one(m.vals[s][i])
			}
			parts = append(parts, m.names[i]+" "+v)
		}
		desc = append(desc, m.snames[s]+": "+strings.Join(parts, ", "))
	}
	d := "Profile of " + strconv.Itoa(m.n) + " competencies on a 0 to 100 scale. "
	if len(desc) > 0 {
		d += joinDesc(desc) + "."
	}
	return d
}

// radarLayout places the radar: its radius, centre and the box of each
// axis label.
type radarLayout struct {
	*radarData
	R, cx, cy float64
	maxY      float64 // lowest point below the centre, labels included
	boxes     []labelBox
}

// labelBox is an axis label's box; top is relative to the centre until
// the layout is done.
type labelBox struct {
	x, top, w, h float64
	anchor       string
	px           float64
}

// radarLabelOffset is the gap between the outer ring and an axis label.
const radarLabelOffset = 14.0

// layoutRadar shrinks the radius until every axis label fits the width,
// then places the centre below the highest label.
func layoutRadar(m *radarData) *radarLayout {
	l := &radarLayout{radarData: m, cx: m.W / 2, boxes: make([]labelBox, m.n)}
	l.R = math.Min(math.Min(m.W*0.3, 200), (m.W-2*pad)/2-radarLabelOffset)
	for range 40 {
		o := l.placeLabels()
		if o <= 0.5 || l.R <= 40 {
			break
		}
		l.R = math.Max(40, l.R-math.Max(o*0.7, 1))
	}
	l.placeLabels()
	minY, maxY := -l.R, l.R
	for _, b := range l.boxes {
		minY = math.Min(minY, b.top)
		maxY = math.Max(maxY, b.top+b.h)
	}
	l.cy, l.maxY = pad+4-minY, maxY
	return l
}

func (l *radarLayout) angle(i int) (float64, float64) {
	a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(l.n)
	return math.Cos(a), math.Sin(a)
}

// placeLabels puts each axis label outside the outer ring at radius R and
// returns how far the widest one overflows the chart's width.
func (l *radarLayout) placeLabels() (over float64) {
	for i := range l.n {
		co, si := l.angle(i)
		if math.Abs(co) < 1e-9 {
			co = 0
		}
		px, py := l.cx+(l.R+radarLabelOffset)*co, (l.R+radarLabelOffset)*si
		w := maxWidth(l.lines[i], l.lfs, false)
		h := float64(len(l.lines[i])) * lineH
		if l.showValues {
			vw := textW(strings.Join(l.valueText(i), " · "), l.lfs, true)
			w = math.Max(w, vw)
			h += lineH
		}
		b := labelBox{w: w, h: h, px: px}
		switch {
		case co > 0.25:
			b.anchor, b.x = "start", px
		case co < -0.25:
			b.anchor, b.x = "end", px-w
		default:
			b.anchor, b.x = "middle", px-w/2
		}
		switch {
		case si < -0.25:
			b.top = py - h
		case si > 0.25:
			b.top = py
		default:
			b.top = py - h/2
		}
		l.boxes[i] = b
		over = math.Max(over, pad-b.x)
		over = math.Max(over, b.x+b.w-(l.W-pad))
	}
	return over
}

// pt is the point of value v on axis i.
func (l *radarLayout) pt(i int, v float64) (float64, float64) {
	co, si := l.angle(i)
	r := l.R * clamp100(v) / 100
	return l.cx + r*co, l.cy + r*si
}

// pts is the polygon of one value per axis.
func (l *radarLayout) pts(vs []float64) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteByte(' ')
		}
		x, y := l.pt(i, v)
		b.WriteString(f(x) + "," + f(y))
	}
	return b.String()
}

// drawGrid draws the rings at 25, 50, 75 and 100 and the axes.
func (l *radarLayout) drawGrid(c *canvas) {
	for _, ring := range []float64{25, 50, 75, 100} {
		rv := make([]float64, l.n)
		for i := range rv {
			rv[i] = ring
		}
		stroke := colGrid
		if ring == 100 {
			stroke = colRef
		}
		c.add(`<polygon class="cxm-ring" points="%s" fill="none" stroke="%s" stroke-width="1"/>`, l.pts(rv), stroke)
	}
	for i := range l.n {
		x, y := l.pt(i, 100)
		c.line(l.cx, l.cy, x, y, colGrid, 1, "")
	}
}

// drawSeries draws each series' polygon, last first so the first is on
// top (an outline with gaps where values are missing), then the markers.
func (l *radarLayout) drawSeries(c *canvas) {
	for s := len(l.vals) - 1; s >= 0; s-- {
		l.drawOutline(c, s)
	}
	for s := len(l.vals) - 1; s >= 0; s-- {
		for i := range l.n {
			if !l.oks[s][i] {
				continue
			}
			x, y := l.pt(i, l.vals[s][i])
			c.add(`%s`, marker(s, x, y, 4.5, seriesColor(s), l.snames[s]+", "+l.names[i]+": "+exact(l.vals[s][i]), "cxm-point"))
		}
	}
}

func (l *radarLayout) drawOutline(c *canvas, s int) {
	color, dash := seriesColor(s), seriesDash(s)
	dashAttr := ""
	if dash != "" {
		dashAttr = ` stroke-dasharray="` + dash + `"`
	}
	var tip []string
	all := true
	for i := range l.n {
		if l.oks[s][i] {
			tip = append(tip, l.names[i]+" "+exact(l.vals[s][i]))
		} else {
			tip = append(tip, l.names[i]+" no score")
			all = false
		}
	}
	t := title(l.snames[s] + ": " + strings.Join(tip, "; "))
	if all {
		opacity := "0"
		if s == 0 {
			opacity = "0.12"
		}
		c.add(`<polygon class="cxm-series" points="%s" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s>%s</polygon>`,
			l.pts(l.vals[s]), color, opacity, color, dashAttr, t)
		return
	}
	var d strings.Builder
	for i := range l.n {
		j := (i + 1) % l.n
		if l.oks[s][i] && l.oks[s][j] {
			x1, y1 := l.pt(i, l.vals[s][i])
			x2, y2 := l.pt(j, l.vals[s][j])
			fmt.Fprintf(&d, "M%s %sL%s %s", f(x1), f(y1), f(x2), f(y2))
		}
	}
	if d.Len() > 0 {
		c.add(`<path class="cxm-series" d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linecap="round"%s>%s</path>`, d.String(), color, dashAttr, t)
	}
}

// drawRingValues writes the rings' values on the bisector of the first two
// axes (only 50 and 100 on a small radar).
func (l *radarLayout) drawRingValues(c *canvas) {
	a := -math.Pi/2 + math.Pi/float64(l.n)
	k := math.Cos(math.Pi / float64(l.n))
	rings := []float64{25, 50, 75, 100}
	if l.R < 110 {
		rings = []float64{50, 100}
	}
	for _, ring := range rings {
		r := l.R * ring / 100 * k
		c.text(txt{x: l.cx + r*math.Cos(a), y: l.cy + r*math.Sin(a) + 4, lines: []string{strconv.Itoa(int(ring))}, size: fsS, anchor: "middle", fill: colMuted, halo: true})
	}
}

// drawLabels writes each axis label in its box, with the series' values
// under it when they are shown.
func (l *radarLayout) drawLabels(c *canvas) {
	for i, b := range l.boxes {
		b.top += l.cy
		x := b.px
		c.add(`<text x="%s" y="%s"`, f(x), f(b.top+12))
		if l.lfs != fs {
			c.add(` font-size="%s"`, f(l.lfs))
		}
		if b.anchor != "start" {
			c.add(` text-anchor="%s"`, b.anchor)
		}
		c.add(` fill="%s">%s`, colInk, title(nameTip(joinLines(l.lines[i]), l.names[i])))
		for k, line := range l.lines[i] {
			c.add(`<tspan x="%s" y="%s">%s</tspan>`, f(x), f(b.top+12+float64(k)*lineH), esc(line))
		}
		if l.showValues {
			c.add(`<tspan x="%s" y="%s" font-weight="bold">`, f(x), f(b.top+12+float64(len(l.lines[i]))*lineH))
			for s, p := range l.valueText(i) {
				if s > 0 {
					c.add(`<tspan fill="%s" font-weight="normal"> · </tspan>`, colMuted)
				}
				c.add(`<tspan fill="%s">%s</tspan>`, seriesColor(s), p)
			}
			c.add(`</tspan>`)
		}
		c.add(`</text>`)
	}
}
