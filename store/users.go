package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cxmhq/cxm"
)

// normEmail is an email as stored: trimmed and lowercased, so uniqueness is
// case-insensitive.
func normEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

func checkRole(role cxm.Role) error {
	if !role.Valid() {
		return fmt.Errorf("invalid role %q", role)
	}
	return nil
}

const userCols = "u.id, u.email, u.role, u.created_at, u.deactivated_at IS NULL"

func scanUser(sc scanner, u *cxm.User, more ...any) error {
	var role string
	if err := sc.Scan(append([]any{&u.ID, &u.Email, &role, (*timeCol)(&u.CreatedAt), &u.Active}, more...)...); err != nil {
		return err
	}
	u.Role = cxm.Role(role)
	return nil
}

// CreateUser adds a user. The email is stored lowercased; one that exists in
// any case is cxm.ErrConflict.
func (db *DB) CreateUser(ctx context.Context, email string, role cxm.Role, passwordHash string) (cxm.User, error) {
	if err := checkRole(role); err != nil {
		return cxm.User{}, err
	}
	email = normEmail(email)
	if email == "" {
		return cxm.User{}, errors.New("empty email")
	}
	u := cxm.User{Email: email, Role: role, CreatedAt: now(), Active: true}
	err := db.writeRow(ctx, `INSERT INTO users (email, role, password_hash, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (email) DO NOTHING RETURNING id`,
		[]any{u.Email, string(u.Role), passwordHash, u.CreatedAt}, &u.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return cxm.User{}, cxm.ErrConflict
	}
	if err != nil {
		return cxm.User{}, err
	}
	return u, nil
}

// UserByEmail returns the user with that email (in any case) and their
// password hash.
func (db *DB) UserByEmail(ctx context.Context, email string) (cxm.User, string, error) {
	var u cxm.User
	var hash string
	err := db.readRow(ctx, "SELECT "+userCols+", u.password_hash FROM users u WHERE u.email = $1", []any{normEmail(email)},
		func(sc scanner) error { return scanUser(sc, &u, &hash) })
	if err != nil {
		return cxm.User{}, "", notFound(err)
	}
	return u, hash, nil
}

// UserByID returns a user.
func (db *DB) UserByID(ctx context.Context, id int64) (cxm.User, error) {
	var u cxm.User
	err := db.readRow(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = $1", []any{id},
		func(sc scanner) error { return scanUser(sc, &u) })
	if err != nil {
		return cxm.User{}, notFound(err)
	}
	return u, nil
}

// ListUsers returns every user by id.
func (db *DB) ListUsers(ctx context.Context) ([]cxm.User, error) {
	var list []cxm.User
	err := db.readRows(ctx, "SELECT "+userCols+" FROM users u ORDER BY u.id", nil, func(rows *sql.Rows) error {
		var u cxm.User
		if err := scanUser(rows, &u); err != nil {
			return err
		}
		list = append(list, u)
		return nil
	})
	return list, err
}

// SetPassword replaces a user's password hash.
func (db *DB) SetPassword(ctx context.Context, userID int64, hash string) error {
	return db.execOne(ctx, "UPDATE users SET password_hash = $2 WHERE id = $1", userID, hash)
}

// DeleteUser deletes a user with their sessions and API tokens.
func (db *DB) DeleteUser(ctx context.Context, userID int64) error {
	return db.execOne(ctx, "DELETE FROM users WHERE id = $1", userID)
}

// CountUsers counts the users with a role.
func (db *DB) CountUsers(ctx context.Context, role cxm.Role) (int, error) {
	return db.count(ctx, "SELECT COUNT(*) FROM users WHERE role = $1", string(role))
}

// execOne runs a write that must change a row; none is cxm.ErrNotFound.
func (db *DB) execOne(ctx context.Context, query string, args ...any) error {
	n, err := db.execN(ctx, query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return cxm.ErrNotFound
	}
	return nil
}

// Sessions

// CreateSession stores a browser session under the hash of its token. An
// unknown user is cxm.ErrNotFound, a token hash in use cxm.ErrConflict.
func (db *DB) CreateSession(ctx context.Context, tokenHash []byte, userID int64, csrf string, expires time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)
			SELECT $1, id, $3, $4, $5 FROM users WHERE id = $2
			ON CONFLICT (token_hash) DO NOTHING`,
			tokenHash, userID, csrf, now(), ts(expires))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1", userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cxm.ErrNotFound
		}
		return cxm.ErrConflict
	})
}

// SessionUser returns the user of a session and its CSRF token. A session
// unknown or expired at now, or of a deactivated user, is cxm.ErrNotFound.
func (db *DB) SessionUser(ctx context.Context, tokenHash []byte, now time.Time) (cxm.User, string, error) {
	var u cxm.User
	var csrf string
	err := db.readRow(ctx, "SELECT "+userCols+`, s.csrf FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.deactivated_at IS NULL`, []any{tokenHash, ts(now)},
		func(sc scanner) error { return scanUser(sc, &u, &csrf) })
	if err != nil {
		return cxm.User{}, "", notFound(err)
	}
	return u, csrf, nil
}

// ExtendSession moves a session's expiry (sliding sessions).
func (db *DB) ExtendSession(ctx context.Context, tokenHash []byte, expires time.Time) error {
	return db.execOne(ctx, "UPDATE sessions SET expires_at = $2 WHERE token_hash = $1", tokenHash, ts(expires))
}

// DeleteSession ends a session (logout). An unknown one is not an error.
func (db *DB) DeleteSession(ctx context.Context, tokenHash []byte) error {
	_, err := db.exec(ctx, "DELETE FROM sessions WHERE token_hash = $1", tokenHash)
	return err
}

// DeleteUserSessions ends every session of a user.
func (db *DB) DeleteUserSessions(ctx context.Context, userID int64) error {
	_, err := db.exec(ctx, "DELETE FROM sessions WHERE user_id = $1", userID)
	return err
}

// DeleteExpiredSessions removes the sessions expired at now.
func (db *DB) DeleteExpiredSessions(ctx context.Context, now time.Time) error {
	_, err := db.exec(ctx, "DELETE FROM sessions WHERE expires_at <= $1", ts(now))
	return err
}

// API tokens

// APIToken describes a user's API token; the token itself is never stored.
type APIToken struct {
	ID         int64      `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// lastUsedEvery is how stale last_used_at may get before a use rewrites it,
// so that API calls do not each cost a write.
const lastUsedEvery = time.Minute

// CreateAPIToken stores the hash of a new API token of a user. An unknown
// user is cxm.ErrNotFound, a hash in use cxm.ErrConflict.
func (db *DB) CreateAPIToken(ctx context.Context, userID int64, name string, tokenHash []byte) (int64, error) {
	var id int64
	err := db.tx(ctx, func(tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO api_tokens (user_id, name, token_hash, created_at)
			SELECT id, $2, $3, $4 FROM users WHERE id = $1
			ON CONFLICT (token_hash) DO NOTHING RETURNING id`,
			userID, name, tokenHash, now()).Scan(&id)
		if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM users WHERE id = $1", userID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cxm.ErrNotFound
		}
		return cxm.ErrConflict
	})
	return id, err
}

// UserByAPIToken returns the user of an API token and records its use
// (last_used_at, at most once a minute). An unknown token, or one of a
// deactivated user, is cxm.ErrNotFound.
func (db *DB) UserByAPIToken(ctx context.Context, tokenHash []byte) (cxm.User, error) {
	var u cxm.User
	var id int64
	var last *time.Time
	err := db.readRow(ctx, "SELECT "+userCols+`, t.id, t.last_used_at FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE t.token_hash = $1 AND u.deactivated_at IS NULL`, []any{tokenHash},
		func(sc scanner) error { return scanUser(sc, &u, &id, nullTimeCol{&last}) })
	if err != nil {
		return cxm.User{}, notFound(err)
	}
	t := now()
	if last == nil || t.Sub(*last) >= lastUsedEvery {
		if _, err := db.exec(ctx, "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1", id, t); err != nil {
			return cxm.User{}, err
		}
	}
	return u, nil
}

// ListAPITokens returns a user's API tokens by id.
func (db *DB) ListAPITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	var list []APIToken
	err := db.readRows(ctx, "SELECT id, name, created_at, last_used_at FROM api_tokens WHERE user_id = $1 ORDER BY id", []any{userID},
		func(rows *sql.Rows) error {
			var t APIToken
			if err := rows.Scan(&t.ID, &t.Name, (*timeCol)(&t.CreatedAt), nullTimeCol{&t.LastUsedAt}); err != nil {
				return err
			}
			list = append(list, t)
			return nil
		})
	return list, err
}

// DeleteAPIToken revokes one of a user's API tokens; another user's token
// is cxm.ErrNotFound.
func (db *DB) DeleteAPIToken(ctx context.Context, userID, id int64) error {
	return db.execOne(ctx, "DELETE FROM api_tokens WHERE id = $1 AND user_id = $2", id, userID)
}

// Setup tokens

// CreateSetupToken stores the hash of a one-time link that creates the first
// admin.
func (db *DB) CreateSetupToken(ctx context.Context, tokenHash []byte, expires time.Time) error {
	n, err := db.execN(ctx, "INSERT INTO setup_tokens (token_hash, expires_at) VALUES ($1, $2) ON CONFLICT (token_hash) DO NOTHING",
		tokenHash, ts(expires))
	if err != nil {
		return err
	}
	if n == 0 {
		return cxm.ErrConflict
	}
	return nil
}

// ConsumeSetupToken uses up a setup token: it is deleted, and only one of
// several concurrent callers succeeds. Unknown, used or expired at now is
// cxm.ErrNotFound.
func (db *DB) ConsumeSetupToken(ctx context.Context, tokenHash []byte, now time.Time) error {
	var expires time.Time
	err := db.writeRow(ctx, "DELETE FROM setup_tokens WHERE token_hash = $1 RETURNING expires_at", []any{tokenHash}, (*timeCol)(&expires))
	if err != nil {
		return notFound(err)
	}
	if !expires.After(now) {
		return cxm.ErrNotFound
	}
	return nil
}

// DeleteExpiredSetupTokens removes the setup tokens expired at now.
func (db *DB) DeleteExpiredSetupTokens(ctx context.Context, now time.Time) error {
	_, err := db.exec(ctx, "DELETE FROM setup_tokens WHERE expires_at <= $1", ts(now))
	return err
}
