package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// post sends body to path as contentType; chunked hides its length, so
// that only reading finds it too large.
func (e *env) post(c *http.Client, path, contentType string, body []byte, chunked bool) (int, string) {
	e.t.Helper()
	var rd io.Reader = bytes.NewReader(body)
	if chunked {
		rd = io.MultiReader(rd) // no Len: sent chunked
	}
	req, _ := http.NewRequest("POST", e.ts.URL+path, rd)
	req.Header.Set("Content-Type", contentType)
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func multipartBody(field, filename string, size int) ([]byte, string) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("email", "admin@example.com")
	fw, _ := mw.CreateFormFile(field, filename)
	fw.Write(bytes.Repeat([]byte("a"), size))
	mw.Close()
	return buf.Bytes(), mw.FormDataContentType()
}

// TestBodyLimits: every route reads at most its limit and answers 413
// beyond it; /login takes no multipart body at all.
func TestBodyLimits(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	anon := e.cookieClient("")
	big := []byte("email=admin%40example.com&password=" + strings.Repeat("x", 100<<10))
	for _, chunked := range []bool{false, true} {
		if status, page := e.post(anon, "/login", "application/x-www-form-urlencoded", big, chunked); status != http.StatusRequestEntityTooLarge ||
			!strings.Contains(page, "larger than the 64 KiB") {
			t.Errorf("100 KiB login form (chunked %v): %d", chunked, status)
		}
	}
	mp, ct := multipartBody("file", "big.bin", 10<<20)
	if status, _ := e.post(anon, "/login", ct, mp, false); status != http.StatusRequestEntityTooLarge {
		t.Errorf("10 MiB multipart login: %d, want 413", status)
	}
	if status, page := e.post(anon, "/login", ct, mp, true); status != http.StatusUnsupportedMediaType || !strings.Contains(page, "not multipart/form-data") {
		t.Errorf("10 MiB multipart login, chunked: %d, want 415", status)
	}
	small, ct := multipartBody("file", "small.bin", 10)
	if status, _ := e.post(anon, "/login", ct, small, false); status != http.StatusUnsupportedMediaType {
		t.Errorf("small multipart login: %d, want 415", status)
	}

	// The API: 64 KiB for a small object, more where the spec needs it.
	status, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/organizations", map[string]any{"name": strings.Repeat("x", 70<<10)})
	if status != http.StatusRequestEntityTooLarge || !strings.Contains(fmt.Sprint(out["error"]), "64 KiB") {
		t.Errorf("70 KiB organization: %d %v", status, out)
	}
	raw, _ := json.Marshal(map[string]any{"name": strings.Repeat("x", 3<<20)})
	if status, _ := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/assessments", "application/json", raw); status != http.StatusRequestEntityTooLarge {
		t.Errorf("3 MiB assessment: %d", status)
	}

	// Upload pages: their own limits, and multipart allowed.
	c, csrf := e.session(cxm.RoleFacilitator)
	upload := func(path, field string, size int) int {
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		mw.WriteField("csrf", csrf)
		fw, _ := mw.CreateFormFile(field, "f")
		fw.Write(bytes.Repeat([]byte("a"), size))
		mw.Close()
		status, _ := e.post(c, path, mw.FormDataContentType(), buf.Bytes(), true)
		return status
	}
	if status := upload("/frameworks", "file", frameworkLimit+1); status != http.StatusRequestEntityTooLarge {
		t.Errorf("framework upload over the limit: %d", status)
	}
	if status := upload("/frameworks", "file", 100); status != http.StatusBadRequest { // read, and refused as YAML
		t.Errorf("a small framework upload: %d, want 400 (not a framework)", status)
	}
	id := e.newAssessment(map[string]any{"name": "Limits", "framework": "temkin-four"})
	if status := upload("/assessments/"+itoa64(id)+"/invitations", "emails", invitationLimit+1); status != http.StatusRequestEntityTooLarge {
		t.Errorf("invitation CSV over the limit: %d", status)
	}
	// A form page without uploads refuses multipart.
	if status := upload("/organizations", "file", 10); status != http.StatusUnsupportedMediaType {
		t.Errorf("multipart to /organizations: %d", status)
	}
}

// TestInvalidText: NUL, control characters and invalid UTF-8 in any JSON
// string, form value, query value or path are a 400 naming the field, on
// both engines, and nothing is stored.
func TestInvalidText(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { invalidText(t, newEnv(t, engine)) })
	}
}

func invalidText(t *testing.T, e *env) {
	ctx := t.Context()
	id := e.newAssessment(map[string]any{"name": "Text", "framework": "temkin-four",
		"attributes": []any{map[string]any{"name": "dept", "values": []string{"Sales", "Ops"}}}})
	for _, tc := range []struct {
		name, path, body, field string
	}{
		{"assessment name", "/api/v1/assessments", `{"name": "Acme\u0000", "framework": "temkin-four"}`, "name"},
		{"attribute value", "/api/v1/assessments", `{"name": "A", "framework": "temkin-four", "attributes": [{"name": "dept", "values": ["Sales", "O\u0000ps"]}]}`, "attributes[0].values[1]"},
		{"organization name", "/api/v1/organizations", `{"name": "Ac\u0000me"}`, "name"},
		{"organization control", "/api/v1/organizations", `{"name": "Ac\u0001me"}`, "name"},
		{"user email", "/api/v1/users", `{"email": "ann\u0000@example.com", "role": "viewer", "password": "a long enough password"}`, "email"},
		{"invalid UTF-8", "/api/v1/organizations", "{\"name\": \"Ac\xffme\"}", ""},
	} {
		status, raw := e.raw(cxm.RoleAdmin, "POST", tc.path, "application/json", tc.body)
		var out map[string]any
		json.Unmarshal(raw, &out)
		if status != http.StatusBadRequest || out["field"] != nilIfEmpty(tc.field) {
			t.Errorf("API %s: %d %s, want 400 naming %q", tc.name, status, raw, tc.field)
		}
	}
	// YAML's "\0" escape: a NUL in the parsed name, none in the file.
	fw := strings.Replace(customFramework, "name: Custom", `name: "Cus\0tom"`, 1)
	if status, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", fw); status != http.StatusBadRequest || !strings.Contains(string(raw), `"field": "name"`) {
		t.Errorf("framework with an escaped NUL: %d %s", status, raw)
	}
	tok := e.invite(id, 1)[0]
	status, out := e.call("", "POST", "/api/v1/responses/"+tok, map[string]any{"attributes": map[string]string{"dept": "Sales\x00"}, "answers": map[string]int{"pl-1": 3}})
	if status != http.StatusBadRequest || out["field"] != "attributes.dept" {
		t.Errorf("a respondent's attribute: %d %v", status, out)
	}
	status, out = e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id)+"/results?group_by=%00", nil)
	if status != http.StatusBadRequest || out["field"] != "group_by" {
		t.Errorf("query: %d %v", status, out)
	}

	c, csrf := e.session(cxm.RoleAdmin)
	for _, tc := range []struct {
		name, path string
		values     url.Values
		field      string
	}{
		{"organization name", "/organizations", url.Values{"name": {"Ac\x00me"}}, `"name"`},
		{"assessment name", "/assessments", url.Values{"name": {"A\x00"}, "framework": {"temkin-four@1"}}, `"name"`},
		{"user email", "/users", url.Values{"email": {"ann\x00@example.com"}, "role": {"viewer"}, "password": {"a long enough password"}}, `"email"`},
		{"invalid UTF-8", "/organizations", url.Values{"name": {"Ac\xffme"}}, `"name"`},
	} {
		tc.values.Set("csrf", csrf)
		status, page := e.post(c, tc.path, "application/x-www-form-urlencoded", []byte(tc.values.Encode()), false)
		if status != http.StatusBadRequest || !strings.Contains(page, "form field "+strings.ReplaceAll(tc.field, `"`, "&#34;")) {
			t.Errorf("page %s: %d, want 400 naming %s", tc.name, status, tc.field)
		}
	}
	if status, _ := e.get(c, "/frameworks/%00/1"); status != http.StatusBadRequest {
		t.Errorf("NUL in a path: %d", status)
	}

	orgs, _ := e.db.ListOrganizations(ctx)
	list, _ := e.db.ListAssessments(ctx, 0)
	users, _ := e.db.ListUsers(ctx)
	if len(orgs) != 1 || len(list) != 1 || len(users) != 3 {
		t.Errorf("stored: %d organizations, %d assessments, %d users; want 1, 1, 3 (nothing new)", len(orgs), len(list), len(users))
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
