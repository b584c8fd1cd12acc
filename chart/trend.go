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
	nw := len(waves)
	if nw == 0 {
		return note(opt.Frame, defTitle, "No waves to show.")
	}
	W := opt.width()
	x0 := pad + textW("100", fsS, false) + 8
	x1 := W - pad - 4
	top := pad + 10
	plotH := clamp(W*0.4, 170, 300)
	yOf := func(v float64) float64 { return top + (1-clamp100(v)/100)*plotH }
	bottom := top + plotH

	waveNames := make([]string, nw)
	for i, w := range waves {
		waveNames[i] = clean(w)
		if waveNames[i] == "" {
			waveNames[i] = "Wave " + strconv.Itoa(i+1)
		}
	}
	// x positions, leaving room for the first and last labels.
	spacing := x1 - x0
	m := 0.0
	if nw > 1 {
		m = clamp(math.Max(textW(waveNames[0], fs, false), textW(waveNames[nw-1], fs, false))/2+4, 16, (x1-x0)/4)
		spacing = (x1 - x0 - 2*m) / float64(nw-1)
	}
	xOf := func(i int) float64 {
		if nw == 1 {
			return (x0 + x1) / 2
		}
		return x0 + m + float64(i)*spacing
	}

	var c canvas
	for _, t := range []float64{0, 25, 50, 75, 100} {
		stroke := colGrid
		if t == 0 {
			stroke = colAxis
		}
		c.line(x0, yOf(t), x1, yOf(t), stroke, 1, "")
		c.label(x0-6, yOf(t)+4, strconv.Itoa(int(t)), fsS, "end", colMuted)
	}
	maxXL := 1
	xl := make([][]string, nw)
	for i := range nw {
		xl[i], _ = wrap(waveNames[i], math.Max(spacing-8, 40), fs, false, 2)
		maxXL = max(maxXL, len(xl[i]))
		c.line(xOf(i), bottom, xOf(i), bottom+4, colAxis, 1, "")
		c.text(txt{x: xOf(i), y: bottom + 18, lines: xl[i], anchor: "middle", title: nameTip(joinLines(xl[i]), waveNames[i])})
	}
	weak, hasWeak := val(opt.WeakBelow)
	if hasWeak {
		y := yOf(weak)
		// Gray, not the weak color of the bars: that is a series color here.
		c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1.5" stroke-dasharray="6 3">%s</line>`, f(x0), f(y), f(x1), f(y), colAxis, title("weak below "+exact(clamp100(weak))))
	}

	nl := len(lines)
	names := make([]string, nl)
	for s, l := range lines {
		names[s] = clean(l.Label)
		if names[s] == "" {
			names[s] = "Line " + strconv.Itoa(s+1)
		}
	}
	dodge := 0.0
	if opt.ShowCI && nl > 1 && nw > 1 {
		dodge = math.Min(6, spacing/float64(2*nl))
	}
	type pt struct {
		v, lo, hi float64
		ok, ci    bool
	}
	get := func(s, i int) (p pt) {
		if i >= len(lines[s].Points) {
			return p
		}
		q := lines[s].Points[i]
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
	var desc []string
	for s := nl - 1; s >= 0; s-- {
		color, dash := seriesColor(s), seriesDash(s)
		off := (float64(s) - float64(nl-1)/2) * dodge
		var d strings.Builder
		prev := false
		for i := range nw {
			p := get(s, i)
			if !p.ok {
				prev = false
				continue
			}
			cmd := "L"
			if !prev {
				cmd = "M"
			}
			fmt.Fprintf(&d, "%s%s %s", cmd, f(xOf(i)+off), f(yOf(p.v)))
			prev = true
		}
		if d.Len() > 0 {
			c.add(`<path class="cxm-line" d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"`, d.String(), color)
			if dash != "" {
				c.add(` stroke-dasharray="%s"`, dash)
			}
			c.add(`>%s</path>`, title(names[s]))
		}
	}
	for s := nl - 1; s >= 0; s-- {
		color := seriesColor(s)
		off := (float64(s) - float64(nl-1)/2) * dodge
		var parts []string
		for i := range nw {
			p := get(s, i)
			if !p.ok {
				parts = append(parts, waveNames[i]+" no score")
				continue
			}
			x := xOf(i) + off
			tip := names[s] + ", " + waveNames[i] + ": " + exact(p.v)
			part := waveNames[i] + " " + one(p.v)
			if p.ci {
				tip += " (95% CI " + exact(p.lo) + " to " + exact(p.hi) + ")"
				part += " (95% CI " + one(p.lo) + " to " + one(p.hi) + ")"
			}
			if opt.ShowCI && p.ci {
				c.add(`<g class="cxm-ci" stroke="%s" stroke-width="1.5">%s`, color, title("95% CI "+exact(p.lo)+" to "+exact(p.hi)))
				c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x), f(yOf(p.lo)), f(x), f(yOf(p.hi)))
				c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x-4), f(yOf(p.lo)), f(x+4), f(yOf(p.lo)))
				c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, f(x-4), f(yOf(p.hi)), f(x+4), f(yOf(p.hi)))
				c.add(`</g>`)
			}
			c.add(`%s`, marker(s, x, yOf(p.v), 4.5, color, tip, "cxm-point"))
			parts = append(parts, part)
		}
		desc = append([]string{names[s] + ": " + strings.Join(parts, ", ")}, desc...)
	}
	h := bottom + 18 + float64(maxXL-1)*lineH + 14
	var entries []legendEntry
	for s := range nl {
		entries = append(entries, legendEntry{name: names[s], color: seriesColor(s), dash: seriesDash(s), shape: s})
	}
	if hasWeak {
		entries = append(entries, legendEntry{name: "weak below " + exact(clamp100(weak)), color: colAxis, dash: "6 3", shape: -1})
	}
	h += c.legend(entries, pad, h, W-2*pad)
	h += pad
	d := "Scores from 0 to 100 across waves " + strings.Join(waveNames, ", ") + "."
	if hasWeak {
		d += " Weak below " + exact(clamp100(weak)) + "."
	}
	if len(desc) > 0 {
		d += " " + joinDesc(desc) + "."
	}
	return document(opt.Frame, defTitle, d, W, h, &c)
}
