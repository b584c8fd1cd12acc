package server

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// loginEnv is an env with a fixed clock, 127.0.0.0/8 as the trusted proxy
// (so each test request can come from the client it names in
// X-Forwarded-For) and the login slow-downs recorded instead of slept.
type loginEnv struct {
	*env
	now   time.Time
	mu    sync.Mutex
	slept []time.Duration
}

func newLoginEnv(t *testing.T, engine string) *loginEnv {
	e := &loginEnv{env: newEnv(t, engine), now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)}
	e.srv.cfg.Now = func() time.Time { return e.now }
	e.srv.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	e.srv.sleep = func(_ context.Context, d time.Duration) error {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.slept = append(e.slept, d)
		return nil
	}
	return e
}

type loginResult struct {
	status     int
	location   string
	retryAfter string
	body       string
}

// login posts the login form as a client at addr (via X-Forwarded-For); safe
// from several goroutines.
func (e *env) login(email, password, next, addr string) (loginResult, error) {
	form := url.Values{"email": {email}, "password": {password}, "next": {next}}
	req, _ := http.NewRequest("POST", e.ts.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if addr != "" {
		req.Header.Set("X-Forwarded-For", addr)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		return loginResult{}, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return loginResult{resp.StatusCode, resp.Header.Get("Location"), resp.Header.Get("Retry-After"), string(b)}, nil
}

func (e *env) mustLogin(email, password, addr string) loginResult {
	e.t.Helper()
	r, err := e.login(email, password, "", addr)
	if err != nil {
		e.t.Fatal(err)
	}
	return r
}

// prime charges n failed attempts to the counters of (email, addr) directly
// in the database, as n earlier wrong passwords would have.
func (e *loginEnv) prime(email, addr string, n int) {
	e.t.Helper()
	for range n {
		if _, err := e.db.BeginLogin(context.Background(), e.now, loginRules(email, addr)); err != nil {
			e.t.Fatal(err)
		}
	}
}

// TestLockoutStopsTheAttacker: the rules of docs/operations.md, "Login and
// abuse", one by one.
func TestLockoutStopsTheAttacker(t *testing.T) {
	e := newLoginEnv(t, testdb.SQLite)
	admin := "admin@example.com"
	const attacker, owner = "203.0.113.9", "198.51.100.4"

	// Per account and client: five wrong passwords, then the sixth is
	// refused for 1 s, even with the right password.
	for i := range pairFree {
		if r := e.mustLogin(admin, "wrong guess number", attacker); r.status != http.StatusUnauthorized {
			t.Fatalf("wrong password %d: %d", i+1, r.status)
		}
	}
	r := e.mustLogin(admin, testPassword, attacker)
	if r.status != http.StatusTooManyRequests || r.retryAfter != "1" || !strings.Contains(r.body, "Wait a second") {
		t.Fatalf("6th attempt: %d, Retry-After %q", r.status, r.retryAfter)
	}
	// The owner, from elsewhere, is not locked out.
	if r := e.mustLogin(admin, testPassword, owner); r.status != http.StatusSeeOther {
		t.Fatalf("the owner from another address: %d", r.status)
	}
	// Delays double: 1 s after the 5th failure, 2 s after the 6th.
	e.now = e.now.Add(time.Second)
	if r := e.mustLogin(admin, "wrong guess number", attacker); r.status != http.StatusUnauthorized {
		t.Fatalf("after the 1 s delay: %d", r.status)
	}
	e.now = e.now.Add(time.Second)
	if r := e.mustLogin(admin, testPassword, attacker); r.status != http.StatusTooManyRequests || r.retryAfter != "1" {
		t.Fatalf("1 s into the 2 s delay: %d, Retry-After %q", r.status, r.retryAfter)
	}
	// The right password after the delay clears this client's count for the
	// account: the owner's own typos do not pile up.
	e.now = e.now.Add(time.Second)
	if r := e.mustLogin(admin, testPassword, attacker); r.status != http.StatusSeeOther {
		t.Fatalf("the right password after the delay: %d", r.status)
	}
	for i := range pairFree {
		if r := e.mustLogin(admin, "wrong guess number", attacker); r.status != http.StatusUnauthorized {
			t.Fatalf("after a success, wrong password %d: %d, want 401 (count cleared)", i+1, r.status)
		}
	}

	// Per client, on any accounts: 50 failures, then refused, whatever the
	// account.
	const sprayer = "192.0.2.77"
	for i := range clientFree - 1 {
		e.prime("user"+itoa64(int64(i))+"@example.com", sprayer, 1)
	}
	if r := e.mustLogin("last@example.com", "wrong guess number", sprayer); r.status != http.StatusUnauthorized {
		t.Fatalf("50th failure from one client: %d", r.status)
	}
	if r := e.mustLogin("viewer@example.com", testPassword, sprayer); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Too many failed attempts from your address. Wait a second") {
		t.Fatalf("after 50 failures from one client: %d, want 429", r.status)
	}

	// Per account, from anywhere: 20 failures from many clients only slow
	// the account down, by 1 s doubling up to 10 s; the owner gets in.
	viewer := "viewer@example.com"
	for i := range accountFree {
		e.prime(viewer, "10.9.8."+itoa64(int64(i)), 1)
	}
	e.slept = nil
	if r := e.mustLogin(viewer, testPassword, owner); r.status != http.StatusSeeOther {
		t.Fatalf("owner after 20 failures from elsewhere: %d", r.status)
	}
	for i := range 30 {
		e.prime(viewer, "10.9.9."+itoa64(int64(i)), 1)
	}
	if r := e.mustLogin(viewer, testPassword, owner); r.status != http.StatusSeeOther {
		t.Fatalf("owner after 30 more failures: %d", r.status)
	}
	if len(e.slept) != 2 || e.slept[0] != time.Second || e.slept[1] != slowCap {
		t.Fatalf("slowed down by %v, want [1s 10s]", e.slept)
	}
}

// TestForgedForwardedFor: a client that is not a trusted proxy cannot
// choose its address with X-Forwarded-For.
func TestForgedForwardedFor(t *testing.T) {
	e := newLoginEnv(t, testdb.SQLite)
	e.srv.cfg.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")} // not the test client
	for i := range pairFree {
		if r := e.mustLogin("admin@example.com", "wrong guess number", "203.0.113."+itoa64(int64(i))); r.status != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, r.status)
		}
	}
	if r := e.mustLogin("admin@example.com", testPassword, "203.0.113.200"); r.status != http.StatusTooManyRequests {
		t.Fatalf("a new forged address after 5 failures: %d, want 429", r.status)
	}
}

func TestClientAddr(t *testing.T) {
	s := &Server{}
	s.cfg.TrustedProxies, _ = ParseTrustedProxies("10.0.0.0/8, 192.0.2.7")
	for _, tc := range []struct {
		peer, xff, want string
	}{
		{"198.51.100.1:5555", "", "198.51.100.1"},
		{"198.51.100.1:5555", "1.2.3.4", "198.51.100.1"},           // untrusted peer: its header is ignored
		{"10.0.0.5:443", "1.2.3.4", "1.2.3.4"},                     // one trusted proxy
		{"10.0.0.5:443", "6.6.6.6, 1.2.3.4", "1.2.3.4"},            // the client's own forgery on the left
		{"10.0.0.5:443", "6.6.6.6, 1.2.3.4, 192.0.2.7", "1.2.3.4"}, // two trusted proxies
		{"10.0.0.5:443", "10.1.1.1, 10.2.2.2", "10.1.1.1"},         // all trusted: the farthest
		{"10.0.0.5:443", "garbage, 1.2.3.4", "1.2.3.4"},
		{"10.0.0.5:443", "1.2.3.4, garbage", "10.0.0.5"}, // unreadable hop: the proxy that wrote it
		{"[2001:db8:1:2:3::4]:80", "", "2001:db8:1:2::/64"},
		{"[::ffff:198.51.100.1]:80", "", "198.51.100.1"},
	} {
		r := httptest.NewRequest("POST", "/login", nil)
		r.RemoteAddr = tc.peer
		if tc.xff != "" {
			r.Header.Set("X-Forwarded-For", tc.xff)
		}
		if got := s.clientAddr(r); got != tc.want {
			t.Errorf("peer %s, X-Forwarded-For %q: %s, want %s", tc.peer, tc.xff, got, tc.want)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/8,nonsense"); err == nil || !strings.Contains(err.Error(), `"nonsense"`) {
		t.Errorf("a bad entry: %v", err)
	}
}

// TestConcurrentLoginsThrottled: 100 wrong passwords at once for one
// account from one client: exactly 5 are hashed, 95 refused before any
// hashing (the throttle is checked and charged in one step).
func TestConcurrentLoginsThrottled(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newLoginEnv(t, engine)
			statuses := fire(t, 100, func(int) (loginResult, error) {
				return e.login("admin@example.com", "wrong guess number", "", "203.0.113.9")
			})
			if statuses[http.StatusUnauthorized] != pairFree || statuses[http.StatusTooManyRequests] != 100-pairFree {
				t.Fatalf("statuses %v, want %d × 401 and %d × 429", statuses, pairFree, 100-pairFree)
			}
			if n := e.srv.hashes.done.Load(); n != pairFree {
				t.Fatalf("%d passwords hashed, want %d", n, pairFree)
			}
		})
	}
}

// fire sends n requests at once and counts their statuses.
func fire(t *testing.T, n int, send func(i int) (loginResult, error)) map[int]int {
	t.Helper()
	var mu sync.Mutex
	statuses := map[int]int{}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r, err := send(i)
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				t.Error(err)
				return
			}
			if r.status == http.StatusServiceUnavailable && r.retryAfter != hashRetryAfter {
				t.Errorf("503 without Retry-After")
			}
			statuses[r.status]++
		}()
	}
	close(start)
	wg.Wait()
	return statuses
}

// TestPasswordHashingBounded: 100 wrong passwords at once, for 100
// accounts from 100 clients (so no throttle stops them): at most 2 hashes
// run at once, the rest wait in the queue or get 503 with Retry-After, and
// the heap grows by at most 7 argon2 blocks of 64 MiB (448 MiB) instead of
// 100 of them (6.4 GiB, the measurement).
func TestPasswordHashingBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("hashes for seconds")
	}
	e := newLoginEnv(t, testdb.SQLite)
	const slots = 2
	e.srv.hashes = newHashLimiter(slots)
	runtime.GC()
	base := heapBytes()
	var peak atomic.Uint64
	stop := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			if h := heapBytes(); h > peak.Load() {
				peak.Store(h)
			}
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	statuses := fire(t, 100, func(i int) (loginResult, error) {
		return e.login("user"+itoa64(int64(i))+"@example.com", "wrong guess number", "", "198.51.100."+itoa64(int64(i)))
	})
	close(stop)
	<-sampled
	hashed := e.srv.hashes.done.Load()
	if p := e.srv.hashes.peak.Load(); p > slots || p < 1 {
		t.Errorf("peak concurrent hashes %d, want at most %d", p, slots)
	}
	if int(hashed) != statuses[http.StatusUnauthorized] || statuses[http.StatusUnauthorized]+statuses[http.StatusServiceUnavailable] != 100 {
		t.Errorf("statuses %v with %d hashed: want 401 for each hash and 503 for the rest", statuses, hashed)
	}
	if hashed <= slots { // how many more depends on the machine's speed within the 3 s wait
		t.Errorf("only %d hashed: the queue should have been served", hashed)
	}
	grew := int64(peak.Load()) - int64(base)
	const block = 64 << 20
	t.Logf("heap: %d MiB before, peak %d MiB (+%d MiB); %d hashed, statuses %v", base>>20, peak.Load()>>20, grew>>20, hashed, statuses)
	// At most slots blocks are live; the collector lets the heap reach
	// twice the live heap (GOGC=100) before it runs; one more may be
	// allocated while it does; two for margin.
	if grew > (2*slots+3)*block {
		t.Errorf("the heap grew by %d MiB, want at most %d MiB ((2·%d+3) × 64 MiB)", grew>>20, ((2*slots+3)*block)>>20, slots)
	}
}

// heapBytes is the memory in heap objects, live or not yet swept.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// TestNextStaysOnSite: after a successful login, next is followed only to
// a path of this site.
func TestNextStaysOnSite(t *testing.T) {
	e := newLoginEnv(t, testdb.SQLite)
	for _, tc := range []struct{ next, want string }{
		{"/frameworks", "/frameworks"},
		{"/assessments/3?tab=plan#x", "/assessments/3?tab=plan#x"},
		{"/\t/evil.test", "/assessments"},
		{"//evil.test", "/assessments"},
		{"/\\evil.test", "/assessments"},
		{"/\\/evil.test", "/assessments"},
		{"https://evil.test/", "/assessments"},
		{"http:/evil.test", "/assessments"},
		{"evil.test", "/assessments"},
		{"/\n/evil.test", "/assessments"},
		{"/\r\nLocation: https://evil.test", "/assessments"},
		{"/\x00/evil.test", "/assessments"},
		{"/\x7f/evil.test", "/assessments"},
		{"/ /evil.test", "/ /evil.test"},     // a space is a path character, and stays here
		{"/%2F%2Fevil.test", "/assessments"}, // decodes to //evil.test: refused, in case a proxy decodes it
		{"javascript:alert(1)", "/assessments"},
		{"///evil.test", "/assessments"},
	} {
		r, err := e.login("viewer@example.com", testPassword, tc.next, "")
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case strings.ContainsRune(tc.next, 0) || strings.ContainsRune(tc.next, 0x7f):
			// refused as text before the handler: no session, no redirect
			if r.status != http.StatusBadRequest {
				t.Errorf("next %q: %d, want 400", tc.next, r.status)
			}
		case r.status != http.StatusSeeOther || r.location != tc.want:
			t.Errorf("next %q: %d to %q, want %q", tc.next, r.status, r.location, tc.want)
		}
		if got := safeNext(tc.next); (got != "") != (tc.want == tc.next) {
			t.Errorf("safeNext(%q) = %q", tc.next, got)
		}
	}
}

// TestPasswordRule: characters, not bytes; common passwords refused in any
// case; the rule holds on the API, the users page and the setup page.
func TestPasswordRule(t *testing.T) {
	for _, tc := range []struct {
		password, err string
	}{
		{"😀😀😀", "at least 12 characters; this one has 3"}, // 12 bytes
		{"ééééééééééé", "this one has 11"},                // 22 bytes
		{"password12", "at least 12"},
		{"123qweasdzxc", "common passwords"},
		{"Qwerty123456", "common passwords"},
		{"correct horse battery", ""},
		{"ééééééééééééé", ""},
		{strings.Repeat("x", 257), "at most 256"},
	} {
		err := CheckPasswordRule(tc.password)
		if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
			t.Errorf("%q: %v, want %q", tc.password, err, tc.err)
		}
	}
	if !isCommonPassword("password12") || !isCommonPassword("PassWord12") || len(commonPasswords()) < 10000 {
		t.Errorf("the list has %d passwords; password12 on it: %v", len(commonPasswords()), isCommonPassword("password12"))
	}

	e := newEnv(t, testdb.SQLite)
	status, out := e.call(cxm.RoleAdmin, "POST", "/api/v1/users", map[string]any{"email": "new@example.com", "role": "viewer", "password": "😀😀😀"})
	if status != http.StatusBadRequest || out["field"] != "password" || !strings.Contains(out["error"].(string), "at least 12 characters") {
		t.Errorf("API, three emoji: %d %v", status, out)
	}
	status, out = e.call(cxm.RoleAdmin, "POST", "/api/v1/users", map[string]any{"email": "new@example.com", "role": "viewer", "password": "QWERTY123456"})
	if status != http.StatusBadRequest || !strings.Contains(out["error"].(string), "common passwords") {
		t.Errorf("API, a common password: %d %v", status, out)
	}
	c, csrf := e.session(cxm.RoleAdmin)
	resp := e.form(c, "/users", url.Values{"csrf": {csrf}, "email": {"new@example.com"}, "role": {"viewer"}, "password": {"password12"}}, nil)
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("users page, password12: %d", resp.StatusCode)
	}
	if _, _, err := e.db.UserByEmail(t.Context(), "new@example.com"); err == nil {
		t.Error("a user was created with a refused password")
	}
	// The setup page refuses it before spending the link.
	ctx := context.Background()
	if err := e.db.DeleteUser(ctx, e.users[cxm.RoleAdmin].ID); err != nil {
		t.Fatal(err)
	}
	link, _ := e.srv.CreateSetupLink(ctx, e.ts.URL)
	path := strings.TrimPrefix(link, e.ts.URL)
	anon := e.cookieClient("")
	if r := e.form(anon, path, url.Values{"email": {"boss@example.com"}, "password": {"123qweasdzxc"}}, nil); r.StatusCode != http.StatusBadRequest {
		t.Errorf("setup, a common password: %d", r.StatusCode)
	}
	if r := e.form(anon, path, url.Values{"email": {"boss@example.com"}, "password": {testPassword}}, nil); r.StatusCode != http.StatusSeeOther {
		t.Errorf("setup after the refusal: %d (the link was spent?)", r.StatusCode)
	}
}
