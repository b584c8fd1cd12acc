package server

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// TestPlanFormSavesEveryRow: the plan page is one form; one Save keeps
// every row's edits, a row's button keeps the others' too, a bad row saves
// nothing and names every problem, and steps are numbered 1..N after a drop.
func TestPlanFormSavesEveryRow(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3})
	e.respond(id, answers{3, 2, 4, ""}, answers{3, 1, 4, ""}, answers{3, 3, 4, ""})
	e.closeAssessment(id)
	steps := e.planOf(id)
	c, csrf := e.session(cxm.RoleFacilitator)
	page := "/assessments/" + itoa64(id) + "/plan"
	k := func(f string, s cxm.PlanStep) string { return f + "-" + itoa64(s.ID) }
	all := func(action string) url.Values {
		v := url.Values{"csrf": {csrf}, "action": {action}}
		for _, s := range steps {
			v.Set(k("owner", s), "")
			v.Set(k("due", s), "")
			v.Set(k("status", s), "todo")
		}
		return v
	}
	v := all("save")
	v.Set(k("owner", steps[0]), "Ann")
	v.Set(k("owner", steps[2]), "Bob")
	v.Set(k("status", steps[2]), "doing")
	if resp := e.form(c, page, v, nil); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != page+"?flash=saved" {
		t.Fatalf("save: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	got := e.planOf(id)
	if got[0].Owner != "Ann" || got[2].Owner != "Bob" || got[2].Status != cxm.PlanDoing || got[1].Owner != "" {
		t.Errorf("after one save: %+v", got[:3])
	}
	// Dropping step 2 saves the owner typed in row 4 as well.
	v = all("drop-" + itoa64(steps[1].ID))
	v.Set(k("owner", steps[0]), "Ann")
	v.Set(k("owner", steps[2]), "Bob")
	v.Set(k("status", steps[2]), "doing")
	v.Set(k("owner", steps[3]), "Dee")
	if resp := e.form(c, page, v, nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("drop: %d", resp.StatusCode)
	}
	got = e.planOf(id)
	if s, _ := e.db.PlanStep(context.Background(), steps[3].ID); s.Owner != "Dee" {
		t.Errorf("the owner typed in another row was lost: %+v", s)
	}
	if last := got[len(got)-1]; last.ID != steps[1].ID || last.Status != cxm.PlanDropped {
		t.Errorf("dropped step not last: %+v", last)
	}
	// Numbers 1..5 in order, the dropped step unnumbered, statuses in words.
	_, body := e.get(c, page)
	for n := 1; n <= 5; n++ {
		if !strings.Contains(body, `aria-label="Owner of step `+itoa64(int64(n))+`"`) {
			t.Errorf("no step %d", n)
		}
	}
	if strings.Contains(body, `aria-label="Owner of step 6"`) || !strings.Contains(body, `<td class="num prio" data-label="#">–</td>`) {
		t.Error("the dropped step is numbered")
	}
	for _, w := range []string{`<option value="todo" selected>To do</option>`, `<option value="doing" selected>Doing</option>`, `>Done</option>`, `>Dropped</option>`, `<span class="badge status-dropped">Dropped</span>`} {
		if !strings.Contains(body, w) {
			t.Errorf("page lacks %s", w)
		}
	}
	if strings.Contains(body, ">todo<") || strings.Count(body, `>Save the plan</button>`) != 2 || strings.Contains(body, `action="/plan-steps/`) {
		t.Error("raw status, or not one form with one Save")
	}
	// Two bad rows: nothing saved, both named, what was typed kept.
	v = all("save")
	v.Set(k("owner", steps[0]), "Zed")
	v.Set(k("due", steps[2]), "2027-02-31")
	v.Set(k("status", steps[3]), "later")
	st, body := postForm(t, c, e.ts.URL+page, v)
	if st != http.StatusBadRequest || !strings.Contains(body, "Nothing was saved: 2 problems to fix.") ||
		!strings.Contains(body, `Step 2 (“`+steps[2].Title+`”): due must be a date written YYYY-MM-DD, e.g. 2025-09-30, or empty; &#34;2027-02-31&#34; is not`) ||
		!strings.Contains(body, `Step 3 (“`+steps[3].Title+`”): status must be todo, doing, done or dropped, not &#34;later&#34;`) ||
		!strings.Contains(body, `value="Zed"`) {
		t.Errorf("bad rows: %d\n%s", st, body)
	}
	if s, _ := e.db.PlanStep(context.Background(), steps[0].ID); s.Owner != "Ann" {
		t.Errorf("half-saved: %+v", s)
	}
	// An action on a step of another plan is refused.
	if resp := e.form(c, page, url.Values{"csrf": {csrf}, "action": {"drop-999999"}}, nil); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign step: %d", resp.StatusCode)
	}
}

// TestSetupDone: once cxm has an administrator, the setup link says that
// setup is done and links to the login page, on GET and POST alike.
func TestSetupDone(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	link, err := e.srv.CreateSetupLink(context.Background(), e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, e.ts.URL)
	anon := e.cookieClient("")
	status, body := e.get(anon, path)
	if status != http.StatusOK || !strings.Contains(body, "<h1>Setup is done</h1>") || !strings.Contains(body, `<a class="button" href="/login">Log in</a>`) ||
		strings.Contains(body, "<form method=\"post\" class=\"stack\">") {
		t.Errorf("GET: %d\n%s", status, body)
	}
	if st, body := postForm(t, anon, e.ts.URL+path, url.Values{"email": {"boss@example.com"}, "password": {testPassword}}); st != http.StatusGone || !strings.Contains(body, "<h1>Setup is done</h1>") {
		t.Errorf("POST: %d", st)
	}
	// Without an administrator the form is there, asking for 12 characters.
	if err := e.db.DeleteUser(context.Background(), e.users[cxm.RoleAdmin].ID); err != nil {
		t.Fatal(err)
	}
	if status, body := e.get(anon, path); status != http.StatusOK || !strings.Contains(body, "Create the first administrator") || !strings.Contains(body, `minlength="12"`) {
		t.Errorf("GET without an admin: %d", status)
	}
}

// TestUnknownPaths: a styled page for every unknown path, JSON under /api/,
// 405 with Allow where the path exists for another method.
func TestUnknownPaths(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	anon := e.cookieClient("")
	if status, body := e.get(anon, "/static/style.css"); status != http.StatusOK || !strings.Contains(body, ".chart-pair") {
		t.Errorf("the stylesheet: %d", status)
	}
	for _, p := range []string{"/nowhere", "/assessments/1/nothing", "/a/b/c.html", "/setup", "/static/", "/static/nope.css"} {
		status, body := e.get(anon, p)
		if status != http.StatusNotFound || !strings.Contains(body, "<h1>Page not found</h1>") ||
			!strings.Contains(body, "There is nothing at this address.") || !strings.Contains(body, `<link rel="stylesheet"`) {
			t.Errorf("%s: %d\n%s", p, status, body)
		}
	}
	// Logged in, the page keeps the menu.
	c, _ := e.session(cxm.RoleViewer)
	if status, body := e.get(c, "/nowhere"); status != http.StatusNotFound || !strings.Contains(body, "Back to the assessments") {
		t.Errorf("logged in: %d", status)
	}
	st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/nothing", "", nil)
	if st != http.StatusNotFound || string(raw) != "{\n  \"error\": \"no such endpoint: GET /api/v1/nothing (the endpoints are listed in /api/v1/openapi.json)\"\n}\n" {
		t.Errorf("API: %d %s", st, raw)
	}
	st, raw = e.raw(cxm.RoleViewer, "DELETE", "/api/v1/assessments", "", nil)
	if st != http.StatusMethodNotAllowed || !strings.Contains(string(raw), `"error": "DELETE is not accepted at this address; it takes GET, POST"`) {
		t.Errorf("API, wrong method: %d %s", st, raw)
	}
	req, _ := http.NewRequest("DELETE", e.ts.URL+"/login", nil)
	res, err := anon.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, POST" {
		t.Errorf("page, wrong method: %d %q", res.StatusCode, res.Header.Get("Allow"))
	}
}

// postForm posts a form and returns the status and the body.
func postForm(t *testing.T, c *http.Client, u string, v url.Values) (int, string) {
	t.Helper()
	res, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// TestFrameworksPageHelpsChoose: a sentence on when to use each built-in,
// and the guide served.
func TestFrameworksPageHelpsChoose(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	c, _ := e.session(cxm.RoleViewer)
	status, body := e.get(c, "/frameworks")
	if status != http.StatusOK || !strings.Contains(body, "<h2 id=\"choose-h\">Which framework?</h2>") || !strings.Contains(body, `<a href="/frameworks/guide">the guide to writing a framework</a>`) {
		t.Fatalf("frameworks page: %d", status)
	}
	for _, b := range builtinWhen {
		if !strings.Contains(body, "<dd>"+b.when+"</dd>") {
			t.Errorf("no sentence for %s", b.id)
		}
	}
	if i, j, k := strings.Index(body, "Understand · Decide · Deliver · Scale</a></dt>"), strings.Index(body, "Five CX Competencies</a></dt>"), strings.Index(body, "Four CX Core Competencies</a></dt>"); i < 0 || j < i || k < j {
		t.Errorf("choices missing or out of order: %d %d %d", i, j, k)
	}
	status, body = e.get(c, "/frameworks/guide")
	if status != http.StatusOK || !strings.Contains(body, "<h1>Writing your own framework</h1>") || !strings.Contains(body, "<h2>Every key explained</h2>") ||
		!strings.Contains(body, "<th>Key</th><th>What it is</th><th>Rules</th>") || strings.Contains(body, "```") {
		t.Errorf("guide: %d", status)
	}
}

// TestBenchmarkWithoutPeersSaysHow: the benchmark page without peers gives
// the commands that import them, with the framework's id.
func TestBenchmarkWithoutPeersSaysHow(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3})
	e.respond(id, answers{3, 2, 4, ""}, answers{3, 1, 4, ""}, answers{3, 3, 4, ""})
	e.closeAssessment(id)
	c, _ := e.session(cxm.RoleViewer)
	status, body := e.get(c, "/assessments/"+itoa64(id)+"/benchmark")
	for _, s := range []string{"Fewer than 5 peers", "How to add peers", "<code>cxm benchmark export --framework act --db cxm.db --output peers.csv</code>", "<code>cxm benchmark import --db cxm.db peers.csv</code>"} {
		if !strings.Contains(body, s) {
			t.Errorf("benchmark page (%d) lacks %q", status, s)
		}
	}
}

// TestSubmitReportsEveryProblem: a bad response gets every problem in
// details, in a stable order, and nothing is stored.
func TestSubmitReportsEveryProblem(t *testing.T) {
	e := actEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3, "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service"}}}})
	tok := e.invite(id, 1)[0]
	body := `{"answers": {"l1": 9, "l2": "four", "zz": 3, "v1": 2}, "attributes": {"department": "Legal", "shoe size": "42"}}`
	st, raw := e.raw("", "POST", "/api/v1/responses/"+tok, "application/json", []byte(body))
	var out struct {
		Error   string    `json:"error"`
		Field   string    `json:"field"`
		Details []problem `json:"details"`
	}
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("%d %s", st, raw)
	}
	want := []problem{
		{"answers.l2", `the answer to l2 must be a whole number or null, not "four"`},
		{"answers.l1", "answer 9 to l1 is not an integer from 1 to 5"},
		{"answers.zz", `"zz" is not a statement of framework act`},
		{"attributes.department", `"Legal" is not one of the values of department: choose one of "Sales", "Service", or leave it out`},
		{"attributes.shoe size", `"shoe size" is not an attribute of this assessment`},
	}
	if st != http.StatusBadRequest || out.Field != "answers.l2" || !slices.Equal(out.Details, want) {
		t.Errorf("%d field %q\n got %q\nwant %q", st, out.Field, out.Details, want)
	}
	if out.Error != want[0].Error+"; "+want[1].Error+"; "+want[2].Error+"; "+want[3].Error+"; "+want[4].Error {
		t.Errorf("message %q", out.Error)
	}
	// Nothing was stored: the invitation still takes a good response.
	if st, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": map[string]int{"l1": 3}}); st != http.StatusCreated {
		t.Errorf("after the refusal: %d %v", st, out)
	}
}
