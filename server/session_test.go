package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

func TestLogin(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	anon := e.cookieClient("")
	login := func(email, password, next string) *http.Response {
		return e.form(anon, "/login", url.Values{"email": {email}, "password": {password}, "next": {next}}, nil)
	}
	if r := login("viewer@example.com", "wrong password", ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", r.StatusCode)
	}
	if r := login("nobody@example.com", testPassword, ""); r.StatusCode != http.StatusUnauthorized {
		t.Errorf("unknown user: %d", r.StatusCode)
	}
	r := login("Viewer@Example.com", testPassword, "/frameworks")
	if r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/frameworks" {
		t.Fatalf("login: %d to %s", r.StatusCode, r.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, c := range r.Cookies() {
		if c.Name == sessionCookie {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || len(cookie.Value) < 43 {
		t.Fatalf("session cookie %+v", cookie)
	}
	// An off-site next is ignored.
	if r := login("viewer@example.com", testPassword, "//evil.example/"); r.Header.Get("Location") != "/assessments" {
		t.Errorf("open redirect to %s", r.Header.Get("Location"))
	}
	c := e.cookieClient(cookie.Value)
	if status, _ := e.get(c, "/assessments"); status != http.StatusOK {
		t.Fatalf("with the session: %d", status)
	}
	_, page := e.get(c, "/assessments")
	csrf := between(page, `name="csrf" value="`, `"`)
	if r := e.form(c, "/logout", url.Values{"csrf": {csrf}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", r.StatusCode)
	}
	if status, _ := e.get(c, "/assessments"); status != http.StatusSeeOther {
		t.Errorf("after logout: %d, want a redirect to the login page", status)
	}
}

func between(s, start, end string) string {
	_, rest, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(rest, end)
	return v
}

// TestLoginThrottle: after 5 failures for an email from one client, even
// the right password is refused for a while from there, and the limit is
// kept in the database.
func TestLoginThrottle(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	e.srv.cfg.Now = func() time.Time { return now }
	anon := e.cookieClient("")
	for i := 0; i < pairFree; i++ {
		e.form(anon, "/login", url.Values{"email": {"admin@example.com"}, "password": {"guess"}}, nil)
	}
	r := e.form(anon, "/login", url.Values{"email": {"admin@example.com"}, "password": {testPassword}}, nil)
	if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") != "1" {
		t.Errorf("after %d failures: %d, Retry-After %q", pairFree, r.StatusCode, r.Header.Get("Retry-After"))
	}
	// Another account is not locked by them.
	if r := e.form(anon, "/login", url.Values{"email": {"viewer@example.com"}, "password": {testPassword}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("another user: %d", r.StatusCode)
	}
}

// TestSetupLink: the link creates the first admin once; afterwards it and
// any other link are refused.
func TestSetupLink(t *testing.T) {
	e := newEnv(t, testdb.SQLite)
	ctx := context.Background()
	// The env has an admin already; this checks a fresh installation.
	if err := e.db.DeleteUser(ctx, e.users[cxm.RoleAdmin].ID); err != nil {
		t.Fatal(err)
	}
	link, err := e.srv.CreateSetupLink(ctx, e.ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(link, e.ts.URL)
	anon := e.cookieClient("")
	if status, _ := e.get(anon, path); status != http.StatusOK {
		t.Fatalf("setup page: %d", status)
	}
	if r := e.form(anon, path, url.Values{"email": {"not an email"}, "password": {testPassword}}, nil); r.StatusCode != http.StatusBadRequest {
		t.Errorf("bad email: %d", r.StatusCode)
	}
	// The typo did not spend the link.
	r := e.form(anon, path, url.Values{"email": {"boss@example.com"}, "password": {testPassword}}, nil)
	if r.StatusCode != http.StatusSeeOther {
		t.Fatalf("setup: %d", r.StatusCode)
	}
	if u, _, err := e.db.UserByEmail(ctx, "boss@example.com"); err != nil || u.Role != cxm.RoleAdmin {
		t.Fatalf("admin %+v %v", u, err)
	}
	if r := e.form(anon, path, url.Values{"email": {"second@example.com"}, "password": {testPassword}}, nil); r.StatusCode != http.StatusGone {
		t.Errorf("second use: %d, want 410", r.StatusCode)
	}
}

// TestSurvey answers through the respondent pages as a browser without
// JavaScript would: drafts, going back, "don't know", a tampered value,
// submitting, and the link refusing a second use.
func TestSurvey(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) { survey(t, newEnv(t, engine)) })
	}
}

func survey(t *testing.T, e *env) {
	st, raw := e.raw(cxm.RoleFacilitator, "POST", "/api/v1/frameworks", "application/yaml", strings.Replace(customFramework, "scale: {min: 1, max: 5}", "scale: {min: 1, max: 5, allow_unknown: true, labels: {1: Strongly disagree, 5: Strongly agree}}", 1))
	if st != http.StatusCreated {
		t.Fatalf("upload: %d %s", st, raw)
	}
	id := e.newAssessment(map[string]any{"name": "Survey", "framework": "custom", "min_group": 3,
		"attributes": []any{map[string]any{"name": "department", "values": []string{"Sales", "Ops"}}}})
	tok := e.invite(id, 1)[0]
	path := "/r/" + tok
	anon := e.cookieClient("")
	status, page := e.get(anon, path)
	if status != http.StatusOK || !strings.Contains(page, "About you") || !strings.Contains(page, "Part 1 of 3") {
		t.Fatalf("first part: %d", status)
	}
	post := func(v url.Values) *http.Response { return e.form(anon, path, v, nil) }
	if r := post(url.Values{"part": {"0"}, "attr.department": {"HR"}, "action": {"next"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("a value not offered: %d", r.StatusCode)
	}
	if r := post(url.Values{"part": {"0"}, "attr.department": {"Sales"}, "action": {"next"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != path+"?part=1" {
		t.Fatalf("next: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if r := post(url.Values{"part": {"1"}, "item.a1": {"9"}, "action": {"next"}}); r.StatusCode != http.StatusBadRequest {
		t.Errorf("an answer off the scale: %d", r.StatusCode)
	}
	post(url.Values{"part": {"1"}, "item.a1": {"4"}, "item.a2": {"dk"}, "action": {"next"}})
	// The draft is kept: coming back shows the answers.
	_, page = e.get(anon, path+"?part=1")
	if !strings.Contains(page, `value="4" checked`) || !strings.Contains(page, `value="dk" checked`) || !strings.Contains(page, "2 of 4 statements answered") {
		t.Error("the draft was not kept")
	}
	if r := post(url.Values{"part": {"2"}, "item.b1": {"2"}, "item.b2": {"3"}, "action": {"back"}}); r.Header.Get("Location") != path+"?part=1" {
		t.Errorf("back: %s", r.Header.Get("Location"))
	}
	if r := post(url.Values{"part": {"2"}, "item.b1": {"2"}, "item.b2": {"3"}, "action": {"submit"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/thanks" {
		t.Fatalf("submit: %d %s", r.StatusCode, r.Header.Get("Location"))
	}
	if status, page := e.get(anon, path); status != http.StatusConflict || !strings.Contains(page, "already submitted") {
		t.Errorf("used link: %d", status)
	}
	var got []cxm.StoredResponse
	e.db.EachResponse(context.Background(), id, func(r cxm.StoredResponse) error {
		got = append(got, cxm.StoredResponse{Attributes: r.Attributes, Answers: append([]int{}, r.Answers...)})
		return nil
	})
	if len(got) != 1 || got[0].Attributes["department"] != "Sales" ||
		got[0].Answers[0] != 4 || got[0].Answers[1] != cxm.NoAnswer || got[0].Answers[2] != 2 || got[0].Answers[3] != 3 {
		t.Errorf("stored %+v", got)
	}
}
