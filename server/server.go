// Package server is cxm's web application: the JSON API of shared/spec/api.md
// and the server-rendered pages, over package store. Every route is declared
// once in routes(), with who may use it; authentication, authorization and
// CSRF checks are applied from that table, so no handler can forget them.
package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/respond"
	"github.com/cxmhq/cxm/store"
)

// Config holds what the server needs beyond its database.
type Config struct {
	// BaseURL is the public address used in invitation links, e.g.
	// https://cxm.example.com. Empty: taken from each request.
	BaseURL string
	// SecureCookies marks cookies Secure (set it behind HTTPS).
	SecureCookies bool
	// SessionTTL is how long a login lasts.
	SessionTTL time.Duration
	// Now is the clock; tests set it.
	Now func() time.Time
	// TrustedProxies are the peers whose X-Forwarded-For is believed when
	// telling a client's address (clientaddr.go). None: the TCP peer is the
	// client.
	TrustedProxies []netip.Prefix
	// MaxPasswordChecks is how many password hashes (64 MiB each) may run
	// at once; 0 is GOMAXPROCS, at most 4.
	MaxPasswordChecks int
	// Mail is the mail worker; nil when no SMTP server is configured
	// (sealed invitations and reminders are then refused).
	Mail Mailer
}

// Server serves the API and the pages.
type Server struct {
	db     *store.DB
	log    *slog.Logger
	cfg    Config
	routes []route
	pages  *pages
	survey *respond.Survey // the respondent's pages (package respond)

	mu         sync.Mutex
	frameworks map[string]*cxm.Framework // parsed framework versions, by "id@version"

	comments commentPool // comments waiting to be written in batches (comments.go)

	hashes *hashLimiter                               // the bound on concurrent password hashing
	sleep  func(context.Context, time.Duration) error // the login slow-down; tests replace it
}

// New returns a server over db. Call SeedFrameworks once at start.
func New(db *store.DB, log *slog.Logger, cfg Config) *Server {
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Server{db: db, log: log, cfg: cfg, frameworks: map[string]*cxm.Framework{},
		hashes: newHashLimiter(cfg.MaxPasswordChecks), sleep: sleepCtx}
	s.pages = newPages()
	s.survey = &respond.Survey{DB: db, Host: surveyHost{s}, SecureCookies: cfg.SecureCookies, MaxComment: maxCommentChars}
	s.routes = s.routeTable()
	return s
}

// access says who may use a route.
type access int

const (
	public     access = iota // anyone: health, login, static files
	respondent               // the invitation token in the path is the credential
	anyUser                  // any logged-in user: viewer, facilitator, admin
	runner                   // admin and facilitator
	adminOnly                // admin
)

func (a access) allows(role cxm.Role) bool {
	switch a {
	case anyUser:
		return role.Valid()
	case runner:
		return role.CanRun()
	case adminOnly:
		return role == cxm.RoleAdmin
	}
	return true
}

// route is one endpoint. API routes answer JSON and 401/403; page routes
// redirect to the login page and render HTML errors.
type route struct {
	method  string
	path    string // a net/http pattern path, e.g. /api/v1/assessments/{id}
	access  access
	api     bool
	summary string // for the OpenAPI document
	handle  func(http.ResponseWriter, *http.Request) error

	limit     int64 // body limit in bytes; 0 is formLimit (input.go)
	multipart bool  // a page that takes file uploads
}

// Handler returns the whole application with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		mux.Handle(rt.method+" "+rt.path, s.guard(rt))
	}
	mux.Handle("GET /static/", s.staticOrNotFound(mux))
	mux.Handle("/", s.unknownPath(mux))
	// Cross-origin state changes from browsers are refused outright (403),
	// whatever the route: the CSRF rule of api.md.
	csrf := http.NewCrossOriginProtection()
	return s.recoverer(s.logRequests(csrf.Handler(securityHeaders(mux))))
}

// guard authenticates and authorizes before the handler runs, and turns
// the handler's error into a response.
func (s *Server) guard(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > rt.bodyLimit() { // said up front: refused before reading
			s.fail(w, r, rt, &http.MaxBytesError{Limit: rt.bodyLimit()})
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, rt.bodyLimit())
		if rt.access >= anyUser {
			p, err := s.authenticate(r)
			if err != nil {
				if rt.api {
					w.Header().Set("WWW-Authenticate", `Bearer realm="cxm"`)
					writeError(w, errorf(http.StatusUnauthorized, "log in or send Authorization: Bearer TOKEN"))
				} else {
					http.Redirect(w, r, "/login?next="+urlEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			if !rt.access.allows(p.user.Role) {
				s.fail(w, r, rt, errorf(http.StatusForbidden, "your role (%s) may not do this", p.user.Role))
				return
			}
			if err := checkInput(r, rt); err != nil {
				s.fail(w, r, rt, err)
				return
			}
			if p.session && !safeMethod(r.Method) && !validCSRF(r, p.csrf) {
				s.fail(w, r, rt, errorf(http.StatusForbidden, "missing or wrong CSRF token: reload the page and try again"))
				return
			}
			r = r.WithContext(withPrincipal(r.Context(), p))
		} else if err := checkInput(r, rt); err != nil {
			s.fail(w, r, rt, err)
			return
		}
		if err := rt.handle(w, r); err != nil {
			s.fail(w, r, rt, err)
		}
	})
}

func (s *Server) fail(w http.ResponseWriter, r *http.Request, rt route, err error) {
	e := asError(err)
	if clientGone(r, err) {
		// The reader left (a closed tab, a cancelled script): nothing failed here.
		s.log.Debug("client went away", "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
		return
	}
	if e.RetryAfter != "" {
		w.Header().Set("Retry-After", e.RetryAfter)
	}
	if e.Status >= 500 {
		s.log.Error("request failed", "method", r.Method, "path", redactPath(r.URL.Path), "err", err)
	}
	if rt.api {
		writeError(w, e)
		return
	}
	if rt.access == respondent || rt.path == "/thanks" {
		s.survey.ErrorPage(w, r, e.Status, e.Message, e.Localized)
		return
	}
	s.renderError(w, r, e)
}

// clientGone reports whether err comes from a client that closed its
// connection before the answer was written.
func clientGone(r *http.Request, err error) bool {
	return r.Context().Err() != nil || errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET)
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// authenticate finds the user of a request: a bearer token (scripts) or the
// session cookie (browsers).
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, errNoCredentials
		}
		u, err := s.db.UserByAPIToken(ctx, HashToken(strings.TrimSpace(token)))
		if err != nil {
			return nil, errNoCredentials
		}
		return &principal{user: u}, nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, errNoCredentials
	}
	u, csrf, err := s.db.SessionUser(ctx, HashToken(c.Value), s.cfg.Now().UTC())
	if err != nil {
		return nil, errNoCredentials
	}
	return &principal{user: u, session: true, csrf: csrf}, nil
}

// validCSRF checks the session's CSRF token, sent as a form field by pages
// and as a header by scripts that use the session cookie.
func validCSRF(r *http.Request, want string) bool {
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue("csrf")
	}
	return want != "" && subtleEqual(got, want)
}

// framework returns a stored framework version, parsed once.
func (s *Server) framework(ctx context.Context, id string, version int) (*cxm.Framework, error) {
	key := fmt.Sprintf("%s@%d", id, version)
	s.mu.Lock()
	f := s.frameworks[key]
	s.mu.Unlock()
	if f != nil {
		return f, nil
	}
	src, err := s.db.FrameworkSource(ctx, id, version)
	if err != nil {
		return nil, err
	}
	f, err = framework.ParseStored(key+".yaml", src)
	if err != nil {
		return nil, fmt.Errorf("stored framework %s is invalid: %w", key, err)
	}
	s.mu.Lock()
	s.frameworks[key] = f
	s.mu.Unlock()
	return f, nil
}

// SeedFrameworks stores the built-in frameworks so assessments can pin them
// like any uploaded one.
func (s *Server) SeedFrameworks(ctx context.Context) error {
	for _, f := range framework.Builtins() {
		src, _ := framework.BuiltinSource(f.ID)
		err := s.db.SaveFramework(ctx, f.ID, f.Version, f.Name, src, true)
		if errors.Is(err, cxm.ErrConflict) {
			return fmt.Errorf("built-in framework %s version %d differs from the stored one: bump its version", f.ID, f.Version)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error("panic", "path", redactPath(r.URL.Path), "panic", v, "stack", string(debug.Stack()))
				writeError(w, errorf(http.StatusInternalServerError, "internal error"))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logRequests logs each request at debug level, with invitation and setup
// tokens cut from paths: a log line must never link a respondent to
// anything.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		s.log.Debug("request", "method", r.Method, "path", redactPath(r.URL.Path), "status", sw.status, "duration", time.Since(start))
	})
}

// redactPath hides the token of /r/{token}, /api/v1/responses/{token},
// /setup/{token} and /reset/{token}.
func redactPath(p string) string {
	for _, prefix := range []string{"/r/", "/api/v1/responses/", "/setup/", "/reset/"} {
		if strings.HasPrefix(p, prefix) {
			return prefix + "…"
		}
	}
	return p
}

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer") // invitation links must not leak
		h.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		next.ServeHTTP(w, r)
	})
}
