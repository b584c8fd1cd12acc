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
	W := opt.width()
	narrow := W < NarrowWidth
	scoreText, peerText, medText := clean(opt.ScoreText), clean(opt.PeerText), clean(opt.MedianText)
	if scoreText == "" {
		scoreText = "Your score"
	}
	if peerText == "" {
		peerText = "Peers, middle 50%"
	}
	if medText == "" {
		medText = "Peer median"
	}
	for _, s := range []*string{&scoreText, &peerText, &medText} {
		*s, _ = fit(*s, 200, fsS, false)
	}

	type row struct {
		full          string
		lines         []string
		score, pct    float64
		okS, okP      bool
		p25, med, p75 float64
		okQ, okM      bool
		val, pctText  string
		top, h, cy    float64
	}
	rs := make([]row, len(rows))
	rightW := 0.0
	for i, r := range rows {
		x := &rs[i]
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
		rightW = math.Max(rightW, w)
	}
	rightW = math.Min(rightW, W*0.34)
	labelW := 0.0
	for i := range rs {
		maxLW := W * 0.3
		if narrow {
			maxLW = W - 2*pad - rightW - 10
		}
		rs[i].lines, _ = wrap(rs[i].full, maxLW, fs, false, 2)
		if len(rs[i].lines) == 0 {
			rs[i].lines = []string{"–"}
		}
		labelW = math.Max(labelW, maxWidth(rs[i].lines, fs, false))
	}
	x0, plotW := pad+4, W-2*pad-18
	if !narrow {
		x0 = pad + labelW + labGap + 2
		plotW = W - x0 - 14 - rightW - pad
	}
	xOf := func(v float64) float64 { return x0 + clamp100(v)/100*plotW }

	var c canvas
	y := pad + 4
	for i := range rs {
		r := &rs[i]
		n := float64(len(r.lines))
		r.top = y
		if narrow {
			r.h = n*lineH + 32
			r.cy = y + n*lineH + 14
		} else {
			r.h = math.Max(40, n*lineH+14)
			r.cy = y + r.h/2
		}
		y += r.h
	}
	bottom := y
	for _, t := range []float64{25, 50, 75} {
		c.line(xOf(t), pad, xOf(t), bottom, colGrid, 1, "")
	}
	var desc []string
	for _, r := range rs {
		name := r.full
		if name == "" {
			name = "(unnamed)"
		}
		lt := txt{lines: r.lines, title: nameTip(joinLines(r.lines), r.full)}
		if narrow {
			lt.x, lt.y = pad, r.top+lineH-2
		} else {
			lt.x, lt.y, lt.anchor = x0-labGap-2, r.cy-float64(len(r.lines)-1)*lineH/2+4.5, "end"
		}
		c.text(lt)
		// Score and percentile as text.
		tx, ty, anchor := x0+plotW+14, r.cy+4.5, ""
		if narrow {
			tx, ty, anchor = W-pad, r.top+lineH-2, "end"
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

		c.add(`<rect x="%s" y="%s" width="%s" height="6" rx="3" fill="%s"/>`, f(x0), f(r.cy-3), f(plotW), colGrid)
		var parts []string
		if r.okQ {
			c.add(`<rect class="cxm-iqr" x="%s" y="%s" width="%s" height="18" rx="2" fill="%s" stroke="%s" stroke-width="1">%s</rect>`,
				f(xOf(r.p25)), f(r.cy-9), f(xOf(r.p75)-xOf(r.p25)), colIQR, colIQRStroke, title(peerText+": "+exact(r.p25)+" to "+exact(r.p75)))
			parts = append(parts, peerText+" "+one(r.p25)+" to "+one(r.p75))
		}
		if r.okM {
			c.add(`<line class="cxm-median" x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2.5">%s</line>`,
				f(xOf(r.med)), f(r.cy-12), f(xOf(r.med)), f(r.cy+12), colInk, title(medText+": "+exact(r.med)))
			parts = append(parts, medText+" "+one(r.med))
		}
		if r.okS {
			tip := name + ": " + scoreText + " " + exact(r.score)
			if r.okP {
				tip += ", " + r.pctText + " among peers (" + exact(r.pct) + ")"
			}
			c.add(`%s`, marker(2, xOf(r.score), r.cy, 7, colBar, tip, "cxm-score"))
			s := scoreText + " " + one(r.score)
			if r.okP {
				s += ", " + r.pctText
			}
			parts = append([]string{s}, parts...)
		} else {
			parts = append([]string{scoreText + ": no score"}, parts...)
		}
		desc = append(desc, name+": "+strings.Join(parts, ", "))
	}
	c.axisTicks(x0, plotW, bottom)

	// Legend.
	ly := bottom + 30
	items := []string{scoreText, peerText, medText}
	widths := make([]float64, 3)
	for i, s := range items {
		widths[i] = 20 + 6 + textW(s, fsS, false)
	}
	lrow, xs, rowW := flow(widths, 20, W-2*pad)
	for i, s := range items {
		x := pad + (W-2*pad-rowW[lrow[i]])/2 + xs[i]
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
	h := ly + float64(len(rowW))*20 + pad
	d := "Position among peers on a 0 to 100 scale. " + joinDesc(desc) + "."
	return document(opt.Frame, defTitle, d, W, h, &c)
}
