// Package chart draws the charts of cxm as inline SVG: score bars with
// confidence intervals, radar profiles, the maturity stage ladder, heatmaps
// of competency by group, answer distributions, trends across waves and
// benchmark ranges.
//
// Every function returns a self-contained <svg> element as template.HTML, to
// be inlined in an html/template page or in the printable report. The
// output needs no stylesheet, script, font or other external resource; it
// scales to its container (viewBox with width="100%", never wider than its
// natural size) and prints crisply. All text that comes from users (names of
// competencies, groups, statements, stages) is escaped, so the result is safe
// to mark as HTML. The output is deterministic: the same input gives the same
// bytes, with every number written with at most two decimals.
//
// Accessibility: each chart has role="img" and aria-labelledby pointing to its
// <title> and <desc> (ids derived from Frame.ID, which must be unique within a
// page), every data mark carries a <title> with its exact value, text is at
// least 12 units high, colors reach WCAG AA contrast on white, and nothing is
// told by color alone (values, labels, dash patterns and marker shapes repeat
// it). When Frame.Desc is empty, a description listing the data is generated.
//
// Values are on the 0..100 scale. Nil, NaN and infinite values are treated as
// absent (drawn as "–" or not drawn); values outside 0..100 are clamped for
// drawing. No input makes these functions panic.
//
// Width: Frame.Width sets the width of the coordinate system (default 640),
// which is also the natural size in CSS pixels. Layouts adapt to it: below
// NarrowWidth, labels move above their marks. For phones, render a second
// copy with Width 360 and pick one with a CSS media query.
package chart

import (
	"fmt"
	"html/template"
	"math"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Width limits and defaults, in user units (CSS pixels at natural size).
const (
	DefaultWidth = 640
	MinWidth     = 280
	MaxWidth     = 2000
	// NarrowWidth is the width below which labels are put above the bars
	// instead of in a column to their left.
	NarrowWidth = 480
)

// Frame holds what every chart needs besides its data.
type Frame struct {
	// ID is the prefix of the ids inside the SVG (title, description,
	// patterns). It must be unique within the page. Characters other than
	// ASCII letters, digits, '-' and '_' are dropped; an empty ID becomes
	// "chart".
	ID string
	// Title is the chart's short accessible name (<title>, also shown as a
	// tooltip by some browsers). Each chart has a default.
	Title string
	// Desc is the longer accessible description (<desc>). When empty, one
	// is generated from the data.
	Desc string
	// Width is the width of the viewBox, which is also the chart's maximum
	// rendered width in CSS pixels. 0 means DefaultWidth; other values are
	// clamped to MinWidth..MaxWidth.
	Width float64
}

// Threshold is a labelled reference value on the 0..100 scale, such as the
// `from` of a maturity stage.
type Threshold struct {
	Value float64
	Label string
}

// Colors. All text colors and data marks reach at least 4.5:1 against white
// (tested in chart_test.go).
const (
	colInk     = "#1f2937" // text
	colMuted   = "#4b5563" // secondary text
	colAxis    = "#6b7280" // axis lines and ticks
	colRef     = "#9ca3af" // reference lines (non-data)
	colGrid    = "#e5e7eb" // grid lines
	colBand    = "#f3f4f6" // alternate background bands
	colBar     = "#1d4ed8" // data marks
	colHi      = "#c2410c" // highlighted (weakest) marks and the weak threshold
	colWhisker = "#111827" // confidence-interval whiskers
)

const (
	pad    = 8.0  // outer padding
	fs     = 13.0 // body text size
	fsS    = 12.0 // small text size (the minimum used)
	lineH  = 16.0 // line height for 12–13 unit text
	labGap = 10.0 // gap between a label column and the plot
)

// palette is used for series (radar, trend): distinct hues that keep AA
// contrast on white and stay apart for the common color-vision deficiencies
// when combined with the dash patterns and marker shapes below.
var palette = []string{"#1d4ed8", "#c2410c", "#047857", "#86198f", "#0e7490", "#a16207", "#4b5563", "#be123c"}

// dashes are the stroke-dasharray of successive series ("" is solid).
var dashes = []string{"", "7 4", "2 3", "10 3 2 3", "4 4", "1 3", "12 4", "6 2 2 2"}

func seriesColor(i int) string { return palette[i%len(palette)] }
func seriesDash(i int) string  { return dashes[i%len(dashes)] }

// ---------------------------------------------------------------------------
// Input sanitizing

// val returns *p when it is present and finite.
func val(p *float64) (float64, bool) {
	if p == nil || math.IsNaN(*p) || math.IsInf(*p, 0) {
		return 0, false
	}
	return *p, true
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func clamp(v, lo, hi float64) float64 {
	if math.IsNaN(v) {
		return lo
	}
	if v < lo {
		return lo
	}
	if v > hi {
		return hi
	}
	return v
}

func clamp100(v float64) float64 { return clamp(v, 0, 100) }

func (fr Frame) width() float64 {
	w := fr.Width
	if w == 0 || math.IsNaN(w) {
		return DefaultWidth
	}
	return clamp(w, MinWidth, MaxWidth)
}

func (fr Frame) id() string {
	var b strings.Builder
	for _, r := range fr.ID {
		if r < utf8.RuneSelf && (r == '-' || r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			b.WriteRune(r)
		}
		if b.Len() >= 64 {
			break
		}
	}
	s := b.String()
	if s == "" {
		return "chart"
	}
	if c := s[0]; !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
		s = "c" + s
	}
	return s
}

// clean makes user text printable: invalid UTF-8 and characters XML does not
// allow become U+FFFD or spaces, and runs of white space collapse.
func clean(s string) string {
	if s == "" {
		return ""
	}
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r) || unicode.IsControl(r):
			space = true
			continue
		case !xmlChar(r):
			r = utf8.RuneError
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

func xmlChar(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF
}

// esc escapes text for XML and HTML content and attributes, like
// html.EscapeString, and drops characters that are not allowed in XML.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			if xmlChar(r) {
				b.WriteRune(r)
			} else {
				b.WriteRune(utf8.RuneError)
			}
		}
	}
	return b.String()
}

// ---------------------------------------------------------------------------
// Number formatting

// f formats a coordinate: at most two decimals, no "-0", never NaN.
func f(x float64) string {
	if !finite(x) {
		return "0"
	}
	if math.Abs(x) >= 1e15 { // only absurd input values get here
		return strconv.FormatFloat(x, 'e', 2, 64)
	}
	x = math.Round(x*100) / 100
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// exact formats a value for a tooltip: at most two decimals.
func exact(v float64) string { return f(v) }

// one formats a value for display on the chart: one decimal.
func one(v float64) string {
	if !finite(v) {
		return "–"
	}
	if math.Abs(v) >= 1e15 {
		return strconv.FormatFloat(v, 'e', 1, 64)
	}
	v = math.Round(v*10) / 10
	if v == 0 {
		v = 0
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// Ordinal returns "1st", "2nd", "23rd", "11th", ...
func Ordinal(n int) string {
	suffix := "th"
	if n%100 < 11 || n%100 > 13 {
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// ---------------------------------------------------------------------------
// Text measurement and wrapping

// helvetica holds the advance widths (1/1000 em) of ASCII 32..126.
var helvetica = [95]uint16{
	278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // space ../
	556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0..9
	278, 278, 584, 584, 584, 556, 1015, // :..@
	667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, // A..Z
	278, 278, 278, 469, 556, 333, // [..`
	556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, // a..z
	334, 260, 334, 584, // {..~
}

// textW estimates the width of s at the given size. It errs on the wide
// side: system-ui is Helvetica-like on most systems but wider on some Linux
// desktops (DejaVu Sans).
func textW(s string, size float64, bold bool) float64 {
	var em float64
	for _, r := range s {
		switch {
		case r >= 32 && r <= 126:
			em += float64(helvetica[r-32])
		case r == '…' || r == '–' || r == '—':
			em += 1000
		case unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hangul, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) || r >= 0xFF00 && r <= 0xFFEF:
			em += 1000
		case unicode.Is(unicode.Mn, r):
		default:
			em += 600
		}
	}
	// Calibrated against DejaVu Sans, the widest common system-ui
	// fallback, which renders 2–7% wider than Helvetica's metrics × 1.1.
	k := 1.15
	if bold {
		k = 1.3
	}
	return em / 1000 * size * k
}

// wrap breaks s into at most maxLines lines no wider than maxW. When the text
// does not fit, the last line ends with an ellipsis and cut is true.
func wrap(s string, maxW, size float64, bold bool, maxLines int) (lines []string, cut bool) {
	words := strings.Fields(s)
	if len(words) == 0 {
		return nil, false
	}
	if maxLines < 1 {
		maxLines = 1
	}
	if maxW < size {
		maxW = size
	}
	cur := ""
	i := 0
	for i < len(words) && len(lines) < maxLines {
		cand := words[i]
		if cur != "" {
			cand = cur + " " + words[i]
		}
		if textW(cand, size, bold) <= maxW {
			cur = cand
			i++
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
			cur = ""
			continue
		}
		head, tail := splitFit(words[i], maxW, size, bold)
		lines = append(lines, head)
		if tail == "" {
			i++
		} else {
			words[i] = tail
		}
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	if i < len(words) {
		last := len(lines) - 1
		lines[last] = ellipsis(lines[last]+" "+words[i], maxW, size, bold)
		return lines, true
	}
	return lines, false
}

// splitFit splits a word that is too wide at the longest prefix (at least
// one rune) that fits with a hyphen, and returns the prefix with the hyphen.
func splitFit(w string, maxW, size float64, bold bool) (string, string) {
	width := textW("-", size, bold)
	for i, r := range w {
		width += textW(string(r), size, bold)
		if width > maxW && i > 0 {
			return w[:i] + "-", w[i:]
		}
	}
	return w, ""
}

// wordsFit reports whether every word of s fits in maxW on its own, i.e.
// wrapping s needs no hyphenation.
func wordsFit(s string, maxW, size float64, bold bool) bool {
	for _, w := range strings.Fields(s) {
		if textW(w, size, bold) > maxW {
			return false
		}
	}
	return true
}

// longestWord returns the width of the widest word of s.
func longestWord(s string, size float64, bold bool) float64 {
	m := 0.0
	for _, w := range strings.Fields(s) {
		m = math.Max(m, textW(w, size, bold))
	}
	return m
}

// ellipsis shortens s to fit maxW, ending it with "…" (always, since the
// caller knows that text follows).
func ellipsis(s string, maxW, size float64, bold bool) string {
	r := []rune(s)
	limit := maxW - textW("…", size, bold)
	// Start from a prefix that cannot be much too long.
	if n := int(limit/(0.2*size)) + 1; n < len(r) && n >= 0 {
		r = r[:n]
	}
	for len(r) > 0 && textW(string(r), size, bold) > limit {
		r = r[:len(r)-1]
	}
	return strings.TrimRight(string(r), " ") + "…"
}

// fit returns s shortened with an ellipsis when it is wider than maxW.
func fit(s string, maxW, size float64, bold bool) (string, bool) {
	if textW(s, size, bold) <= maxW {
		return s, false
	}
	return ellipsis(s, maxW, size, bold), true
}

func maxWidth(lines []string, size float64, bold bool) float64 {
	w := 0.0
	for _, l := range lines {
		w = math.Max(w, textW(l, size, bold))
	}
	return w
}

// ---------------------------------------------------------------------------
// Colors

type rgb struct{ r, g, b float64 }

func hexRGB(s string) rgb {
	var c [3]float64
	if len(s) == 7 && s[0] == '#' {
		for i := range 3 {
			v, err := strconv.ParseUint(s[1+2*i:3+2*i], 16, 8)
			if err == nil {
				c[i] = float64(v)
			}
		}
	}
	return rgb{c[0], c[1], c[2]}
}

func (c rgb) hex() string {
	ch := func(v float64) int { return int(math.Round(clamp(v, 0, 255))) }
	return fmt.Sprintf("#%02x%02x%02x", ch(c.r), ch(c.g), ch(c.b))
}

func mix(a, b rgb, t float64) rgb {
	t = clamp(t, 0, 1)
	return rgb{a.r + (b.r-a.r)*t, a.g + (b.g-a.g)*t, a.b + (b.b-a.b)*t}
}

// luminance is the WCAG relative luminance.
func luminance(c rgb) float64 {
	lin := func(v float64) float64 {
		v /= 255
		if v <= 0.04045 {
			return v / 12.92
		}
		return math.Pow((v+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(c.r) + 0.7152*lin(c.g) + 0.0722*lin(c.b)
}

// contrast is the WCAG contrast ratio of two colors given as #rrggbb.
func contrast(a, b string) float64 {
	la, lb := luminance(hexRGB(a)), luminance(hexRGB(b))
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// inkOn returns the text color (black or white) that contrasts most with
// the background bg; the better of the two always reaches 4.58:1.
func inkOn(bg string) string {
	if contrast("#ffffff", bg) > contrast("#000000", bg) {
		return "#ffffff"
	}
	return "#000000"
}

// ramp interpolates a list of #rrggbb stops at t in 0..1.
func ramp(stops []string, t float64) string {
	if len(stops) == 0 {
		return "#000000"
	}
	if len(stops) == 1 {
		return stops[0]
	}
	t = clamp(t, 0, 1) * float64(len(stops)-1)
	i := int(math.Floor(t))
	if i >= len(stops)-1 {
		return stops[len(stops)-1]
	}
	return mix(hexRGB(stops[i]), hexRGB(stops[i+1]), t-float64(i)).hex()
}

// ---------------------------------------------------------------------------
// SVG writing

type canvas struct {
	b    strings.Builder
	defs strings.Builder
}

func (c *canvas) add(format string, args ...any) { fmt.Fprintf(&c.b, format, args...) }

// title writes a <title> child for tooltips and screen readers.
func title(s string) string {
	if s == "" {
		return ""
	}
	return "<title>" + esc(s) + "</title>"
}

type txt struct {
	x, y   float64
	lines  []string
	size   float64
	bold   bool
	anchor string // "start" (default), "middle", "end"
	fill   string
	title  string
	halo   bool
	class  string
}

// text writes a <text>; lines after the first are lineH apart.
func (c *canvas) text(t txt) {
	if len(t.lines) == 0 {
		return
	}
	if t.size == 0 {
		t.size = fs
	}
	if t.fill == "" {
		t.fill = colInk
	}
	c.add(`<text x="%s" y="%s"`, f(t.x), f(t.y))
	if t.size != fs {
		c.add(` font-size="%s"`, f(t.size))
	}
	if t.anchor != "" && t.anchor != "start" {
		c.add(` text-anchor="%s"`, t.anchor)
	}
	if t.bold {
		c.add(` font-weight="bold"`)
	}
	c.add(` fill="%s"`, t.fill)
	if t.halo {
		c.add(` stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke"`)
	}
	if t.class != "" {
		c.add(` class="%s"`, t.class)
	}
	c.add(`>%s`, title(t.title))
	if len(t.lines) == 1 {
		c.add(`%s`, esc(t.lines[0]))
	} else {
		for i, l := range t.lines {
			c.add(`<tspan x="%s" y="%s">%s</tspan>`, f(t.x), f(t.y+float64(i)*lineH), esc(l))
		}
	}
	c.add(`</text>`)
}

// label is a one-line text with the common defaults.
func (c *canvas) label(x, y float64, s string, size float64, anchor, fill string) {
	c.text(txt{x: x, y: y, lines: []string{s}, size: size, anchor: anchor, fill: fill})
}

func (c *canvas) line(x1, y1, x2, y2 float64, stroke string, width float64, dash string) {
	c.add(`<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"`, f(x1), f(y1), f(x2), f(y2), stroke, f(width))
	if dash != "" {
		c.add(` stroke-dasharray="%s"`, dash)
	}
	c.add(`/>`)
}

func (c *canvas) rect(x, y, w, h float64, fill string) {
	c.add(`<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`, f(x), f(y), f(math.Max(w, 0)), f(math.Max(h, 0)), fill)
}

// marker writes a point marker of the given shape (0 circle, 1 square,
// 2 diamond, 3 triangle up, 4 triangle down, 5 hexagon) with a tooltip.
func marker(shape int, x, y, r float64, fill, tip, class string) string {
	var b strings.Builder
	cls := ""
	if class != "" {
		cls = ` class="` + class + `"`
	}
	attrs := fmt.Sprintf(` fill="%s" stroke="#ffffff" stroke-width="1.5"%s`, fill, cls)
	poly := func(pts ...float64) {
		b.WriteString(`<polygon points="`)
		for i := 0; i+1 < len(pts); i += 2 {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(f(x + pts[i]*r))
			b.WriteByte(',')
			b.WriteString(f(y + pts[i+1]*r))
		}
		b.WriteString(`"` + attrs + `>` + title(tip) + `</polygon>`)
	}
	switch shape % 6 {
	case 0:
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s"%s>%s</circle>`, f(x), f(y), f(r), attrs, title(tip))
	case 1:
		s := r * 0.9
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s"%s>%s</rect>`, f(x-s), f(y-s), f(2*s), f(2*s), attrs, title(tip))
	case 2:
		poly(0, -1.3, 1.3, 0, 0, 1.3, -1.3, 0)
	case 3:
		poly(0, -1.3, 1.2, 0.9, -1.2, 0.9)
	case 4:
		poly(0, 1.3, 1.2, -0.9, -1.2, -0.9)
	case 5:
		poly(0, -1.2, 1.05, -0.6, 1.05, 0.6, 0, 1.2, -1.05, 0.6, -1.05, -0.6)
	}
	return b.String()
}

const fontFamily = `system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif`

// document wraps the drawing in the <svg> element.
func document(fr Frame, defTitle, desc string, w, h float64, c *canvas) template.HTML {
	id := fr.id()
	t := clean(fr.Title)
	if t == "" {
		t = defTitle
	}
	if d := clean(fr.Desc); d != "" {
		desc = d
	}
	h = math.Ceil(h)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" width="100%%" role="img" aria-labelledby="%s-title %s-desc"`, f(w), f(h), id, id)
	// Sizing lives in the page's stylesheet (.cxm-chart), not in a style
	// attribute, so pages can forbid inline styles in their CSP.
	fmt.Fprintf(&b, ` font-family="%s" font-size="%s" class="cxm-chart">`, fontFamily, f(fs))
	fmt.Fprintf(&b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, id, esc(t), id, esc(desc))
	if c.defs.Len() > 0 {
		b.WriteString("<defs>")
		b.WriteString(c.defs.String())
		b.WriteString("</defs>")
	}
	b.WriteString(c.b.String())
	b.WriteString("</svg>")
	return template.HTML(b.String())
}

// note returns a small chart that only says why nothing is drawn.
func note(fr Frame, defTitle, msg string) template.HTML {
	w := fr.width()
	var c canvas
	lines, _ := wrap(msg, w-2*pad, fs, false, 3)
	c.text(txt{x: pad, y: pad + 14, lines: lines, fill: colMuted})
	return document(fr, defTitle, msg, w, pad*2+float64(max(len(lines), 1))*lineH+4, &c)
}

// ---------------------------------------------------------------------------
// Layout helpers

// stagger assigns each span [x0,x1] to the first row where it does not
// overlap the spans already there (with gap), in order of x0. It returns the
// row of each span and the number of rows. Spans that fit nowhere within
// maxRows go to the row where they overlap least.
func stagger(spans [][2]float64, gap float64, maxRows int) ([]int, int) {
	order := make([]int, len(spans))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return spans[order[a]][0] < spans[order[b]][0] })
	rows := make([]int, len(spans))
	var ends []float64
	for _, i := range order {
		placed := false
		for r := range ends {
			if spans[i][0] >= ends[r]+gap {
				rows[i], ends[r], placed = r, spans[i][1], true
				break
			}
		}
		if placed {
			continue
		}
		if len(ends) < maxRows {
			rows[i] = len(ends)
			ends = append(ends, spans[i][1])
			continue
		}
		best := 0
		for r := range ends {
			if ends[r] < ends[best] {
				best = r
			}
		}
		rows[i], ends[best] = best, math.Max(ends[best], spans[i][1])
	}
	return rows, len(ends)
}

// flow lays out items of the given widths left to right in rows no wider
// than maxW; it returns each item's row and x offset, and the row widths.
func flow(widths []float64, gap, maxW float64) (row []int, x []float64, rowW []float64) {
	row = make([]int, len(widths))
	x = make([]float64, len(widths))
	cx := 0.0
	r := 0
	rowW = []float64{0}
	for i, w := range widths {
		if cx > 0 && cx+w > maxW {
			r++
			cx = 0
			rowW = append(rowW, 0)
		}
		row[i], x[i] = r, cx
		rowW[r] = cx + w
		cx += w + gap
	}
	return row, x, rowW
}

// legendEntry is one item of a series legend: a line sample with a marker.
type legendEntry struct {
	name  string
	color string
	dash  string
	shape int // marker shape, or -1 for none
}

// legend draws entries centered in rows within [x0, x0+w] starting at top y
// and returns the height used.
func (c *canvas) legend(entries []legendEntry, x0, y, w float64) float64 {
	if len(entries) == 0 {
		return 0
	}
	const sample = 30.0
	widths := make([]float64, len(entries))
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i], _ = fit(e.name, w-sample-8, fs, false)
		widths[i] = sample + 6 + textW(names[i], fs, false)
	}
	row, xs, rowW := flow(widths, 18, w)
	for i, e := range entries {
		lx := x0 + (w-rowW[row[i]])/2 + xs[i]
		cy := y + float64(row[i])*20 + 9
		c.line(lx, cy, lx+sample, cy, e.color, 2.5, e.dash)
		if e.shape >= 0 {
			c.add(`%s`, marker(e.shape, lx+sample/2, cy, 4.5, e.color, "", ""))
		}
		c.text(txt{x: lx + sample + 6, y: cy + 4.5, lines: []string{names[i]}, title: nameTip(names[i], e.name)})
	}
	return float64(len(rowW)) * 20
}

// nameTip returns full as a tooltip when shown was shortened.
func nameTip(shown, full string) string {
	if shown != full {
		return full
	}
	return ""
}

// axisTicks draws a horizontal 0..100 axis at y from x0 over width w.
func (c *canvas) axisTicks(x0, w, y float64) {
	c.line(x0, y, x0+w, y, colAxis, 1, "")
	for _, t := range []float64{0, 25, 50, 75, 100} {
		x := x0 + t/100*w
		c.line(x, y, x, y+4, colAxis, 1, "")
		c.label(x, y+17, strconv.Itoa(int(t)), fsS, "middle", colMuted)
	}
}

func joinDesc(parts []string) string { return strings.Join(parts, "; ") }

// joinLines joins wrapped lines back with single spaces.
func joinLines(lines []string) string { return strings.Join(lines, " ") }
