package server

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/store"
)

// Attributes are closed lists (scoring.md 4.12): these tests go through the
// API and the pages, on both engines.

func attr(name string, values ...string) map[string]any {
	return map[string]any{"name": name, "values": values}
}

func TestAttributesCreateAPI(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { attributesCreateAPI(t, newEnv(t, engine)) })
	}
}

func attributesCreateAPI(t *testing.T, e *env) {
	create := func(attrs any) (int, map[string]any) {
		t.Helper()
		return e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments", map[string]any{"name": "Attrs", "framework": "temkin-four", "attributes": attrs})
	}
	before := assessmentCount(t, e)

	// A bare name was a free-text attribute in v1: refused, saying how to write it.
	st, out := create([]any{"department"})
	if st != 400 || out["field"] != "attributes[0]" ||
		out["error"] != `attributes[0]: attribute "department" has no values: a respondent picks one of a closed list, so write it as {"name": "department", "values": ["…", "…"]} with 1 to 100 values` {
		t.Errorf("bare name: %d %v", st, out)
	}
	if st, out := create([]any{map[string]any{"name": "department"}}); st != 400 || out["field"] != "attributes[0]" || !strings.Contains(out["error"].(string), "has no values") {
		t.Errorf("no values: %d %v", st, out)
	}
	for _, bad := range []any{nil, 7, []string{"Sales"}, map[string]any{"name": "department", "values": "Sales"}, map[string]any{"name": "d", "values": []string{"a"}, "colour": "red"}} {
		if st, out := create([]any{bad}); st != 400 || out["field"] != "attributes[0]" ||
			out["error"] != `attributes[0]: write an attribute as {"name": "department", "values": ["Sales", "Operations"]}` {
			t.Errorf("attribute %v: %d %v", bad, st, out)
		}
	}
	if st, out := create([]any{map[string]any{"name": "department", "values": "Sales"}}); st != 400 || out["field"] != "attributes[0]" ||
		out["error"] != `attributes[0]: write an attribute as {"name": "department", "values": ["Sales", "Operations"]}` {
		t.Errorf("values not a list: %d %v", st, out)
	}

	// Text echoed in a message is clipped: a 100,000-character name.
	huge := strings.Repeat("n", 100_000)
	if st, out := create([]any{huge}); st != 400 || len(out["error"].(string)) > 400 || !strings.Contains(out["error"].(string), strings.Repeat("n", 60)+"…") {
		t.Errorf("a huge bare name: %d, %d bytes of message", st, len(fmt.Sprint(out["error"])))
	}

	// Every violation is reported, in order.
	long := strings.Repeat("x", 61)
	many := make([]string, 101)
	for i := range many {
		many[i] = fmt.Sprint("v", i)
	}
	st, out = create([]any{
		"team",                          // 0: no values
		attr("Level", "Staff", "staff"), // 1: a value twice, ignoring case
		attr("level", "Manager"),        // 2: a name twice, ignoring case
		attr("", "x"),                   // 3: no name
		attr(long, "x"),                 // 4: name too long
		attr("region", many...),         // 5: 101 values
		attr("PL-1", "a"),               // 6: an item id
		attr("a,b", "Paris", "Lyon"),    // 7: a comma in a name (control characters never get past the input check)
	})
	want := []problem{
		{"attributes[0]", `attributes[0]: attribute "team" has no values: a respondent picks one of a closed list, so write it as {"name": "team", "values": ["…", "…"]} with 1 to 100 values`},
		{"attributes[1]", `attributes[1]: value "staff" of "Level" is given twice (values are compared without regard to case)`},
		{"attributes[2]", `attributes[2]: attribute "level" is given twice (also in attributes[1]; names are compared without regard to case)`},
		{"attributes[3]", `attributes[3]: an attribute's name is empty`},
		{"attributes[4]", `attributes[4]: an attribute's name is longer than 60 characters`},
		{"attributes[5]", `attributes[5]: attribute "region" has 101 values; at most 100 are allowed`},
		{"attributes[6]", `attributes[6]: "PL-1" is the id of a statement or the respondent column: choose another name`},
		{"attributes[7]", `attributes[7]: attribute "a,b": a name may not hold a comma (group_by lists names separated by commas)`},
	}
	checkProblems(t, st, out, want)

	// More than 8 attributes.
	nine := make([]any, 9)
	for i := range nine {
		nine[i] = attr(fmt.Sprint("a", i), "x")
	}
	st, out = create(nine)
	checkProblems(t, st, out, []problem{{"attributes", "an assessment has at most 8 attributes, not 9"}})
	if got := assessmentCount(t, e); got != before {
		t.Fatalf("refused assessments were stored: %d assessments, want %d", got, before)
	}

	// The limits themselves are accepted; lengths count characters, not
	// bytes: 60 × "é" is 120 bytes.
	hundred := many[:100]
	eight := []any{attr(strings.Repeat("é", 60), strings.Repeat("é", 60), "b"), attr("region", hundred...)}
	for i := 2; i < 8; i++ {
		eight = append(eight, attr(fmt.Sprint("a", i), "x"))
	}
	st, out = create(eight)
	if st != http.StatusCreated {
		t.Fatalf("8 attributes, 100 values, 60 characters: %d %v", st, out)
	}
	_, got := e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%d", int64(out["id"].(float64))), nil)
	attrs := got["attributes"].([]any)
	region := attrs[1].(map[string]any)["values"].([]any)
	if len(attrs) != 8 || len(region) != 100 || region[99] != "v99" || attrs[0].(map[string]any)["name"] != strings.Repeat("é", 60) {
		t.Errorf("stored attributes %v", attrs)
	}
}

type problemsBody struct {
	Error   string    `json:"error"`
	Field   string    `json:"field"`
	Details []problem `json:"details"`
}

func checkProblems(t *testing.T, status int, out map[string]any, want []problem) {
	t.Helper()
	raw, _ := json.Marshal(out)
	var got problemsBody
	json.Unmarshal(raw, &got)
	if status != 400 || got.Field != want[0].Field || len(got.Details) != len(want) {
		t.Fatalf("%d %s, want 400 with %d problems, the first at %s", status, raw, len(want), want[0].Field)
	}
	msgs := []string{}
	for i, w := range want {
		if got.Details[i] != w {
			t.Errorf("problem %d:\n got %+v\nwant %+v", i, got.Details[i], w)
		}
		msgs = append(msgs, w.Error)
	}
	if got.Error != strings.Join(msgs, "; ") {
		t.Errorf("message %q", got.Error)
	}
}

func assessmentCount(t *testing.T, e *env) int {
	t.Helper()
	list, err := e.db.ListAssessments(context.Background(), 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(list)
}

// TestAttributesHostileSize: 100,000 attributes, or a group_by of 100,000
// names, get a short 400 at once (they took 49 s: the message was built
// quadratically).
func TestAttributesHostileSize(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	names := make([]any, 100_000)
	for i := range names {
		names[i] = fmt.Sprint("a", i)
	}
	start := time.Now()
	st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/assessments", "application/json",
		map[string]any{"name": "Huge", "framework": "temkin-four", "attributes": names})
	took := time.Since(start)
	var got problemsBody
	json.Unmarshal(raw, &got)
	if st != 400 || got.Field != "attributes" || len(got.Details) != maxProblems ||
		!strings.HasSuffix(got.Error, "; and 99981 more problems") || len(raw) > 20_000 {
		t.Errorf("100,000 attributes: %d, %d bytes, field %q, %d details, %.80q…", st, len(raw), got.Field, len(got.Details), got.Error)
	}
	t.Logf("100,000 attributes: 400 in %v", took)
	if took > 2*time.Second {
		t.Errorf("100,000 attributes took %v", took)
	}

	id := e.newAssessment(map[string]any{"name": "Small", "framework": "temkin-four", "attributes": []any{attr("department", "Sales", "Ops")}})
	path := "/api/v1/assessments/" + itoa64(id) + "/results?group_by="
	for q, wantMsg := range map[string]string{
		"region":                            `cannot break down by "region": name each of the assessment's attributes at most once ("department")`,
		"department,department":             `group_by names at most the assessment's 1 attributes ("department")`,
		strings.Repeat("x,", 100_000) + "x": `group_by names at most the assessment's 1 attributes ("department")`,
	} {
		start := time.Now()
		st, out := e.call(cxm.RoleViewer, "GET", path+url.QueryEscape(q), nil)
		if st != 400 || out["field"] != "group_by" || out["error"] != wantMsg {
			t.Errorf("group_by %.40q: %d %v", q, st, out)
		}
		d := time.Since(start)
		t.Logf("group_by of %d bytes: 400 in %v", len(q), d)
		if d > time.Second {
			t.Errorf("group_by %.40q took %v", q, d)
		}
	}
}

func TestAttributesSubmit(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { attributesSubmit(t, newEnv(t, engine)) })
	}
}

func attributesSubmit(t *testing.T, e *env) {
	id := e.newAssessment(map[string]any{"name": "Submit", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Customer Service"), attr("level", "Staff", "Manager")}})
	tokens := e.invite(id, 4)
	submit := func(tok string, attrs map[string]string) (int, map[string]any) {
		return e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"attributes": attrs, "answers": map[string]int{"pl-1": 4}})
	}
	for _, bad := range []struct {
		attrs map[string]string
		field string
		msg   string
	}{
		{map[string]string{"department": "Sales Team"}, "attributes.department",
			`"Sales Team" is not one of the values of department: choose one of "Sales", "Customer Service", or leave it out`},
		{map[string]string{"level": "CEO", "department": "Sales"}, "attributes.level",
			`"CEO" is not one of the values of level: choose one of "Staff", "Manager", or leave it out`},
		{map[string]string{"team": "Blue"}, "attributes.team", `"team" is not an attribute of this assessment`},
	} {
		st, out := submit(tokens[0], bad.attrs)
		if st != 400 || out["field"] != bad.field || out["error"] != bad.msg {
			t.Errorf("submit %v: %d %v", bad.attrs, st, out)
		}
	}
	// One value, the list's spelling whatever the case; or none.
	for i, attrs := range []map[string]string{
		{"department": "customer service", "level": "Staff"},
		{"department": " Sales "},
		{"department": "", "level": ""},
	} {
		if st, out := submit(tokens[i], attrs); st != http.StatusCreated {
			t.Fatalf("submit %v: %d %v", attrs, st, out)
		}
	}
	var stored []string
	err := e.db.EachResponse(context.Background(), id, func(r cxm.StoredResponse) error {
		stored = append(stored, r.Attributes["department"]+"/"+r.Attributes["level"])
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(sortedCopy(stored), ",") != "/,Customer Service/Staff,Sales/" {
		t.Errorf("stored attributes %q", stored)
	}
}

func sortedCopy(s []string) []string {
	out := append([]string{}, s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

// TestAttributesPages: the creation form refuses a line without a colon
// (it made a free-text question named "department Sales, Operations"),
// and the survey asks a closed question and refuses any other value.
func TestAttributesPages(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { attributesPages(t, newEnv(t, engine)) })
	}
}

func attributesPages(t *testing.T, e *env) {
	c, csrf := e.session(cxm.RoleFacilitator)
	before := assessmentCount(t, e)
	post := func(path string, v url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	form := func(attrs string) url.Values {
		return url.Values{"csrf": {csrf}, "name": {"Form"}, "framework": {"temkin-four@1"}, "min_group": {"3"}, "attributes": {attrs}}
	}
	var values []string
	for i := range 101 {
		values = append(values, fmt.Sprint("v", i))
	}
	hundredAndOne := strings.Join(values, ", ")
	for attrs, want := range map[string]string{
		"department Sales, Operations": "line 1: write the attribute as name: value, value, … (e.g. department: Sales, Operations)",
		"department: Sales, Operations\n\nlevel\nregion:\n: x": "line 3: write the attribute as name: value, value, … (e.g. department: Sales, Operations); " +
			`line 4: attribute &#34;region&#34; has no values: a respondent picks one of a closed list, so write it as region: value, value, … with 1 to 100 values; ` +
			"line 5: an attribute&#39;s name is empty",
		"a: x\nb: x\nc: x\nd: x\ne: x\nf: x\ng: x\nh: x\ni: x": "an assessment has at most 8 attributes, not 9",
		"Department: Sales, sales":                             `line 1: value &#34;sales&#34; of &#34;Department&#34; is given twice`,
		"level: a\n\nLevel: b":                                 `line 3: attribute &#34;Level&#34; is given twice (also in line 1; names are compared without regard to case)`,
		"region: " + hundredAndOne:                             `line 1: attribute &#34;region&#34; has 101 values; at most 100 are allowed`,
		strings.Repeat("n", 61) + ": a":                        "line 1: an attribute&#39;s name is longer than 60 characters",
		"site: " + strings.Repeat("v", 61):                     `line 1: a value of &#34;site&#34; is longer than 60 characters`,
	} {
		st, body := post("/assessments", form(attrs))
		if st != 400 || !strings.Contains(body, want) {
			t.Errorf("form %q: %d, want 400 saying %q; page:\n%s", attrs, st, want, errorText(body))
		}
	}
	if got := assessmentCount(t, e); got != before {
		t.Fatalf("refused forms stored assessments: %d, want %d", got, before)
	}
	st, _ := post("/assessments", form("department: Sales, Operations,\nlevel: Staff, Manager"))
	if st != http.StatusSeeOther {
		t.Fatalf("a good form: %d", st)
	}
	list, _ := e.db.ListAssessments(context.Background(), 0)
	a := list[0]
	for _, x := range list {
		if x.ID > a.ID {
			a = x
		}
	}
	if fmt.Sprint(a.Attributes) != "[{department [Sales Operations]} {level [Staff Manager]}]" {
		t.Fatalf("stored attributes %v", a.Attributes)
	}

	// The survey: radio buttons and "Prefer not to say", never a text box.
	tok := e.invite(a.ID, 1)[0]
	anon := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	st, page := e.get(anon, "/r/"+tok)
	if st != 200 || strings.Contains(page, `type="text"`) || strings.Count(page, `type="radio" name="attr.department"`) != 3 ||
		strings.Count(page, "Prefer not to say") != 2 {
		t.Fatalf("survey page %d:\n%s", st, page)
	}
	c = anon
	st, page = post("/r/"+tok, url.Values{"part": {"0"}, "action": {"next"}, "attr.department": {"Sales Team"}, "attr.level": {"Staff"}})
	if st != 400 || !strings.Contains(page, "Choose one of the listed answers for department, or “Prefer not to say”.") {
		t.Errorf("a value not in the list: %d\n%s", st, errorText(page))
	}
	if d, err := e.db.Draft(context.Background(), mustInvitation(t, e, a.ID), store.DraftKey(tok)); err == nil && len(d.Attributes) > 0 {
		t.Errorf("a refused part was saved: %v", d.Attributes)
	}
	if st, _ = post("/r/"+tok, url.Values{"part": {"0"}, "action": {"next"}, "attr.department": {"operations"}, "attr.level": {""}}); st != http.StatusSeeOther {
		t.Fatalf("a listed value: %d", st)
	}
	_, page = e.get(anon, "/r/"+tok+"?part=0")
	if !strings.Contains(page, `value="Operations" checked`) || !strings.Contains(page, `name="attr.level" value="" checked`) {
		t.Errorf("the saved choice is not shown checked:\n%s", page)
	}
}

// errorText is the alert of a page, or the page when it has none.
func errorText(page string) string {
	if i := strings.Index(page, `role="alert">`); i >= 0 {
		end := strings.Index(page[i:], "</p>")
		return page[i : i+max(end, 0)]
	}
	return page
}

func mustInvitation(t *testing.T, e *env, assessment int64) int64 {
	t.Helper()
	invs, err := e.db.ListInvitations(context.Background(), assessment)
	if err != nil || len(invs) == 0 {
		t.Fatalf("invitations: %v %v", invs, err)
	}
	return invs[0].ID
}

// TestAttributesLegacy: an assessment stored before v2 with a free-text
// attribute stays readable, but the attribute takes no new answers, is not
// asked, and is left out of the next wave.
func TestAttributesLegacy(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { attributesLegacy(t, newEnv(t, engine)) })
	}
}

func attributesLegacy(t *testing.T, e *env) {
	id := e.newAssessment(map[string]any{"name": "Old", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Ops")}})
	tokens := e.invite(id, 4)
	// Written as cxm v1 wrote it.
	driver := map[string]string{testdb.SQLite: "sqlite", testdb.Postgres: "pgx"}[e.db.Engine()]
	raw, err := sql.Open(driver, e.dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	if _, err := raw.Exec(`UPDATE assessments SET attributes = $1 WHERE id = $2`,
		`[{"name":"team","values":null},{"name":"department","values":["Sales","Ops"]}]`, id); err != nil {
		t.Fatal(err)
	}
	st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id), nil)
	if st != 200 || fmt.Sprint(out["attributes"]) != "[map[name:team values:<nil>] map[name:department values:[Sales Ops]]]" {
		t.Fatalf("legacy assessment: %d %v", st, out)
	}
	st, out = e.call("", "POST", "/api/v1/responses/"+tokens[0], map[string]any{"attributes": map[string]string{"team": "Blue"}, "answers": map[string]int{"pl-1": 4}})
	if st != 400 || out["field"] != "attributes.team" ||
		out["error"] != "team takes no answers: it was a free-text question, and attributes are now closed lists" {
		t.Errorf("free text to a legacy attribute: %d %v", st, out)
	}
	for i := 0; i < 3; i++ {
		if st, out := e.call("", "POST", "/api/v1/responses/"+tokens[i], map[string]any{"attributes": map[string]string{"department": "Sales", "team": ""},
			"answers": map[string]int{"pl-1": 4}}); st != http.StatusCreated {
			t.Fatalf("submit: %d %v", st, out)
		}
	}
	_, page := e.get(&http.Client{}, "/r/"+tokens[3])
	if strings.Contains(page, "team") || strings.Contains(page, `type="text"`) || !strings.Contains(page, `name="attr.department"`) {
		t.Errorf("the survey asks the free-text attribute:\n%s", page)
	}
	e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil)
	st, out = e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results?group_by=team", nil)
	if st != 200 {
		t.Errorf("results by a legacy attribute: %d %v", st, out)
	}
	st, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/next-wave", nil)
	if st != http.StatusCreated {
		t.Fatalf("next wave: %d %v", st, out)
	}
	_, next := e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%d", int64(out["id"].(float64))), nil)
	if fmt.Sprint(next["attributes"]) != "[map[name:department values:[Sales Ops]]]" {
		t.Errorf("next wave attributes %v", next["attributes"])
	}
}

// TestFrameworkUploadLimits: an upload beyond the framework limits is a 400
// with each problem's line and column; 100,000 statements are refused.
func TestFrameworkUploadLimits(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	var b strings.Builder
	b.WriteString(customFramework)
	for i := range 100_000 {
		fmt.Fprintf(&b, "      - {id: x%d, text: T}\n", i)
	}
	st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", b.String())
	// The body limit of the route (the framework limit plus room for the
	// request) refuses it before it is read.
	if st != 413 || !strings.Contains(string(raw), "larger than") {
		t.Errorf("100,000 statements: %d %.300s", st, raw)
	}
	doc := b.String()[:strings.Index(b.String(), "      - {id: x497,")]
	st, raw = e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", doc)
	var out struct {
		Details []struct {
			Line, Column int
			Message      string
		}
	}
	json.Unmarshal(raw, &out)
	if st != 400 || len(out.Details) != 1 || out.Details[0].Line != 515 || out.Details[0].Column != 9 ||
		out.Details[0].Message != "this is statement 501: a framework has at most 500 statements in all" {
		t.Errorf("501 statements: %d %s", st, raw)
	}
}

// TestStoredFrameworkBeyondLimits: a framework version stored before the
// limits (600 statements) still serves its assessments.
func TestStoredFrameworkBeyondLimits(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	var b strings.Builder
	b.WriteString(customFramework)
	for i := range 596 {
		fmt.Fprintf(&b, "      - {id: x%d, text: T}\n", i)
	}
	if err := e.db.SaveFramework(context.Background(), "custom", 1, "Custom", []byte(b.String()), false); err != nil {
		t.Fatal(err)
	}
	id := e.newAssessment(map[string]any{"name": "Old framework", "framework": "custom", "attributes": []any{attr("department", "Sales", "Ops")}})
	tok := e.invite(id, 1)[0]
	if st, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"answers": map[string]int{"x595": 3}}); st != http.StatusCreated {
		t.Fatalf("submit: %d %v", st, out)
	}
}
