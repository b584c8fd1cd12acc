package main

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/internal/smtptest"
	"github.com/cxmhq/cxm/store"

	_ "modernc.org/sqlite"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestServe starts cxm serve on a new SQLite file: it migrates, prints the
// one-time setup link while there is no admin, answers /healthz, serves the
// setup page, and stops cleanly (exit 0) when its context ends.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cxm.db")
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, strings.NewReader(""), &out, &errs)
	}()
	var base string
	for i := 0; i < 100 && base == ""; i++ {
		time.Sleep(50 * time.Millisecond)
		if m := regexp.MustCompile(`url=(http://[0-9.:]+)`).FindStringSubmatch(errs.String()); m != nil {
			base = m[1]
		}
	}
	if base == "" {
		cancel()
		t.Fatalf("no address logged: %s", errs.String())
	}
	resp, err := http.Get(base + "/healthz")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v %v", err, resp)
	}
	link := regexp.MustCompile(`http://\S+/setup/\S+`).FindString(out.String())
	if link == "" {
		t.Fatalf("no setup link printed: %q", out.String())
	}
	if resp, err := http.Get(link); err != nil || resp.StatusCode != 200 {
		t.Fatalf("setup page: %v %v", err, resp)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("serve exited %d: %s", code, errs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop")
	}
	if !strings.Contains(errs.String(), "stopped") {
		t.Errorf("no clean stop logged: %s", errs.String())
	}
}

// TestServeFlags: a wrong --trusted-proxy or --max-password-checks is a
// usage error, before anything is opened.
func TestServeFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		err  string
	}{
		{[]string{"--trusted-proxy", "10.0.0.0/8,proxy.example"}, `--trusted-proxy: "proxy.example" is neither an IP address nor a CIDR range`},
		{[]string{"--max-password-checks", "-1"}, "--max-password-checks must be 0 (automatic) or more"},
	} {
		o := runCxm(t, "", append([]string{"serve", "--db", filepath.Join(t.TempDir(), "x.db"), "--addr", "127.0.0.1:0"}, tc.args...)...)
		if o.code != 2 || !strings.Contains(o.stderr, tc.err) {
			t.Errorf("%v: exit %d %q, want 2 and %q", tc.args, o.code, o.stderr, tc.err)
		}
	}
	t.Setenv("CXM_TRUSTED_PROXY", "not an address")
	if o := runCxm(t, "", "serve", "--db", filepath.Join(t.TempDir(), "x.db"), "--addr", "127.0.0.1:0"); o.code != 2 || !strings.Contains(o.stderr, "--trusted-proxy") {
		t.Errorf("CXM_TRUSTED_PROXY: exit %d %q", o.code, o.stderr)
	}
}

// TestGracefulShutdown: a request in flight when the stop comes is
// finished, not cut.
func TestGracefulShutdown(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	entered, release := make(chan struct{}), make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(entered)
		<-release
		io.WriteString(w, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error)
	go func() {
		served <- serveUntilDone(ctx, slog.New(slog.NewTextHandler(io.Discard, nil)), ln, h, "test", "")
	}()
	got := make(chan string)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String())
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		got <- string(b)
	}()
	<-entered
	cancel() // SIGTERM arrives while the request is in flight
	time.Sleep(100 * time.Millisecond)
	close(release)
	if body := <-got; body != "finished" {
		t.Errorf("in-flight request got %q", body)
	}
	if err := <-served; err != nil {
		t.Errorf("serve: %v", err)
	}
	if _, err := http.Get("http://" + ln.Addr().String()); err == nil {
		t.Error("still accepting connections after shutdown")
	}
}

// TestAccountsAndBackup: user add, token create, migrate and backup, as an
// operator uses them.
func TestAccountsAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cxm.db")
	o := runCxm(t, "long enough secret\n", "user", "add", "--db", db, "--email", "Ann@Example.com", "--role", "admin", "--password-stdin")
	if o.code != 0 || !strings.Contains(o.stdout, "added ann@example.com (admin)") {
		t.Fatalf("user add: %d %s %s", o.code, o.stdout, o.stderr)
	}
	if o := runCxm(t, "long enough secret\n", "user", "add", "--db", db, "--email", "ann@example.com", "--role", "admin", "--password-stdin"); o.code != 1 {
		t.Errorf("duplicate user: exit %d", o.code)
	}
	for pw, msg := range map[string]string{
		"short":                   "at least 12 characters; this one has 5",
		"😀😀😀":                     "at least 12 characters; this one has 3",
		"password12":              "at least 12",
		"Qwerty123456":            "common passwords",
		"a\x00 NUL in a password": "",
	} {
		o := runCxm(t, pw+"\n", "user", "add", "--db", db, "--email", "b@example.com", "--role", "viewer", "--password-stdin")
		if o.code != 1 || !strings.Contains(o.stderr, msg) {
			t.Errorf("password %q: exit %d %s, want %q", pw, o.code, o.stderr, msg)
		}
	}
	if o := runCxm(t, "", "user", "add", "--db", db, "--email", "b@example.com", "--role", "boss", "--password-stdin"); o.code != 2 {
		t.Errorf("bad role: exit %d", o.code)
	}
	o = runCxm(t, "", "token", "create", "--db", db, "--email", "ann@example.com")
	token := strings.TrimSpace(o.stdout)
	if o.code != 0 || len(token) != 43 {
		t.Fatalf("token create: %d %q", o.code, o.stdout)
	}
	if o := runCxm(t, "", "token", "create", "--db", db, "--email", "nobody@example.com"); o.code != 1 {
		t.Errorf("token for nobody: exit %d", o.code)
	}
	// Only a hash of the token is stored.
	raw, _ := os.ReadFile(db)
	if bytes.Contains(raw, []byte(token)) {
		t.Error("the API token is stored in clear")
	}
	if o := runCxm(t, "", "migrate", "--db", db); o.code != 0 || !strings.Contains(o.stdout, "up to date") {
		t.Errorf("migrate: %d %s", o.code, o.stdout)
	}
	backup := filepath.Join(dir, "copy.db")
	if o := runCxm(t, "", "backup", "--db", db, backup); o.code != 0 {
		t.Fatalf("backup: %d %s", o.code, o.stderr)
	}
	if o := runCxm(t, "", "backup", "--db", db, backup); o.code != 1 {
		t.Errorf("backup over an existing file: exit %d", o.code)
	}
	conn, err := sql.Open("sqlite", backup)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var email string
	if err := conn.QueryRow("SELECT email FROM users").Scan(&email); err != nil || email != "ann@example.com" {
		t.Errorf("the backup holds %q, %v", email, err)
	}
}

// TestServeSendsSealedInvitations: cxm serve --smtp --mail-from sends the
// sealed invitations queued through the API to a real SMTP server, with
// links on --base-url; the flags are checked before anything starts.
func TestServeSendsSealedInvitations(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "cxm.db")
	smtpSrv := smtptest.Start(t, smtptest.Options{User: "cxm", Password: "s3cret"})
	for _, bad := range [][]string{
		{"--smtp", smtpSrv.URL()},
		{"--smtp", smtpSrv.URL(), "--mail-from", "cx@example.org"},
		{"--smtp", "http://x", "--mail-from", "cx@example.org", "--base-url", "http://x"},
		{"--mail-from", "cx@example.org"},
		{"--smtp", smtpSrv.URL(), "--mail-from", "not an address", "--base-url", "http://x"},
	} {
		o := runCxm(t, "", append([]string{"serve", "--db", db, "--addr", "127.0.0.1:0"}, bad...)...)
		if o.code != 2 || strings.Contains(o.stderr, "s3cret") {
			t.Errorf("serve %v: exit %d: %s", bad, o.code, o.stderr)
		}
	}
	if o := runCxm(t, "long enough secret\n", "user", "add", "--db", db, "--email", "ann@example.com", "--role", "facilitator", "--password-stdin"); o.code != 0 {
		t.Fatal(o.stderr)
	}
	o := runCxm(t, "", "token", "create", "--db", db, "--email", "ann@example.com")
	token := strings.TrimSpace(o.stdout)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	base := "http://" + addr
	ctx, cancel := context.WithCancel(context.Background())
	var out, errs lockedBuffer
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--addr", addr, "--base-url", base,
			"--smtp", smtpSrv.URL(), "--mail-from", "CX Team <cx@example.org>"}, strings.NewReader(""), &out, &errs)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exited %d: %s", code, errs.String())
		}
	}()
	call := func(path, body string) (int, string) {
		for range 100 {
			req, _ := http.NewRequest("POST", base+path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Content-Type", "application/json")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				time.Sleep(50 * time.Millisecond) // not listening yet
				continue
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			return resp.StatusCode, string(b)
		}
		t.Fatalf("cxm serve did not answer: %s", errs.String())
		return 0, ""
	}
	status, body := call("/api/v1/assessments", `{"name":"Q1","framework":"temkin-four"}`)
	if status != 201 {
		t.Fatalf("create assessment: %d %s", status, body)
	}
	id := regexp.MustCompile(`"id": ?(\d+)`).FindStringSubmatch(body)[1]
	emails := `["a@example.org","b@example.org","c@example.org","d@example.org","e@example.org"]`
	if status, body = call("/api/v1/assessments/"+id+"/invitations", `{"emails":`+emails+`}`); status != 202 || !regexp.MustCompile(`"queued": ?5\b`).MatchString(body) {
		t.Fatalf("sealed invitations: %d %q", status, body)
	}
	msgs := smtpSrv.Wait(5, 10*time.Second)
	if len(msgs) != 5 {
		t.Fatalf("%d messages sent, want 5: %s", len(msgs), errs.String())
	}
	for _, m := range msgs {
		h, text, err := m.Parsed()
		if err != nil || !regexp.MustCompile(regexp.QuoteMeta(base)+`/r/[A-Za-z0-9_-]{43}\r\n`).MatchString(text) || h["From"] != `"CX Team" <cx@example.org>` {
			t.Fatalf("message to %v: %v %q %v", m.To, h, text, err)
		}
	}
}

// TestMigrateMakesReleases: cxm migrate makes the release of an assessment
// closed before releases existed (migration 0005), once.
func TestMigrateMakesReleases(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "cxm.db")
	db, err := openDB(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	f, _ := framework.Builtin("temkin-four")
	a := cxm.Assessment{Name: "Closed long ago", FrameworkID: "temkin-four", FrameworkVersion: 1, MinGroup: 5}
	id, err := db.CreateAssessment(ctx, &a)
	if err != nil {
		t.Fatal(err)
	}
	var rs []cxm.StoredResponse
	for i := range 6 {
		answers := make([]int, f.NumItems())
		for j := range answers {
			answers[j] = 1 + (i+j)%5
		}
		rs = append(rs, cxm.StoredResponse{Answers: answers})
	}
	if err := db.AddResponses(ctx, id, rs); err != nil {
		t.Fatal(err)
	}
	if err := db.SetStatus(ctx, id, cxm.StatusClosed, a.CreatedAt); err != nil { // closed as before releases
		t.Fatal(err)
	}
	db.Close()
	if o := runCxm(t, "", "migrate", "--db", path); o.code != 0 || !strings.Contains(o.stdout, "made the releases of 1 closed assessments") {
		t.Fatalf("migrate: %d %s %s", o.code, o.stdout, o.stderr)
	}
	if o := runCxm(t, "", "migrate", "--db", path); o.code != 0 || !strings.Contains(o.stdout, "up to date") {
		t.Errorf("migrate again: %d %s", o.code, o.stdout)
	}
	db, err = store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rel, err := db.Release(ctx, id); err != nil || rel.Respondents != 6 {
		t.Errorf("release %+v, %v", rel, err)
	}
}
