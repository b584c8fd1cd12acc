package server

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/report"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

// actionFramework has practices for the plan: Customer voice's practices
// list no stages (all of them fit, at most 3 are taken), Leadership's are
// tagged by stage, and Culture's one practice is for the top stage only.
// Each competency's two statements are answered alike in these tests, so a
// respondent's index is (answer − 1) · 25.
const actionFramework = `id: act
version: 1
name: Action
scale: {min: 1, max: 5}
stages:
  - {id: low, name: Low, from: 0}
  - {id: mid, name: Middle, from: 40}
  - {id: high, name: High, from: 70}
competencies:
  - id: lead
    name: Leadership
    items:
      - {id: l1, text: Leaders talk about customers}
      - {id: l2, text: Leaders fund customer work}
    practices:
      - {id: l-p1, title: Name a customer sponsor, description: One executive answers for the customer., stages: [low]}
      - {id: l-p2, title: Review customer metrics monthly, description: At the leadership meeting., stages: [low, mid]}
      - {id: l-p3, title: Tie bonuses to customer outcomes, description: A share of every bonus., stages: [mid, high]}
  - id: voice
    name: Customer voice
    items:
      - {id: v1, text: We ask customers}
      - {id: v2, text: We act on what they say}
    practices:
      - {id: v-p1, title: Take stock of listening channels, description: Every channel with its owner.}
      - {id: v-p2, title: Close the loop with customers, description: Answer every complaint.}
      - {id: v-p3, title: Share verbatims weekly, description: With everyone.}
      - {id: v-p4, title: Build a voice-of-customer hub, description: One place for all feedback.}
  - id: culture
    name: Culture
    items:
      - {id: c1, text: Staff know the customer}
      - {id: c2, text: Staff may fix problems}
    practices:
      - {id: c-p1, title: Celebrate customer heroes, description: Monthly., stages: [high]}
`

// actEnv is an environment with the action framework uploaded.
func actEnv(t *testing.T, engine string) *env {
	e := newEnv(t, engine)
	if st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", actionFramework); st != http.StatusCreated {
		t.Fatalf("upload: %d %s", st, raw)
	}
	return e
}

// answers is one respondent of the action framework: each competency's
// answer (both of its statements), and the department.
type answers struct {
	lead, voice, culture int
	dept                 string
}

func (e *env) respond(id int64, rs ...answers) {
	e.t.Helper()
	for i, tok := range e.invite(id, len(rs)) {
		r := rs[i]
		body := map[string]any{"answers": map[string]int{"l1": r.lead, "l2": r.lead, "v1": r.voice, "v2": r.voice, "c1": r.culture, "c2": r.culture}}
		if r.dept != "" {
			body["attributes"] = map[string]string{"department": r.dept}
		}
		if st, out := e.call("", "POST", "/api/v1/responses/"+tok, body); st != http.StatusCreated {
			e.t.Fatalf("submit: %d %v", st, out)
		}
	}
}

func (e *env) closeAssessment(id int64) {
	e.t.Helper()
	if st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil); st != http.StatusOK {
		e.t.Fatalf("close: %d %v", st, out)
	}
}

// planOf reads the plan through the API.
func (e *env) planOf(id int64) []cxm.PlanStep {
	e.t.Helper()
	st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/plan", "", nil)
	if st != http.StatusOK {
		e.t.Fatalf("plan: %d %s", st, raw)
	}
	var out struct {
		Steps []cxm.PlanStep `json:"steps"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Steps
}

func (e *env) changesOf(id int64) []cxm.PlanChange {
	e.t.Helper()
	st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/plan/changes", "", nil)
	if st != http.StatusOK {
		e.t.Fatalf("changes: %d %s", st, raw)
	}
	var out struct {
		Changes []cxm.PlanChange `json:"changes"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatal(err)
	}
	return out.Changes
}

// result scores an assessment as the server does.
func (e *env) result(id int64, groupBy []string) (*score.Result, *cxm.Framework) {
	e.t.Helper()
	a, err := e.db.Assessment(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	res, f, err := e.srv.results(context.Background(), a, groupBy)
	if err != nil {
		e.t.Fatal(err)
	}
	return res, f
}

// TestPlan: closing makes the plan (§5.1 order) and keeps the scores for
// benchmarks; the plan is edited, reordered, extended and regenerated
// through the API, with the history of who did what.
func TestPlan(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { planFlow(t, actEnv(t, engine)) })
	}
}

func planFlow(t *testing.T, e *env) {
	ctx := context.Background()
	id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance", "Legal", "Quokka"}}}})
	path := "/api/v1/assessments/" + itoa64(id)
	// Voice 25 (low), Leadership 50 (middle), Culture 75 (high).
	e.respond(id, answers{3, 2, 4, "Sales"}, answers{3, 1, 4, "Sales"}, answers{3, 3, 4, "Sales"})
	if steps := e.planOf(id); len(steps) != 0 {
		t.Fatalf("a plan before closing: %v", steps)
	}
	if st, out := e.call(cxm.RoleViewer, "POST", path+"/plan", nil); st != http.StatusForbidden {
		t.Errorf("viewer regenerates: %d %v", st, out)
	}
	e.closeAssessment(id)

	// The plan, worked out by hand: the weakest competency first; Voice's
	// untagged practices, 3 of 4; Leadership's for the middle stage;
	// Culture's for the top stage, whose target is 100.
	steps := e.planOf(id)
	type want struct {
		comp, practice string
		target         float64
		stage          string
	}
	hand := []want{
		{"voice", "v-p1", 40, "mid"}, {"voice", "v-p2", 40, "mid"}, {"voice", "v-p3", 40, "mid"},
		{"lead", "l-p2", 70, "high"}, {"lead", "l-p3", 70, "high"},
		{"culture", "c-p1", 100, "high"},
	}
	if len(steps) != len(hand) {
		t.Fatalf("%d steps, want %d: %+v", len(steps), len(hand), steps)
	}
	res, f := e.result(id, []string{"department"})
	gen := plan.Generate(f, res, plan.DefaultPerCompetency)
	if len(gen) != len(steps) {
		t.Fatalf("plan.Generate gives %d steps, the API %d", len(gen), len(steps))
	}
	for i, st := range steps {
		h, g := hand[i], gen[i]
		if st.Priority != i+1 || st.Competency != h.comp || st.Practice != h.practice || st.Target == nil || *st.Target != h.target || st.TargetStage != h.stage {
			t.Errorf("step %d: %+v, want %+v", i+1, st, h)
		}
		if st.Competency != g.Competency || st.Practice != g.Practice || st.Title != g.Title || st.Description != g.Description ||
			st.Why != g.Why || *st.Target != g.Target || st.Priority != g.Priority || st.Status != cxm.PlanTodo || st.Custom || st.Owner != "" || st.Due != "" {
			t.Errorf("step %d: %+v, plan.Generate gives %+v", i+1, st, g)
		}
	}
	if !strings.HasPrefix(steps[0].Why, "Customer voice scores 25.0, stage Low; the weakest statements:") {
		t.Errorf("why: %q", steps[0].Why)
	}
	// The scores are kept at closing, for others' benchmarks.
	other, err := e.db.CreateOrganization(ctx, cxm.Organization{Name: "Other"})
	if err != nil {
		t.Fatal(err)
	}
	peers := func() []store.Peer {
		p, err := e.db.Peers(ctx, store.PeerFilter{FrameworkID: "act", FrameworkVersion: 1, ExcludeOrg: other})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := peers(); len(p) != 1 || p[0].Scores["voice"] != 25 || p[0].Scores["lead"] != 50 || p[0].Scores["culture"] != 75 || len(p[0].Scores) != 3 {
		t.Errorf("kept scores: %+v", p)
	}
	changes := e.changesOf(id)
	if len(changes) != 1 || changes[0].Field != "plan" || changes[0].User != "facilitator@example.com" || changes[0].At.IsZero() {
		t.Errorf("history after closing: %+v", changes)
	}
	// A released assessment is final: reopening is refused (naming the next
	// wave), closing again changes nothing and leaves the plan alone.
	if st, out := e.call(cxm.RoleFacilitator, "POST", path+"/reopen", nil); st != http.StatusConflict ||
		out["field"] != "status" || !strings.Contains(out["error"].(string), path+"/next-wave") {
		t.Fatalf("reopen a released assessment: %d %v, want 409 naming the next wave", st, out)
	}
	e.closeAssessment(id)
	if p := peers(); len(p) != 1 {
		t.Errorf("closed again: %d peers", len(p))
	}
	if c := e.changesOf(id); len(c) != 1 {
		t.Errorf("closing again regenerated the plan: %+v", c)
	}

	// Editing: validation names the field.
	step := "/api/v1/plan-steps/" + itoa64(steps[0].ID)
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"status": "finished"}, "status"},
		{map[string]any{"status": ""}, "status"},
		{map[string]any{"due": "2025-02-30"}, "due"},
		{map[string]any{"due": "30/09/2025"}, "due"},
		{map[string]any{"due": "2025-9-30"}, "due"},
		{map[string]any{"priority": 0}, "priority"},
		{map[string]any{"priority": "first"}, "priority"},
		{map[string]any{"owner": strings.Repeat("x", 201)}, "owner"},
		{map[string]any{"title": " "}, "title"},
		{map[string]any{"competency": "lead"}, "competency"},
		{map[string]any{"colour": "red"}, "colour"},
	} {
		if st, out := e.call(cxm.RoleFacilitator, "PATCH", step, bad.body); st != http.StatusBadRequest || out["field"] != bad.field {
			t.Errorf("PATCH %v: %d %v, want 400 naming %s", bad.body, st, out, bad.field)
		}
	}
	if st, out := e.call(cxm.RoleViewer, "PATCH", step, map[string]any{"owner": "x"}); st != http.StatusForbidden {
		t.Errorf("viewer edits: %d %v", st, out)
	}
	if st, out := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/plan-steps/99999", map[string]any{"owner": "x"}); st != http.StatusNotFound {
		t.Errorf("unknown step: %d %v", st, out)
	}
	st, out := e.call(cxm.RoleFacilitator, "PATCH", step, map[string]any{"owner": " Ana Silva ", "due": "2028-02-29", "status": "doing"})
	if st != http.StatusOK || out["owner"] != "Ana Silva" || out["due"] != "2028-02-29" || out["status"] != "doing" || out["priority"].(float64) != 1 || out["id"].(float64) != float64(steps[0].ID) {
		t.Fatalf("PATCH: %d %v", st, out)
	}
	// Reorder: the last step to the top, the first one moves down.
	last := steps[len(steps)-1]
	if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/plan-steps/"+itoa64(last.ID), map[string]any{"priority": 1}); st != http.StatusOK || out["priority"].(float64) != 1 {
		t.Fatalf("move: %d %v", st, out)
	}
	moved := e.planOf(id)
	if moved[0].ID != last.ID || moved[1].ID != steps[0].ID || moved[1].Owner != "Ana Silva" {
		t.Errorf("after moving: %+v", moved)
	}
	for i, s := range moved {
		if s.Priority != i+1 {
			t.Errorf("priorities not 1..N after moving: %+v", moved)
			break
		}
	}
	// A priority past the end puts the step last.
	if st, out := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/plan-steps/"+itoa64(last.ID), map[string]any{"priority": 99}); st != http.StatusOK || out["priority"].(float64) != float64(len(steps)) {
		t.Errorf("move past the end: %d %v", st, out)
	}

	// A step by hand.
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"competency": "nope", "title": "x"}, "competency"},
		{map[string]any{"title": "x"}, "competency"},
		{map[string]any{"competency": "voice"}, "title"},
		{map[string]any{"competency": "voice", "title": "x", "due": "tomorrow"}, "due"},
	} {
		if st, out := e.call(cxm.RoleFacilitator, "POST", path+"/plan/steps", bad.body); st != http.StatusBadRequest || out["field"] != bad.field {
			t.Errorf("add %v: %d %v, want 400 naming %s", bad.body, st, out, bad.field)
		}
	}
	st, out = e.call(cxm.RoleFacilitator, "POST", path+"/plan/steps", map[string]any{"competency": "voice", "title": "Call ten lost customers", "owner": "Bo", "due": "2027-01-15"})
	if st != http.StatusCreated || out["custom"] != true || out["priority"].(float64) != float64(len(steps)+1) || out["target"] != nil || out["owner"] != "Bo" {
		t.Fatalf("add: %d %v", st, out)
	}
	custom := int64(out["id"].(float64))

	// The history: who, when, what.
	changes = e.changesOf(id)
	var fields []string
	for _, c := range changes {
		fields = append(fields, c.Field)
		if c.At.IsZero() {
			t.Errorf("a change without a time: %+v", c)
		}
	}
	if want := []string{"plan", "owner", "due", "status", "priority", "priority", "added"}; !slices.Equal(fields, want) {
		t.Errorf("history %v, want %v", fields, want)
	}
	if c := changes[1]; c.User != "facilitator@example.com" || c.StepID != steps[0].ID || c.From != "" || c.To != "Ana Silva" {
		t.Errorf("owner change: %+v", c)
	}
	if c := changes[4]; c.User != "admin@example.com" || c.From != fmt.Sprint(len(steps)) || c.To != "1" {
		t.Errorf("priority change: %+v", c)
	}

	// Regenerating keeps the custom step (last) and what people decided
	// about the generated steps proposed again.
	st, raw := e.raw(cxm.RoleFacilitator, "POST", path+"/plan", "application/json", "{}")
	if st != http.StatusOK {
		t.Fatalf("regenerate: %d %s", st, raw)
	}
	again := e.planOf(id)
	if len(again) != len(steps)+1 {
		t.Fatalf("after regenerating: %d steps, want %d", len(again), len(steps)+1)
	}
	for i, s := range again[:len(steps)] {
		if s.Practice != gen[i].Practice || s.Priority != i+1 || s.Custom {
			t.Errorf("regenerated step %d: %+v", i+1, s)
		}
	}
	if s := again[0]; s.Owner != "Ana Silva" || s.Due != "2028-02-29" || s.Status != cxm.PlanDoing {
		t.Errorf("the first step lost its owner, due date or status: %+v", s)
	}
	if s := again[len(again)-1]; s.ID != custom || !s.Custom || s.Owner != "Bo" {
		t.Errorf("the custom step is not kept last: %+v", s)
	}
	if c := e.changesOf(id); c[len(c)-1].Field != "plan" || c[len(c)-1].To != "generated 6 steps" {
		t.Errorf("regeneration not in the history: %+v", c[len(c)-1])
	}
	// Dropping moves a step to the end; restoring puts it after the steps
	// still to do: the others keep priorities 1..N.
	drop := func(s cxm.PlanStep, status string) {
		t.Helper()
		if st, out := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/plan-steps/"+itoa64(s.ID), map[string]any{"status": status}); st != http.StatusOK {
			t.Fatalf("status %s: %d %v", status, st, out)
		}
	}
	drop(again[0], "dropped")
	drop(again[1], "dropped")
	ids := func() (out []int64) {
		for _, s := range e.planOf(id) {
			out = append(out, s.ID)
		}
		return out
	}
	n := len(again)
	if got := ids(); got[n-2] != again[0].ID || got[n-1] != again[1].ID || got[0] != again[2].ID {
		t.Errorf("after dropping two: %v", got)
	}
	drop(again[1], "todo")
	if got := ids(); got[n-2] != again[1].ID || got[n-1] != again[0].ID {
		t.Errorf("after restoring the last: %v", got)
	}
	drop(again[1], "done") // no move between statuses other than dropped
	if got := ids(); got[n-2] != again[1].ID {
		t.Errorf("after marking done: %v", got)
	}
	// Without results there is nothing to generate from.
	empty := e.newAssessment(map[string]any{"name": "Empty", "framework": "act"})
	if st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(empty)+"/plan", nil); st != http.StatusConflict {
		t.Errorf("regenerate without results: %d %v", st, out)
	}
	e.closeAssessment(empty)
	if steps := e.planOf(empty); len(steps) != 0 {
		t.Errorf("a withheld assessment got a plan: %v", steps)
	}
}

// TestPlanPage edits the plan through the page's forms, as a browser
// without JavaScript does, and checks that viewers see it read-only.
func TestPlanPage(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3})
	e.respond(id, answers{3, 2, 4, ""}, answers{3, 1, 4, ""}, answers{3, 3, 4, ""})
	c, csrf := e.session(cxm.RoleFacilitator)
	if resp := e.form(c, "/assessments/"+itoa64(id)+"/close", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("close: %d", resp.StatusCode)
	}
	steps := e.planOf(id)
	if len(steps) != 6 {
		t.Fatalf("closing by the page made %d steps", len(steps))
	}
	page := "/assessments/" + itoa64(id) + "/plan"
	status, body := e.get(c, page)
	if status != http.StatusOK || !strings.Contains(body, `action="/assessments/`+itoa64(id)+`/plan"`) || !strings.Contains(body, `name="owner-`+itoa64(steps[0].ID)+`"`) || !strings.Contains(body, "Take stock of listening channels") ||
		!strings.Contains(body, `type="date"`) || !strings.Contains(body, "Add a step") || !strings.Contains(body, "Regenerate") {
		t.Fatalf("plan page for a facilitator: %d", status)
	}
	post := func(path string, v url.Values) *http.Response {
		v.Set("csrf", csrf)
		return e.form(c, path, v, nil)
	}
	stepPath := func(s cxm.PlanStep) string { return "/plan-steps/" + itoa64(s.ID) }
	// Save owner, due date and status.
	resp := post(stepPath(steps[1]), url.Values{"action": {"save"}, "owner": {"Chris"}, "due": {"2027-03-01"}, "status": {"done"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(resp.Header.Get("Location"), page+"?flash=saved") {
		t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	if s, _ := e.db.PlanStep(context.Background(), steps[1].ID); s.Owner != "Chris" || s.Due != "2027-03-01" || s.Status != cxm.PlanDone {
		t.Errorf("saved step: %+v", s)
	}
	// A bad date is shown on the page, naming the step.
	req := url.Values{"action": {"save"}, "owner": {"Chris"}, "due": {"2027-02-31"}, "status": {"done"}, "csrf": {csrf}}
	r, _ := http.NewRequest("POST", e.ts.URL+stepPath(steps[1]), strings.NewReader(req.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := c.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusBadRequest || !strings.Contains(buf.String(), "due must be a date") || !strings.Contains(buf.String(), "Close the loop with customers") {
		t.Errorf("bad date: %d", res.StatusCode)
	}
	// Move the third step up, then down past the next.
	post(stepPath(steps[2]), url.Values{"action": {"up"}})
	order := func() []int64 {
		var ids []int64
		for _, s := range e.planOf(id) {
			ids = append(ids, s.ID)
		}
		return ids
	}
	if got := order(); got[1] != steps[2].ID || got[2] != steps[1].ID {
		t.Errorf("after up: %v", got)
	}
	post(stepPath(steps[2]), url.Values{"action": {"down"}})
	post(stepPath(steps[2]), url.Values{"action": {"down"}})
	if got := order(); got[1] != steps[1].ID || got[2] != steps[3].ID || got[3] != steps[2].ID {
		t.Errorf("after down twice: %v", got)
	}
	// Drop the first step: listed last, greyed, with a way back.
	post(stepPath(steps[0]), url.Values{"action": {"drop"}})
	_, body = e.get(c, page)
	dropped := strings.Index(body, `id="step-`+itoa64(steps[0].ID)+`" class="dropped"`)
	if dropped < 0 || dropped < strings.Index(body, `id="step-`+itoa64(steps[5].ID)+`"`) || !strings.Contains(body, `value="restore-`+itoa64(steps[0].ID)+`"`) {
		t.Errorf("the dropped step is not listed last, greyed")
	}
	// Moving the step now first up does nothing; nor does it skip the dropped one.
	before := order()
	post(stepPath(steps[1]), url.Values{"action": {"up"}})
	if got := order(); !slices.Equal(got, before) {
		t.Errorf("moving the first shown step up: %v, was %v", got, before)
	}
	post(stepPath(steps[0]), url.Values{"action": {"restore"}})
	if s, _ := e.db.PlanStep(context.Background(), steps[0].ID); s.Status != cxm.PlanTodo {
		t.Errorf("restored: %+v", s)
	}
	// A step by hand; an error keeps what was typed.
	if resp := post(page+"/steps", url.Values{"competency": {"culture"}, "title": {"Hold a customer day"}, "due": {""}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add: %d", resp.StatusCode)
	}
	if steps := e.planOf(id); steps[len(steps)-1].Title != "Hold a customer day" || !steps[len(steps)-1].Custom {
		t.Errorf("added: %+v", steps[len(steps)-1])
	}
	// The history says who and what.
	_, body = e.get(c, page)
	for _, s := range []string{"facilitator@example.com", "Owner of “Close the loop with customers”: (none) → “Chris”", "Added the step “Hold a customer day”",
		"Generated the plan from the framework: generated 6 steps", "<time datetime=", "Moved “Share verbatims weekly” from position 3 to 2", "Status of “Take stock of listening channels”: “Dropped” → “To do”"} {
		if !strings.Contains(body, s) {
			t.Errorf("the history lacks %q", s)
		}
	}
	if resp := post(page+"/regenerate", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("regenerate: %d", resp.StatusCode)
	}
	// Regenerated steps are new steps: the old ones' history stays.
	_, body = e.get(c, page)
	if !strings.Contains(body, "Owner of a step no longer in the plan: (none) → “Chris”") || strings.Count(body, "generated 6 steps") != 2 {
		t.Errorf("the history after regenerating")
	}
	// Viewers: read-only.
	v, _ := e.session(cxm.RoleViewer)
	status, body = e.get(v, page)
	if status != http.StatusOK || strings.Contains(body, "/plan-steps/") || strings.Contains(body, "Add a step") || strings.Contains(body, "Regenerate") || !strings.Contains(body, "Chris") {
		t.Errorf("plan page for a viewer: %d, editable or incomplete", status)
	}
	if resp := e.form(v, stepPath(steps[0]), url.Values{"csrf": {""}, "action": {"drop"}}, nil); resp.StatusCode != http.StatusForbidden {
		t.Errorf("viewer drops: %d", resp.StatusCode)
	}
}

// The waves of TestWaves: Customer voice's indices are 25, 50, 50, 75
// (mean 50, s² = 1250/3) and then 75, 75, 100, 100, 75 (mean 85,
// s² = 187.5). Leadership's are all 50 in the first wave (no spread) and
// 50, 50, 75, 75, 25 in the second (mean 55, s² = 437.5). Culture is 75
// throughout.
var (
	wave1 = []answers{{3, 2, 4, ""}, {3, 3, 4, ""}, {3, 3, 4, ""}, {3, 4, 4, ""}}
	wave2 = []answers{{3, 4, 4, ""}, {3, 4, 4, ""}, {4, 5, 4, ""}, {4, 5, 4, ""}, {2, 4, 4, ""}}
)

// SciPy 1.10.1: scipy.stats.ttest_ind(before, after, equal_var=False).pvalue
// for the indices above (the t it reports is the negative of ours).
const (
	scipyVoiceP = 0.03179384099516095 // t = 2.940588176458821
	scipyLeadP  = 0.6213082950374971  // t = 0.5345224838248488
)

// TestWaves: the next wave, its dashboard, and the comparison of two waves
// against Welch's formulas worked by hand and SciPy's p.
func TestWaves(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { wavesFlow(t, actEnv(t, engine)) })
	}
}

func wavesFlow(t *testing.T, e *env) {
	first := e.newAssessment(map[string]any{"name": "Pulse", "framework": "act", "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance", "Legal", "Quokka"}}}})
	p1 := "/api/v1/assessments/" + itoa64(first)
	e.respond(first, wave1...)
	if st, out := e.call(cxm.RoleFacilitator, "POST", p1+"/next-wave", nil); st != http.StatusConflict {
		t.Errorf("next wave of an open assessment: %d %v", st, out)
	}
	e.closeAssessment(first)
	if st, out := e.call(cxm.RoleViewer, "POST", p1+"/next-wave", nil); st != http.StatusForbidden {
		t.Errorf("viewer starts a wave: %d %v", st, out)
	}
	st, out := e.call(cxm.RoleFacilitator, "POST", p1+"/next-wave", nil)
	if st != http.StatusCreated {
		t.Fatalf("next wave: %d %v", st, out)
	}
	second := int64(out["id"].(float64))
	if st, out := e.call(cxm.RoleFacilitator, "POST", p1+"/next-wave", nil); st != http.StatusConflict || !strings.Contains(out["error"].(string), "Pulse – wave 2") {
		t.Errorf("a second next wave: %d %v", st, out)
	}
	p2 := "/api/v1/assessments/" + itoa64(second)
	_, a2 := e.call(cxm.RoleViewer, "GET", p2, nil)
	_, a1 := e.call(cxm.RoleViewer, "GET", p1, nil)
	if a2["name"] != "Pulse – wave 2" || a2["status"] != "open" || a2["previous"].(float64) != float64(first) ||
		fmt.Sprint(a2["framework"]) != fmt.Sprint(a1["framework"]) || fmt.Sprint(a2["attributes"]) != fmt.Sprint(a1["attributes"]) || a2["min_group"] != a1["min_group"] {
		t.Errorf("the next wave %v, of %v", a2, a1)
	}
	e.respond(second, wave2...)
	c, csrf := e.session(cxm.RoleFacilitator)
	_, dash := e.get(c, "/assessments/"+itoa64(second))
	if !strings.Contains(dash, "wave 2 of 2") || !strings.Contains(dash, `href="/assessments/`+itoa64(second)+`/progress"`) || strings.Contains(dash, "Start the next wave") {
		t.Errorf("the open second wave's dashboard lacks its wave or progress link, or offers a next wave")
	}
	// Figures come from releases: the second wave is compared once closed.
	e.closeAssessment(second)

	// The comparison.
	st, raw := e.raw(cxm.RoleViewer, "GET", p2+"/compare?with="+itoa64(first), "", nil)
	if st != http.StatusOK {
		t.Fatalf("compare: %d %s", st, raw)
	}
	var cmp struct {
		Competencies []score.Change `json:"competencies"`
	}
	if err := json.Unmarshal(raw, &cmp); err != nil {
		t.Fatal(err)
	}
	r1, _ := e.result(first, nil)
	r2, _ := e.result(second, nil)
	want := score.Compare(r1, r2)
	wantJSON, _ := json.Marshal(want)
	gotJSON, _ := json.Marshal(cmp.Competencies)
	if !bytes.Equal(wantJSON, gotJSON) {
		t.Errorf("compare:\n got %s\nwant %s", gotJSON, wantJSON)
	}
	byID := map[string]score.Change{}
	for _, c := range cmp.Competencies {
		byID[c.ID] = c
	}
	// Welch by hand: t = (m2 − m1)/√(s1²/n1 + s2²/n2), Welch–Satterthwaite df.
	welch := func(n1 float64, m1, v1 float64, n2 float64, m2, v2 float64) (float64, float64) {
		a, b := v1/n1, v2/n2
		return (m2 - m1) / math.Sqrt(a+b), (a + b) * (a + b) / (a*a/(n1-1) + b*b/(n2-1))
	}
	check := func(id string, before, after float64, n1, n2 int, tw, dfw, pw float64) {
		t.Helper()
		c := byID[id]
		if c.Before == nil || c.After == nil || c.Delta == nil || c.T == nil || c.DF == nil || c.P == nil {
			t.Fatalf("%s: %+v", id, c)
		}
		near := func(what string, got, want, tol float64) {
			if math.Abs(got-want) > tol*math.Max(1, math.Abs(want)) {
				t.Errorf("%s %s = %.17g, want %.17g", id, what, got, want)
			}
		}
		near("before", *c.Before, before, 1e-12)
		near("after", *c.After, after, 1e-12)
		near("delta", *c.Delta, after-before, 1e-12)
		near("t", *c.T, tw, 1e-12)
		near("df", *c.DF, dfw, 1e-12)
		near("p", *c.P, pw, 1e-9)
		if c.BeforeN != n1 || c.AfterN != n2 {
			t.Errorf("%s n: %d, %d", id, c.BeforeN, c.AfterN)
		}
	}
	tv, dfv := welch(4, 50, 1250.0/3, 5, 85, 187.5)
	check("voice", 50, 85, 4, 5, tv, dfv, scipyVoiceP)
	tl, dfl := welch(4, 50, 0, 5, 55, 437.5)
	check("lead", 50, 55, 4, 5, tl, dfl, scipyLeadP)
	if dfl != 4 {
		t.Errorf("no spread in the first wave: df %v, want n2 − 1 = 4", dfl)
	}
	if c := byID["culture"]; c.Delta == nil || *c.Delta != 0 || c.T != nil || c.DF != nil || c.P != nil {
		t.Errorf("culture, no spread in either wave: %+v", c)
	}
	if w := score.ChangeWords(byID["voice"]); w != "up 35.0 points, p = 0.03: a real change" {
		t.Errorf("voice in words: %q", w)
	}

	// Errors.
	for _, bad := range []struct {
		query  string
		status int
	}{
		{"", http.StatusBadRequest}, {"?with=", http.StatusBadRequest}, {"?with=abc", http.StatusBadRequest},
		{"?with=" + itoa64(second), http.StatusBadRequest}, {"?with=99999", http.StatusNotFound},
	} {
		if st, out := e.call(cxm.RoleViewer, "GET", p2+"/compare"+bad.query, nil); st != bad.status || out["field"] != "with" {
			t.Errorf("compare%s: %d %v, want %d naming with", bad.query, st, out, bad.status)
		}
	}
	other := e.newAssessment(map[string]any{"name": "Other framework", "framework": "temkin-four"})
	if st, out := e.call(cxm.RoleViewer, "GET", p2+"/compare?with="+itoa64(other), nil); st != http.StatusBadRequest || out["field"] != "with" {
		t.Errorf("compare across frameworks: %d %v", st, out)
	}
	if st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/99999/compare?with="+itoa64(first), nil); st != http.StatusNotFound {
		t.Errorf("compare an unknown assessment: %d %v", st, out)
	}

	// The pages: the progress page states the changes in words and draws
	// the trend.
	_, dash1 := e.get(c, "/assessments/"+itoa64(first))
	if strings.Contains(dash1, "Start the next wave") || !strings.Contains(dash1, "next: <a href=\"/assessments/"+itoa64(second)+"\">") {
		t.Errorf("the first wave's dashboard offers a second next wave, or does not link to it")
	}
	status, prog := e.get(c, "/assessments/"+itoa64(second)+"/progress")
	for _, s := range []string{"up 35.0 points, p = 0.03: a real change", "up 5.0 points, p = 0.62: no clear change",
		"unchanged: the answers did not vary within either wave, so it cannot be tested", `id="trend-title"`, `id="radar-waves-title"`, "&#43;35.0"} {
		if !strings.Contains(prog, s) {
			t.Errorf("progress page (%d) lacks %q", status, s)
		}
	}
	if status, page := e.get(c, "/assessments/"+itoa64(first)+"/progress"); status != http.StatusOK || !strings.Contains(page, "This is the first wave") {
		t.Errorf("progress of the first wave: %d", status)
	}

	// The third wave, from the page: closing first, then the button.
	e.closeAssessment(second)
	_, dash = e.get(c, "/assessments/"+itoa64(second))
	if !strings.Contains(dash, `action="/assessments/`+itoa64(second)+`/next-wave"`) {
		t.Errorf("a closed wave's dashboard has no next-wave button")
	}
	resp := e.form(c, "/assessments/"+itoa64(second)+"/next-wave", url.Values{"csrf": {csrf}}, nil)
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/assessments/") || !strings.HasSuffix(loc, "?flash=next-wave") {
		t.Fatalf("next wave by the page: %d %s", resp.StatusCode, loc)
	}
	status, dash3 := e.get(c, loc)
	if status != http.StatusOK || !strings.Contains(dash3, "Pulse – wave 3") || !strings.Contains(dash3, "wave 3 of 3") || !strings.Contains(dash3, "The next wave is open") {
		t.Errorf("the third wave's dashboard: %d", status)
	}
	if resp := e.form(c, "/assessments/"+itoa64(second)+"/next-wave", url.Values{"csrf": {csrf}}, nil); resp.StatusCode != http.StatusConflict {
		t.Errorf("a second next wave by the page: %d", resp.StatusCode)
	}
}

func TestPercentileWords(t *testing.T) {
	pos := func(x float64, peers []float64) score.PeerPosition {
		return score.PeerPosition{Score: x, Percentile: score.Percentile(x, peers), Peers: len(peers)}
	}
	for _, tc := range []struct {
		x     float64
		peers []float64
		want  string
	}{
		{72, []float64{10, 20, 30, 40, 50, 60, 70, 80, 90, 95}, "higher than 70% of 10 peers"},
		{50, []float64{50, 50, 50, 50, 50, 50}, "50th percentile of 6 peers: higher than 0, level with 6"},
		{50, []float64{10, 20, 50, 60, 70}, "50th percentile of 5 peers: higher than 2, level with 1"},
		{99, []float64{10, 20, 50, 60, 70}, "higher than all 5 peers"},
		{1, []float64{10, 20, 50, 60, 70}, "lower than all 5 peers"},
		{10, []float64{10, 20, 50, 60, 70}, "10th percentile of 5 peers: higher than 0, level with 1"},
		// The same answers in another order (scoring.md 5.3): 3e-14 apart is level.
		{67.68867924528297, []float64{40, 50, 55.5, 60, 67.688679245283, 80, 90}, "64th percentile of 7 peers: higher than 4, level with 1"},
	} {
		if got := percentileWords(pos(tc.x, tc.peers), tc.peers); got != tc.want {
			t.Errorf("%v among %v: %q, want %q", tc.x, tc.peers, got, tc.want)
		}
	}
}

func TestWaveName(t *testing.T) {
	for _, tc := range []struct {
		base string
		n    int
		want string
	}{
		{"Pulse", 2, "Pulse – wave 2"},
		{"Pulse – wave 2", 3, "Pulse – wave 3"},
		{"  Pulse  ", 2, "Pulse – wave 2"},
		{strings.Repeat("é", 100), 12, strings.Repeat("é", 94) + " – wave 12"},
	} {
		got := waveName(tc.base, tc.n)
		if got != tc.want || len(got) > 200 {
			t.Errorf("waveName(%q, %d) = %q (%d bytes), want %q", tc.base, tc.n, got, len(got), tc.want)
		}
	}
}

// TestBenchmark: nothing below 5 peers; with 6, each figure equals
// score.Percentile and score.Quantile on the peers' scores (and the values
// worked by hand); the industry filter narrows the peers.
func TestBenchmark(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { benchmarkFlow(t, actEnv(t, engine)) })
	}
}

func benchmarkFlow(t *testing.T, e *env) {
	org := func(name, industry, size string) float64 {
		st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": name, "industry": industry, "size": size})
		if st != http.StatusCreated {
			t.Fatalf("organization: %d %v", st, out)
		}
		return out["id"].(float64)
	}
	closed := func(o float64, voice int, close bool) int64 {
		id := e.newAssessment(map[string]any{"name": "Peer", "framework": "act", "organization": o, "min_group": 3})
		e.respond(id, answers{3, voice, 4, ""}, answers{3, voice, 4, ""}, answers{3, voice, 4, ""})
		if close {
			e.closeAssessment(id)
		}
		return id
	}
	own := org("Us", "Retail", "Large")
	// Our voice: answers 3, 4, 4 → 50, 75, 75: 66.67.
	id := e.newAssessment(map[string]any{"name": "Ours", "framework": "act", "organization": own, "min_group": 3})
	e.respond(id, answers{3, 3, 4, ""}, answers{3, 4, 4, ""}, answers{3, 4, 4, ""})
	e.closeAssessment(id) // its own figures are its release
	path := "/api/v1/assessments/" + itoa64(id) + "/benchmark"
	bench := func(query string) (int, []score.PeerPosition) {
		t.Helper()
		st, raw := e.raw(cxm.RoleViewer, "GET", path+query, "", nil)
		if st != http.StatusOK {
			t.Fatalf("benchmark: %d %s", st, raw)
		}
		var out struct {
			Peers        int                  `json:"peers"`
			Competencies []score.PeerPosition `json:"competencies"`
		}
		if err := json.Unmarshal(raw, &out); err != nil || out.Competencies == nil {
			t.Fatalf("benchmark %s: %v", raw, err)
		}
		return out.Peers, out.Competencies
	}
	// Not peers: our own organization's other closed assessment, an open
	// assessment elsewhere, a withheld one (2 respondents), another
	// framework.
	closed(own, 1, true)
	closed(org("Open Co", "Retail", "Small"), 1, false)
	few := e.newAssessment(map[string]any{"name": "Few", "framework": "act", "organization": org("Few Co", "Retail", "Small"), "min_group": 3})
	e.respond(few, answers{3, 1, 4, ""}, answers{3, 1, 4, ""})
	e.closeAssessment(few)
	// Peers: voice answers 1..5 → 0, 25, 50, 75, 100 in retail, and one
	// bank at 75.
	var peerIDs []int64
	for i, voice := range []int{2, 5, 1, 4} {
		peerIDs = append(peerIDs, closed(org(fmt.Sprintf("Retailer %d", i), "Retail", "Small"), voice, true))
	}
	if n, pos := bench(""); n != 4 || len(pos) != 0 {
		t.Errorf("4 peers: %d, %v; want nothing shown", n, pos)
	}
	c, _ := e.session(cxm.RoleViewer)
	page := "/assessments/" + itoa64(id) + "/benchmark"
	if _, body := e.get(c, page); !strings.Contains(body, "Fewer than 5 peers: nothing is shown, so no peer can be recognized") {
		t.Errorf("the page with 4 peers lacks the note")
	}
	peerIDs = append(peerIDs, closed(org("Retailer 5", "Retail", "Large"), 3, true))
	peerIDs = append(peerIDs, closed(org("Bank", "Banking", "Large"), 4, true))

	ownRes, _ := e.result(id, nil)
	check := func(query string, peers []int64, voice [3]float64) {
		t.Helper()
		n, pos := bench(query)
		if n != len(peers) || len(pos) != 3 {
			t.Fatalf("benchmark%s: %d peers, %d positions; want %d, 3", query, n, len(pos), len(peers))
		}
		for _, p := range pos {
			var scores []float64
			for _, pid := range peers {
				r, _ := e.result(pid, nil)
				scores = append(scores, r.Competency(p.ID).Score)
			}
			sort.Float64s(scores)
			x := ownRes.Competency(p.ID).Score
			if p.Score != x || p.Percentile != score.Percentile(x, scores) || p.Median != score.Quantile(scores, .5) ||
				p.P25 != score.Quantile(scores, .25) || p.P75 != score.Quantile(scores, .75) || p.Peers != len(peers) {
				t.Errorf("%s%s: %+v; peers %v", p.ID, query, p, scores)
			}
			if p.ID == "voice" && (p.Percentile != voice[0] || p.Median != voice[1] || p.P25 != voice[2]) {
				t.Errorf("voice%s: percentile %v, median %v, p25 %v; want %v", query, p.Percentile, p.Median, p.P25, voice)
			}
		}
	}
	// By hand (NumPy's linear interpolation): all six peers' voice scores
	// are 0, 25, 50, 75, 75, 100; ours 66.67 is above 3 of them: 50%;
	// median (50 + 75)/2 = 62.5; p25 at h = 1.25: 25 + 0.25·25 = 31.25.
	check("", peerIDs, [3]float64{50, 62.5, 31.25})
	// Retail only: 0, 25, 50, 75, 100: 60%, median 50, p25 25.
	check("?industry=Retail", peerIDs[:5], [3]float64{60, 50, 25})
	if n, pos := bench("?industry=Banking"); n != 1 || len(pos) != 0 {
		t.Errorf("Banking: %d %v", n, pos)
	}
	if n, pos := bench("?industry=Retail&size=Large"); n != 1 || len(pos) != 0 {
		t.Errorf("Retail, large: %d %v", n, pos)
	}

	status, body := e.get(c, page)
	for _, s := range []string{"higher than 50% of 6 peers", `<option value="Banking">`, `<option value="Retail">`, `id="bench-title"`} {
		if !strings.Contains(body, s) {
			t.Errorf("the benchmark page (%d) lacks %q", status, s)
		}
	}
	if _, body := e.get(c, page+"?industry=Retail"); !strings.Contains(body, "higher than 60% of 5 peers") || !strings.Contains(body, `<option value="Retail" selected>`) {
		t.Errorf("the filtered benchmark page")
	}
	if _, body := e.get(c, page+"?industry=Banking"); !strings.Contains(body, "Fewer than 5 peers") {
		t.Errorf("the benchmark page with one bank")
	}
}

// TestExports: the workbook, the report and the CSV tables of an
// assessment with a previous wave, a plan and peers, none of which shows a
// suppressed group.
func TestExports(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { exportsFlow(t, actEnv(t, engine)) })
	}
}

func exportsFlow(t *testing.T, e *env) {
	first := e.newAssessment(map[string]any{"name": "Audit", "framework": "act", "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance", "Legal", "Quokka"}}}})
	e.respond(first, answers{3, 2, 4, "Sales"}, answers{3, 3, 4, "Sales"}, answers{3, 3, 4, "Sales"})
	e.closeAssessment(first)
	_, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/next-wave", nil)
	id := int64(out["id"].(float64))
	// Sales 4 shown; Finance 3 would be shown but Quokka (1) is hidden and,
	// being fewer than 3, takes the smallest shown group with it.
	e.respond(id, answers{3, 4, 4, "Sales"}, answers{3, 4, 4, "Sales"}, answers{4, 4, 4, "Sales"}, answers{4, 5, 4, "Sales"},
		answers{2, 3, 4, "Finance"}, answers{2, 3, 4, "Finance"}, answers{2, 3, 4, "Finance"}, answers{1, 1, 1, "Quokka"})
	e.closeAssessment(id)
	res, _ := e.result(id, []string{"department"})
	if g := res.Groups["department"]; len(g) != 1 || g[0].Value != "Sales" || res.Suppressed["department"] != 2 {
		t.Fatalf("the fixture's groups: %+v", res.Groups)
	}
	org, err := e.db.CreateOrganization(context.Background(), cxm.Organization{Name: "Peer Org"})
	if err != nil {
		t.Fatal(err)
	}
	peer := e.newAssessment(map[string]any{"name": "Peer", "framework": "act", "organization": org, "min_group": 3})
	e.respond(peer, answers{3, 3, 3, ""}, answers{3, 3, 3, ""}, answers{3, 3, 3, ""})
	e.closeAssessment(peer)
	steps := e.planOf(id)
	if len(steps) == 0 {
		t.Fatal("no plan")
	}
	secret := []string{"Quokka", "Finance"}

	for _, base := range []string{"/api/v1/assessments/", "/assessments/"} {
		c, _ := e.session(cxm.RoleViewer)
		get := func(path string) (*http.Response, []byte) {
			resp, err := c.Get(e.ts.URL + base + itoa64(id) + path)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var b bytes.Buffer
			b.ReadFrom(resp.Body)
			return resp, b.Bytes()
		}
		// The workbook.
		resp, data := get("/export.xlsx")
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), `attachment; filename="cxm-`+itoa64(id)+`-audit-wave-2.xlsx"`) {
			t.Fatalf("%sexport.xlsx: %d %v", base, resp.StatusCode, resp.Header)
		}
		x, err := excelize.OpenReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if got := x.GetSheetList(); !slices.Equal(got, report.SheetNames) || !slices.Equal(got, []string{"Summary", "Competencies", "Items", "Groups", "Plan", "Comments"}) {
			t.Errorf("sheets %v", got)
		}
		var cells strings.Builder
		for _, sh := range x.GetSheetList() {
			rows, _ := x.GetRows(sh)
			for _, row := range rows {
				cells.WriteString(strings.Join(row, "\t") + "\n")
			}
		}
		x.Close()
		all := cells.String()
		if !strings.Contains(all, "Sales") || !strings.Contains(all, steps[0].Title) || !strings.Contains(all, "Customer voice") {
			t.Errorf("the workbook lacks the shown group, the plan or the scores")
		}
		for _, s := range secret {
			if strings.Contains(all, s) {
				t.Errorf("the workbook shows the suppressed group %s", s)
			}
		}
		// The report.
		resp, data = get("/report")
		page := string(data)
		csp := resp.Header.Get("Content-Security-Policy")
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			!strings.Contains(csp, "style-src 'unsafe-inline'") || !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Fatalf("%sreport: %d %v", base, resp.StatusCode, resp.Header)
		}
		inPage := strings.ReplaceAll(page, "url(#", "") // references within the page
		for _, ref := range []string{"http:", "https:", "src=", "href=\"/", "url(", "@import", "<link", "<script", "<iframe", "<object"} {
			if i := strings.Index(inPage, ref); i >= 0 {
				t.Errorf("the report has an external reference %q: …%s…", ref, inPage[max(0, i-40):min(len(inPage), i+40)])
			}
		}
		for _, s := range secret {
			if strings.Contains(page, s) {
				t.Errorf("the report shows the suppressed group %s", s)
			}
		}
		for _, s := range []string{"Sales", steps[0].Title, "Changes since the previous wave", "Audit", "Fewer than 5 peers", "<svg"} {
			if !strings.Contains(page, s) {
				t.Errorf("the report lacks %q", s)
			}
		}
		// The CSV tables.
		for _, table := range report.Tables {
			resp, data := get("/export/" + table + ".csv")
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" || !strings.Contains(resp.Header.Get("Content-Disposition"), "attachment") {
				t.Errorf("%s.csv: %d %v", table, resp.StatusCode, resp.Header)
				continue
			}
			rows, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
			if err != nil || len(rows) < 2 {
				t.Errorf("%s.csv: %v, %d rows", table, err, len(rows))
				continue
			}
			for _, s := range secret {
				if bytes.Contains(data, []byte(s)) {
					t.Errorf("%s.csv shows the suppressed group %s", table, s)
				}
			}
			var want bytes.Buffer
			in, err := e.srv.reportInput(context.Background(), mustAssessment(t, e, id))
			if err != nil {
				t.Fatal(err)
			}
			report.CSV(&want, in, table)
			if !bytes.Equal(data, want.Bytes()) {
				t.Errorf("%s.csv differs from report.CSV", table)
			}
		}
		if resp, _ := get("/export/people.csv"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("an unknown table: %d", resp.StatusCode)
		}
		if resp, _ := get("/export/plan.txt"); resp.StatusCode != http.StatusNotFound {
			t.Errorf("not a CSV: %d", resp.StatusCode)
		}
	}
	// The rest of the application keeps its strict policy.
	c, _ := e.session(cxm.RoleViewer)
	resp, err := c.Get(e.ts.URL + "/assessments/" + itoa64(id))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); strings.Contains(csp, "unsafe-inline") {
		t.Errorf("the dashboard's policy allows inline styles: %s", csp)
	}
	// The dashboard links to every export.
	_, dash := e.get(c, "/assessments/"+itoa64(id))
	for _, l := range []string{"/plan", "/workshop", "/progress", "/benchmark", "/report", "/export.xlsx", "/export/competencies.csv", "/export/items.csv", "/export/groups.csv", "/export/plan.csv"} {
		if !strings.Contains(dash, `href="/assessments/`+itoa64(id)+l+`"`) {
			t.Errorf("the dashboard does not link to %s", l)
		}
	}
}

func mustAssessment(t *testing.T, e *env, id int64) cxm.Assessment {
	t.Helper()
	a, err := e.db.Assessment(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestActionEscaping puts markup into every text the new pages show that
// users wrote: assessment and organization names, industries, plan steps.
func TestActionEscaping(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": hostile, "industry": hostile, "size": hostile})
	if st != http.StatusCreated {
		t.Fatalf("organization: %d %v", st, out)
	}
	org := out["id"].(float64)
	id := e.newAssessment(map[string]any{"name": hostile, "framework": "act", "organization": org, "min_group": 3})
	e.respond(id, answers{3, 2, 4, ""}, answers{3, 3, 4, ""}, answers{3, 3, 4, ""})
	e.closeAssessment(id)
	if st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/plan/steps",
		map[string]any{"competency": "voice", "title": hostile, "description": hostile, "owner": hostile, "why": hostile}); st != http.StatusCreated {
		t.Fatalf("step: %d %v", st, out)
	}
	_, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/next-wave", map[string]any{"name": hostile + " 2"})
	next := int64(out["id"].(float64))
	e.respond(next, answers{3, 3, 4, ""}, answers{3, 3, 4, ""}, answers{3, 4, 4, ""})
	c, _ := e.session(cxm.RoleAdmin)
	for _, path := range []string{"/assessments/" + itoa64(id) + "/plan", "/assessments/" + itoa64(next) + "/progress",
		"/assessments/" + itoa64(id) + "/benchmark?industry=" + url.QueryEscape(hostile), "/assessments/" + itoa64(next), "/assessments/" + itoa64(id) + "/report"} {
		status, body := e.get(c, path)
		if status != http.StatusOK {
			t.Errorf("%s: %d", path, status)
			continue
		}
		if strings.Contains(body, "<script>") || strings.Contains(body, "<b>") {
			t.Errorf("%s renders markup from user text unescaped", path)
		}
		if !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("%s does not show the text escaped", path)
		}
	}
}
