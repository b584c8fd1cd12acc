package chart

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// TrendPoint is one competency's score in one wave, with its optional 95%
// confidence interval.
type TrendPoint struct {
	Value     *float64
	Low, High *float64
}

// TrendLine is one competency across waves: Points[i] belongs to wave i.
type TrendLine struct {
	Label  string
	Points []TrendPoint
}

// TrendOptions configures Trend.
type TrendOptions struct {
	Frame
	// ShowCI draws the confidence intervals as whiskers (points of
	// different lines are then shifted slightly apart).
	ShowCI bool
	// WeakBelow, when set, draws a dashed line labelled "weak below N".
	WeakBelow *float64
}

// Trend draws a line chart across waves (x: wave labels, y: 0..100) with
// one line per competency, each with its own color, dash pattern and
// marker shape, and a legend. A missing point leaves a gap in its line.
func Trend(waves []string, lines []TrendLine, opt TrendOptions) template.HTML {
	const defTitle = "Scores across waves"
	if len(waves) == 0 {
		return note(opt.Frame, defTitle, "No waves to show.")
	}
	l := layoutTrend(waves, lines, opt)
	var c canvas
	maxXL := l.drawAxes(&c)
	for s := len(lines) - 1; s >= 0; s-- {
		l.drawLine(&c, s)
	}
	var desc []string
	for s := len(lines) - 1; s >= 0; s-- {
		desc = append([]string{l.drawPoints(&c, s)}, desc...)
	}
	h := l.bottom + 18 + float64(maxXL-1)*lineH + 14
	var entries []legendEntry
	for s := range lines {
		entries = append(entries, legendEntry{name: l.names[s], color: seriesColor(s), dash: seriesDash(s), shape: s})
	}
	if l.hasWeak {
		entries = append(entries, legendEntry{name: "weak below " + exact(clamp100(l.weak)), color: colAxis, dash: "6 3", shape: -1})
	}
	h += c.legend(entries, pad, h, l.W-2*pad)
	h += pad
	d := "Scores from 0 to 100 across waves " + strings.Join(l.waveNames, ", ") + "."
	if l.hasWeak {
		d += " Weak below " + exact(clamp100(l.weak)) + "."
	}
	if len(desc) > 0 {
		d += " " + joinDesc(desc) + "."
	}
	return document(opt.Frame, defTitle, d, l.W, h, &c)
}

// trendLayout is a trend chart measured and placed: the plot's box, the
// waves' x positions and the lines' names.
type trendLayout struct {
	W, x0, x1, top, plotH, bottom float64
	margin, spacing               float64 // room for the first and last labels, and between waves
	waveNames, names              []string
	lines                         []TrendLine
	showCI                        bool
	dodge                         float64 // how far the points of different lines are shifted apart
	weak                          float64
	hasWeak                       bool
}

func layoutTrend(waves []string, lines []TrendLine, opt TrendOptions) *trendLayout {
	nw := len(waves)
	l := &trendLayout{W: opt.width(), lines: lines, showCI: opt.ShowCI}
	l.x0 = pad + textW("100", fsS, false) + 8
	l.x1 = l.W - pad - 4
	l.top = pad + 10
	l.plotH = clamp(l.W*0.4, 170, 300)
	l.bottom = l.top + l.plotH
	l.waveNames = make([]string, nw)
	for i, w := range waves {
		l.waveNames[i] = clean(w)
		if l.waveNames[i] == "" {
			l.waveNames[i] = "Wave " + strconv.Itoa(i+1)
		}
	}
	l.spacing = l.x1 - l.x0
	if nw > 1 {
		l.margin = clamp(math.Max(textW(l.waveNames[0], fs, false), textW(l.waveNames[nw-1], fs, false))/2+4, 16, (l.x1-l.x0)/4)
		l.spacing = (l.x1 - l.x0 - 2*l.margin) / float64(nw-1)
	}
	l.names = make([]string, len(lines))
	for s, line := range lines {
		l.names[s] = clean(line.Label)
		if l.names[s] == "" {
			l.names[s] = "Line " + strconv.Itoa(s+1)
		}
	}
	if opt.ShowCI && len(lines) > 1 && nw > 1 {
		l.dodge = math.Min(6, l.spacing/float64(2*len(lines)))
	}
	l.weak, l.hasWeak = val(opt.WeakBelow)
	return l
}

func (l *trendLayout) yOf(v float64) float64 { return l.top + (1-clamp100(v)/100)*l.plotH }

func (l *trendLayout) xOf(i int) float64 {
	if len(l.waveNames) == 1 {
		return (l.x0 + l.x1) / 2
	}
	return l.x0 + l.margin + float64(i)*l.spacing
}

// offset is line s's shift, so that its whiskers do not hide another's.
func (l *trendLayout) offset(s int) float64 {
	return (float64(s) - float64(len(l.lines)-1)/2) * l.dodge
}

// drawAxes draws the grid, the y labels, the waves' labels and the weak
// line; it returns the most lines a wave label takes.
func (l *trendLayout) drawAxes(c *canvas) (maxXL int) {
	for _, t := range []float64{0, 25, 50, 75, 100} {
		stroke := colGrid
		if t == 0 {
			stroke = colAxis
		}
		c.line(l.x0, l.yOf(t), l.x1, l.yOf(t), stroke, 1, "")
		c.label(l.x0-6, l.yOf(t)+4, strconv.Itoa(int(t)), fsS, "end", colMuted)
	}
	maxXL = 1
	for i, name := range l.waveNames {
		xl, _ := wrap(name, math.Max(l.spacing-8, 40), fs, false, 2)
		maxXL = max(maxXL, len(xl))
		c.line(l.xOf(i), l.bottom, l.xOf(i), l.bottom+4, colAxis, 1, "")
		c.text(txt{x: l.xOf(i), y: l.bottom + 18, lines: xl, anchor: "middle", title: nameTip(joinLines(xl), name)})
	}
	if l.hasWeak {
		y := l.yOf(l.weak)
		// Gray, not the weak color of the bars: that is a series color here.
		c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="6 3">%s</line>`, f(l.x0), f(y), f(l.x1), f(y), colAxis, title("weak below "+exact(clamp100(l.weak))))
	}
	return maxXL
}

// trendPoint is one point of a line: its value and interval.
type trendPoint struct {
	v, lo, hi float64
	ok, ci    bool
}

func (l *trendLayout) point(s, i int) (p trendPoint) {
	if i >= len(l.lines[s].Points) {
		return p
	}
	q := l.lines[s].Points[i]
	p.v, p.ok = val(q.Value)
	lo, okl := val(q.Low)
	hi, okh := val(q.High)
	if okl && okh {
		if lo > hi {
			lo, hi = hi, lo
		}
		p.lo, p.hi, p.ci = lo, hi, true
	}
	return p
}

// drawLine draws line s, with a gap where a point is missing.
func (l *trendLayout) drawLine(c *canvas, s int) {
	color, dash := seriesColor(s), seriesDash(s)
	off := l.offset(s)
	var d strings.Builder
	prev := false
	for i := range l.waveNames {
		p := l.point(s, i)
		if !p.ok {
			prev = false
			continue
		}
		cmd := "L"
		if !prev {
			cmd = "M"
		}
		fmt.Fprintf(&d, "%s%s %s", cmd, f(l.xOf(i)+off), f(l.yOf(p.v)))
		prev = true
	}
	if d.Len() > 0 {
		c.add(`<path class="cxm-line" d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"`, d.String(), color)
		if dash != "" {
			c.add(` stroke-dasharray="%s"`, dash)
		}
		c.add(`>%s</path>`, title(l.names[s]))
	}
}

// drawPoints draws line s's markers and whiskers and returns its
// description for screen readers.
func (l *trendLayout) drawPoints(c *canvas, s int) string {
	color := seriesColor(s)
	off := l.offset(s)
	var parts []string
	for i, wave := range l.waveNames {
		p := l.point(s, i)
		if !p.ok {
			parts = append(parts, wave+" no score")
			continue
		}
		x := l.xOf(i) + off
		tip := l.names[s] + ", " + wave + ": " + exact(p.v)
		part := wave + " " + one(p.v)
		if p.ci {
			tip += " (95% CI " + exact(p.lo) + " to " + exact(p.hi) + ")"
			part += " (95% CI " + one(p.lo) + " to " + one(p.hi) + ")"
		}
		if l.showCI && p.ci {
			c.add(`<g class="cxm-ci" stroke="%s" stroke-width="1.5">%s`, color, title("95% CI "+exact(p.lo)+" to "+exact(p.hi)))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x), f(l.yOf(p.lo)), f(x), f(l.yOf(p.hi)))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x-4), f(l.yOf(p.lo)), f(x+4), f(l.yOf(p.lo)))
			c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x-4), f(l.yOf(p.hi)), f(x+4), f(l.yOf(p.hi)))
			c.add(`</g>`)
		}
		c.add(`%s`, marker(s, x, l.yOf(p.v), 4.5, color, tip, "cxm-point"))
		parts = append(parts, part)
	}
	return l.names[s] + ": " + strings.Join(parts, ", ")
}
