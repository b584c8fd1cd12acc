package server

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// Login throttling, kept in the database so that it holds across instances:
// at most this many failures per window, per email and per client address.
const (
	maxFailuresPerEmail = 5
	maxFailuresPerIP    = 30
	failureWindow       = 15 * time.Minute
)

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
	keys := []string{"email:" + email, "ip:" + clientIP(r)}
	limits := []int{maxFailuresPerEmail, maxFailuresPerIP}
	for i, k := range keys {
		n, err := s.db.LoginFailures(ctx, k, now.Add(-failureWindow))
		if err != nil {
			return err
		}
		if n >= limits[i] {
			w.Header().Set("Retry-After", "900")
			form.Error = "Too many failed attempts. Wait 15 minutes and try again."
			return s.render(w, r, http.StatusTooManyRequests, "login.html", "Log in", form)
		}
	}
	u, hash, err := s.db.UserByEmail(ctx, email)
	if err != nil && !errors.Is(err, cxm.ErrNotFound) {
		return err
	}
	if err != nil {
		CheckPassword(dummyHash, r.PostFormValue("password")) // same time whether or not the user exists
	}
	if err != nil || !CheckPassword(hash, r.PostFormValue("password")) {
		for _, k := range keys {
			if err := s.db.RecordLoginFailure(ctx, k, now); err != nil {
				return err
			}
		}
		form.Error = "That email and password do not match an account."
		return s.render(w, r, http.StatusUnauthorized, "login.html", "Log in", form)
	}
	s.db.ClearLoginFailures(ctx, keys[0])
	if err := s.startSession(ctx, w, u); err != nil {
		return err
	}
	next := form.Next
	if next == "" {
		next = "/assessments"
	}
	return redirect(w, r, next, "")
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

// safeNext keeps a post-login redirect on this site: a path, never a URL
// to elsewhere ("//evil.example" included).
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return ""
	}
	return next
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
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

func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "setup.html", "Set up cxm", loginForm{})
}

func (s *Server) setup(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	n, err := s.db.CountUsers(ctx, cxm.RoleAdmin)
	if err != nil {
		return err
	}
	if n > 0 {
		return errorf(http.StatusGone, "cxm already has an administrator: log in instead")
	}
	form := loginForm{Email: r.PostFormValue("email")}
	// Check the form before the link is spent, so a typo does not burn it.
	if _, err := mail.ParseAddress(form.Email); err != nil {
		form.Error = "That is not an email address."
		return s.render(w, r, http.StatusBadRequest, "setup.html", "Set up cxm", form)
	}
	if _, err := HashPassword(r.PostFormValue("password")); err != nil {
		form.Error = err.Error()
		return s.render(w, r, http.StatusBadRequest, "setup.html", "Set up cxm", form)
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
