package chart

import (
	"strings"
	"testing"
)

// A reverse-keyed statement runs the ramp the other way: its first option
// (strongly disagree, the good end) is blue, and its label says so.
func TestStackedBarsReverseColors(t *testing.T) {
	opts := []string{"Strongly disagree", "Disagree", "Neither", "Agree", "Strongly agree"}
	dists := []Distribution{
		{Label: "We know our customers", Counts: []int{1, 1, 1, 1, 1}},
		{Label: "We guess what customers want", Counts: []int{1, 1, 1, 1, 1}, Reverse: true},
	}
	for _, W := range []float64{640, 360} {
		n := common(t, "r", StackedBars(dists, opts, StackedOptions{Frame: Frame{ID: "r", Width: W}}))
		segs := n.class("cxm-segment")
		if len(segs) != 10 {
			t.Fatalf("%d segments", len(segs))
		}
		want := []string{"#b2182b", "#ef8a62", "#d9d9d9", "#67a9cf", "#2166ac", "#2166ac", "#67a9cf", "#d9d9d9", "#ef8a62", "#b2182b"}
		for i, s := range segs {
			if s.attr("fill") != want[i] {
				t.Errorf("W=%v segment %d: fill %s, want %s", W, i, s.attr("fill"), want[i])
			}
		}
		if !strings.Contains(segs[5].title(), "We guess what customers want – Strongly disagree: 1 of 5") {
			t.Errorf("title %q", segs[5].title())
		}
		notes := n.class("cxm-reverse")
		if len(notes) != 1 || !strings.Contains(strings.Join(strings.Fields(notes[0].text()), " "), "Reverse-keyed: disagreeing is good") {
			t.Errorf("W=%v reverse note %v", W, notes)
		}
		if !strings.Contains(strings.Join(strings.Fields(n.text()), " "), "blue is always the good end") {
			t.Errorf("W=%v legend says nothing of the swapped colors", W)
		}
	}
	// Without a reverse statement there is no note.
	n := common(t, "r", StackedBars(dists[:1], opts, StackedOptions{Frame: Frame{ID: "r"}}))
	if len(n.class("cxm-reverse")) != 0 || strings.Contains(n.text(), "swapped") {
		t.Error("note without a reverse statement")
	}
}

// A statement wraps over lines instead of being cut at two.
func TestStackedBarsWrapsStatements(t *testing.T) {
	st := "Our frontline staff can resolve most customer complaints at the first contact without needing to escalate them to a manager"
	n := common(t, "w", StackedBars([]Distribution{{Label: st, Counts: []int{1, 2, 3, 4, 5}}}, nil, StackedOptions{Frame: Frame{ID: "w", Width: 640}}))
	var label node
	for _, e := range n.tag("text") {
		if len(e.tag("tspan")) > 0 {
			label = e
		}
	}
	lines := label.tag("tspan")
	if len(lines) != 4 {
		t.Fatalf("%d lines: %q", len(lines), label.text())
	}
	var got []string
	for _, l := range lines {
		got = append(got, l.Text)
		if w := textW(l.Text, fs, false); w > 640*0.45 {
			t.Errorf("line %q is %v wide", l.Text, w)
		}
	}
	if strings.Join(got, " ") != st || strings.Contains(n.text(), "…") {
		t.Errorf("statement cut: %q", got)
	}
	// The label column is at most 45% of the width: the bars start there.
	x := n.class("cxm-segment")[0].num(t, "x")
	if x > pad+640*0.45+labGap+0.01 || x < 200 {
		t.Errorf("bars start at %v", x)
	}
}

// The narrow heatmap: one block per competency, a line per group with its
// n and a cell holding the score, suppressed cells hatched, within 360.
func TestHeatmapNarrow(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	cols := []string{"Customer insight and understanding", "Leadership"}
	rows := []HeatRow{
		{Label: "Sales", N: 12, Cells: []*float64{v(41.26), v(70)}},
		{Label: "Customer service and support in the regions", N: 7, Cells: []*float64{nil, v(55.5)}},
	}
	const W = 360
	n := common(t, "hn", HeatmapNarrow(cols, rows, HeatmapOptions{Frame: Frame{ID: "hn", Width: W}, Diverging: true, Midpoint: 50}))
	if vb := n.attr("viewBox"); !strings.HasPrefix(vb, "0 0 360 ") {
		t.Errorf("viewBox %q", vb)
	}
	cells := n.class("cxm-cell")
	if len(cells) != 4 {
		t.Fatalf("%d cells", len(cells))
	}
	wantTips := []string{"Sales, Customer insight and understanding: 41.26",
		"Customer service and support in the regions, Customer insight and understanding: too few respondents to show",
		"Sales, Leadership: 70", "Customer service and support in the regions, Leadership: 55.5"}
	for i, c := range cells {
		if c.title() != wantTips[i] {
			t.Errorf("cell %d: %q, want %q", i, c.title(), wantTips[i])
		}
		near(t, "cell x", c.num(t, "x"), W-pad-hnCellW)
		if x := c.num(t, "x") + c.num(t, "width"); x > W-pad+0.01 {
			t.Errorf("cell ends at %v", x)
		}
	}
	if cells[1].attr("fill") != "url(#hn-hatch)" {
		t.Errorf("suppressed fill %q", cells[1].attr("fill"))
	}
	fill, _ := HeatmapOptions{Diverging: true, Midpoint: 50}.Color(70)
	if cells[2].attr("fill") != fill {
		t.Errorf("fill %q, want %q", cells[2].attr("fill"), fill)
	}
	// The second block starts below the first one's rows.
	if cells[2].num(t, "y") <= cells[1].num(t, "y")+hnCellH {
		t.Error("blocks overlap")
	}
	txt := n.text()
	for _, s := range []string{"Customer insight and understanding", "Leadership", "Sales", "n = 12", "n = 7", "41.3", "70.0", "55.5", "Score", "too few respondents to show"} {
		if !strings.Contains(txt, s) {
			t.Errorf("text %q missing", s)
		}
	}
	// Every label stays left of the cells.
	for _, e := range n.tag("text") {
		if e.attr("text-anchor") == "" && e.has("x") && e.num(t, "x") < W-pad-hnCellW {
			for _, l := range strings.Split(e.text(), "\n") {
				if e.num(t, "x")+textW(l, fs, true) > W+0.01 {
					t.Errorf("text %q runs off", l)
				}
			}
		}
	}
	if got := HeatmapNarrow(nil, rows, HeatmapOptions{Frame: Frame{ID: "e"}}); !strings.Contains(string(got), "No groups to show.") {
		t.Error("empty")
	}
}
