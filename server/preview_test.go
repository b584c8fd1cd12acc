package server

import (
	"database/sql"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/store"
)

// tableRows counts the rows of every table of the test's database.
func (e *env) tableRows() map[string]int {
	e.t.Helper()
	driver := map[string]string{testdb.SQLite: "sqlite", testdb.Postgres: "pgx"}[e.db.Engine()]
	raw, err := sql.Open(driver, e.dsn)
	if err != nil {
		e.t.Fatal(err)
	}
	defer raw.Close()
	list := "SELECT name FROM sqlite_master WHERE type = 'table'"
	if e.db.Engine() == testdb.Postgres {
		list = "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()"
	}
	rows, err := raw.Query(list)
	if err != nil {
		e.t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		rows.Scan(&name)
		tables = append(tables, name)
	}
	rows.Close()
	out := map[string]int{}
	for _, name := range tables {
		var n int
		if err := raw.QueryRow(`SELECT COUNT(*) FROM "` + name + `"`).Scan(&n); err != nil {
			e.t.Fatal(err)
		}
		out[name] = n
	}
	if len(out) < 10 {
		e.t.Fatalf("only %d tables found: %v", len(out), out)
	}
	return out
}

// TestPreview: the facilitator's preview shows the survey, welcome text
// included and escaped, moves between parts and "submits" without storing
// a row anywhere; on both engines.
func TestPreview(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { preview(t, newEnv(t, engine)) })
	}
}

func preview(t *testing.T, e *env) {
	id := e.newAssessment(map[string]any{"name": "Q1", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{attr("department", "Sales", "Service")}})
	tokens := e.invite(id, 1)
	welcome := "Dear team, <script>alert(1)</script>\r\nthank you.\r\n\r\nTen minutes & no names."
	status, out := e.call(cxm.RoleFacilitator, "PUT", fmt.Sprintf("/api/v1/assessments/%d/welcome", id), map[string]any{"welcome": welcome})
	if status != 200 || out["welcome"] != "Dear team, <script>alert(1)</script>\nthank you.\n\nTen minutes & no names." {
		t.Fatalf("set welcome: %d %v", status, out)
	}
	c, _ := e.session(cxm.RoleViewer)
	before := e.tableRows()

	escaped := `<div class="welcome"><p>Dear team, &lt;script&gt;alert(1)&lt;/script&gt;
thank you.</p><p>Ten minutes &amp; no names.</p></div>`
	status, page := e.get(c, fmt.Sprintf("/assessments/%d/preview", id))
	for _, want := range []string{"Preview — nothing is stored.", escaped, "Part 1 of 5", "About you",
		fmt.Sprintf(`<form method="get" action="/assessments/%d/preview">`, id)} {
		if status != 200 || !strings.Contains(page, want) {
			t.Fatalf("preview: %d, no %q in\n%s", status, want, page)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, `action="/r/`) {
		t.Fatal("the preview has a script or posts to a survey")
	}
	// The buttons: next, back, submit; each drops the answers from the address.
	move := func(query, wantLocation string) {
		t.Helper()
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/assessments/%d/preview?%s", e.ts.URL, id, query), nil)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != fmt.Sprintf("/assessments/%d/preview?%s", id, wantLocation) {
			t.Fatalf("%s: %d %s", query, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	move(url.Values{"part": {"0"}, "action": {"next"}, "attr.department": {"Sales"}}.Encode(), "part=1")
	move(url.Values{"part": {"2"}, "action": {"back"}, "item.pl-1": {"4"}}.Encode(), "part=1")
	move(url.Values{"part": {"4"}, "action": {"submit"}, "item.cc-1": {"4"}}.Encode(), "part=4&flash=preview-submitted")
	status, page = e.get(c, fmt.Sprintf("/assessments/%d/preview?part=4&flash=preview-submitted", id))
	if status != 200 || !strings.Contains(page, "This is a preview: nothing was stored.") || !strings.Contains(page, "Part 5 of 5") ||
		strings.Contains(page, `class="welcome"`) {
		t.Fatalf("preview, last part after submit: %d\n%s", status, page)
	}
	if after := e.tableRows(); fmt.Sprint(after) != fmt.Sprint(before) {
		t.Fatalf("the preview stored something:\nbefore %v\nafter  %v", before, after)
	}

	// The respondent sees the same welcome, escaped, on the first part only.
	status, page = e.get(&http.Client{}, "/r/"+tokens[0])
	if status != 200 || !strings.Contains(page, escaped) || strings.Contains(page, "Preview") {
		t.Fatalf("survey: %d\n%s", status, page)
	}

	// The limit, the form, the next wave.
	status, out = e.call(cxm.RoleFacilitator, "PUT", fmt.Sprintf("/api/v1/assessments/%d/welcome", id), map[string]any{"welcome": strings.Repeat("é", store.MaxWelcome+1)})
	if status != 400 || out["field"] != "welcome" || out["error"] != "the welcome text has 2001 characters: at most 2000" {
		t.Fatalf("too long: %d %v", status, out)
	}
	if status, _ := e.call(cxm.RoleViewer, "PUT", fmt.Sprintf("/api/v1/assessments/%d/welcome", id), map[string]any{"welcome": "x"}); status != 403 {
		t.Fatalf("a viewer set the welcome: %d", status)
	}
	fc, csrf := e.session(cxm.RoleFacilitator)
	resp := e.form(fc, fmt.Sprintf("/assessments/%d/welcome", id), url.Values{"csrf": {csrf}, "welcome": {"Hello, Acme"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || !strings.HasSuffix(resp.Header.Get("Location"), "flash=welcome-saved") {
		t.Fatalf("welcome form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	e.call(cxm.RoleFacilitator, "POST", fmt.Sprintf("/api/v1/assessments/%d/close", id), nil)
	status, out = e.call(cxm.RoleFacilitator, "POST", fmt.Sprintf("/api/v1/assessments/%d/next-wave", id), map[string]any{})
	if status != 201 {
		t.Fatalf("next wave: %d %v", status, out)
	}
	status, out = e.call(cxm.RoleViewer, "GET", fmt.Sprintf("/api/v1/assessments/%v/welcome", out["id"]), nil)
	if status != 200 || out["welcome"] != "Hello, Acme" {
		t.Fatalf("the next wave's welcome: %d %v", status, out)
	}
}
