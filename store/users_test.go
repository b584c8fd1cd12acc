package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
)

func TestUsers(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		before := time.Now().Add(-time.Second)
		u, err := db.CreateUser(ctx, " Ann@Example.COM", cxm.RoleAdmin, "hash1")
		must(t, err)
		if u.ID == 0 || u.Email != "ann@example.com" || u.Role != cxm.RoleAdmin || u.CreatedAt.Before(before) || u.CreatedAt.Location() != time.UTC {
			t.Fatalf("CreateUser = %+v", u)
		}
		_, err = db.CreateUser(ctx, "ANN@example.com", cxm.RoleViewer, "x")
		wantErr(t, "duplicate email", err, cxm.ErrConflict)
		if _, err := db.CreateUser(ctx, "bob@example.com", "root", "x"); err == nil {
			t.Fatal("CreateUser with an invalid role succeeded")
		}
		bob, err := db.CreateUser(ctx, "bob@example.com", cxm.RoleViewer, "hash2")
		must(t, err)

		got, hash, err := db.UserByEmail(ctx, "ANN@EXAMPLE.com")
		must(t, err)
		if got != u || hash != "hash1" {
			t.Fatalf("UserByEmail = %+v %q, want %+v", got, hash, u)
		}
		_, _, err = db.UserByEmail(ctx, "nobody@example.com")
		wantErr(t, "UserByEmail unknown", err, cxm.ErrNotFound)
		got, err = db.UserByID(ctx, bob.ID)
		must(t, err)
		if got != bob {
			t.Fatalf("UserByID = %+v, want %+v", got, bob)
		}
		_, err = db.UserByID(ctx, 9999)
		wantErr(t, "UserByID unknown", err, cxm.ErrNotFound)

		list, err := db.ListUsers(ctx)
		must(t, err)
		if len(list) != 2 || list[0] != u || list[1] != bob {
			t.Fatalf("ListUsers = %+v", list)
		}

		must(t, db.SetPassword(ctx, bob.ID, "hash3"))
		if _, h, _ := db.UserByEmail(ctx, bob.Email); h != "hash3" {
			t.Fatalf("password hash %q after SetPassword", h)
		}
		wantErr(t, "SetPassword unknown", db.SetPassword(ctx, 9999, "h"), cxm.ErrNotFound)
		must(t, db.SetRole(ctx, bob.ID, cxm.RoleFacilitator))
		if got, _ := db.UserByID(ctx, bob.ID); got.Role != cxm.RoleFacilitator {
			t.Fatalf("role %q after SetRole", got.Role)
		}
		wantErr(t, "SetRole unknown", db.SetRole(ctx, 9999, cxm.RoleAdmin), cxm.ErrNotFound)
		if err := db.SetRole(ctx, bob.ID, "boss"); err == nil {
			t.Fatal("SetRole to an invalid role succeeded")
		}

		for role, want := range map[cxm.Role]int{cxm.RoleAdmin: 1, cxm.RoleFacilitator: 1, cxm.RoleViewer: 0} {
			n, err := db.CountUsers(ctx, role)
			must(t, err)
			if n != want {
				t.Errorf("CountUsers(%s) = %d, want %d", role, n, want)
			}
		}

		// Deleting a user ends their sessions and tokens.
		sess := tokenHash()
		must(t, db.CreateSession(ctx, sess, bob.ID, "csrf", time.Now().Add(time.Hour)))
		_, err = db.CreateAPIToken(ctx, bob.ID, "ci", tokenHash())
		must(t, err)
		must(t, db.DeleteUser(ctx, bob.ID))
		wantErr(t, "DeleteUser again", db.DeleteUser(ctx, bob.ID), cxm.ErrNotFound)
		_, _, err = db.SessionUser(ctx, sess, time.Now())
		wantErr(t, "session of a deleted user", err, cxm.ErrNotFound)
		toks, err := db.ListAPITokens(ctx, bob.ID)
		must(t, err)
		if len(toks) != 0 {
			t.Fatalf("a deleted user has tokens %+v", toks)
		}
	})
}

func TestSessions(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "ann@example.com", cxm.RoleAdmin, "h")
		must(t, err)
		now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		s1, s2 := tokenHash(), tokenHash()
		must(t, db.CreateSession(ctx, s1, u.ID, "csrf1", now.Add(time.Hour)))
		must(t, db.CreateSession(ctx, s2, u.ID, "csrf2", now.Add(time.Minute)))
		wantErr(t, "CreateSession duplicate", db.CreateSession(ctx, s1, u.ID, "x", now.Add(time.Hour)), cxm.ErrConflict)
		wantErr(t, "CreateSession unknown user", db.CreateSession(ctx, tokenHash(), 9999, "x", now.Add(time.Hour)), cxm.ErrNotFound)

		got, csrf, err := db.SessionUser(ctx, s1, now)
		must(t, err)
		if got != u || csrf != "csrf1" {
			t.Fatalf("SessionUser = %+v %q", got, csrf)
		}
		_, _, err = db.SessionUser(ctx, tokenHash(), now)
		wantErr(t, "SessionUser unknown", err, cxm.ErrNotFound)

		// Expiry is exclusive and compared precisely (sub-second, other zones).
		exp := now.Add(time.Minute)
		if _, _, err := db.SessionUser(ctx, s2, exp.Add(-time.Microsecond).In(time.FixedZone("x", -5*3600))); err != nil {
			t.Fatalf("session a microsecond before expiry: %v", err)
		}
		_, _, err = db.SessionUser(ctx, s2, exp)
		wantErr(t, "SessionUser at expiry", err, cxm.ErrNotFound)
		_, _, err = db.SessionUser(ctx, s2, exp.Add(time.Hour))
		wantErr(t, "SessionUser expired", err, cxm.ErrNotFound)

		must(t, db.ExtendSession(ctx, s2, now.Add(2*time.Hour)))
		if _, _, err := db.SessionUser(ctx, s2, now.Add(90*time.Minute)); err != nil {
			t.Fatalf("extended session: %v", err)
		}
		wantErr(t, "ExtendSession unknown", db.ExtendSession(ctx, tokenHash(), now), cxm.ErrNotFound)

		// DeleteExpiredSessions removes s1 (expires now+1h) at now+1h30, not s2.
		must(t, db.DeleteExpiredSessions(ctx, now.Add(90*time.Minute)))
		_, _, err = db.SessionUser(ctx, s1, now)
		wantErr(t, "expired session after DeleteExpiredSessions", err, cxm.ErrNotFound)
		if _, _, err := db.SessionUser(ctx, s2, now); err != nil {
			t.Fatalf("live session deleted: %v", err)
		}

		must(t, db.DeleteSession(ctx, s2))
		must(t, db.DeleteSession(ctx, s2)) // idempotent
		_, _, err = db.SessionUser(ctx, s2, now)
		wantErr(t, "deleted session", err, cxm.ErrNotFound)

		s3, s4 := tokenHash(), tokenHash()
		must(t, db.CreateSession(ctx, s3, u.ID, "c", now.Add(time.Hour)))
		must(t, db.CreateSession(ctx, s4, u.ID, "c", now.Add(time.Hour)))
		must(t, db.DeleteUserSessions(ctx, u.ID))
		for _, s := range [][]byte{s3, s4} {
			_, _, err = db.SessionUser(ctx, s, now)
			wantErr(t, "session after DeleteUserSessions", err, cxm.ErrNotFound)
		}
	})
}

func TestAPITokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		u, err := db.CreateUser(ctx, "ann@example.com", cxm.RoleFacilitator, "h")
		must(t, err)
		other, err := db.CreateUser(ctx, "bob@example.com", cxm.RoleViewer, "h")
		must(t, err)
		h1, h2 := tokenHash(), tokenHash()
		id1, err := db.CreateAPIToken(ctx, u.ID, "ci", h1)
		must(t, err)
		id2, err := db.CreateAPIToken(ctx, u.ID, "laptop", h2)
		must(t, err)
		_, err = db.CreateAPIToken(ctx, other.ID, "dup", h1)
		wantErr(t, "CreateAPIToken duplicate hash", err, cxm.ErrConflict)
		_, err = db.CreateAPIToken(ctx, 9999, "x", tokenHash())
		wantErr(t, "CreateAPIToken unknown user", err, cxm.ErrNotFound)

		list, err := db.ListAPITokens(ctx, u.ID)
		must(t, err)
		if len(list) != 2 || list[0].ID != id1 || list[0].Name != "ci" || list[1].ID != id2 || list[0].LastUsedAt != nil || list[0].CreatedAt.IsZero() {
			t.Fatalf("ListAPITokens = %+v", list)
		}

		got, err := db.UserByAPIToken(ctx, h1)
		must(t, err)
		if got != u {
			t.Fatalf("UserByAPIToken = %+v, want %+v", got, u)
		}
		_, err = db.UserByAPIToken(ctx, tokenHash())
		wantErr(t, "UserByAPIToken unknown", err, cxm.ErrNotFound)
		list, err = db.ListAPITokens(ctx, u.ID)
		must(t, err)
		if list[0].LastUsedAt == nil || time.Since(*list[0].LastUsedAt) > time.Minute || list[1].LastUsedAt != nil {
			t.Fatalf("last used after one use: %+v", list)
		}

		wantErr(t, "DeleteAPIToken of another user", db.DeleteAPIToken(ctx, other.ID, id1), cxm.ErrNotFound)
		must(t, db.DeleteAPIToken(ctx, u.ID, id1))
		wantErr(t, "DeleteAPIToken again", db.DeleteAPIToken(ctx, u.ID, id1), cxm.ErrNotFound)
		_, err = db.UserByAPIToken(ctx, h1)
		wantErr(t, "UserByAPIToken revoked", err, cxm.ErrNotFound)
	})
}

func TestSetupTokens(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
		h := tokenHash()
		must(t, db.CreateSetupToken(ctx, h, now.Add(24*time.Hour)))
		wantErr(t, "CreateSetupToken duplicate", db.CreateSetupToken(ctx, h, now), cxm.ErrConflict)
		wantErr(t, "ConsumeSetupToken unknown", db.ConsumeSetupToken(ctx, tokenHash(), now), cxm.ErrNotFound)
		must(t, db.ConsumeSetupToken(ctx, h, now))
		wantErr(t, "ConsumeSetupToken twice", db.ConsumeSetupToken(ctx, h, now), cxm.ErrNotFound)

		expired := tokenHash()
		must(t, db.CreateSetupToken(ctx, expired, now.Add(time.Hour)))
		wantErr(t, "ConsumeSetupToken expired", db.ConsumeSetupToken(ctx, expired, now.Add(time.Hour)), cxm.ErrNotFound)

		old, live := tokenHash(), tokenHash()
		must(t, db.CreateSetupToken(ctx, old, now))
		must(t, db.CreateSetupToken(ctx, live, now.Add(time.Hour)))
		must(t, db.DeleteExpiredSetupTokens(ctx, now.Add(time.Minute)))
		wantErr(t, "expired token after DeleteExpiredSetupTokens", db.ConsumeSetupToken(ctx, old, now.Add(-time.Hour)), cxm.ErrNotFound)
		must(t, db.ConsumeSetupToken(ctx, live, now))

		// Many instances racing to use the one link: exactly one wins.
		race := tokenHash()
		must(t, db.CreateSetupToken(ctx, race, now.Add(time.Hour)))
		var ok, notFound atomic.Int32
		var wg sync.WaitGroup
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				switch err := db.ConsumeSetupToken(ctx, race, now); {
				case err == nil:
					ok.Add(1)
				case errors.Is(err, cxm.ErrNotFound):
					notFound.Add(1)
				default:
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		if ok.Load() != 1 || notFound.Load() != 19 {
			t.Fatalf("%d consumers succeeded, %d got ErrNotFound; want 1 and 19", ok.Load(), notFound.Load())
		}
	})
}
