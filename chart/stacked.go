package chart

import (
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Distribution is the answer distribution of one statement: Counts[i] is
// the number of respondents who chose option i (negative counts count as 0).
type Distribution struct {
	Label  string
	Counts []int
	// Hidden, when set and there are no counts, is said in place of the
	// bar, e.g. "fewer than 5 answered: not shown".
	Hidden string
	// Reverse marks a reverse-keyed statement, where disagreeing is the
	// good end: its colors are swapped (disagreeing drawn blue) and a line
	// under its label says so, so that blue always means maturity.
	Reverse bool
}

// ReverseNote is the line drawn under a reverse-keyed statement's label.
const ReverseNote = "Reverse-keyed: disagreeing is good, colors swapped"

// ReverseLegend is said under the legend when a statement is reverse-keyed.
const ReverseLegend = "On reverse-keyed statements the colors are swapped: blue is always the good end."

// Statement labels wrap over at most this many lines before being cut.
const stackedMaxLines = 6

// StackedOptions configures StackedBars.
type StackedOptions struct {
	Frame
}

// likertStops is the diverging palette (ColorBrewer RdBu, 5 classes) that
// answer options are colored from, lowest option red, highest blue.
var likertStops = []string{"#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac"}

// OptionColor returns the fill of answer option i of k on the diverging
// palette used by StackedBars.
func OptionColor(i, k int) string {
	if k <= 1 {
		return likertStops[2]
	}
	return ramp(likertStops, float64(clampInt(i, 0, k-1))/float64(k-1))
}

func clampInt(v, lo, hi int) int {
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

// segmentColor is the fill of option j of k in a row: on a reverse-keyed
// statement the ramp runs the other way.
func segmentColor(j, k int, reverse bool) string {
	if reverse {
		return OptionColor(k-1-j, k)
	}
	return OptionColor(j, k)
}

// StackedBars draws one 100% stacked horizontal bar per statement, one
// segment per answer option (options labels the options in order, e.g.
// "Strongly disagree" … "Strongly agree"), with a legend, the percent
// printed in segments wide enough and counts in the tooltips. Statements
// wrap over up to six lines in a column of up to 45% of the width (the
// bars need no more than the rest).
func StackedBars(dists []Distribution, options []string, opt StackedOptions) template.HTML {
	const defTitle = "Answer distribution"
	k := len(options)
	for _, d := range dists {
		k = max(k, len(d.Counts))
	}
	if len(dists) == 0 || k == 0 {
		return note(opt.Frame, defTitle, "No answers to show.")
	}
	l := &stackedLayout{W: opt.width(), optNames: optionNames(options, min(k, 101))}
	l.narrow = l.W < NarrowWidth
	var c canvas
	top := l.drawLegend(&c, dists)
	l.measureRows(dists)
	y := top
	var desc []string
	for i := range l.rows {
		var d string
		y, d = l.drawRow(&c, &l.rows[i], y)
		desc = append(desc, d)
	}
	h := y + pad
	d := "Distribution of answers per statement, as percentages of respondents. " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, l.W, h, &c)
}

// optionNames are the k options' labels, their number where none is given.
func optionNames(options []string, k int) []string {
	names := make([]string, k)
	for i := range k {
		if i < len(options) {
			names[i] = clean(options[i])
		}
		if names[i] == "" {
			names[i] = strconv.Itoa(i + 1)
		}
	}
	return names
}

// stackedRow is one statement of a StackedBars chart, measured.
type stackedRow struct {
	full   string
	lines  []string
	counts []int
	total  int
	hidden string
	rev    bool
}

// stackedLayout is a StackedBars chart measured and placed.
type stackedLayout struct {
	W         float64
	narrow    bool
	optNames  []string
	rows      []stackedRow
	maxLW     float64 // the widest a label may wrap to
	x0, plotW float64
}

const stackedBarH = 22.0

// drawLegend draws the options' colours at the top (and, when a statement
// is reverse-keyed, what the swapped colours mean) and returns where the
// rows start.
func (l *stackedLayout) drawLegend(c *canvas, dists []Distribution) float64 {
	k := len(l.optNames)
	widths := make([]float64, k)
	legNames := make([]string, k)
	for i := range k {
		legNames[i], _ = fit(l.optNames[i], l.W-2*pad-20, fsS, false)
		widths[i] = 14 + 6 + textW(legNames[i], fsS, false)
	}
	lrow, lx, _ := flow(widths, 16, l.W-2*pad)
	for i := range k {
		x, y := pad+lx[i], pad+float64(lrow[i])*20
		c.add(`<rect x="%s" y="%s" width="14" height="14" rx="2" fill="%s"/>`, f(x), f(y+1), OptionColor(i, k))
		c.text(txt{x: x + 20, y: y + 12.5, lines: []string{legNames[i]}, size: fsS, title: nameTip(legNames[i], l.optNames[i])})
	}
	top := pad + float64(lrow[k-1]+1)*20 + 10
	for _, d := range dists {
		if d.Reverse {
			// Say once, under the legend, what the swapped colors mean.
			lines, _ := wrap(ReverseLegend, l.W-2*pad, fsS, false, 3)
			c.text(txt{x: pad, y: top + 4, lines: lines, size: fsS, fill: colMuted})
			top += float64(len(lines))*lineH + 4
			break
		}
	}
	return top
}

// measureRows wraps the statements, adds their counts up and places the
// bars right of the widest label.
func (l *stackedLayout) measureRows(dists []Distribution) {
	k := len(l.optNames)
	l.rows = make([]stackedRow, len(dists))
	labelW := 0.0
	l.maxLW = l.W * 0.45
	if l.narrow {
		l.maxLW = l.W - 2*pad
	}
	for i, d := range dists {
		r := &l.rows[i]
		r.full, r.hidden, r.rev = clean(d.Label), clean(d.Hidden), d.Reverse
		r.lines, _ = wrap(r.full, l.maxLW, fs, false, stackedMaxLines)
		if len(r.lines) == 0 {
			r.lines = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(r.lines, fs, false))
		if r.rev {
			labelW = math.Max(labelW, math.Min(textW(ReverseNote, fsS, false), l.maxLW))
		}
		r.counts = make([]int, k)
		for j := 0; j < k && j < len(d.Counts); j++ {
			if d.Counts[j] > 0 {
				r.counts[j] = d.Counts[j]
				if r.total > math.MaxInt-d.Counts[j] {
					r.counts[j] = 0 // would overflow: ignore
					continue
				}
				r.total += d.Counts[j]
			}
		}
	}
	l.x0 = pad
	if !l.narrow {
		l.x0 = pad + labelW + labGap
	}
	nW := 0.0
	for _, r := range l.rows {
		nW = math.Max(nW, textW("n = "+strconv.Itoa(r.total), fsS, false))
	}
	l.plotW = l.W - l.x0 - nW - 10 - pad
}

// drawRow draws one statement at y: its label (and the reverse note), then
// its bar or why there is none. It returns the next row's y and the row's
// description for screen readers.
func (l *stackedLayout) drawRow(c *canvas, r *stackedRow, y float64) (float64, string) {
	var h, by float64
	lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full)}
	nl := len(r.lines)
	var note []string
	if r.rev {
		note, _ = wrap(ReverseNote, l.maxLW, fsS, false, 2)
		nl += len(note)
	}
	if l.narrow {
		h = float64(nl)*lineH + stackedBarH + 14
		by = y + float64(nl)*lineH + 4
		lt.x, lt.y = pad, y+lineH-2
	} else {
		h = math.Max(stackedBarH+14, float64(nl)*lineH+10)
		by = y + (h-stackedBarH)/2
		lt.x, lt.y, lt.anchor = l.x0-labGap, y+h/2-float64(nl-1)*lineH/2+4.5, "end"
	}
	c.text(lt)
	if note != nil {
		c.text(txt{x: lt.x, y: lt.y + float64(len(r.lines))*lineH, lines: note, size: fsS, anchor: lt.anchor, fill: colMuted, class: "cxm-reverse"})
	}
	name := r.full
	if name == "" {
		name = "(unnamed)"
	}
	empty := func(why string) (float64, string) {
		c.add(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#9ca3af" stroke-dasharray="4 3">%s</rect>`, f(l.x0), f(by), f(l.plotW), f(stackedBarH), title(name+": "+why))
		c.label(l.x0+8, by+stackedBarH/2+4, why, fsS, "", colMuted)
		return y + h, name + ": " + why
	}
	if r.total == 0 && r.hidden != "" {
		return empty(r.hidden)
	}
	c.label(l.x0+l.plotW+10, by+stackedBarH/2+4, "n = "+strconv.Itoa(r.total), fsS, "", colMuted)
	if r.total == 0 {
		return empty("no answers")
	}
	return y + h, name + " (n = " + strconv.Itoa(r.total) + "): " + strings.Join(l.drawSegments(c, r, name, by), ", ")
}

// drawSegments draws a statement's bar, one segment per option with its
// percent where it fits, and returns each option's share in words.
func (l *stackedLayout) drawSegments(c *canvas, r *stackedRow, name string, by float64) []string {
	k := len(l.optNames)
	x := l.x0
	var parts []string
	for j, n := range r.counts {
		pct := float64(n) / float64(r.total) * 100
		parts = append(parts, l.optNames[j]+" "+strconv.Itoa(n)+" ("+exact(pct)+"%)")
		if n == 0 {
			continue
		}
		w := pct / 100 * l.plotW
		fill := segmentColor(j, k, r.rev)
		c.add(`<rect class="cxm-segment" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1">%s</rect>`,
			f(x), f(by), f(w), f(stackedBarH), fill, title(name+" – "+l.optNames[j]+": "+strconv.Itoa(n)+" of "+strconv.Itoa(r.total)+" ("+exact(pct)+"%)"))
		pt := strconv.Itoa(int(math.Round(pct))) + "%"
		if textW(pt, fsS, false)+6 <= w {
			c.label(x+w/2, by+stackedBarH/2+4.5, pt, fsS, "middle", inkOn(fill))
		}
		x += w
	}
	return parts
}
