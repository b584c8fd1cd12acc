package server

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// Login throttling, kept in the database so that it holds across
// instances, and checked and charged in one step before any password is
// hashed (store.BeginLogin). docs/operations.md, "Login and abuse", has the
// numbers and why.
const (
	pairFree    = 5                // failures of one client on one account before delays
	clientFree  = 50               // failures of one client on any accounts before delays
	accountFree = 20               // failures on one account from anywhere before it slows down
	firstDelay  = time.Second      // the first delay, doubled with each further failure
	refuseCap   = 15 * time.Minute // the longest a client waits
	slowCap     = 10 * time.Second // the longest an account's owner is slowed down
	forgetAfter = time.Hour        // a counter untouched this long starts again
)

// loginRules are the counters a login attempt is charged to: the account
// with this client (refuses, so the attacker is stopped but the owner
// elsewhere is not), the client on any account (refuses), and the account
// from anywhere (only slows down, so nobody can lock the owner out).
func loginRules(email, client string) []store.ThrottleRule {
	return []store.ThrottleRule{
		{Key: throttleKey("pair", email, client), Free: pairFree, Base: firstDelay, Cap: refuseCap, Forget: forgetAfter, Refuse: true},
		{Key: throttleKey("client", client), Free: clientFree, Base: firstDelay, Cap: refuseCap, Forget: forgetAfter, Refuse: true},
		{Key: throttleKey("account", email), Free: accountFree, Base: firstDelay, Cap: slowCap, Forget: forgetAfter},
	}
}

// throttleKey names a counter without storing the email or address it
// counts (a mistyped password typed into the email field included).
func throttleKey(kind string, parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return kind + ":" + base64.RawURLEncoding.EncodeToString(h[:18])
}

type loginForm struct {
	Email, Next, Error string
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "login.html", "Log in", loginForm{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	email := strings.ToLower(strings.TrimSpace(r.PostFormValue("email")))
	form := loginForm{Email: email, Next: safeNext(r.PostFormValue("next"))}
	now := s.cfg.Now().UTC()
	rules := loginRules(email, s.clientAddr(r))
	att, err := s.db.BeginLogin(ctx, now, rules)
	if err != nil {
		return err
	}
	if !att.Allowed {
		secs := int((att.RetryAfter + time.Second - 1) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(secs))
		who := "for this account from your address"
		if att.Refused == rules[1].Key {
			who = "from your address"
		}
		form.Error = fmt.Sprintf("Too many failed attempts %s. Wait %s and try again.", who, waitWords(secs))
		return s.render(w, r, http.StatusTooManyRequests, "login.html", "Log in", form)
	}
	pair, client, account := rules[0].Key, rules[1].Key, rules[2].Key
	if err := s.sleep(ctx, att.Wait); err != nil {
		return err
	}
	u, hash, err := s.db.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, cxm.ErrNotFound) {
		return err
	}
	known := err == nil
	if !known {
		hash = dummyHash() // same time whether or not the user exists
	}
	ok, err := s.checkPassword(ctx, hash, r.PostFormValue("password"))
	if err != nil {
		// Not checked: the attempt is not held against anyone.
		s.db.EndLogin(context.WithoutCancel(ctx), nil, []string{pair, client, account}, now.Add(-forgetAfter))
		if errors.Is(err, errHashBusy) {
			w.Header().Set("Retry-After", hashRetryAfter)
			form.Error = "The server is busy checking passwords. Try again in a few seconds."
			return s.render(w, r, http.StatusServiceUnavailable, "login.html", "Log in", form)
		}
		return err
	}
	if !known || !ok || !u.Active { // a deactivated account is refused like a wrong password
		form.Error = "That email and password do not match an account."
		return s.render(w, r, http.StatusUnauthorized, "login.html", "Log in", form)
	}
	// The right password: this client's failures on the account and the
	// account's are forgiven; the client's own count only loses this
	// attempt, or one valid account would clear an attacker's address.
	if err := s.db.EndLogin(ctx, []string{pair, account}, []string{client}, now.Add(-forgetAfter)); err != nil {
		return err
	}
	if err := s.startSession(ctx, w, u); err != nil {
		return err
	}
	next := form.Next
	if next == "" {
		next = "/assessments"
	}
	return redirect(w, r, next, "")
}

// waitWords is a wait in seconds for people.
func waitWords(secs int) string {
	switch {
	case secs <= 1:
		return "a second"
	case secs < 90:
		return fmt.Sprintf("%d seconds", secs)
	}
	return fmt.Sprintf("%d minutes", (secs+59)/60)
}

// sleepCtx waits d, or less if ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, u cxm.User) error {
	token := NewToken()
	expires := s.cfg.Now().UTC().Add(s.cfg.SessionTTL)
	if err := s.db.CreateSession(ctx, HashToken(token), u.ID, NewToken(), expires); err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{
		Name: sessionCookie, Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(sessionCookie); err == nil {
		if err := s.db.DeleteSession(r.Context(), HashToken(c.Value)); err != nil {
			return err
		}
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: s.cfg.SecureCookies, SameSite: http.SameSiteLaxMode})
	return redirect(w, r, "/login", "logged-out")
}

// safeNext keeps a post-login redirect on this site: an absolute path and
// nothing a browser could read as another host. Refused, it is "" (the
// caller goes to /assessments): "//evil.test", "/\\evil.test" (browsers
// read a backslash as a slash), "/\t/evil.test" (they drop tabs and line
// breaks), any control character, a scheme, or whatever net/url parses
// with a host.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || len(next) > 2048 || !utf8.ValidString(next) {
		return ""
	}
	for _, c := range next {
		if c < 0x20 || c == 0x7f || c == '\\' || (c >= 0x80 && c < 0xa0) {
			return ""
		}
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(u.Path, "//") {
		return ""
	}
	return next
}

// CreateSetupLink makes the one-time link that creates the first admin
// while there is none; cxm serve prints it.
func (s *Server) CreateSetupLink(ctx context.Context, base string) (string, error) {
	token := NewToken()
	if err := s.db.CreateSetupToken(ctx, HashToken(token), s.cfg.Now().UTC().Add(24*time.Hour)); err != nil {
		return "", err
	}
	return strings.TrimRight(base, "/") + "/setup/" + token, nil
}

// setupView is the setup page: the form, or, once cxm has an
// administrator, that setup is done and where to log in.
type setupView struct {
	loginForm
	Done bool
}

// setupPage handles GET /setup/{token}. Once an administrator exists the
// link has no use: the page says so instead of showing a form that can
// only fail.
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	n, err := s.db.CountUsers(r.Context(), cxm.RoleAdmin)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "setup.html", "Set up cxm", setupView{Done: n > 0})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := s.db.CountUsers(ctx, cxm.RoleAdmin)
	if err != nil {
		return err
	}
	if n > 0 {
		return s.render(w, r, http.StatusGone, "setup.html", "Set up cxm", setupView{Done: true})
	}
	form := loginForm{Email: r.PostFormValue("email")}
	// Check the form before the link is spent, so a typo does not burn it.
	if _, err := mail.ParseAddress(form.Email); err != nil {
		form.Error = "That is not an email address."
		return s.render(w, r, http.StatusBadRequest, "setup.html", "Set up cxm", setupView{loginForm: form})
	}
	if err := CheckPasswordRule(r.PostFormValue("password")); err != nil {
		form.Error = "Password: " + err.Error() + "."
		return s.render(w, r, http.StatusBadRequest, "setup.html", "Set up cxm", setupView{loginForm: form})
	}
	// Consume the link first: of two concurrent submissions only one wins.
	if err := s.db.ConsumeSetupToken(ctx, HashToken(r.PathValue("token")), s.cfg.Now().UTC()); err != nil {
		return errorf(http.StatusNotFound, "this setup link is unknown, used or expired: run cxm serve again for a new one, or use cxm user add")
	}
	u, err := s.createUser(ctx, form.Email, cxm.RoleAdmin, r.PostFormValue("password"))
	if err != nil {
		return err
	}
	if err := s.startSession(ctx, w, u); err != nil {
		return err
	}
	return redirect(w, r, "/assessments", "welcome")
}
