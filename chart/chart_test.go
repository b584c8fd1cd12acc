package chart

import (
	"encoding/xml"
	"html/template"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// ---------------------------------------------------------------------------
// A tiny DOM over encoding/xml, to check well-formedness and geometry.

type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Children []node     `xml:",any"`
	Text     string     `xml:",chardata"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) has(name string) bool {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return true
		}
	}
	return false
}

func (n node) num(t *testing.T, name string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(name), 64)
	if err != nil {
		t.Fatalf("<%s %s=%q>: %v", n.XMLName.Local, name, n.attr(name), err)
	}
	return v
}

// title returns the text of n's <title> child.
func (n node) title() string {
	for _, c := range n.Children {
		if c.XMLName.Local == "title" {
			return c.Text
		}
	}
	return ""
}

// text returns all character data under n.
func (n node) text() string {
	var b strings.Builder
	var walk func(n node)
	walk = func(n node) {
		if n.XMLName.Local == "title" {
			return
		}
		b.WriteString(n.Text)
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}

func (n node) all(pred func(node) bool) []node {
	var out []node
	var walk func(n node)
	walk = func(n node) {
		if pred(n) {
			out = append(out, n)
		}
		for _, c := range n.Children {
			walk(c)
		}
	}
	walk(n)
	return out
}

func (n node) class(c string) []node {
	return n.all(func(n node) bool { return n.attr("class") == c })
}

func (n node) tag(name string) []node {
	return n.all(func(n node) bool { return n.XMLName.Local == name })
}

// parse checks that s is one well-formed XML element and returns it.
func parse(t *testing.T, s template.HTML) node {
	t.Helper()
	d := xml.NewDecoder(strings.NewReader(string(s)))
	d.Strict = true
	for {
		_, err := d.Token()
		if err != nil {
			if err.Error() == "EOF" {
				break
			}
			t.Fatalf("not well-formed XML: %v\n%s", err, s)
		}
	}
	var n node
	if err := xml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("unmarshal: %v", err)
	}
	if n.XMLName.Local != "svg" {
		t.Fatalf("root is <%s>, want <svg>", n.XMLName.Local)
	}
	return n
}

func near(t *testing.T, what string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 0.011 {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}

func p(v float64) *float64 { return &v }

const evil = `<script>alert(1)</script> & "x"`

// ---------------------------------------------------------------------------
// Checks shared by every chart.

var (
	numAttr  = regexp.MustCompile(`\s(?:x|y|x1|y1|x2|y2|cx|cy|r|rx|width|height|points|d|viewBox|transform|offset|font-size|stroke-width|fill-opacity)="([^"]*)"`)
	numToken = regexp.MustCompile(`-?[0-9.][0-9.eE+]*`)
	plainNum = regexp.MustCompile(`^-?\d+(\.\d{1,2})?$`)
)

// checkNumbers checks that every number in a geometry attribute is plain
// (no exponent, NaN or infinity) with at most two decimals.
func checkNumbers(t *testing.T, s string) {
	t.Helper()
	for _, m := range numAttr.FindAllStringSubmatch(s, -1) {
		if strings.Contains(m[1], "NaN") || strings.Contains(m[1], "Inf") {
			t.Errorf("bad number in %s", m[0])
			continue
		}
		for _, tok := range numToken.FindAllString(m[1], -1) {
			if !plainNum.MatchString(tok) {
				t.Errorf("number %q in %s", tok, m[0])
			}
		}
	}
}

// common checks what every chart must satisfy and returns the parsed SVG.
func common(t *testing.T, id string, s template.HTML) node {
	t.Helper()
	n := parse(t, s)
	out := string(s)
	for _, bad := range []string{"NaN", "Inf", "<script", "javascript:", "<foreignObject", "href="} {
		if strings.Contains(out, bad) {
			t.Errorf("output contains %q", bad)
		}
	}
	checkNumbers(t, out)
	if n.attr("role") != "img" {
		t.Errorf("role = %q", n.attr("role"))
	}
	if n.attr("width") != "100%" || n.has("height") || n.attr("viewBox") == "" {
		t.Errorf("width=%q height=%q viewBox=%q", n.attr("width"), n.attr("height"), n.attr("viewBox"))
	}
	if want := id + "-title " + id + "-desc"; n.attr("aria-labelledby") != want {
		t.Errorf("aria-labelledby = %q, want %q", n.attr("aria-labelledby"), want)
	}
	ids := map[string]int{}
	for _, e := range n.all(func(n node) bool { return n.has("id") }) {
		ids[e.attr("id")]++
	}
	for k, c := range ids {
		if c > 1 {
			t.Errorf("id %q used %d times", k, c)
		}
	}
	if len(n.Children) < 2 || n.Children[0].XMLName.Local != "title" || n.Children[0].attr("id") != id+"-title" || strings.TrimSpace(n.Children[0].Text) == "" ||
		n.Children[1].XMLName.Local != "desc" || n.Children[1].attr("id") != id+"-desc" || strings.TrimSpace(n.Children[1].Text) == "" {
		t.Errorf("first children must be a non-empty <title id=%s-title> and <desc id=%s-desc>", id, id)
	}
	// Text at least 12 units.
	for _, e := range n.all(func(n node) bool { return n.has("font-size") }) {
		if v := e.num(t, "font-size"); v < 12 {
			t.Errorf("<%s> font-size %v < 12", e.XMLName.Local, v)
		}
	}
	// Every data mark has a tooltip.
	for _, cls := range []string{"cxm-bar", "cxm-ci", "cxm-series", "cxm-point", "cxm-step", "cxm-marker", "cxm-cell", "cxm-segment", "cxm-iqr", "cxm-median", "cxm-score"} {
		for _, e := range n.class(cls) {
			if strings.TrimSpace(e.title()) == "" {
				t.Errorf("%s <%s> without <title>", cls, e.XMLName.Local)
			}
		}
	}
	return n
}

// ---------------------------------------------------------------------------
// ScoreBars

func TestScoreBarsGeometry(t *testing.T) {
	// Narrow layout: the plot starts at the padding, so its extent is known.
	const W = 400
	bars := []Bar{
		{Label: "Half", Value: p(50), Low: p(40), High: p(60)},
		{Label: "Full", Value: p(100)},
		{Label: "None"},
		{Label: "Weakest", Value: p(25), Low: p(30), High: p(20), Highlight: true}, // bounds swapped on purpose
	}
	thr := []Threshold{{0, "Ignore"}, {33, "Mobilize"}, {17, "Explore"}}
	out := ScoreBars(bars, BarsOptions{Frame: Frame{ID: "b1", Width: W}, Thresholds: thr, WeakBelow: p(50)})
	n := common(t, "b1", out)

	x0 := pad
	plotW := W - x0 - (textW("100.0", fs, true) + 10 + pad)
	rects := n.class("cxm-bar")
	if len(rects) != 3 {
		t.Fatalf("%d bars, want 3 (nil draws none)", len(rects))
	}
	near(t, "bar 50 x", rects[0].num(t, "x"), x0)
	near(t, "bar 50 width", rects[0].num(t, "width"), plotW/2)
	near(t, "bar 100 width", rects[1].num(t, "width"), plotW)
	near(t, "bar 25 width", rects[2].num(t, "width"), plotW/4)
	if !strings.Contains(rects[0].title(), "Half: 50 (95% CI 40 to 60)") {
		t.Errorf("title %q", rects[0].title())
	}
	if rects[2].attr("fill") != colHi || rects[0].attr("fill") != colBar {
		t.Errorf("fills %q %q", rects[2].attr("fill"), rects[0].attr("fill"))
	}
	if !strings.Contains(n.text(), "weakest link") {
		t.Error("no 'weakest link' label")
	}

	// Error bars: whisker from Low to High with caps at both ends.
	cis := n.class("cxm-ci")
	if len(cis) != 2 {
		t.Fatalf("%d CI whiskers, want 2", len(cis))
	}
	for i, want := range [][2]float64{{40, 60}, {20, 30}} {
		lines := cis[i].tag("line")
		if len(lines) != 3 {
			t.Fatalf("whisker has %d lines", len(lines))
		}
		lo, hi := x0+want[0]/100*plotW, x0+want[1]/100*plotW
		near(t, "whisker x1", lines[0].num(t, "x1"), lo)
		near(t, "whisker x2", lines[0].num(t, "x2"), hi)
		near(t, "cap 1", lines[1].num(t, "x1"), lo)
		near(t, "cap 2", lines[2].num(t, "x1"), hi)
		if lines[1].num(t, "y1") >= lines[0].num(t, "y1") || lines[1].num(t, "y2") <= lines[0].num(t, "y1") {
			t.Error("cap does not cross the whisker")
		}
		// The whisker is centered on its bar.
		bar := rects[2*i] // the whiskers belong to the bars of 50 and 25
		near(t, "whisker y", lines[0].num(t, "y1"), bar.num(t, "y")+bar.num(t, "height")/2)
	}

	// Threshold lines at their values, the weak line dashed.
	var thrX, weakX []float64
	for _, l := range n.tag("line") {
		switch l.attr("stroke") {
		case colRef:
			thrX = append(thrX, l.num(t, "x1"))
		case colHi:
			if l.attr("stroke-dasharray") != "" {
				weakX = append(weakX, l.num(t, "x1"))
			}
		}
	}
	if len(thrX) != 3 || len(weakX) != 1 {
		t.Fatalf("threshold lines %v, weak lines %v", thrX, weakX)
	}
	for i, v := range []float64{0, 17, 33} { // sorted
		near(t, "threshold", thrX[i], x0+v/100*plotW)
	}
	near(t, "weak line", weakX[0], x0+plotW/2)
	txt := n.text()
	for _, s := range []string{"Ignore", "Explore", "Mobilize", "weak below 50", "50.0", "100.0", "25.0", "–"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
	// The nil bar is a dash with a tooltip.
	dash := n.all(func(n node) bool { return n.XMLName.Local == "text" && n.text() == "–" })
	if len(dash) == 0 || !strings.Contains(dash[0].title(), "None: no score") {
		t.Errorf("nil bar: %+v", dash)
	}
}

func TestScoreBarsWide(t *testing.T) {
	bars := []Bar{{Label: "A rather long competency name that will need to wrap onto two lines or more", Value: p(100), Low: p(90), High: p(100), Highlight: true}, {Label: "B", Value: p(0)}}
	n := common(t, "w", ScoreBars(bars, BarsOptions{Frame: Frame{ID: "w"}}))
	rects := n.class("cxm-bar")
	if len(rects) != 2 {
		t.Fatalf("%d bars", len(rects))
	}
	x0, plotW := rects[0].num(t, "x"), rects[0].num(t, "width")
	near(t, "right end", x0+plotW, DefaultWidth-(textW("100.0", fs, true)+10+pad))
	near(t, "zero bar", rects[1].num(t, "width"), 0)
	// No room right of 100: "weakest link" goes under the label.
	if !strings.Contains(n.text(), "weakest link") {
		t.Error("highlight text missing")
	}
	vb := strings.Fields(n.attr("viewBox"))
	if vb[2] != "640" {
		t.Errorf("viewBox %v", vb)
	}
}

// ---------------------------------------------------------------------------
// Radar

func TestRadarGeometry(t *testing.T) {
	axes := []string{"North", "East", "South", "West"}
	series := []Series{
		{Name: "Now", Values: []*float64{p(100), p(50), p(0), p(75)}},
		{Name: "Before", Values: []*float64{p(80), nil, p(20), p(40)}},
	}
	const W = 600
	n := common(t, "r", Radar(axes, series, RadarOptions{Frame: Frame{ID: "r", Width: W}}))
	rings := n.class("cxm-ring")
	if len(rings) != 4 {
		t.Fatalf("%d rings", len(rings))
	}
	pts := func(s string) [][2]float64 {
		var out [][2]float64
		for _, xy := range strings.Fields(s) {
			a, b, _ := strings.Cut(xy, ",")
			x, _ := strconv.ParseFloat(a, 64)
			y, _ := strconv.ParseFloat(b, 64)
			out = append(out, [2]float64{x, y})
		}
		return out
	}
	outer := pts(rings[3].attr("points"))
	// The first axis points straight up from the center, the second right.
	cx := outer[0][0]
	near(t, "center x", cx, W/2)
	cy := outer[1][1]
	R := cy - outer[0][1]
	near(t, "right vertex x", outer[1][0], cx+R)
	near(t, "bottom vertex y", outer[2][1], cy+R)
	// Ring 50 at half the radius.
	half := pts(rings[1].attr("points"))
	near(t, "ring 50", half[0][1], cy-R/2)

	// First series: vertices at 100 (top), 50 (right), 0 (center), 75 (left).
	var now []node
	for _, m := range n.class("cxm-point") {
		if strings.HasPrefix(m.title(), "Now,") {
			now = append(now, m)
		}
	}
	if len(now) != 4 {
		t.Fatalf("%d markers of the first series", len(now))
	}
	want := map[string][2]float64{
		"Now, North: 100": {cx, cy - R},
		"Now, East: 50":   {cx + R/2, cy},
		"Now, South: 0":   {cx, cy},
		"Now, West: 75":   {cx - 0.75*R, cy},
	}
	for _, m := range now {
		w, ok := want[m.title()]
		if !ok {
			t.Errorf("unexpected marker %q", m.title())
			continue
		}
		near(t, m.title()+" cx", m.num(t, "cx"), w[0])
		near(t, m.title()+" cy", m.num(t, "cy"), w[1])
	}
	// The complete series is a closed polygon; the one with a gap is a path.
	ser := n.class("cxm-series")
	if len(ser) != 2 {
		t.Fatalf("%d series shapes", len(ser))
	}
	var poly, path node
	for _, s := range ser {
		if s.XMLName.Local == "polygon" {
			poly = s
		} else {
			path = s
		}
	}
	if len(pts(poly.attr("points"))) != 4 || !strings.HasPrefix(poly.title(), "Now:") {
		t.Errorf("polygon %q %q", poly.attr("points"), poly.title())
	}
	if path.XMLName.Local != "path" || strings.Count(path.attr("d"), "M") != 2 || path.attr("stroke-dasharray") == "" {
		t.Errorf("gap series: %+v", path.Attrs)
	}
	if !strings.Contains(path.title(), "East no score") {
		t.Errorf("gap title %q", path.title())
	}
	// Values are printed, and both series are in the legend.
	txt := n.text()
	for _, s := range []string{"100.0", "50.0", "80.0", "Now", "Before"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
}

func TestRadarFallback(t *testing.T) {
	for _, k := range []int{0, 1, 2, 13} {
		axes := make([]string, k)
		for i := range axes {
			axes[i] = "A" + strconv.Itoa(i)
		}
		n := common(t, "rf", Radar(axes, []Series{{Name: "x", Values: []*float64{p(1)}}}, RadarOptions{Frame: Frame{ID: "rf"}}))
		if len(n.class("cxm-series")) != 0 || !strings.Contains(n.text(), "profile chart") {
			t.Errorf("%d axes: want a note", k)
		}
	}
	// 3 and 12 axes draw.
	for _, k := range []int{3, 12} {
		axes := make([]string, k)
		vals := make([]*float64, k)
		for i := range axes {
			axes[i] = "Competency number " + strconv.Itoa(i)
			vals[i] = p(float64(i * 8))
		}
		n := common(t, "r3", Radar(axes, []Series{{Values: vals}}, RadarOptions{Frame: Frame{ID: "r3"}}))
		if len(n.class("cxm-point")) != k {
			t.Errorf("%d axes: %d points", k, len(n.class("cxm-point")))
		}
	}
}

// ---------------------------------------------------------------------------
// StageLadder

var sixStages = []Stage{
	{ID: "ignore", Name: "Ignore", From: 0}, {ID: "explore", Name: "Explore", From: 17}, {ID: "mobilize", Name: "Mobilize", From: 33},
	{ID: "drive", Name: "Drive", From: 50}, {ID: "scale", Name: "Scale", From: 67}, {ID: "embed", Name: "Embed", From: 83},
}

func TestStageLadderGeometry(t *testing.T) {
	markers := []Marker{{Label: "PL", Value: p(67.8)}, {Label: "EE", Value: p(34.8), Highlight: true}, {Label: "X", Value: p(100)}, {Label: "Nil"}}
	n := common(t, "l", StageLadder(sixStages, LadderOptions{Frame: Frame{ID: "l", Width: 720}, Current: "MOBILIZE", Markers: markers}))
	steps := n.class("cxm-step")
	if len(steps) != 6 {
		t.Fatalf("%d steps", len(steps))
	}
	colW := steps[0].num(t, "width") + 2
	x0 := steps[0].num(t, "x") - 1
	for i, s := range steps {
		near(t, "step x", s.num(t, "x"), x0+float64(i)*colW+1)
		if i > 0 && s.num(t, "height") <= steps[i-1].num(t, "height") {
			t.Errorf("step %d not higher than step %d", i, i-1)
		}
		// All steps stand on the same base.
		near(t, "step base", s.num(t, "y")+s.num(t, "height"), steps[0].num(t, "y")+steps[0].num(t, "height"))
		if (s.attr("fill") == colBar) != (i == 2) {
			t.Errorf("step %d fill %q", i, s.attr("fill"))
		}
	}
	if !strings.Contains(steps[2].title(), "Mobilize: from 33 to below 50") || !strings.Contains(steps[5].title(), "Embed: from 83 to 100") {
		t.Errorf("titles %q %q", steps[2].title(), steps[5].title())
	}
	if !strings.Contains(n.text(), "Current stage") {
		t.Error("no current stage label")
	}
	ms := n.class("cxm-marker")
	if len(ms) != 3 {
		t.Fatalf("%d markers", len(ms))
	}
	// PL 67.8 is in Scale (67..83): column 4, (67.8-67)/16 of the way.
	near(t, "PL x", ms[0].num(t, "cx"), x0+(4+0.8/16)*colW)
	// EE 34.8 (highlighted, a diamond) is in Mobilize (33..50).
	if ms[1].XMLName.Local != "polygon" || ms[1].attr("fill") != colHi {
		t.Errorf("highlighted marker %s %q", ms[1].XMLName.Local, ms[1].attr("fill"))
	}
	var xs []float64
	for _, xy := range strings.Fields(ms[1].attr("points")) {
		a, _, _ := strings.Cut(xy, ",")
		v, _ := strconv.ParseFloat(a, 64)
		xs = append(xs, v)
	}
	near(t, "EE x", (xs[1]+xs[3])/2, x0+(2+1.8/17)*colW)
	near(t, "100 x", ms[2].num(t, "cx"), x0+6*colW)
	if !strings.Contains(ms[1].title(), "EE: 34.8, stage Mobilize, weakest link") {
		t.Errorf("title %q", ms[1].title())
	}
}

func TestStageLadderCurrentFromMarkers(t *testing.T) {
	// No Current: the stage of the lowest marker (weakest link).
	n := common(t, "lc", StageLadder(sixStages, LadderOptions{Frame: Frame{ID: "lc"}, Markers: []Marker{{Label: "a", Value: p(60)}, {Label: "b", Value: p(20)}}}))
	steps := n.class("cxm-step")
	if steps[1].attr("fill") != colBar {
		t.Errorf("current stage not Explore: %q", steps[1].attr("fill"))
	}
	// Unknown Current: none marked.
	n = common(t, "lu", StageLadder(sixStages, LadderOptions{Frame: Frame{ID: "lu"}, Current: "nope"}))
	for _, s := range n.class("cxm-step") {
		if s.attr("fill") == colBar {
			t.Error("a stage is marked current")
		}
	}
}

func TestStageLadderVertical(t *testing.T) {
	// Six stages do not fit side by side at 300: the ladder is vertical,
	// highest stage on top.
	markers := []Marker{{Label: "PL", Value: p(67.8)}, {Label: "EE", Value: p(34.8), Highlight: true}}
	n := common(t, "lv", StageLadder(sixStages, LadderOptions{Frame: Frame{ID: "lv", Width: 300}, Current: "mobilize", Markers: markers}))
	steps := n.class("cxm-step")
	if len(steps) != 6 {
		t.Fatalf("%d steps", len(steps))
	}
	for i := 1; i < 6; i++ {
		if steps[i].num(t, "y") <= steps[i-1].num(t, "y") || steps[i].num(t, "width") >= steps[i-1].num(t, "width") {
			t.Errorf("step %d not below and narrower than step %d", i, i-1)
		}
	}
	if !strings.HasPrefix(steps[0].title(), "Embed") || steps[3].attr("fill") != colBar {
		t.Errorf("order/current: %q %q", steps[0].title(), steps[3].attr("fill"))
	}
	txt := n.text()
	for _, s := range []string{"Current stage", "PL 67.8", "EE 34.8", "weakest link"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing in %q", s, txt)
		}
	}
}

// ---------------------------------------------------------------------------
// Heatmap

func TestHeatmapGeometryAndColors(t *testing.T) {
	cols := []string{"Zero", "Half", "Full"}
	rows := []HeatRow{
		{Label: "Sales", N: 12, Cells: []*float64{p(0), p(50), p(100)}},
		{Label: "IT", N: 3, Cells: []*float64{nil, p(-20), p(250)}},
		{Label: "Short row", Cells: []*float64{p(10)}},
	}
	n := common(t, "h", Heatmap(cols, rows, HeatmapOptions{Frame: Frame{ID: "h"}}))
	cells := n.class("cxm-cell")
	if len(cells) != 9 {
		t.Fatalf("%d cells", len(cells))
	}
	if cells[0].attr("fill") != seqStops[0] || cells[2].attr("fill") != seqStops[len(seqStops)-1] {
		t.Errorf("scale ends: %q %q", cells[0].attr("fill"), cells[2].attr("fill"))
	}
	// Out of range values clamp to the ends.
	if cells[4].attr("fill") != seqStops[0] || cells[5].attr("fill") != seqStops[len(seqStops)-1] {
		t.Errorf("clamped: %q %q", cells[4].attr("fill"), cells[5].attr("fill"))
	}
	// Suppressed and missing cells are hatched.
	for _, i := range []int{3, 7, 8} {
		if cells[i].attr("fill") != "url(#h-hatch)" || !strings.Contains(cells[i].title(), "too few respondents to show") {
			t.Errorf("cell %d: %q %q", i, cells[i].attr("fill"), cells[i].title())
		}
	}
	if n.all(func(n node) bool { return n.attr("id") == "h-hatch" }) == nil {
		t.Error("hatch pattern missing")
	}
	// A regular grid.
	w, h := cells[0].num(t, "width"), cells[0].num(t, "height")
	for i, c := range cells {
		near(t, "cell width", c.num(t, "width"), w)
		near(t, "cell x", c.num(t, "x"), cells[0].num(t, "x")+float64(i%3)*(w+2))
		near(t, "cell y", c.num(t, "y"), cells[0].num(t, "y")+float64(i/3)*(h+2))
	}
	if !strings.Contains(cells[1].title(), "Sales, Half: 50") {
		t.Errorf("title %q", cells[1].title())
	}
	txt := n.text()
	for _, s := range []string{"0.0", "50.0", "100.0", "n = 12", "–", "Score", "too few respondents to show"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
	// Text in cells: the contrast color for its fill.
	for _, e := range n.tag("text") {
		if e.text() == "100.0" && e.attr("fill") != "#ffffff" {
			t.Errorf("100.0 text fill %q", e.attr("fill"))
		}
		if e.text() == "0.0" && e.attr("fill") != "#000000" {
			t.Errorf("0.0 text fill %q", e.attr("fill"))
		}
	}
}

func TestHeatmapScales(t *testing.T) {
	seq := HeatmapOptions{}
	div := HeatmapOptions{Diverging: true}
	for _, c := range []struct {
		o    HeatmapOptions
		v    float64
		want string
	}{
		{seq, 0, "#deebf7"}, {seq, 100, "#08306b"},
		{div, 0, "#b2182b"}, {div, 50, "#f7f7f7"}, {div, 100, "#2166ac"},
		{HeatmapOptions{Diverging: true, Midpoint: 70}, 70, "#f7f7f7"},
	} {
		if got, _ := c.o.Color(c.v); got != c.want {
			t.Errorf("Color(%v) diverging=%v = %s, want %s", c.v, c.o.Diverging, got, c.want)
		}
	}
	// Every value's text is readable on its cell (AA, 4.5:1).
	for _, o := range []HeatmapOptions{seq, div} {
		prevL := -1.0
		for v := 0.0; v <= 100; v += 0.5 {
			fill, ink := o.Color(v)
			if c := contrast(fill, ink); c < 4.5 {
				t.Errorf("value %v: %s on %s contrast %.2f", v, ink, fill, c)
			}
			// The sequential scale darkens monotonically.
			if !o.Diverging {
				l := luminance(hexRGB(fill))
				if prevL >= 0 && l > prevL+1e-9 {
					t.Errorf("sequential scale not monotonic at %v", v)
				}
				prevL = l
			}
		}
	}
	n := common(t, "hd", Heatmap([]string{"a"}, []HeatRow{{Label: "r", Cells: []*float64{p(50)}}}, HeatmapOptions{Frame: Frame{ID: "hd"}, Diverging: true}))
	if c := n.class("cxm-cell"); c[0].attr("fill") != "#f7f7f7" {
		t.Errorf("midpoint cell %q", c[0].attr("fill"))
	}
}

func TestHeatmapNarrowHeaders(t *testing.T) {
	// Long headers at phone width: angled, not hyphenated.
	cols := []string{"Purposeful Leadership", "Compelling Brand Values", "Employee Engagement", "Customer Connectedness"}
	rows := []HeatRow{{Label: "Customer Service", N: 23, Cells: []*float64{p(71.2), p(60.4), p(41.3), p(66)}}}
	n := common(t, "hn", Heatmap(cols, rows, HeatmapOptions{Frame: Frame{ID: "hn", Width: 360}}))
	txt := n.text()
	for _, c := range cols {
		if !strings.Contains(txt, c) {
			t.Errorf("header %q not shown whole", c)
		}
	}
	if strings.Contains(txt, "-\n") || strings.Contains(txt, "…") {
		t.Errorf("headers broken: %q", txt)
	}
}

// ---------------------------------------------------------------------------
// StackedBars

func TestStackedBarsGeometry(t *testing.T) {
	opts := []string{"Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"}
	long := strings.Repeat("This statement is far too long to fit in the label column, so it has to be wrapped onto six lines ", 5) + "and then cut short with an ellipsis at the end"
	dists := []Distribution{
		{Label: "S1", Counts: []int{1, 1, 2, 0, 4}},
		{Label: long, Counts: []int{-5, 3, 3}},
		{Label: "Nobody", Counts: nil},
	}
	const W = 400 // narrow: bars start at the padding
	n := common(t, "s", StackedBars(dists, opts, StackedOptions{Frame: Frame{ID: "s", Width: W}}))
	segs := n.class("cxm-segment")
	if len(segs) != 4+2 {
		t.Fatalf("%d segments", len(segs))
	}
	x0 := pad
	plotW := W - x0 - textW("n = 8", fsS, false) - 10 - pad
	near(t, "first x", segs[0].num(t, "x"), x0)
	sum := 0.0
	for _, s := range segs[:4] {
		sum += s.num(t, "width")
	}
	near(t, "sum of widths", sum, plotW)
	near(t, "1/8", segs[0].num(t, "width"), plotW/8)
	near(t, "2/8", segs[2].num(t, "width"), plotW/4)
	near(t, "contiguous", segs[3].num(t, "x"), x0+plotW/2)
	if !strings.Contains(segs[2].title(), "S1 – Neither: 2 of 8 (25%)") {
		t.Errorf("title %q", segs[2].title())
	}
	for i := range 5 {
		if segs[min(i, 3)].attr("fill") == "" {
			t.Error("segment without fill")
		}
	}
	if segs[0].attr("fill") != OptionColor(0, 5) || segs[3].attr("fill") != OptionColor(4, 5) {
		t.Error("segment colors do not follow the options")
	}
	// Negative counts count as 0: 3 and 3 of 6.
	near(t, "half", segs[4].num(t, "width"), plotW/2)
	txt := n.text()
	for _, s := range []string{"50%", "25%", "n = 8", "n = 6", "n = 0", "no answers", "Strongly disagree", "Strongly agree"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
	// The long label is cut, with the full text in its tooltip.
	var found bool
	for _, e := range n.tag("text") {
		if e.title() == long {
			found = true
			if strings.Contains(e.text(), "ellipsis at the end") || !strings.Contains(e.text(), "…") {
				t.Errorf("long label not cut: %q", e.text())
			}
		}
	}
	if !found {
		t.Error("no tooltip with the full statement")
	}
	// Palette: lowest option red, highest blue, text readable on every segment.
	for k := 1; k <= 11; k++ {
		for i := range k {
			c := OptionColor(i, k)
			if contrast(c, inkOn(c)) < 4.5 {
				t.Errorf("option %d of %d: %s contrast %.2f", i, k, c, contrast(c, inkOn(c)))
			}
		}
	}
	if OptionColor(0, 5) != "#b2182b" || OptionColor(4, 5) != "#2166ac" || OptionColor(2, 5) != "#d9d9d9" {
		t.Error("palette ends")
	}
}

// ---------------------------------------------------------------------------
// Trend

func TestTrendGeometry(t *testing.T) {
	waves := []string{"W1", "W2", "W3", "W4"}
	lines := []TrendLine{
		{Label: "A", Points: []TrendPoint{{Value: p(0)}, {Value: p(50), Low: p(40), High: p(60)}, {Value: p(100)}, {Value: p(25)}}},
		{Label: "B", Points: []TrendPoint{{Value: p(10)}, {}, {Value: p(30)}, {Value: p(40)}}},
	}
	n := common(t, "t", Trend(waves, lines, TrendOptions{Frame: Frame{ID: "t"}, ShowCI: true, WeakBelow: p(50)}))
	var a []node
	for _, m := range n.class("cxm-point") {
		if strings.HasPrefix(m.title(), "A,") {
			a = append(a, m)
		}
	}
	if len(a) != 4 {
		t.Fatalf("%d points", len(a))
	}
	y0, y100 := a[0].num(t, "cy"), a[2].num(t, "cy")
	yOf := func(v float64) float64 { return y0 + (y100-y0)*v/100 }
	near(t, "y(50)", a[1].num(t, "cy"), yOf(50))
	near(t, "y(25)", a[3].num(t, "cy"), yOf(25))
	// Equally spaced waves.
	dx := a[1].num(t, "cx") - a[0].num(t, "cx")
	near(t, "spacing", a[3].num(t, "cx")-a[2].num(t, "cx"), dx)
	// The plot spans 0..100: the axis at 0 and the grid line at 100.
	var grid []float64
	for _, l := range n.tag("line") {
		if l.attr("y1") == l.attr("y2") && (l.attr("stroke") == colGrid || l.attr("stroke") == colAxis) && l.attr("stroke-dasharray") == "" && l.num(t, "x2")-l.num(t, "x1") > 100 {
			grid = append(grid, l.num(t, "y1"))
		}
	}
	if len(grid) != 5 {
		t.Fatalf("grid lines %v", grid)
	}
	near(t, "grid 0", grid[0], y0)
	near(t, "grid 100", grid[4], y100)
	// CI whisker exactly from Low to High.
	cis := n.class("cxm-ci")
	if len(cis) != 1 {
		t.Fatalf("%d whiskers", len(cis))
	}
	wl := cis[0].tag("line")
	near(t, "whisker lo", wl[0].num(t, "y1"), yOf(40))
	near(t, "whisker hi", wl[0].num(t, "y2"), yOf(60))
	near(t, "whisker x", wl[0].num(t, "x1"), a[1].num(t, "cx"))
	// Line B has a gap: two subpaths.
	for _, l := range n.class("cxm-line") {
		if l.title() == "B" && strings.Count(l.attr("d"), "M") != 2 {
			t.Errorf("B path %q", l.attr("d"))
		}
	}
	if !strings.Contains(n.text(), "weak below 50") {
		t.Error("weak line not in legend")
	}
	var weak []node
	for _, l := range n.tag("line") {
		if l.attr("stroke-dasharray") == "6 3" && l.title() == "weak below 50" {
			weak = append(weak, l)
		}
	}
	if len(weak) != 1 {
		t.Fatalf("%d weak lines", len(weak))
	}
	near(t, "weak line", weak[0].num(t, "y1"), yOf(50))
	// One wave: a single centered point, no NaN.
	n = common(t, "t1", Trend([]string{"Only"}, lines, TrendOptions{Frame: Frame{ID: "t1", Width: 500}}))
	if len(n.class("cxm-point")) != 2 {
		t.Errorf("%d points", len(n.class("cxm-point")))
	}
}

// ---------------------------------------------------------------------------
// Range

func TestRangeGeometry(t *testing.T) {
	rows := []RangeRow{
		{Label: "A", Score: p(100), P25: p(25), Median: p(50), P75: p(75), Percentile: p(90)},
		{Label: "B", Score: p(0), P25: p(60), P75: p(40), Percentile: p(2)},
		{Label: "C"},
	}
	const W = 400 // narrow: the track starts at pad+4
	n := common(t, "g", Range(rows, RangeOptions{Frame: Frame{ID: "g", Width: W}}))
	x0, plotW := pad+4, W-2*pad-18
	iqr := n.class("cxm-iqr")
	if len(iqr) != 2 {
		t.Fatalf("%d boxes", len(iqr))
	}
	near(t, "p25", iqr[0].num(t, "x"), x0+plotW/4)
	near(t, "iqr width", iqr[0].num(t, "width"), plotW/2)
	near(t, "swapped p25", iqr[1].num(t, "x"), x0+0.4*plotW)
	med := n.class("cxm-median")
	if len(med) != 1 {
		t.Fatalf("%d medians", len(med))
	}
	near(t, "median", med[0].num(t, "x1"), x0+plotW/2)
	sc := n.class("cxm-score")
	if len(sc) != 2 {
		t.Fatalf("%d score markers", len(sc))
	}
	var xs []float64
	for _, xy := range strings.Fields(sc[0].attr("points")) {
		a, _, _ := strings.Cut(xy, ",")
		v, _ := strconv.ParseFloat(a, 64)
		xs = append(xs, v)
	}
	near(t, "score", (xs[1]+xs[3])/2, x0+plotW)
	if !strings.Contains(sc[0].title(), "A: Your score 100, 90th percentile") {
		t.Errorf("title %q", sc[0].title())
	}
	txt := n.text()
	for _, s := range []string{"90th percentile", "2nd percentile", "100.0", "–", "Peers, middle 50%", "Peer median"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
}

func TestOrdinal(t *testing.T) {
	for n, want := range map[int]string{0: "0th", 1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd", 23: "23rd", 100: "100th", 101: "101st", 111: "111th"} {
		if got := Ordinal(n); got != want {
			t.Errorf("Ordinal(%d) = %q, want %q", n, got, want)
		}
	}
}

// ---------------------------------------------------------------------------
// All charts: escaping, empty and nil input, determinism, odd numbers.

// allCharts renders every chart with the given label and values; the keys
// are the charts' ids (id + chart name).
func allCharts(label string, v *float64, lo, hi *float64, width float64, id string) map[string]template.HTML {
	fr := func(s string) Frame { return Frame{ID: id + s, Width: width, Title: label} }

	labels := []string{label, label + " 2", label + " 3"}
	vals := []*float64{v, lo, hi}
	charts := map[string]template.HTML{
		"bars": ScoreBars([]Bar{{Label: label, Value: v, Low: lo, High: hi, Highlight: true}, {Label: label, Value: hi}},
			BarsOptions{Frame: fr("bars"), Thresholds: []Threshold{{Value: deref(v), Label: label}, {Value: deref(lo), Label: label}}, WeakBelow: hi, HighlightText: label}),
		"radar": Radar(labels, []Series{{Name: label, Values: vals}, {Name: label, Values: []*float64{hi, v}}}, RadarOptions{Frame: fr("radar")}),
		"ladder": StageLadder([]Stage{{ID: label, Name: label, From: deref(v)}, {Name: label, From: deref(hi)}, {From: deref(lo)}},
			LadderOptions{Frame: fr("ladder"), Current: label, Markers: []Marker{{Label: label, Value: v, Highlight: true}, {Label: label, Value: lo}}, CurrentText: label, HighlightText: label}),
		"heatmap": Heatmap(labels, []HeatRow{{Label: label, N: 3, Cells: vals}, {Label: label, Cells: []*float64{nil}}},
			HeatmapOptions{Frame: fr("heatmap"), Diverging: true, Midpoint: deref(v), SuppressedText: label}),
		"stacked": StackedBars([]Distribution{{Label: label, Counts: []int{int(clamp(deref(v), -1e6, 1e6)), 2, 3}}, {Label: label}}, labels, StackedOptions{Frame: fr("stacked")}),
		"trend": Trend(labels, []TrendLine{{Label: label, Points: []TrendPoint{{Value: v, Low: lo, High: hi}, {Value: hi}, {}}}},
			TrendOptions{Frame: fr("trend"), ShowCI: true, WeakBelow: v}),
		"range": Range([]RangeRow{{Label: label, Score: v, P25: lo, Median: v, P75: hi, Percentile: v}, {Label: label}},
			RangeOptions{Frame: fr("range"), ScoreText: label, PeerText: label, MedianText: label}),
	}
	out := map[string]template.HTML{}
	for k, s := range charts {
		out[id+k] = s
	}
	return out
}

func deref(p *float64) float64 {
	if p == nil {
		return 0
	}
	return *p
}

func TestEscaping(t *testing.T) {
	escaped := "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;x&#34;"
	for _, width := range []float64{0, 360} {
		for name, out := range allCharts(evil, p(42), p(30), p(60), width, "") {
			s := string(out)
			if strings.Contains(s, "<script") || strings.Contains(s, `"x"`) {
				t.Errorf("%s: unescaped markup", name)
			}
			if !strings.Contains(s, escaped) {
				t.Errorf("%s: escaped label not found", name)
			}
			n := parse(t, out)
			// After XML decoding the title and description hold the label verbatim.
			if !strings.Contains(n.Children[0].Text, evil) {
				t.Errorf("%s: title %q", name, n.Children[0].Text)
			}
			if !strings.Contains(n.Children[1].Text, evil) {
				t.Errorf("%s: desc %q", name, n.Children[1].Text)
			}
		}
	}
	// Hostile ids are reduced to safe characters.
	out := ScoreBars([]Bar{{Label: "a", Value: p(1)}}, BarsOptions{Frame: Frame{ID: `x" onload="alert(1)`}})
	if strings.Contains(string(out), "onload=") || !strings.Contains(string(out), `aria-labelledby="xonloadalert1-title xonloadalert1-desc"`) {
		t.Errorf("id not sanitized: %.300s", out)
	}
	// Characters XML does not allow are replaced, not passed through.
	for name, out := range allCharts("bad\x00\x01\uFFFEchars\xff", p(50), nil, nil, 0, "x") {
		parse(t, out)
		if strings.ContainsAny(string(out), "\x00\x01") {
			t.Errorf("%s: control characters in output", name)
		}
	}
}

func TestNilAndEmpty(t *testing.T) {
	fr := Frame{ID: "z"}
	outs := map[string]template.HTML{
		"bars empty":    ScoreBars(nil, BarsOptions{Frame: fr}),
		"bars nil":      ScoreBars([]Bar{{}, {Label: "x"}}, BarsOptions{Frame: fr, Thresholds: []Threshold{{}}}),
		"radar empty":   Radar(nil, nil, RadarOptions{Frame: fr}),
		"radar nil":     Radar([]string{"", "", ""}, []Series{{}, {Values: []*float64{nil, nil, nil}}}, RadarOptions{Frame: fr}),
		"radar noser":   Radar([]string{"a", "b", "c"}, nil, RadarOptions{Frame: fr}),
		"ladder empty":  StageLadder(nil, LadderOptions{Frame: fr}),
		"ladder nil":    StageLadder([]Stage{{}}, LadderOptions{Frame: fr, Markers: []Marker{{}}}),
		"heatmap empty": Heatmap(nil, nil, HeatmapOptions{Frame: fr}),
		"heatmap cols":  Heatmap([]string{"a"}, nil, HeatmapOptions{Frame: fr}),
		"heatmap nil":   Heatmap([]string{""}, []HeatRow{{}}, HeatmapOptions{Frame: fr}),
		"stacked empty": StackedBars(nil, nil, StackedOptions{Frame: fr}),
		"stacked nil":   StackedBars([]Distribution{{}}, nil, StackedOptions{Frame: fr}),
		"stacked zero":  StackedBars([]Distribution{{Counts: []int{0, 0}}}, []string{"", ""}, StackedOptions{Frame: fr}),
		"trend empty":   Trend(nil, nil, TrendOptions{Frame: fr}),
		"trend nil":     Trend([]string{""}, []TrendLine{{}}, TrendOptions{Frame: fr, ShowCI: true}),
		"range empty":   Range(nil, RangeOptions{Frame: fr}),
		"range nil":     Range([]RangeRow{{}}, RangeOptions{Frame: fr}),
	}
	for name, out := range outs {
		t.Run(name, func(t *testing.T) { common(t, "z", out) })
	}
	// A nil score is "–" in the text, never a number.
	n := common(t, "z", ScoreBars([]Bar{{Label: "x"}}, BarsOptions{Frame: fr}))
	if len(n.class("cxm-bar")) != 0 || !strings.Contains(n.text(), "–") {
		t.Error("nil bar drawn")
	}
}

func TestDeterministic(t *testing.T) {
	a := allCharts("Employee Engagement", p(34.8), p(30.1), p(39.5), 0, "d")
	b := allCharts("Employee Engagement", p(34.8), p(30.1), p(39.5), 0, "d")
	for name := range a {
		if a[name] != b[name] {
			t.Errorf("%s: output differs between runs", name)
		}
	}
}

func TestOddNumbers(t *testing.T) {
	inf, ninf, nan := math.Inf(1), math.Inf(-1), math.NaN()
	for _, c := range []struct {
		v, lo, hi *float64
		width     float64
	}{
		{p(nan), p(nan), p(nan), nan},
		{p(inf), p(ninf), p(inf), inf},
		{p(-50), p(-80), p(-10), -100},
		{p(150), p(120), p(1e300), 1e9},
		{p(1e-300), p(-1e-300), p(0), 1},
		{p(33.333333), p(66.666666), p(12.345678), 333.3333},
		{nil, p(10), nil, 280},
		{p(math.Copysign(0, -1)), nil, p(100), 2000}, // negative zero
	} {
		for id, out := range allCharts("x", c.v, c.lo, c.hi, c.width, "o") {
			common(t, id, out)
		}
	}
}

func FuzzCharts(f *testing.F) {
	f.Add("Purposeful Leadership", 67.8, 63.6, 72.0, 640.0, 5)
	f.Add(evil, math.NaN(), math.Inf(1), -5.0, 0.0, -3)
	f.Add("\xff\x00 é 漢字", 1e308, -1e308, 100.0, 360.0, 1<<40)
	f.Fuzz(func(t *testing.T, label string, v, lo, hi, width float64, count int) {
		outs := allCharts(label, &v, &lo, &hi, width, "f")
		outs["fstacked2"] = StackedBars([]Distribution{{Label: label, Counts: []int{count, -count, count, 1}}}, []string{label}, StackedOptions{Frame: Frame{ID: "fstacked2", Width: width}})
		for id, out := range outs {
			n := parse(t, out)
			checkNumbers(t, string(out))
			if n.attr("aria-labelledby") != id+"-title "+id+"-desc" {
				t.Errorf("%s: aria-labelledby %q", id, n.attr("aria-labelledby"))
			}
		}
	})
}

// ---------------------------------------------------------------------------
// Helpers

func TestContrast(t *testing.T) {
	for _, c := range append([]string{colInk, colMuted, colAxis, colBar, colHi, colWhisker}, palette...) {
		if r := contrast(c, "#ffffff"); r < 4.5 {
			t.Errorf("%s on white: %.2f < 4.5", c, r)
		}
	}
	// Text on the current stage step and on the light steps.
	for _, pair := range [][2]string{{"#ffffff", colBar}, {colInk, "#dbeafe"}, {colMuted, "#dbeafe"}, {colMuted, "#f9fafb"}, {colInk, "#e5e7eb"}, {colMuted, "#e5e7eb"}, {colBar, "#eff6ff"}, {colHi, "#eff6ff"}} {
		if r := contrast(pair[0], pair[1]); r < 4.5 {
			t.Errorf("%s on %s: %.2f < 4.5", pair[0], pair[1], r)
		}
	}
	near(t, "black on white", contrast("#000000", "#ffffff"), 21)
}

func TestFormat(t *testing.T) {
	for in, want := range map[float64]string{0: "0", -0.001: "0", 1.005: "1", 1.006: "1.01", 12.345678: "12.35", -3.5: "-3.5", 100: "100", 1e6: "1000000"} {
		if got := f(in); got != want {
			t.Errorf("f(%v) = %q, want %q", in, got, want)
		}
	}
	for _, x := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if f(x) != "0" || one(x) != "–" {
			t.Errorf("f/one(%v) = %q/%q", x, f(x), one(x))
		}
	}
	if one(-0.04) != "0.0" || one(67.85) != "67.9" || one(34.8) != "34.8" {
		t.Errorf("one: %q %q %q", one(-0.04), one(67.85), one(34.8))
	}
}

func TestWrap(t *testing.T) {
	lines, cut := wrap("Purposeful Leadership", 1000, fs, false, 2)
	if len(lines) != 1 || cut {
		t.Errorf("%q %v", lines, cut)
	}
	w := math.Max(textW("Purposeful", fs, false), textW("Leadership", fs, false)) + 1
	lines, cut = wrap("Purposeful Leadership", w, fs, false, 2)
	if len(lines) != 2 || lines[0] != "Purposeful" || lines[1] != "Leadership" || cut {
		t.Errorf("%q %v", lines, cut)
	}
	lines, cut = wrap("one two three four five six seven", textW("one two", fs, false)+1, fs, false, 2)
	if len(lines) != 2 || !cut || !strings.HasSuffix(lines[1], "…") {
		t.Errorf("%q %v", lines, cut)
	}
	for _, l := range lines {
		if textW(l, fs, false) > textW("one two", fs, false)+1 {
			t.Errorf("line %q too wide", l)
		}
	}
	// A word wider than the line is hyphenated, never lost.
	lines, _ = wrap("Supercalifragilistic", 60, fs, false, 5)
	if strings.ReplaceAll(strings.Join(lines, ""), "-", "") != "Supercalifragilistic" {
		t.Errorf("%q", lines)
	}
	if l, _ := wrap("   ", 100, fs, false, 2); l != nil {
		t.Errorf("%q", l)
	}
	if l, _ := wrap("abc", -5, fs, false, 0); len(l) == 0 {
		t.Error("nothing for a tiny width")
	}
}

func TestStagger(t *testing.T) {
	rows, n := stagger([][2]float64{{0, 50}, {40, 90}, {100, 150}, {45, 60}}, 5, 3)
	if n != 3 || rows[0] != 0 || rows[1] != 1 || rows[2] != 0 || rows[3] != 2 {
		t.Errorf("rows %v n %d", rows, n)
	}
}
