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
}

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

// StackedBars draws one 100% stacked horizontal bar per statement, one
// segment per answer option (options labels the options in order, e.g.
// "Strongly disagree" … "Strongly agree"), with a legend, the percent
// printed in segments wide enough and counts in the tooltips.
func StackedBars(dists []Distribution, options []string, opt StackedOptions) template.HTML {
	const defTitle = "Answer distribution"
	k := len(options)
	for _, d := range dists {
		k = max(k, len(d.Counts))
	}
	if len(dists) == 0 || k == 0 {
		return note(opt.Frame, defTitle, "No answers to show.")
	}
	k = min(k, 101)
	W := opt.width()
	narrow := W < NarrowWidth
	optNames := make([]string, k)
	for i := range k {
		if i < len(options) {
			optNames[i] = clean(options[i])
		}
		if optNames[i] == "" {
			optNames[i] = strconv.Itoa(i + 1)
		}
	}

	var c canvas
	// Legend.
	widths := make([]float64, k)
	legNames := make([]string, k)
	for i := range k {
		legNames[i], _ = fit(optNames[i], W-2*pad-20, fsS, false)
		widths[i] = 14 + 6 + textW(legNames[i], fsS, false)
	}
	lrow, lx, _ := flow(widths, 16, W-2*pad)
	for i := range k {
		x, y := pad+lx[i], pad+float64(lrow[i])*20
		c.add(`<rect x="%s" y="%s" width="14" height="14" rx="2" fill="%s"/>`, f(x), f(y+1), OptionColor(i, k))
		c.text(txt{x: x + 20, y: y + 12.5, lines: []string{legNames[i]}, size: fsS, title: nameTip(legNames[i], optNames[i])})
	}
	top := pad + float64(lrow[k-1]+1)*20 + 10

	// Labels.
	type row struct {
		full   string
		lines  []string
		counts []int
		total  int
		hidden string
	}
	rows := make([]row, len(dists))
	labelW := 0.0
	maxLW := W * 0.36
	if narrow {
		maxLW = W - 2*pad
	}
	for i, d := range dists {
		r := &rows[i]
		r.full, r.hidden = clean(d.Label), clean(d.Hidden)
		r.lines, _ = wrap(r.full, maxLW, fs, false, 2)
		if len(r.lines) == 0 {
			r.lines = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(r.lines, fs, false))
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
	x0 := pad
	if !narrow {
		x0 = pad + labelW + labGap
	}
	nW := 0.0
	for _, r := range rows {
		nW = math.Max(nW, textW("n = "+strconv.Itoa(r.total), fsS, false))
	}
	plotW := W - x0 - nW - 10 - pad
	barH := 22.0

	y := top
	var desc []string
	for _, r := range rows {
		var h, by float64
		lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full)}
		if narrow {
			h = float64(len(r.lines))*lineH + barH + 14
			by = y + float64(len(r.lines))*lineH + 4
			lt.x, lt.y = pad, y+lineH-2
		} else {
			h = math.Max(barH+14, float64(len(r.lines))*lineH+10)
			by = y + (h-barH)/2
			lt.x, lt.y, lt.anchor = x0-labGap, y+h/2-float64(len(r.lines)-1)*lineH/2+4.5, "end"
		}
		c.text(lt)
		name := r.full
		if name == "" {
			name = "(unnamed)"
		}
		if r.total == 0 && r.hidden != "" {
			c.add(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#9ca3af" stroke-dasharray="4 3">%s</rect>`, f(x0), f(by), f(plotW), f(barH), title(name+": "+r.hidden))
			c.label(x0+8, by+barH/2+4, r.hidden, fsS, "", colMuted)
			desc = append(desc, name+": "+r.hidden)
			y += h
			continue
		}
		c.label(x0+plotW+10, by+barH/2+4, "n = "+strconv.Itoa(r.total), fsS, "", colMuted)
		if r.total == 0 {
			c.add(`<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#9ca3af" stroke-dasharray="4 3">%s</rect>`, f(x0), f(by), f(plotW), f(barH), title(name+": no answers"))
			c.label(x0+8, by+barH/2+4, "no answers", fsS, "", colMuted)
			desc = append(desc, name+": no answers")
			y += h
			continue
		}
		x := x0
		var parts []string
		for j, n := range r.counts {
			pct := float64(n) / float64(r.total) * 100
			parts = append(parts, optNames[j]+" "+strconv.Itoa(n)+" ("+exact(pct)+"%)")
			if n == 0 {
				continue
			}
			w := pct / 100 * plotW
			fill := OptionColor(j, k)
			c.add(`<rect class="cxm-segment" x="%s" y="%s" width="%s" height="%s" fill="%s" stroke="#ffffff" stroke-width="1">%s</rect>`,
				f(x), f(by), f(w), f(barH), fill, title(name+" – "+optNames[j]+": "+strconv.Itoa(n)+" of "+strconv.Itoa(r.total)+" ("+exact(pct)+"%)"))
			pt := strconv.Itoa(int(math.Round(pct))) + "%"
			if textW(pt, fsS, false)+6 <= w {
				c.label(x+w/2, by+barH/2+4.5, pt, fsS, "middle", inkOn(fill))
			}
			x += w
		}
		desc = append(desc, name+" (n = "+strconv.Itoa(r.total)+"): "+strings.Join(parts, ", "))
		y += h
	}
	h := y + pad
	d := "Distribution of answers per statement, as percentages of respondents. " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, W, h, &c)
}
