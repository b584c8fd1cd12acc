package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
	"github.com/cxmhq/cxm/store"
)

// env is a real server on a real database, served over real HTTP, with one
// user of each role.
type env struct {
	t      *testing.T
	db     *store.DB
	srv    *Server
	ts     *httptest.Server
	logs   *syncBuffer
	tokens map[cxm.Role]string // API tokens
	users  map[cxm.Role]cxm.User
	dsn    string // the database's address, for tests that write rows as an older cxm did
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testPassword is every test user's password; hashing it is slow on
// purpose, so it is hashed once.
const testPassword = "a long test password"

var testHash = sync.OnceValue(func() string {
	h, err := HashPassword(testPassword)
	if err != nil {
		panic(err)
	}
	return h
})

func newEnv(t *testing.T, engine string) *env {
	t.Helper()
	return newEnvAt(t, testdb.DSN(t, engine))
}

// newEnvAt is newEnv on the database dsn (an SQLite file whose path the
// test knows, for instance).
func newEnvAt(t *testing.T, dsn string) *env {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	srv := New(db, log, Config{})
	if err := srv.SeedFrameworks(ctx); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, db: db, srv: srv, logs: logs, tokens: map[cxm.Role]string{}, users: map[cxm.Role]cxm.User{}}
	e.dsn = dsn
	e.ts = httptest.NewServer(srv.Handler())
	t.Cleanup(e.ts.Close)
	for _, role := range []cxm.Role{cxm.RoleAdmin, cxm.RoleFacilitator, cxm.RoleViewer} {
		u, err := db.CreateUser(ctx, string(role)+"@example.com", role, testHash())
		if err != nil {
			t.Fatal(err)
		}
		tok := NewToken()
		if _, err := db.CreateAPIToken(ctx, u.ID, "test", HashToken(tok)); err != nil {
			t.Fatal(err)
		}
		e.tokens[role], e.users[role] = tok, u
	}
	return e
}

// session logs a user in through the login form and returns a client that
// keeps the cookie (and never follows redirects), with the CSRF token.
func (e *env) session(role cxm.Role) (*http.Client, string) {
	e.t.Helper()
	ctx := context.Background()
	tok, csrf := NewToken(), NewToken()
	if err := e.db.CreateSession(ctx, HashToken(tok), e.users[role].ID, csrf, time.Now().Add(time.Hour)); err != nil {
		e.t.Fatal(err)
	}
	return e.cookieClient(tok), csrf
}

func (e *env) cookieClient(token string) *http.Client {
	jar := &singleCookie{cookie: &http.Cookie{Name: sessionCookie, Value: token}}
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type singleCookie struct{ cookie *http.Cookie }

func (j *singleCookie) SetCookies(*url.URL, []*http.Cookie) {}
func (j *singleCookie) Cookies(*url.URL) []*http.Cookie     { return []*http.Cookie{j.cookie} }

// call sends an API request as role ("" = anonymous) and decodes JSON.
func (e *env) call(role cxm.Role, method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	status, raw := e.raw(role, method, path, "application/json", body)
	var out map[string]any
	json.Unmarshal(raw, &out)
	return status, out
}

func (e *env) raw(role cxm.Role, method, path, contentType string, body any) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, _ := json.Marshal(b)
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", contentType)
	}
	if role != "" {
		req.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

// form posts a form with a cookie client.
func (e *env) form(c *http.Client, path string, values url.Values, header http.Header) *http.Response {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	resp.Body.Close()
	return resp
}

func (e *env) get(c *http.Client, path string) (int, string) {
	e.t.Helper()
	resp, err := c.Get(e.ts.URL + path)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// newAssessment creates an assessment through the API and returns its id.
func (e *env) newAssessment(body map[string]any) int64 {
	e.t.Helper()
	status, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments", body)
	if status != http.StatusCreated {
		e.t.Fatalf("create assessment: %d %v", status, out)
	}
	return int64(out["id"].(float64))
}

// invite creates n invitations and returns their tokens.
func (e *env) invite(id int64, n int) []string {
	e.t.Helper()
	status, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(id)+"/invitations", map[string]any{"count": n})
	if status != http.StatusCreated {
		e.t.Fatalf("invite: %d %v", status, out)
	}
	var tokens []string
	for _, inv := range out["invitations"].([]any) {
		tokens = append(tokens, inv.(map[string]any)["token"].(string))
	}
	return tokens
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
