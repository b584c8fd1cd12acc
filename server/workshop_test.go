package server

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/score"
)

// The workshop fixture: 11 respondents answer the built-in temkin-four
// framework (scale 1–5, the 5th statement of each competency reverse-keyed)
// with answer patterns whose spread is known, so the test knows which
// statements split the room.
var workshopPatterns = map[byte]func(r int) int{
	'A': func(r int) int { // 1 or 5: the room is split (variance 4.36)
		if r%2 == 0 {
			return 1
		}
		return 5
	},
	'B': func(r int) int { return r%3 + 1 }, // 1, 2, 3 (0.69)
	'C': func(r int) int { // 2 or 4 (1.09)
		if r%2 == 0 {
			return 2
		}
		return 4
	},
	'E': func(r int) int { // mostly 2, two 4s (0.65)
		if r < 2 {
			return 4
		}
		return 2
	},
	'F': func(r int) int { // mostly 2, three 5s (1.96)
		if r%4 == 0 {
			return 5
		}
		return 2
	},
}

// workshopLayout gives, per competency, the pattern of each of its six
// statements; D is everyone giving the same answer, at a level that sets
// the competency apart: Employee Engagement lowest, then Customer
// Connectedness, Compelling Brand Values, Purposeful Leadership.
var workshopLayout = map[string]struct {
	patterns string
	level    int
}{
	"pl":  {"ABCDEF", 5},
	"cbv": {"BCFEAD", 4},
	"ee":  {"DFBCEA", 1},
	"cc":  {"CADFBE", 3},
}

const workshopRespondents = 11

// workshopDepartment: Sales 4, Ops 4 (named with markup, to check
// escaping), Legal 2 and Procurement 1. Legal and Procurement are below
// min_group 3 and together hold 3, so only they are withheld.
func workshopDepartment(r int) string {
	switch {
	case r < 4:
		return "Sales"
	case r < 8:
		return "Ops & <i>Field</i>"
	case r < 10:
		return "Legal"
	}
	return "Procurement"
}

func workshopLevel(r int) string {
	if r%2 == 0 {
		return "Staff"
	}
	return "Manager"
}

// workshopAnswers are respondent r's answers, by item id.
func workshopAnswers(r int) map[string]int {
	out := map[string]int{}
	for prefix, l := range workshopLayout {
		for i := range 6 {
			p := l.patterns[i]
			v := l.level
			if p != 'D' {
				v = workshopPatterns[p](r)
			}
			out[fmt.Sprintf("%s-%d", prefix, i+1)] = v
		}
	}
	return out
}

// workshopScore is scoring.md §4.1–4.3 for the fixture, worked out here:
// every respondent answered every statement.
func workshopScore(f *cxm.Framework, c cxm.Competency, who []int) float64 {
	var sum float64
	for _, r := range who {
		a := workshopAnswers(r)
		var s, w float64
		for _, it := range c.Items {
			x := a[it.ID]
			if it.Reverse {
				x = f.Scale.Min + f.Scale.Max - x
			}
			wt := it.Weight
			if wt == 0 {
				wt = 1
			}
			s += wt * float64(x)
			w += wt
		}
		sum += 100 * (s/w - float64(f.Scale.Min)) / float64(f.Scale.Max-f.Scale.Min)
	}
	return sum / float64(len(who))
}

// sampleVariance of raw values, n − 1.
func sampleVariance(xs []int) float64 {
	var m float64
	for _, x := range xs {
		m += float64(x)
	}
	m /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (float64(x) - m) * (float64(x) - m)
	}
	return ss / float64(len(xs)-1)
}

func workshopFixture(e *env) (int64, *cxm.Framework) {
	e.t.Helper()
	id := e.newAssessment(map[string]any{"name": "Workshop check", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{
			map[string]any{"name": "department", "values": []string{"Sales", "Ops & <i>Field</i>", "Legal", "Procurement"}},
			map[string]any{"name": "level", "values": []string{"Staff", "Manager"}},
		}})
	for r, tok := range e.invite(id, workshopRespondents) {
		body := map[string]any{"attributes": map[string]string{"department": workshopDepartment(r), "level": workshopLevel(r)}, "answers": workshopAnswers(r)}
		if status, out := e.call("", "POST", "/api/v1/responses/"+tok, body); status != http.StatusCreated {
			e.t.Fatalf("submit %d: %d %v", r, status, out)
		}
	}
	// Released through the store, without the plan closing generates: the
	// decisions recorded below are then the plan's only steps.
	now := time.Now()
	if ok, err := e.db.CloseAssessment(e.t.Context(), id, now, e.srv.figures(e.t.Context(), now)); err != nil || !ok {
		e.t.Fatalf("close: %v, %v", ok, err)
	}
	f, ok := framework.Builtin("temkin-four")
	if !ok {
		e.t.Fatal("no built-in temkin-four")
	}
	return id, f
}

var (
	reStepName  = regexp.MustCompile(`<span class="ws-step-n">\d+</span> ([^<]+?)(?: <span|</a>)`)
	reH1        = regexp.MustCompile(`<h1 id="ws-h">([^<]*)</h1>`)
	reStatement = regexp.MustCompile(`<p class="ws-statement">([^<]*)</p>\s*<p class="ws-split"><span class="ws-tag[^"]*">([^<]*)</span> <span class="muted">variance ([0-9.]+)`)
	reGap       = regexp.MustCompile(`(?s)<h3>By ([^<]*)</h3>(.*?)</div>\s*(?:<div class="ws-gap">|</section>)`)
)

func TestWorkshop(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { testWorkshop(t, engine) })
	}
}

func testWorkshop(t *testing.T, engine string) {
	e := newEnv(t, engine)
	id, f := workshopFixture(e)
	base := "/assessments/" + itoa64(id) + "/workshop"
	all := make([]int, workshopRespondents)
	for r := range all {
		all[r] = r
	}

	// The order: scores worked out here, lowest first.
	type scored struct {
		c     cxm.Competency
		score float64
	}
	var want []scored
	for _, c := range f.Competencies {
		want = append(want, scored{c, workshopScore(f, c, all)})
	}
	sort.SliceStable(want, func(i, j int) bool { return want[i].score < want[j].score })
	for i, w := range want {
		if i > 0 && w.score-want[i-1].score < 1 {
			t.Fatalf("the fixture was meant to set the competencies apart: %s %.2f, %s %.2f", want[i-1].c.ID, want[i-1].score, w.c.ID, w.score)
		}
	}
	if want[0].c.ID != "employee-engagement" {
		t.Fatalf("the fixture was meant to make Employee Engagement the lowest, not %s", want[0].c.ID)
	}

	viewer, viewerCSRF := e.session(cxm.RoleViewer)
	status, page := e.get(viewer, base)
	if status != http.StatusOK {
		t.Fatalf("GET %s as viewer: %d\n%s", base, status, page)
	}
	var names []string
	for _, m := range reStepName.FindAllStringSubmatch(page, -1) {
		names = append(names, html.UnescapeString(m[1]))
	}
	var wantNames []string
	for _, w := range want {
		wantNames = append(wantNames, w.c.Name)
	}
	if !slices.Equal(names, wantNames) {
		t.Errorf("competencies in the order %q, want lowest score first %q", names, wantNames)
	}
	for i, w := range want {
		_, p := e.get(viewer, fmt.Sprintf("%s?c=%d", base, i))
		m := reH1.FindStringSubmatch(p)
		if m == nil || html.UnescapeString(m[1]) != w.c.Name {
			t.Errorf("c=%d shows %v, want %s", i, m, w.c.Name)
			continue
		}
		if !strings.Contains(p, fmt.Sprintf("%d of %d", i+1, len(want))) {
			t.Errorf("c=%d: no progress %q", i, fmt.Sprintf("%d of %d", i+1, len(want)))
		}
		if s := fmt.Sprintf(`<span class="ws-big">%.1f</span>`, w.score); !strings.Contains(p, s) {
			t.Errorf("c=%d: the score %.1f is not shown big", i, w.score)
		}
		if (i > 0) != strings.Contains(p, `rel="prev"`) || (i < len(want)-1) != strings.Contains(p, `rel="next"`) {
			t.Errorf("c=%d: wrong previous/next links", i)
		}
		if i < len(want)-1 && !strings.Contains(p, fmt.Sprintf(`href="%s?c=%d" rel="next"`, base, i+1)) {
			t.Errorf("c=%d: the Next link does not lead to c=%d", i, i+1)
		}

		// The three most disagreed statements, from the answers given.
		type spread struct {
			it cxm.Item
			v  float64
		}
		var spreads []spread
		for _, it := range w.c.Items {
			var xs []int
			for r := range workshopRespondents {
				xs = append(xs, workshopAnswers(r)[it.ID])
			}
			spreads = append(spreads, spread{it, sampleVariance(xs)})
		}
		sort.SliceStable(spreads, func(a, b int) bool { return spreads[a].v > spreads[b].v })
		got := reStatement.FindAllStringSubmatch(p, -1)
		if len(got) != 3 {
			t.Errorf("%s: %d prompts, want 3", w.c.Name, len(got))
			continue
		}
		for k, g := range got {
			exp := spreads[k]
			if html.UnescapeString(g[1]) != exp.it.Text {
				t.Errorf("%s prompt %d is %q, want %q (variance %.2f)", w.c.Name, k+1, html.UnescapeString(g[1]), exp.it.Text, exp.v)
			}
			if g[3] != fmt.Sprintf("%.2f", exp.v) {
				t.Errorf("%s prompt %d: variance %s, want %.2f", w.c.Name, k+1, g[3], exp.v)
			}
			// σ²_EU of a 5-point scale is 2: at or above it the room is split.
			if split := g[2] == "The room is split"; split != (exp.v >= 2) {
				t.Errorf("%s prompt %d (variance %.2f) is called %q", w.c.Name, k+1, exp.v, g[2])
			}
		}
		if spreads[2].v == spreads[3].v {
			t.Fatalf("%s: the fixture ties the 3rd and 4th statements", w.c.Name)
		}
		if !strings.Contains(p, `svg`) || !strings.Contains(p, `aria-labelledby="ws-dist-title`) {
			t.Errorf("%s: no answer distribution chart", w.c.Name)
		}

		// The gaps: only the groups shown.
		if strings.Contains(p, "Legal") || strings.Contains(p, "Procurement") {
			t.Errorf("%s: a department withheld for anonymity is on the page", w.c.Name)
		}
		if strings.Contains(p, "<i>Field</i>") || !strings.Contains(p, "Ops &amp; &lt;i&gt;Field&lt;/i&gt;") {
			t.Errorf("%s: the group name is not shown escaped", w.c.Name)
		}
		gaps := map[string]string{}
		for _, m := range reGap.FindAllStringSubmatch(p, -1) {
			gaps[m[1]] = m[2]
		}
		for _, attr := range []struct {
			name   string
			groups map[string][]int
		}{
			{"department", map[string][]int{"Sales": {0, 1, 2, 3}, "Ops & <i>Field</i>": {4, 5, 6, 7}}},
			{"level", map[string][]int{"Staff": {0, 2, 4, 6, 8, 10}, "Manager": {1, 3, 5, 7, 9}}},
		} {
			g, ok := gaps[attr.name]
			if !ok {
				t.Errorf("%s: no gaps by %s", w.c.Name, attr.name)
				continue
			}
			var hi, lo string
			for name, who := range attr.groups {
				if hi == "" || workshopScore(f, w.c, who) > workshopScore(f, w.c, attr.groups[hi]) {
					hi = name
				}
				if lo == "" || workshopScore(f, w.c, who) < workshopScore(f, w.c, attr.groups[lo]) {
					lo = name
				}
			}
			hs, ls := workshopScore(f, w.c, attr.groups[hi]), workshopScore(f, w.c, attr.groups[lo])
			if hs == ls {
				continue
			}
			line := fmt.Sprintf(`<span class="ws-gap-n">%.1f</span> points between <strong>%s</strong> (%.1f, highest) and <strong>%s</strong> (%.1f, lowest)`,
				hs-ls, html.EscapeString(hi), hs, html.EscapeString(lo), ls)
			if !strings.Contains(g, line) {
				t.Errorf("%s by %s: want %q in\n%s", w.c.Name, attr.name, line, g)
			}
			if attr.name == "department" && !strings.Contains(g, "2 group(s) hidden for some or all competencies") {
				t.Errorf("%s by department: the 2 withheld groups are not counted", w.c.Name)
			}
		}
	}
	if status, _ := e.get(viewer, base+"?c=4"); status != http.StatusNotFound {
		t.Errorf("c=4 of 4 competencies: %d, want 404", status)
	}
	if status, _ := e.get(viewer, base+"?c=x"); status != http.StatusNotFound {
		t.Errorf("c=x: %d, want 404", status)
	}

	// The viewer sees no decision box and may not record one.
	if strings.Contains(page, "/workshop/decisions") || strings.Contains(page, "<textarea") {
		t.Error("a viewer is offered the decision box")
	}
	weakest := want[0].c.ID
	if r := e.form(viewer, base+"/decisions", url.Values{"csrf": {viewerCSRF}, "competency": {weakest}, "decision": {"x"}}, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a viewer's decision: %d, want 403", r.StatusCode)
	}

	// A facilitator records a decision: CSRF first.
	fac, csrf := e.session(cxm.RoleFacilitator)
	_, page = e.get(fac, base)
	if !strings.Contains(page, `action="`+base+`/decisions"`) || !strings.Contains(page, `name="competency" value="`+weakest+`"`) {
		t.Fatal("a facilitator gets no decision box for the competency shown")
	}
	decision := "Share one <b>customer</b> story at every leadership meeting\nStarting next Monday, each executive in turn.\nStories go to the newsletter too."
	form := url.Values{"competency": {weakest}, "decision": {decision}, "owner": {"Dana (COO)"}}
	if r := e.form(fac, base+"/decisions", form, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a decision without the CSRF token: %d, want 403", r.StatusCode)
	}
	form.Set("csrf", "x"+csrf)
	if r := e.form(fac, base+"/decisions", form, nil); r.StatusCode != http.StatusForbidden {
		t.Errorf("a decision with a wrong CSRF token: %d, want 403", r.StatusCode)
	}
	form.Set("csrf", csrf)
	if r := e.form(fac, base+"/decisions", form, http.Header{"Origin": {"https://evil.example"}}); r.StatusCode != http.StatusForbidden {
		t.Errorf("a cross-origin decision: %d, want 403", r.StatusCode)
	}
	if steps, _ := e.db.PlanSteps(t.Context(), id); len(steps) != 0 {
		t.Fatalf("refused decisions made %d plan steps", len(steps))
	}
	for _, bad := range []url.Values{
		{"csrf": {csrf}, "competency": {weakest}, "decision": {" \n "}},
		{"csrf": {csrf}, "competency": {weakest}, "decision": {strings.Repeat("x", 201)}},
		{"csrf": {csrf}, "competency": {"no-such-competency"}, "decision": {"x"}},
	} {
		if r := e.form(fac, base+"/decisions", bad, nil); r.StatusCode != http.StatusBadRequest {
			t.Errorf("decision %q on %q: %d, want 400", bad.Get("decision"), bad.Get("competency"), r.StatusCode)
		}
	}
	r := e.form(fac, base+"/decisions", form, nil)
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != base+"?c=0&flash=decided#decisions" {
		t.Fatalf("recording a decision: %d to %q, want 303 to %s?c=0&flash=decided#decisions", r.StatusCode, r.Header.Get("Location"), base)
	}
	steps, err := e.db.PlanSteps(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 1 {
		t.Fatalf("%d plan steps, want 1", len(steps))
	}
	st := steps[0]
	if !st.Custom || st.Competency != weakest || st.Title != "Share one <b>customer</b> story at every leadership meeting" ||
		st.Description != "Starting next Monday, each executive in turn.\nStories go to the newsletter too." ||
		st.Owner != "Dana (COO)" || st.Status != cxm.PlanTodo || !strings.Contains(st.Why, "Decided in the workshop") {
		t.Errorf("the plan step is %+v", st)
	}
	changes, err := e.db.PlanChanges(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	if len(changes) != 1 || changes[0].User != "facilitator@example.com" {
		t.Errorf("the change is not recorded with who made it: %+v", changes)
	}
	_, page = e.get(fac, base+"?c=0&flash=decided")
	box := page[strings.Index(page, `id="decisions"`):]
	if !strings.Contains(box, "Decision recorded as a plan step.") {
		t.Error("no confirmation by the decision box after recording a decision")
	}
	if !strings.Contains(box, `<p class="ws-d-title">Share one &lt;b&gt;customer&lt;/b&gt; story at every leadership meeting</p>`) ||
		!strings.Contains(box, "Owner: Dana (COO)") || !strings.Contains(box, "Stories go to the newsletter too.") {
		t.Errorf("the decision is not listed under the box:\n%s", box)
	}
	if strings.Contains(page, "<b>customer</b>") {
		t.Error("the decision's text is not escaped")
	}
	_, other := e.get(fac, base+"?c=1")
	if strings.Contains(other, "story at every leadership meeting") || !strings.Contains(other, "Nothing decided yet.") {
		t.Error("a decision shows under another competency")
	}
	// The viewer reads it too.
	if _, p := e.get(viewer, base); !strings.Contains(p, "story at every leadership meeting") {
		t.Error("the viewer does not see the decisions")
	}
	// A generated step of the same competency is no decision.
	if err := e.db.ReplaceGeneratedSteps(t.Context(), id, []cxm.PlanStep{{Competency: weakest, Title: "Generated practice step"}}, "test"); err != nil {
		t.Fatal(err)
	}
	if _, p := e.get(fac, base); strings.Contains(p, "Generated practice step") {
		t.Error("a generated plan step is listed as a decision")
	}
}

// TestWorkshopWithheld: below min_group respondents the workshop shows no
// figure, not even the order of the competencies.
func TestWorkshopWithheld(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Few", "framework": "temkin-four", "min_group": 3})
	for r, tok := range e.invite(id, 2) {
		if status, _ := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": workshopAnswers(r)}); status != http.StatusCreated {
			t.Fatalf("submit: %d", status)
		}
	}
	c, _ := e.session(cxm.RoleAdmin)
	status, page := e.get(c, "/assessments/"+itoa64(id)+"/workshop")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	if !strings.Contains(page, "closed with at least 3 responses (2 so far)") {
		t.Error("the page does not say why nothing is shown")
	}
	for _, s := range []string{"ws-big", "ws-statement", "ws-step-n", "Employee Engagement", "Customer Connectedness", "<svg"} {
		if strings.Contains(page, s) {
			t.Errorf("the withheld page shows %q", s)
		}
	}
}

// TestWorkshopDisagreement checks which statements are offered for
// discussion, and the words for their variance.
func TestWorkshopDisagreement(t *testing.T) {
	// Statements everyone answered alike are no prompt; ties keep the
	// framework's order.
	f, _ := framework.Builtin("temkin-four")
	c := f.Competency("employee-engagement")
	items := []score.Item{
		{ID: "ee-1", Counts: []int{0, 4, 0, 0, 0}},
		{ID: "ee-2", Counts: []int{1, 0, 0, 0, 1}},
		{ID: "ee-3", Counts: []int{0, 1, 1, 0, 0}},
		{ID: "ee-4", Counts: []int{0, 0, 0, 0, 1}},
		{ID: "ee-5", Counts: []int{0, 1, 1, 0, 0}},
		{ID: "ee-6", Counts: []int{0, 0, 1, 1, 1}},
	}
	var got []string
	for _, p := range mostDisagreed(f, c, items, 3) {
		got = append(got, p.ID)
	}
	if want := []string{"ee-2", "ee-6", "ee-3"}; !slices.Equal(got, want) {
		t.Errorf("prompts %v, want %v", got, want)
	}
	if p := mostDisagreed(f, c, items[:1], 3); len(p) != 0 {
		t.Errorf("a statement everyone answered alike is a prompt: %+v", p)
	}
	for _, tc := range []struct {
		v    float64
		want string
	}{{0, "Everyone gave the same answer"}, {0.5, "Broad agreement"}, {0.7, "Some disagreement"}, {1.2, "Opinions are divided"}, {2, "The room is split"}, {4.4, "The room is split"}} {
		if got, _ := disagreementWords(tc.v, 2); got != tc.want {
			t.Errorf("variance %v: %q, want %q", tc.v, got, tc.want)
		}
	}
}
