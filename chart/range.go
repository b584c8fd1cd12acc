package chart

import (
	"html/template"
	"math"
	"strings"
)

// RangeRow is one competency of a Range (benchmark) chart: the
// organization's score, the peers' quartiles and the organization's
// percentile among peers (0..100). Any of them may be nil.
type RangeRow struct {
	Label            string
	Score            *float64
	P25, Median, P75 *float64
	Percentile       *float64
}

// RangeOptions configures Range. The texts default to "Your score",
// "Peers, middle 50%" and "Peer median".
type RangeOptions struct {
	Frame
	ScoreText  string
	PeerText   string
	MedianText string
}

const (
	colIQR       = "#cbd5e1"
	colIQRStroke = "#475569"
)

// Range draws, for each competency, a 0..100 track with the peers'
// interquartile range as a box, their median as a line and the
// organization's score as a marker, with the score and percentile as text.
func Range(rows []RangeRow, opt RangeOptions) template.HTML {
	const defTitle = "Position among peers"
	if len(rows) == 0 {
		return note(opt.Frame, defTitle, "No benchmark to show.")
	}
	l := layoutRange(measureRange(rows, opt))
	var c canvas
	for _, t := range []float64{25, 50, 75} {
		c.line(l.xOf(t), pad, l.xOf(t), l.bottom, colGrid, 1, "")
	}
	var desc []string
	for i := range l.rows {
		desc = append(desc, l.drawRow(&c, &l.rows[i]))
	}
	c.axisTicks(l.x0, l.plotW, l.bottom)
	h := l.drawLegend(&c)
	d := "Position among peers on a 0 to 100 scale. " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, l.W, h, &c)
}

// rangeRow is one competency of a Range chart, measured and placed.
type rangeRow struct {
	full          string
	lines         []string
	score, pct    float64
	okS, okP      bool
	p25, med, p75 float64
	okQ, okM      bool
	val, pctText  string
	top, h, cy    float64
}

// rangeData is a Range chart measured: its texts, rows and the widths of
// the labels and of the score text on the right.
type rangeData struct {
	W                            float64
	narrow                       bool
	scoreText, peerText, medText string
	rows                         []rangeRow
	labelW, rightW               float64
}

func measureRange(rows []RangeRow, opt RangeOptions) *rangeData {
	m := &rangeData{W: opt.width(), scoreText: clean(opt.ScoreText), peerText: clean(opt.PeerText), medText: clean(opt.MedianText)}
	m.narrow = m.W < NarrowWidth
	if m.scoreText == "" {
		m.scoreText = "Your score"
	}
	if m.peerText == "" {
		m.peerText = "Peers, middle 50%"
	}
	if m.medText == "" {
		m.medText = "Peer median"
	}
	for _, s := range []*string{&m.scoreText, &m.peerText, &m.medText} {
		*s, _ = fit(*s, 200, fsS, false)
	}
	m.rows = make([]rangeRow, len(rows))
	for i, r := range rows {
		x := &m.rows[i]
		x.full = clean(r.Label)
		x.score, x.okS = val(r.Score)
		x.pct, x.okP = val(r.Percentile)
		x.med, x.okM = val(r.Median)
		lo, ok1 := val(r.P25)
		hi, ok2 := val(r.P75)
		if ok1 && ok2 {
			if lo > hi {
				lo, hi = hi, lo
			}
			x.p25, x.p75, x.okQ = lo, hi, true
		}
		x.val = "–"
		if x.okS {
			x.val = one(x.score)
		}
		if x.okP {
			x.pctText = Ordinal(int(math.Round(clamp100(x.pct)))) + " percentile"
		}
		w := textW(x.val, fs, true)
		if x.pctText != "" {
			w += textW(" · "+x.pctText, fs, false)
		}
		m.rightW = math.Max(m.rightW, w)
	}
	m.rightW = math.Min(m.rightW, m.W*0.34)
	for i := range m.rows {
		maxLW := m.W * 0.3
		if m.narrow {
			maxLW = m.W - 2*pad - m.rightW - 10
		}
		m.rows[i].lines, _ = wrap(m.rows[i].full, maxLW, fs, false, 2)
		if len(m.rows[i].lines) == 0 {
			m.rows[i].lines = []string{"–"}
		}
		m.labelW = math.Max(m.labelW, maxWidth(m.rows[i].lines, fs, false))
	}
	return m
}

// rangeLayout places the track and each row.
type rangeLayout struct {
	*rangeData
	x0, plotW, bottom float64
}

func layoutRange(m *rangeData) *rangeLayout {
	l := &rangeLayout{rangeData: m, x0: pad + 4, plotW: m.W - 2*pad - 18}
	if !m.narrow {
		l.x0 = pad + m.labelW + labGap + 2
		l.plotW = m.W - l.x0 - 14 - m.rightW - pad
	}
	y := pad + 4
	for i := range m.rows {
		r := &m.rows[i]
		n := float64(len(r.lines))
		r.top = y
		if m.narrow {
			r.h = n*lineH + 32
			r.cy = y + n*lineH + 14
		} else {
			r.h = math.Max(40, n*lineH+14)
			r.cy = y + r.h/2
		}
		y += r.h
	}
	l.bottom = y
	return l
}

func (l *rangeLayout) xOf(v float64) float64 { return l.x0 + clamp100(v)/100*l.plotW }

// drawRow draws one competency: its label, the score text, the track, the
// peers' box and median and the score's marker; it returns the row's
// description for screen readers.
func (l *rangeLayout) drawRow(c *canvas, r *rangeRow) string {
	name := r.full
	if name == "" {
		name = "(unnamed)"
	}
	lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full)}
	if l.narrow {
		lt.x, lt.y = pad, r.top+lineH-2
	} else {
		lt.x, lt.y, lt.anchor = l.x0-labGap-2, r.cy-float64(len(r.lines)-1)*lineH/2+4.5, "end"
	}
	c.text(lt)
	l.drawScoreText(c, r)
	c.add(`<rect x="%s" y="%s" width="%s" height="6" rx="3" fill="%s"/>`, f(l.x0), f(r.cy-3), f(l.plotW), colGrid)
	var parts []string
	if r.okQ {
		c.add(`<rect class="cxm-iqr" x="%s" y="%s" width="%s" height="18" rx="2" fill="%s" stroke="%s" stroke-width="1">%s</rect>`,
			f(l.xOf(r.p25)), f(r.cy-9), f(l.xOf(r.p75)-l.xOf(r.p25)), colIQR, colIQRStroke, title(l.peerText+": "+exact(r.p25)+" to "+exact(r.p75)))
		parts = append(parts, l.peerText+" "+one(r.p25)+" to "+one(r.p75))
	}
	if r.okM {
		c.add(`<line class="cxm-median" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5">%s</line>`,
			f(l.xOf(r.med)), f(r.cy-12), f(l.xOf(r.med)), f(r.cy+12), colInk, title(l.medText+": "+exact(r.med)))
		parts = append(parts, l.medText+" "+one(r.med))
	}
	if !r.okS {
		return name + ": " + strings.Join(append([]string{l.scoreText + ": no score"}, parts...), ", ")
	}
	tip := name + ": " + l.scoreText + " " + exact(r.score)
	if r.okP {
		tip += ", " + r.pctText + " among peers (" + exact(r.pct) + ")"
	}
	c.add(`%s`, marker(2, l.xOf(r.score), r.cy, 7, colBar, tip, "cxm-score"))
	s := l.scoreText + " " + one(r.score)
	if r.okP {
		s += ", " + r.pctText
	}
	return name + ": " + strings.Join(append([]string{s}, parts...), ", ")
}

// drawScoreText writes the score and percentile: right of the track, or
// above it at the right edge on a phone.
func (l *rangeLayout) drawScoreText(c *canvas, r *rangeRow) {
	tx, ty, anchor := l.x0+l.plotW+14, r.cy+4.5, ""
	if l.narrow {
		tx, ty, anchor = l.W-pad, r.top+lineH-2, "end"
	}
	c.add(`<text x="%s" y="%s"`, f(tx), f(ty))
	if anchor != "" {
		c.add(` text-anchor="%s"`, anchor)
	}
	c.add(` fill="%s"><tspan font-weight="bold">%s</tspan>`, colInk, esc(r.val))
	if r.pctText != "" {
		c.add(`<tspan fill="%s"> · %s</tspan>`, colMuted, esc(r.pctText))
	}
	c.add(`</text>`)
}

// drawLegend draws the legend under the axis and returns the chart's
// height.
func (l *rangeLayout) drawLegend(c *canvas) float64 {
	ly := l.bottom + 30
	items := []string{l.scoreText, l.peerText, l.medText}
	widths := make([]float64, 3)
	for i, s := range items {
		widths[i] = 20 + 6 + textW(s, fsS, false)
	}
	lrow, xs, rowW := flow(widths, 20, l.W-2*pad)
	for i, s := range items {
		x := pad + (l.W-2*pad-rowW[lrow[i]])/2 + xs[i]
		cy := ly + float64(lrow[i])*20 + 8
		switch i {
		case 0:
			c.add(`%s`, marker(2, x+10, cy, 6, colBar, "", ""))
		case 1:
			c.add(`<rect x="%s" y="%s" width="20" height="12" rx="2" fill="%s" stroke="%s" stroke-width="1"/>`, f(x), f(cy-6), colIQR, colIQRStroke)
		case 2:
			c.line(x+10, cy-8, x+10, cy+8, colInk, 2.5, "")
		}
		c.label(x+26, cy+4, s, fsS, "", colInk)
	}
	return ly + float64(len(rowW))*20 + pad
}
