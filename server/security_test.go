package server

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// wantAccess is who may use each route, written down independently of the
// route table (from shared/spec/api.md for the API): a route added or
// loosened without updating this list fails TestRouteAccess.
var wantAccess = map[string]access{
	"GET /healthz":                              public,
	"GET /api/v1/openapi.json":                  public,
	"POST /api/v1/frameworks":                   runner,
	"GET /api/v1/frameworks":                    anyUser,
	"POST /api/v1/organizations":                runner,
	"GET /api/v1/organizations":                 anyUser,
	"POST /api/v1/assessments":                  runner,
	"GET /api/v1/assessments":                   anyUser,
	"GET /api/v1/assessments/{id}":              anyUser,
	"POST /api/v1/assessments/{id}/invitations": runner,
	"POST /api/v1/assessments/{id}/reminders":   runner,
	"GET /api/v1/assessments/{id}/results":      anyUser,
	"POST /api/v1/assessments/{id}/close":       runner,
	"POST /api/v1/assessments/{id}/reopen":      runner,
	"POST /api/v1/responses/{token}":            respondent,
	"GET /api/v1/users":                         adminOnly,
	"POST /api/v1/users":                        adminOnly,
	"GET /{$}":                                  public,
	"GET /login":                                public,
	"POST /login":                               public,
	"POST /logout":                              anyUser,
	"GET /setup/{token}":                        public,
	"POST /setup/{token}":                       public,
	"GET /assessments":                          anyUser,
	"POST /assessments":                         runner,
	"GET /assessments/{id}":                     anyUser,
	"POST /assessments/{id}/invitations":        runner,
	"POST /assessments/{id}/reminders":          runner,
	"POST /assessments/{id}/close":              runner,
	"POST /assessments/{id}/reopen":             runner,
	"GET /frameworks":                           anyUser,
	"POST /frameworks":                          runner,
	"GET /frameworks/{id}/{version}":            anyUser,
	"GET /organizations":                        anyUser,
	"POST /organizations":                       runner,
	"GET /users":                                adminOnly,
	"POST /users":                               adminOnly,
	"GET /r/{token}":                            respondent,
	"POST /r/{token}":                           respondent,
	"GET /thanks":                               public,

	// Open comments (issue 8).
	"PUT /api/v1/assessments/{id}/open-question": runner,
	"GET /api/v1/assessments/{id}/comments":      anyUser,
	"POST /assessments/{id}/open-question":       runner,

	// From results to action: plans, waves, benchmarks, exports.
	"GET /api/v1/assessments/{id}/plan":          anyUser,
	"POST /api/v1/assessments/{id}/plan":         runner,
	"GET /api/v1/assessments/{id}/plan/changes":  anyUser,
	"POST /api/v1/assessments/{id}/plan/steps":   runner,
	"PATCH /api/v1/plan-steps/{id}":              runner,
	"POST /api/v1/assessments/{id}/next-wave":    runner,
	"GET /api/v1/assessments/{id}/compare":       anyUser,
	"GET /api/v1/assessments/{id}/benchmark":     anyUser,
	"GET /api/v1/assessments/{id}/export.xlsx":   anyUser,
	"GET /api/v1/assessments/{id}/export/{file}": anyUser,
	"GET /api/v1/assessments/{id}/report":        anyUser,
	"GET /assessments/{id}/plan":                 anyUser,
	"POST /assessments/{id}/plan/steps":          runner,
	"POST /assessments/{id}/plan/regenerate":     runner,
	"POST /plan-steps/{id}":                      runner,
	"POST /assessments/{id}/plan":                runner,
	"GET /frameworks/guide":                      anyUser,
	"GET /assessments/{id}/progress":             anyUser,
	"POST /assessments/{id}/next-wave":           runner,
	"GET /assessments/{id}/benchmark":            anyUser,
	"GET /assessments/{id}/report":               anyUser,
	"GET /assessments/{id}/export.xlsx":          anyUser,
	"GET /assessments/{id}/export/{file}":        anyUser,
	"GET /assessments/{id}/workshop":             anyUser,
	"POST /assessments/{id}/workshop/decisions":  runner,

	// Releases (scoring.md 4.12)
	"GET /api/v1/assessments/{id}/participation": anyUser,

	// Editing: organizations, assessments, accounts
	"PATCH /api/v1/organizations/{id}":   runner,
	"PATCH /api/v1/assessments/{id}":     runner,
	"DELETE /api/v1/assessments/{id}":    runner,
	"POST /api/v1/account/password":      anyUser,
	"PATCH /api/v1/users/{id}":           adminOnly,
	"POST /api/v1/users/{id}/reset-link": adminOnly,
	"GET /organizations/{id}":            runner,
	"POST /organizations/{id}":           runner,
	"GET /assessments/{id}/settings":     runner,
	"POST /assessments/{id}/rename":      runner,
	"POST /assessments/{id}/archive":     runner,
	"POST /assessments/{id}/delete":      runner,
	"GET /account":                       anyUser,
	"POST /account/password":             anyUser,
	"POST /users/{id}":                   adminOnly,
	"POST /users/{id}/reset-link":        adminOnly,
	"GET /reset/{token}":                 public,
	"POST /reset/{token}":                public,

	// Preview, welcome text, imported responses
	"GET /assessments/{id}/preview":           anyUser,
	"POST /assessments/{id}/welcome":          runner,
	"POST /assessments/{id}/responses":        runner,
	"POST /api/v1/assessments/{id}/responses": runner,
	"GET /api/v1/assessments/{id}/imports":    anyUser,
	"GET /api/v1/assessments/{id}/welcome":    anyUser,
	"PUT /api/v1/assessments/{id}/welcome":    runner,
}

func TestRouteAccess(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	seen := map[string]bool{}
	for _, rt := range e.srv.routes {
		key := rt.method + " " + rt.path
		seen[key] = true
		want, ok := wantAccess[key]
		if !ok {
			t.Errorf("%s is not in wantAccess: say who may use it", key)
		} else if rt.access != want {
			t.Errorf("%s has access %d, want %d", key, rt.access, want)
		}
	}
	for key := range wantAccess {
		if !seen[key] {
			t.Errorf("%s is expected but not routed", key)
		}
	}
}

// TestRoleMatrix sends every route of the table as each kind of caller and
// checks who gets in. New routes are covered without touching this test.
func TestRoleMatrix(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Matrix", "framework": "temkin-four", "attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Service", "Finance", "Legal", "Quokka"}}}})
	callers := []cxm.Role{"", cxm.RoleViewer, cxm.RoleFacilitator, cxm.RoleAdmin}
	for _, rt := range e.srv.routes {
		path := rt.path
		path = strings.ReplaceAll(path, "{$}", "")
		path = strings.ReplaceAll(path, "{version}", "1")
		if strings.HasPrefix(path, "/frameworks/") {
			path = strings.ReplaceAll(path, "{id}", "temkin-four")
		}
		path = strings.ReplaceAll(path, "{id}", itoa64(id))
		for _, who := range callers {
			if rt.method == "DELETE" { // each caller deletes an assessment of its own, not the one the others use
				path = strings.ReplaceAll(rt.path, "{id}", itoa64(e.newAssessment(map[string]any{"name": "Doomed", "framework": "temkin-four"})))
			}
			if strings.Contains(path, "{token}") {
				path = strings.ReplaceAll(rt.path, "{token}", e.invite(id, 1)[0])
			}
			status := e.send(rt, who, path)
			allowed := who != "" && rt.access.allows(who) || rt.access < anyUser
			name := rt.method + " " + rt.path + " as " + string(who)
			if who == "" {
				name += "anonymous"
			}
			switch {
			case rt.access == public && status == http.StatusForbidden,
				rt.access != public && allowed && (status == http.StatusUnauthorized || status == http.StatusForbidden):
				// (a public route may answer 401 for a wrong password)
				t.Errorf("%s: %d, want access", name, status)
			case !allowed && who == "" && rt.api && status != http.StatusUnauthorized:
				t.Errorf("%s: %d, want 401", name, status)
			case !allowed && who == "" && !rt.api && status != http.StatusSeeOther:
				t.Errorf("%s: %d, want a redirect to the login page", name, status)
			case !allowed && who != "" && status != http.StatusForbidden:
				t.Errorf("%s: %d, want 403", name, status)
			}
		}
	}
}

// send calls a route as who: API routes with the bearer token, pages with a
// fresh session and its CSRF token.
func (e *env) send(rt route, who cxm.Role, path string) int {
	e.t.Helper()
	if rt.api {
		status, _ := e.raw(who, rt.method, path, "application/json", "{}")
		return status
	}
	var c *http.Client
	csrf := ""
	if who == "" {
		c = e.cookieClient("")
	} else {
		c, csrf = e.session(who)
	}
	if rt.method == "GET" {
		status, _ := e.get(c, path)
		return status
	}
	return e.form(c, path, url.Values{"csrf": {csrf}}, nil).StatusCode
}

// TestTokensAreNotInterchangeable: an invitation token is no API token, and
// an API token opens no survey.
func TestTokensAreNotInterchangeable(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "T", "framework": "temkin-four"})
	inv := e.invite(id, 1)[0]
	e.tokens["respondent"] = inv
	if status, _ := e.call("respondent", "GET", "/api/v1/assessments/"+itoa64(id), nil); status != http.StatusUnauthorized {
		t.Errorf("an invitation token as bearer: %d, want 401", status)
	}
	if status, _ := e.get(e.cookieClient(""), "/r/"+e.tokens[cxm.RoleAdmin]); status != http.StatusNotFound {
		t.Errorf("an API token as invitation: %d, want 404", status)
	}
}

// TestCSRF: cookie-authenticated state changes need a same-origin request
// and the session's CSRF token; bearer-token scripts need neither.
func TestCSRF(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	c, csrf := e.session(cxm.RoleFacilitator)
	good := url.Values{"csrf": {csrf}, "name": {"Acme"}}
	for _, tc := range []struct {
		name   string
		values url.Values
		header http.Header
		want   int
	}{
		{"cross-site form post", good, http.Header{"Sec-Fetch-Site": {"cross-site"}}, http.StatusForbidden},
		{"cross-origin form post", good, http.Header{"Origin": {"https://evil.example"}}, http.StatusForbidden},
		{"no CSRF token", url.Values{"name": {"Acme"}}, nil, http.StatusForbidden},
		{"wrong CSRF token", url.Values{"csrf": {"x" + csrf}, "name": {"Acme"}}, nil, http.StatusForbidden},
		{"same origin with the token", good, http.Header{"Sec-Fetch-Site": {"same-origin"}}, http.StatusSeeOther},
	} {
		if got := e.form(c, "/organizations", tc.values, tc.header).StatusCode; got != tc.want {
			t.Errorf("%s: %d, want %d", tc.name, got, tc.want)
		}
	}
	orgs, _ := e.db.ListOrganizations(t.Context())
	if len(orgs) != 1 {
		t.Errorf("%d organizations created, want exactly 1 (the accepted request)", len(orgs))
	}
	// A script with a bearer token sends no Origin and no CSRF token.
	if status, _ := e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": "Scripted"}); status != http.StatusCreated {
		t.Errorf("bearer POST: %d", status)
	}
}

const hostile = `<script>alert("x")</script>&<b>`

// TestEscaping puts markup into every user-controlled text and checks it
// comes out as text on each page that shows it.
func TestEscaping(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	fw := strings.NewReplacer("NAME", hostile).Replace(`id: hostile
version: 1
name: 'NAME'
description: 'NAME'
scale: {min: 1, max: 5, labels: {1: 'NAME'}, allow_unknown: true}
stages:
  - {id: s0, name: 'NAME', from: 0, description: 'NAME'}
  - {id: s1, name: Later, from: 50}
competencies:
  - id: c1
    name: 'NAME'
    summary: 'NAME'
    weakness: {label: 'NAME', meaning: 'NAME'}
    items:
      - {id: i1, text: 'NAME'}
      - {id: i2, text: Plain}
    practices:
      - {id: p1, title: 'NAME', description: 'NAME'}
`)
	if status, out := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", fw); status != http.StatusCreated {
		t.Fatalf("upload: %d %s", status, out)
	}
	id := e.newAssessment(map[string]any{"name": hostile, "framework": "hostile",
		"attributes": []any{map[string]any{"name": "dept", "values": []string{hostile, "Plain"}}}, "min_group": 3})
	tokens := e.invite(id, 3)
	for _, tok := range tokens {
		if status, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{
			"attributes": map[string]string{"dept": hostile}, "answers": map[string]int{"i1": 2, "i2": 1}}); status != http.StatusCreated {
			t.Fatalf("submit: %d %v", status, out)
		}
	}
	if _, err := e.db.CreateOrganization(t.Context(), cxm.Organization{Name: hostile}); err != nil {
		t.Fatal(err)
	}
	c, _ := e.session(cxm.RoleAdmin)
	survey := e.invite(id, 1)[0]
	for _, path := range []string{"/assessments", "/assessments/" + itoa64(id), "/frameworks", "/frameworks/hostile/1", "/organizations", "/r/" + survey} {
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

// TestAnonymity: no figure below min_group respondents, no small group,
// and no log line with an invitation token.
func TestAnonymity(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	id := e.newAssessment(map[string]any{"name": "Anon", "framework": "temkin-four", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops", "IT"}}}})
	tokens := e.invite(id, 8)
	answers := map[string]int{"pl-1": 4, "pl-2": 4, "pl-3": 4, "cbv-1": 3, "cbv-2": 3, "cbv-3": 3, "ee-1": 2, "ee-2": 2, "ee-3": 2, "cc-1": 4, "cc-2": 4, "cc-3": 4}
	depts := []string{"Sales", "Sales", "Sales", "Sales", "Ops", "Ops", "Ops", "IT"}
	c, _ := e.session(cxm.RoleViewer)
	for i, tok := range tokens {
		e.get(e.cookieClient(""), "/r/"+tok)
		// Open: no figure at all, whatever the count (releases, 4.12).
		if status, res := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results?group_by=department", nil); status != http.StatusConflict {
			t.Fatalf("results while open with %d respondents: %d %v", i, status, res)
		}
		if _, page := e.get(c, "/assessments/"+itoa64(id)); !strings.Contains(page, "Results will appear") || strings.Contains(page, "Weakest link") {
			t.Fatalf("the dashboard shows figures with %d respondents", i)
		}
		if status, _ := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"attributes": map[string]string{"department": depts[i]}, "answers": answers}); status != http.StatusCreated {
			t.Fatalf("submit %d: %d", i, status)
		}
	}
	// 8 respondents: Sales 4, Ops 3, IT 1. IT (1) is hidden; 1 < 3 so the
	// smallest shown group, Ops, goes too.
	e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/close", nil)
	_, res := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results?group_by=department", nil)
	groups := res["groups"].(map[string]any)["department"].([]any)
	if len(groups) != 1 || groups[0].(map[string]any)["value"] != "Sales" || res["suppressed"].(map[string]any)["department"].(float64) != 2 {
		t.Errorf("groups %v suppressed %v", groups, res["suppressed"])
	}
	_, page := e.get(c, "/assessments/"+itoa64(id))
	if strings.Contains(page, ">Ops<") || strings.Contains(page, ">IT<") || !strings.Contains(page, "2 group(s) hidden for some or all competencies") {
		t.Error("the dashboard shows a suppressed group")
	}
	logs := e.logs.String()
	for _, tok := range tokens {
		if strings.Contains(logs, tok) {
			t.Fatal("an invitation token is in the logs")
		}
	}
	if !regexp.MustCompile(`path=/r/…`).MatchString(logs) {
		t.Error("survey requests were not logged (redacted)")
	}
}
