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
	W := opt.width()
	cx := W / 2
	showValues := !opt.HideValues && len(series) > 0 && len(series) <= 3

	names := make([]string, n)
	lines := make([][]string, n)
	lfs := fs
	if W < NarrowWidth {
		lfs = fsS
	}
	labelMaxW := clamp(W*0.24, 70, 170)
	for i, a := range axes {
		names[i] = clean(a)
		labelMaxW = math.Max(labelMaxW, math.Min(longestWord(names[i], lfs, false), W*0.3))
	}
	for i := range axes {
		lines[i], _ = wrap(names[i], labelMaxW, lfs, false, 3)
		if len(lines[i]) == 0 {
			lines[i] = []string{"–"}
		}
	}
	// Values per series and axis.
	vals := make([][]float64, len(series))
	oks := make([][]bool, len(series))
	snames := make([]string, len(series))
	for s, sr := range series {
		vals[s] = make([]float64, n)
		oks[s] = make([]bool, n)
		for i := 0; i < n && i < len(sr.Values); i++ {
			vals[s][i], oks[s][i] = val(sr.Values[i])
		}
		snames[s] = clean(sr.Name)
		if snames[s] == "" {
			snames[s] = "Series " + strconv.Itoa(s+1)
		}
	}
	valueText := func(i int) (parts []string) {
		for s := range series {
			if oks[s][i] {
				parts = append(parts, one(vals[s][i]))
			} else {
				parts = append(parts, "–")
			}
		}
		return parts
	}

	angle := func(i int) (float64, float64) {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		return math.Cos(a), math.Sin(a)
	}
	type box struct {
		x, top, w, h float64
		anchor       string
		px           float64
	}
	const off = 14.0
	boxes := make([]box, n)
	layout := func(R float64) (over float64) {
		for i := range n {
			co, si := angle(i)
			if math.Abs(co) < 1e-9 {
				co = 0
			}
			px, py := cx+(R+off)*co, (R+off)*si
			w := maxWidth(lines[i], lfs, false)
			h := float64(len(lines[i])) * lineH
			if showValues {
				vw := textW(strings.Join(valueText(i), " · "), lfs, true)
				w = math.Max(w, vw)
				h += lineH
			}
			b := box{w: w, h: h, px: px}
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
			boxes[i] = b
			over = math.Max(over, pad-b.x)
			over = math.Max(over, b.x+b.w-(W-pad))
		}
		return over
	}
	R := math.Min(math.Min(W*0.3, 200), (W-2*pad)/2-off)
	for range 40 {
		o := layout(R)
		if o <= 0.5 || R <= 40 {
			break
		}
		R = math.Max(40, R-math.Max(o*0.7, 1))
	}
	layout(R)
	minY, maxY := -R, R
	for _, b := range boxes {
		minY = math.Min(minY, b.top)
		maxY = math.Max(maxY, b.top+b.h)
	}
	cy := pad + 4 - minY
	pt := func(i int, v float64) (float64, float64) {
		co, si := angle(i)
		r := R * clamp100(v) / 100
		return cx + r*co, cy + r*si
	}
	pts := func(vs []float64) string {
		var b strings.Builder
		for i, v := range vs {
			if i > 0 {
				b.WriteByte(' ')
			}
			x, y := pt(i, v)
			b.WriteString(f(x) + "," + f(y))
		}
		return b.String()
	}

	var c canvas
	// Rings and axes.
	for _, ring := range []float64{25, 50, 75, 100} {
		rv := make([]float64, n)
		for i := range rv {
			rv[i] = ring
		}
		stroke := colGrid
		if ring == 100 {
			stroke = colRef
		}
		c.add(`<polygon class="cxm-ring" points="%s" fill="none" stroke="%s" stroke-width="1"/>`, pts(rv), stroke)
	}
	for i := range n {
		x, y := pt(i, 100)
		c.line(cx, cy, x, y, colGrid, 1, "")
	}
	// Polygons, last series first so the first is on top.
	for s := len(series) - 1; s >= 0; s-- {
		color, dash := seriesColor(s), seriesDash(s)
		dashAttr := ""
		if dash != "" {
			dashAttr = ` stroke-dasharray="` + dash + `"`
		}
		var tip []string
		all := true
		for i := range n {
			if oks[s][i] {
				tip = append(tip, names[i]+" "+exact(vals[s][i]))
			} else {
				tip = append(tip, names[i]+" no score")
				all = false
			}
		}
		t := title(snames[s] + ": " + strings.Join(tip, "; "))
		if all {
			opacity := "0"
			if s == 0 {
				opacity = "0.12"
			}
			c.add(`<polygon class="cxm-series" points="%s" fill="%s" fill-opacity="%s" stroke="%s" stroke-width="2.5" stroke-linejoin="round"%s>%s</polygon>`,
				pts(vals[s]), color, opacity, color, dashAttr, t)
			continue
		}
		var d strings.Builder
		for i := range n {
			j := (i + 1) % n
			if oks[s][i] && oks[s][j] {
				x1, y1 := pt(i, vals[s][i])
				x2, y2 := pt(j, vals[s][j])
				fmt.Fprintf(&d, "M%s %sL%s %s", f(x1), f(y1), f(x2), f(y2))
			}
		}
		if d.Len() > 0 {
			c.add(`<path class="cxm-series" d="%s" fill="none" stroke="%s" stroke-width="2.5" stroke-linecap="round"%s>%s</path>`, d.String(), color, dashAttr, t)
		}
	}
	for s := len(series) - 1; s >= 0; s-- {
		for i := range n {
			if !oks[s][i] {
				continue
			}
			x, y := pt(i, vals[s][i])
			c.add(`%s`, marker(s, x, y, 4.5, seriesColor(s), snames[s]+", "+names[i]+": "+exact(vals[s][i]), "cxm-point"))
		}
	}
	// Ring values on the bisector of the first two axes.
	{
		a := -math.Pi/2 + math.Pi/float64(n)
		k := math.Cos(math.Pi / float64(n))
		rings := []float64{25, 50, 75, 100}
		if R < 110 {
			rings = []float64{50, 100}
		}
		for _, ring := range rings {
			r := R * ring / 100 * k
			c.text(txt{x: cx + r*math.Cos(a), y: cy + r*math.Sin(a) + 4, lines: []string{strconv.Itoa(int(ring))}, size: fsS, anchor: "middle", fill: colMuted, halo: true})
		}
	}
	// Axis labels with values.
	for i, b := range boxes {
		b.top += cy
		x := b.px
		c.add(`<text x="%s" y="%s"`, f(x), f(b.top+12))
		if lfs != fs {
			c.add(` font-size="%s"`, f(lfs))
		}
		if b.anchor != "start" {
			c.add(` text-anchor="%s"`, b.anchor)
		}
		c.add(` fill="%s">%s`, colInk, title(nameTip(joinLines(lines[i]), names[i])))
		for k, l := range lines[i] {
			c.add(`<tspan x="%s" y="%s">%s</tspan>`, f(x), f(b.top+12+float64(k)*lineH), esc(l))
		}
		if showValues {
			c.add(`<tspan x="%s" y="%s" font-weight="bold">`, f(x), f(b.top+12+float64(len(lines[i]))*lineH))
			for s, p := range valueText(i) {
				if s > 0 {
					c.add(`<tspan fill="%s" font-weight="normal"> · </tspan>`, colMuted)
				}
				c.add(`<tspan fill="%s">%s</tspan>`, seriesColor(s), p)
			}
			c.add(`</tspan>`)
		}
		c.add(`</text>`)
	}
	h := cy + maxY + 14
	if len(series) > 0 {
		entries := make([]legendEntry, len(series))
		for s := range series {
			entries[s] = legendEntry{name: snames[s], color: seriesColor(s), dash: seriesDash(s), shape: s}
		}
		h += c.legend(entries, pad, h, W-2*pad)
	}
	h += pad

	var desc []string
	for s := range series {
		var parts []string
		for i := range n {
			v := "no score"
			if oks[s][i] {
				v = one(vals[s][i])
			}
			parts = append(parts, names[i]+" "+v)
		}
		desc = append(desc, snames[s]+": "+strings.Join(parts, ", "))
	}
	d := "Profile of " + strconv.Itoa(n) + " competencies on a 0 to 100 scale. "
	if len(desc) > 0 {
		d += joinDesc(desc) + "."
	}
	return document(opt.Frame, defTitle, d, W, h, &c)
}
