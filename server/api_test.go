package server

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

const customFramework = `id: custom
version: 1
name: Custom
scale: {min: 1, max: 5}
stages:
  - {id: low, name: Low, from: 0}
  - {id: high, name: High, from: 50}
competencies:
  - id: a
    name: A
    items:
      - {id: a1, text: One}
      - {id: a2, text: Two, reverse: true}
  - id: b
    name: B
    items:
      - {id: b1, text: Three}
      - {id: b2, text: Four}
`

// TestAPIFlow walks the flows of shared/spec/api.md on both engines, with
// the errors each endpoint promises.
func TestAPIFlow(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { apiFlow(t, newEnv(t, engine)) })
	}
}

func apiFlow(t *testing.T, e *env) {
	expect := func(what string, got, want int, body any) {
		t.Helper()
		if got != want {
			t.Fatalf("%s: %d, want %d (%v)", what, got, want, body)
		}
	}
	// Health and authentication.
	status, _ := e.call("", "GET", "/healthz", nil)
	expect("healthz", status, 200, nil)
	status, out := e.call("", "GET", "/api/v1/assessments", nil)
	expect("no credentials", status, 401, out)

	// Frameworks: upload, invalid, changed under the same version, list.
	st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", customFramework)
	expect("upload", st, 201, string(raw))
	st, raw = e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", customFramework)
	expect("same upload again (idempotent)", st, 201, string(raw))
	st, raw = e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", strings.Replace(customFramework, "Four", "Five", 1))
	expect("changed content, same version", st, 409, string(raw))
	st, raw = e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", strings.Replace(customFramework, "weight", "wieght", 1)+"oops: 1\n")
	expect("invalid framework", st, 400, string(raw))
	if !strings.Contains(string(raw), `"line": 19`) || !strings.Contains(string(raw), `unknown key \"oops\"`) {
		t.Errorf("lint errors lack line and message: %s", raw)
	}
	st, raw = e.raw(cxm.RoleViewer, "POST", "/api/v1/frameworks", "application/yaml", customFramework)
	expect("viewer uploads", st, 403, string(raw))
	var list []map[string]any
	_, raw = e.raw(cxm.RoleViewer, "GET", "/api/v1/frameworks", "", nil)
	json.Unmarshal(raw, &list)
	if len(list) != 4 {
		t.Errorf("frameworks: %d, want 3 built-ins and custom", len(list))
	}

	// Organizations and assessments.
	status, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": "Acme", "industry": "Retail", "size": "250-1000"})
	expect("organization", status, 201, out)
	org := out["id"].(float64)
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"framework": "custom"}, "name"},
		{map[string]any{"name": "x", "framework": "nope"}, "framework"},
		{map[string]any{"name": "x", "framework": "custom", "framework_version": 9}, "framework_version"},
		{map[string]any{"name": "x", "framework": "custom", "min_group": 2}, "min_group"},
		{map[string]any{"name": "x", "framework": "custom", "organization": 999}, "organization"},
		{map[string]any{"name": "x", "framework": "custom", "attributes": []any{map[string]any{"name": "a1", "values": []string{"x"}}}}, "attributes[0]"},
		{map[string]any{"name": "x", "framework": "custom", "attributes": []string{"department"}}, "attributes[0]"},
		{map[string]any{"name": "x", "framework": "custom", "colour": "red"}, "colour"},
		{map[string]any{"name": 7, "framework": "custom"}, "name"},
	} {
		status, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments", bad.body)
		if status != 400 || out["field"] != bad.field {
			t.Errorf("assessment %v: %d %v, want 400 naming %s", bad.body, status, out, bad.field)
		}
	}
	id := e.newAssessment(map[string]any{"name": "Q1", "framework": "custom", "organization": org, "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}, map[string]any{"name": "level", "values": []string{"Staff", "Manager"}}}})
	path := "/api/v1/assessments/" + itoa64(id)
	status, out = e.call(cxm.RoleViewer, "GET", path, nil)
	expect("get assessment", status, 200, out)
	if out["status"] != "open" || out["responses"].(float64) != 0 || out["framework"].(map[string]any)["version"].(float64) != 1 {
		t.Errorf("assessment %v", out)
	}
	status, _ = e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/999", nil)
	expect("missing assessment", status, 404, nil)

	// Invitations and responses.
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"count": 0})
	expect("zero invitations", status, 400, out)
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"count": 2})
	expect("invitation links", status, 201, out)
	if inv := out["invitations"].([]any)[0].(map[string]any); inv["email"] != nil || !strings.HasSuffix(inv["url"].(string), "/r/"+inv["token"].(string)) {
		t.Errorf("invitation %v", inv)
	}
	// Without SMTP, sealed invitations and reminders are refused (409),
	// naming the field; links remain.
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"emails": []string{"A@Example.com", "b@example.com", "c@example.com"}})
	expect("sealed invitations without SMTP", status, 409, out)
	if out["field"] != "emails" || !strings.Contains(out["error"].(string), "--smtp") {
		t.Errorf("sealed without SMTP: %v", out)
	}
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/reminders", nil)
	expect("reminders without SMTP", status, 409, out)
	tokens := e.invite(id, 4)
	submit := func(tok string, body map[string]any) (int, map[string]any) {
		return e.call("", "POST", "/api/v1/responses/"+tok, body)
	}
	for _, bad := range []struct {
		body  map[string]any
		field string
	}{
		{map[string]any{"answers": map[string]any{"a1": 6}}, "answers.a1"},
		{map[string]any{"answers": map[string]any{"a1": 0}}, "answers.a1"},
		{map[string]any{"answers": map[string]any{"zz": 3}}, "answers.zz"},
		{map[string]any{"attributes": map[string]any{"team": "x"}}, "attributes.team"},
		{map[string]any{"attributes": map[string]any{"department": "HR"}}, "attributes.department"},
		{map[string]any{"answers": map[string]any{"a1": "four"}}, "answers.a1"},
	} {
		status, out = submit(tokens[0], bad.body)
		if status != 400 || out["field"] != bad.field {
			t.Errorf("submit %v: %d %v, want 400 naming %s", bad.body, status, out, bad.field)
		}
	}
	status, _ = submit("not-a-token", map[string]any{})
	expect("unknown token", status, 404, nil)
	// Answers: a1 4, a2 2 (reverse: value 4) → A index 75 for everyone;
	// b1, b2 vary: indices 100, 50, 0 → mean 50.
	bs := [][2]any{{5, 5}, {3, 3}, {1, nil}}
	for i, b := range bs {
		status, out = submit(tokens[i], map[string]any{
			"attributes": map[string]any{"department": "Sales", "level": "Staff"},
			"answers":    map[string]any{"a1": 4, "a2": 2, "b1": b[0], "b2": b[1]}})
		expect("submit", status, 201, out)
	}
	status, out = submit(tokens[0], map[string]any{"answers": map[string]any{}})
	expect("used invitation", status, 409, out)
	// Open: participation only; the results are the release, made at close.
	status, out = e.call(cxm.RoleViewer, "GET", path+"/results?group_by=department", nil)
	expect("results while open", status, 409, out)
	if out["field"] != "status" {
		t.Errorf("results while open: %v, want field status", out)
	}
	status, out = e.call(cxm.RoleViewer, "GET", path+"/results?group_by=region", nil)
	expect("group by an unknown attribute while open", status, 400, out)
	status, out = e.call(cxm.RoleViewer, "POST", path+"/close", nil)
	expect("viewer closes", status, 403, out)
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/close", nil)
	expect("close", status, 200, out)
	status, out = e.call(cxm.RoleViewer, "GET", path+"/results?group_by=department", nil)
	expect("results", status, 200, out)
	comps := out["competencies"].([]any)
	a, b := comps[0].(map[string]any), comps[1].(map[string]any)
	if a["score"].(float64) != 75 || math.Abs(b["score"].(float64)-50) > 1e-12 || out["respondents"].(float64) != 3 || out["overall"].(map[string]any)["weakest"] != "b" {
		t.Errorf("results %v", out)
	}
	// department: Sales holds all three: shown with k = 3.
	if g := out["groups"].(map[string]any)["department"].([]any); len(g) != 1 {
		t.Errorf("groups %v", g)
	}
	status, out = e.call(cxm.RoleViewer, "GET", path+"/results?group_by=region", nil)
	expect("group by an unknown attribute", status, 400, out)

	// Closed and released: no more responses, no reopening.
	status, out = submit(tokens[3], map[string]any{"answers": map[string]any{"a1": 3}})
	expect("submit to a closed assessment", status, 409, out)
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/invitations", map[string]any{"count": 1})
	expect("invite to a closed assessment", status, 409, out)
	status, out = e.call(cxm.RoleFacilitator, "POST", path+"/reopen", nil)
	expect("reopen a released assessment", status, 409, out)
	_, out = e.call(cxm.RoleViewer, "GET", path, nil)
	if out["responses"].(float64) != 3 || out["invited"].(float64) != 6 {
		t.Errorf("counts %v", out)
	}

	// Users: admin only.
	status, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": "viewer", "password": "long enough pw"})
	expect("facilitator adds a user", status, 403, out)
	status, out = e.call(cxm.RoleAdmin, "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": "viewer", "password": "short"})
	expect("short password", status, 400, out)
	status, out = e.call(cxm.RoleAdmin, "POST", "/api/v1/users", map[string]any{"email": "x@example.com", "role": "viewer", "password": "long enough pw"})
	expect("admin adds a user", status, 201, out)
	status, out = e.call(cxm.RoleAdmin, "POST", "/api/v1/users", map[string]any{"email": "X@example.com", "role": "viewer", "password": "long enough pw"})
	expect("duplicate user", status, 409, out)
	if strings.Contains(e.logs.String(), "long enough pw") {
		t.Error("a password is in the logs")
	}
}

// TestOpenAPI: the document lists exactly the API routes, each with a
// documented success answer, and every body-taking route with a schema.
func TestOpenAPI(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	status, doc := e.call("", "GET", "/api/v1/openapi.json", nil)
	if status != 200 || doc["openapi"] != "3.1.0" {
		t.Fatalf("openapi: %d %v", status, doc["openapi"])
	}
	paths := doc["paths"].(map[string]any)
	documented := 0
	for _, p := range paths {
		documented += len(p.(map[string]any))
	}
	api := 0
	for _, rt := range e.srv.routes {
		if !rt.api {
			continue
		}
		api++
		key := rt.method + " " + rt.path
		doc, ok := apiDocs[key]
		if !ok || doc.status == 0 {
			t.Errorf("%s has no documented answer in apiDocs", key)
		}
		op, _ := paths[rt.path].(map[string]any)[strings.ToLower(rt.method)].(map[string]any)
		if op == nil {
			t.Errorf("%s is missing from the document", key)
			continue
		}
		if rt.method == "POST" && op["requestBody"] == nil && !strings.HasSuffix(rt.path, "/close") && !strings.HasSuffix(rt.path, "/reopen") {
			t.Errorf("%s takes a body but documents none", key)
		}
	}
	for key := range apiDocs {
		found := false
		for _, rt := range e.srv.routes {
			found = found || rt.method+" "+rt.path == key
		}
		if !found {
			t.Errorf("apiDocs documents %s, which is not routed", key)
		}
	}
	if documented != api {
		t.Errorf("%d operations documented, %d API routes", documented, api)
	}
}
