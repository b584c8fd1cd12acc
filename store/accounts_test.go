package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

func TestAccounts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 1, 0, 0, 0, time.UTC)
		ann, err := db.CreateUser(ctx, "ann@example.com", cxm.RoleAdmin, "h-ann")
		must(t, err)
		bob, err := db.CreateUser(ctx, "bob@example.com", cxm.RoleFacilitator, "h-bob")
		must(t, err)
		if !ann.Active || !bob.Active {
			t.Fatal("a new user is not active")
		}
		// The last active admin is neither demoted nor deactivated.
		wantErr(t, "demote last admin", db.SetRole(ctx, ann.ID, cxm.RoleViewer), ErrLastAdmin)
		wantErr(t, "deactivate last admin", db.SetActive(ctx, ann.ID, false, now), ErrLastAdmin)
		wantErr(t, "role of unknown", db.SetRole(ctx, 9999, cxm.RoleAdmin), cxm.ErrNotFound)
		must(t, db.SetRole(ctx, bob.ID, cxm.RoleAdmin))
		must(t, db.SetRole(ctx, ann.ID, cxm.RoleViewer))
		wantErr(t, "demote the other, now last", db.SetRole(ctx, bob.ID, cxm.RoleFacilitator), ErrLastAdmin)
		must(t, db.SetRole(ctx, ann.ID, cxm.RoleAdmin))

		// Deactivating ends sessions, tokens and reset links at once.
		sess, tok, reset := tokenHash(), tokenHash(), tokenHash()
		must(t, db.CreateSession(ctx, sess, bob.ID, "csrf", now.Add(time.Hour)))
		_, err = db.CreateAPIToken(ctx, bob.ID, "script", tok)
		must(t, err)
		must(t, db.CreatePasswordReset(ctx, bob.ID, reset, now, now.Add(time.Hour)))
		must(t, db.SetActive(ctx, bob.ID, false, now))
		_, _, err = db.SessionUser(ctx, sess, now)
		wantErr(t, "session of a deactivated user", err, cxm.ErrNotFound)
		_, err = db.UserByAPIToken(ctx, tok)
		wantErr(t, "token of a deactivated user", err, cxm.ErrNotFound)
		_, err = db.PasswordResetUser(ctx, reset, now)
		wantErr(t, "reset of a deactivated user", err, cxm.ErrNotFound)
		wantErr(t, "new reset of a deactivated user", db.CreatePasswordReset(ctx, bob.ID, tokenHash(), now, now.Add(time.Hour)), ErrInactive)
		u, _, err := db.UserByEmail(ctx, "bob@example.com")
		must(t, err)
		if u.Active {
			t.Fatal("UserByEmail: still active")
		}
		// Bob is not an active admin: Ann is the last one again.
		wantErr(t, "demote ann", db.SetRole(ctx, ann.ID, cxm.RoleViewer), ErrLastAdmin)
		must(t, db.SetActive(ctx, bob.ID, true, now))
		if u, _ := db.UserByID(ctx, bob.ID); !u.Active {
			t.Fatal("not reactivated")
		}
		_, err = db.UserByAPIToken(ctx, tok)
		wantErr(t, "a token after reactivation", err, cxm.ErrNotFound)

		// A password change keeps the asking session and ends the others.
		s1, s2 := tokenHash(), tokenHash()
		must(t, db.CreateSession(ctx, s1, bob.ID, "c1", now.Add(time.Hour)))
		must(t, db.CreateSession(ctx, s2, bob.ID, "c2", now.Add(time.Hour)))
		must(t, db.ChangePassword(ctx, bob.ID, "h-bob-2", s1))
		if _, _, err := db.SessionUser(ctx, s1, now); err != nil {
			t.Fatalf("the asking session ended: %v", err)
		}
		_, _, err = db.SessionUser(ctx, s2, now)
		wantErr(t, "other session", err, cxm.ErrNotFound)
		if _, h, _ := db.UserByEmail(ctx, bob.Email); h != "h-bob-2" {
			t.Fatalf("hash %q", h)
		}

		// A reset link: the newest only, once, before it expires.
		old, link := tokenHash(), tokenHash()
		must(t, db.CreatePasswordReset(ctx, bob.ID, old, now, now.Add(time.Hour)))
		must(t, db.CreatePasswordReset(ctx, bob.ID, link, now, now.Add(time.Hour)))
		_, err = db.PasswordResetUser(ctx, old, now)
		wantErr(t, "replaced link", err, cxm.ErrNotFound)
		if u, err := db.PasswordResetUser(ctx, link, now); err != nil || u.ID != bob.ID {
			t.Fatalf("PasswordResetUser = %+v, %v", u, err)
		}
		_, err = db.PasswordResetUser(ctx, link, now.Add(time.Hour))
		wantErr(t, "expired link", err, cxm.ErrNotFound)
		u, err = db.UsePasswordReset(ctx, link, now, "h-bob-3")
		must(t, err)
		if u.ID != bob.ID {
			t.Fatalf("reset user %d", u.ID)
		}
		_, _, err = db.SessionUser(ctx, s1, now)
		wantErr(t, "session after reset", err, cxm.ErrNotFound)
		if _, h, _ := db.UserByEmail(ctx, bob.Email); h != "h-bob-3" {
			t.Fatalf("hash %q after reset", h)
		}
		_, err = db.UsePasswordReset(ctx, link, now, "h-again")
		wantErr(t, "link used twice", err, cxm.ErrNotFound)
		late := tokenHash()
		must(t, db.CreatePasswordReset(ctx, bob.ID, late, now, now.Add(time.Hour)))
		_, err = db.UsePasswordReset(ctx, late, now.Add(time.Hour), "h-late")
		wantErr(t, "expired use", err, cxm.ErrNotFound)
		if n, _ := db.count(ctx, "SELECT COUNT(*) FROM password_resets"); n != 0 {
			t.Fatalf("%d reset links left, want the expired one deleted", n)
		}
		if _, h, _ := db.UserByEmail(ctx, bob.Email); h != "h-bob-3" {
			t.Fatalf("hash %q after an expired link", h)
		}
	})
}

// TestLastAdminConcurrent: two admins demoted at once; one stays admin.
func TestLastAdminConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		for i := range 10 {
			a, err := db.CreateUser(ctx, fmt.Sprintf("a%d@example.com", i), cxm.RoleAdmin, "h")
			must(t, err)
			b, err := db.CreateUser(ctx, fmt.Sprintf("b%d@example.com", i), cxm.RoleAdmin, "h")
			must(t, err)
			if i > 0 { // the earlier pair's admin is deactivated, so a and b are the only active ones
				n, err := db.count(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL")
				must(t, err)
				if n != 2 {
					t.Fatalf("%d active admins before round %d", n, i)
				}
			}
			errs := make(chan error, 2)
			go func() { errs <- db.SetRole(ctx, a.ID, cxm.RoleViewer) }()
			go func() { errs <- db.SetActive(ctx, b.ID, false, time.Now()) }()
			e1, e2 := <-errs, <-errs
			if (e1 == nil) == (e2 == nil) {
				t.Fatalf("round %d: %v and %v, want exactly one refusal", i, e1, e2)
			}
			// Leave one active admin, then retire it for the next round.
			admins, err := db.count(ctx, "SELECT COUNT(*) FROM users WHERE role = 'admin' AND deactivated_at IS NULL")
			must(t, err)
			if admins != 1 {
				t.Fatalf("round %d: %d active admins", i, admins)
			}
			_, err = db.exec(ctx, "UPDATE users SET deactivated_at = $1 WHERE role = 'admin' AND deactivated_at IS NULL", ts(time.Now()))
			must(t, err)
		}
	})
}
