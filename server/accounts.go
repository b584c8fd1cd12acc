package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// Accounts: one's own password, and what an admin does to other users:
// their role, deactivation and a one-time reset link.

// resetTTL is how long a password reset link works.
const resetTTL = 24 * time.Hour

// sessionHash is the hash of the request's session token; nil for a
// script with a bearer token.
func sessionHash(r *http.Request) []byte {
	if p := principalFrom(r.Context()); p == nil || !p.session {
		return nil
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil
	}
	return HashToken(c.Value)
}

// changePassword checks the current password and sets the new one; the
// asking session stays, the user's other sessions end.
func (s *Server) changePassword(r *http.Request, current, next string) error {
	ctx := r.Context()
	p := principalFrom(ctx)
	if current == "" {
		return badField("current", "give your current password")
	}
	if err := s.checkCurrent(r, p.user.Email, current); err != nil {
		return err
	}
	newHash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	return s.db.ChangePassword(ctx, p.user.ID, newHash, sessionHash(r))
}

// checkCurrent checks a user's current password as a login attempt is
// checked (throttled under the same counters), so that a session left
// open does not let anyone guess the password.
func (s *Server) checkCurrent(r *http.Request, email, current string) error {
	ctx := r.Context()
	rules := loginRules(email, s.clientAddr(r))
	att, err := s.db.BeginLogin(ctx, s.cfg.Now().UTC(), rules)
	if err != nil {
		return err
	}
	if !att.Allowed {
		secs := int((att.RetryAfter + time.Second - 1) / time.Second)
		return &Error{Status: http.StatusTooManyRequests, Field: "current", RetryAfter: strconv.Itoa(secs),
			Message: fmt.Sprintf("too many wrong passwords: wait %s and try again", waitWords(secs))}
	}
	if err := s.sleep(ctx, att.Wait); err != nil {
		return err
	}
	_, hash, err := s.db.UserByEmail(ctx, email)
	if err != nil {
		return err
	}
	keys := []string{rules[0].Key, rules[1].Key, rules[2].Key}
	forget := s.cfg.Now().UTC().Add(-forgetAfter)
	ok, err := s.checkPassword(ctx, hash, current)
	if err != nil {
		s.db.EndLogin(context.WithoutCancel(ctx), nil, keys, forget)
		return busy(err)
	}
	if !ok {
		return badField("current", "the current password is not right")
	}
	return s.db.EndLogin(ctx, []string{keys[0], keys[2]}, []string{keys[1]}, forget)
}

// apiChangePassword: POST /api/v1/account/password.
func (s *Server) apiChangePassword(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Current string `json:"current"`
		New     string `json:"new"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if err := s.changePassword(r, in.Current, in.New); err != nil {
		if e, ok := err.(*Error); ok && e.Field == "password" {
			e.Field = "new"
		}
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// accountPage: GET /account.
func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "account.html", "Your account", "")
}

// passwordForm: POST /account/password.
func (s *Server) passwordForm(w http.ResponseWriter, r *http.Request) error {
	next := r.PostFormValue("password")
	err := func() error {
		if next != r.PostFormValue("again") {
			return badField("again", "the two new passwords differ")
		}
		return s.changePassword(r, r.PostFormValue("current"), next)
	}()
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest {
		return s.render(w, r, http.StatusBadRequest, "account.html", "Your account", upperFirst(e.Message)+".")
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/account", "password-changed")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// userPatch is the body of PATCH /api/v1/users/{id}.
type userPatch struct {
	Role   *cxm.Role `json:"role"`
	Active *bool     `json:"active"`
}

// editUser changes a user's role and/or active state. An admin cannot
// deactivate themself (another admin does), and the last active admin
// stays one (store.ErrLastAdmin).
func (s *Server) editUser(ctx context.Context, id int64, p userPatch) (cxm.User, error) {
	if p.Role == nil && p.Active == nil {
		return cxm.User{}, errorf(http.StatusBadRequest, "nothing to change: send role or active")
	}
	if p.Role != nil && !p.Role.Valid() {
		return cxm.User{}, badField("role", "role must be admin, facilitator or viewer")
	}
	if p.Active != nil && !*p.Active && principalFrom(ctx).user.ID == id {
		return cxm.User{}, errorf(http.StatusConflict, "you cannot deactivate yourself: another admin can")
	}
	if _, err := s.db.UserByID(ctx, id); err != nil {
		return cxm.User{}, err
	}
	if p.Role != nil {
		if err := s.db.SetRole(ctx, id, *p.Role); err != nil {
			return cxm.User{}, conflict(err)
		}
	}
	if p.Active != nil {
		if err := s.db.SetActive(ctx, id, *p.Active, s.cfg.Now().UTC()); err != nil {
			return cxm.User{}, conflict(err)
		}
	}
	return s.db.UserByID(ctx, id)
}

// apiEditUser: PATCH /api/v1/users/{id}.
func (s *Server) apiEditUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p userPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	u, err := s.editUser(r.Context(), id, p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, u)
	return nil
}

// editUserForm: POST /users/{id}, with role, or active=true/false.
func (s *Server) editUserForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p userPatch
	if v := r.PostFormValue("role"); v != "" {
		role := cxm.Role(v)
		p.Role = &role
	}
	if v := r.PostFormValue("active"); v == "true" || v == "false" {
		active := v == "true"
		p.Active = &active
	}
	_, err = s.editUser(r.Context(), id, p)
	var e *Error
	if errors.As(err, &e) && e.Status < 500 && e.Status != http.StatusNotFound {
		return s.renderUsersView(w, r, e.Status, usersView{Error: upperFirst(e.Message) + ".", ErrorUser: id})
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/users", "saved")
}

// makeResetLink stores a new reset link of a user and returns it.
func (s *Server) makeResetLink(r *http.Request, id int64) (string, time.Time, error) {
	token := NewToken()
	now := s.cfg.Now().UTC()
	expires := now.Add(resetTTL)
	if err := s.db.CreatePasswordReset(r.Context(), id, HashToken(token), now, expires); err != nil {
		return "", time.Time{}, conflict(err)
	}
	return s.baseURL(r) + "/reset/" + token, expires, nil
}

// apiResetLink: POST /api/v1/users/{id}/reset-link.
func (s *Server) apiResetLink(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	link, expires, err := s.makeResetLink(r, id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{"url": link, "expires_at": expires})
	return nil
}

// resetLinkForm: POST /users/{id}/reset-link. The link is shown once, on
// the page this answers (not a redirect: it is stored nowhere else).
func (s *Server) resetLinkForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	u, err := s.db.UserByID(r.Context(), id)
	if err != nil {
		return err
	}
	link, expires, err := s.makeResetLink(r, id)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusConflict {
		return s.renderUsersView(w, r, e.Status, usersView{Error: upperFirst(e.Message) + ".", ErrorUser: id})
	}
	if err != nil {
		return err
	}
	return s.renderUsersView(w, r, http.StatusOK, usersView{Reset: &resetShown{User: u, URL: link, Expires: expires}})
}

// resetShown is a reset link shown to the admin who made it.
type resetShown struct {
	User    cxm.User
	URL     string
	Expires time.Time
}

// resetView is the page that sets a new password from a reset link.
type resetView struct {
	Email string
	Error string
}

// resetGone is the answer to a reset link that does not work.
var resetGone = errorf(http.StatusNotFound, "This password reset link is unknown, used or expired. Ask an admin for a new one.")

// resetPage: GET /reset/{token}.
func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.db.PasswordResetUser(r.Context(), HashToken(r.PathValue("token")), s.cfg.Now().UTC())
	if errors.Is(err, cxm.ErrNotFound) {
		return resetGone
	}
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "reset.html", "Set a new password", resetView{Email: u.Email})
}

// reset: POST /reset/{token}. The new password is checked before the link
// is spent, so a refused one does not burn it.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	hash := HashToken(r.PathValue("token"))
	now := s.cfg.Now().UTC()
	u, err := s.db.PasswordResetUser(ctx, hash, now)
	if errors.Is(err, cxm.ErrNotFound) {
		return resetGone
	}
	if err != nil {
		return err
	}
	password := r.PostFormValue("password")
	fail := func(msg string) error {
		return s.render(w, r, http.StatusBadRequest, "reset.html", "Set a new password", resetView{Email: u.Email, Error: msg})
	}
	if password != r.PostFormValue("again") {
		return fail("The two passwords differ.")
	}
	newHash, err := s.hashPassword(ctx, password)
	var e *Error
	if errors.As(err, &e) && e.Status == http.StatusBadRequest {
		return fail(upperFirst(e.Message) + ".")
	}
	if err != nil {
		return err
	}
	if _, err := s.db.UsePasswordReset(ctx, hash, now, newHash); errors.Is(err, cxm.ErrNotFound) {
		return resetGone
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/login", "password-set")
}
