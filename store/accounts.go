package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/cxmhq/cxm"
)

// Accounts: roles, deactivation, password changes and reset links. An
// installation always keeps one active admin: the last one can be neither
// demoted nor deactivated.

// ErrLastAdmin refuses to demote or deactivate the last active admin.
var ErrLastAdmin = fmt.Errorf("%w: this is the last active admin: make another user admin first", cxm.ErrConflict)

// ErrInactive refuses what only an active user can have (a reset link).
var ErrInactive = fmt.Errorf("%w: the user is deactivated: reactivate them first", cxm.ErrConflict)

// keepAnAdmin fails with ErrLastAdmin when userID is the only active
// admin. On PostgreSQL it locks the active admins' rows first, so that two
// admins demoting each other at once cannot both pass (the second re-reads
// the rows after the first commits); SQLite has one writer.
func (db *DB) keepAnAdmin(ctx context.Context, tx *sql.Tx, userID int64) error {
	lock := ""
	if db.engine == Postgres {
		lock = " FOR UPDATE"
	}
	rows, err := tx.QueryContext(ctx, "SELECT id FROM users WHERE role = 'admin' AND deactivated_at IS NULL"+lock)
	if err != nil {
		return err
	}
	defer rows.Close()
	var admins []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return err
		}
		admins = append(admins, id)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(admins) == 1 && admins[0] == userID {
		return ErrLastAdmin
	}
	return nil
}

// SetRole changes a user's role. Demoting the last active admin is
// ErrLastAdmin, an unknown user cxm.ErrNotFound.
func (db *DB) SetRole(ctx context.Context, userID int64, role cxm.Role) error {
	if err := checkRole(role); err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if role != cxm.RoleAdmin {
			if err := db.keepAnAdmin(ctx, tx, userID); err != nil {
				return err
			}
		}
		return txExecOne(ctx, tx, "UPDATE users SET role = $2 WHERE id = $1", userID, string(role))
	})
}

// SetActive deactivates or reactivates a user. Deactivating ends their
// sessions and deletes their API tokens and reset links in the same
// transaction, so none works a moment longer; reactivating restores only
// the login (new tokens are made anew). Deactivating the last active admin
// is ErrLastAdmin. Setting the state a user has already is not an error.
func (db *DB) SetActive(ctx context.Context, userID int64, active bool, now time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		if active {
			return txExecOne(ctx, tx, "UPDATE users SET deactivated_at = NULL WHERE id = $1", userID)
		}
		if err := db.keepAnAdmin(ctx, tx, userID); err != nil {
			return err
		}
		if err := txExecOne(ctx, tx, "UPDATE users SET deactivated_at = COALESCE(deactivated_at, $2) WHERE id = $1", userID, ts(now)); err != nil {
			return err
		}
		for _, q := range []string{"DELETE FROM sessions WHERE user_id = $1", "DELETE FROM api_tokens WHERE user_id = $1",
			"DELETE FROM password_resets WHERE user_id = $1"} {
			if _, err := tx.ExecContext(ctx, q, userID); err != nil {
				return err
			}
		}
		return nil
	})
}

// ChangePassword replaces a user's password hash and ends every other
// session of theirs (all but keepSession, the hash of the session that
// asked; nil ends all) and every reset link. API tokens stay.
func (db *DB) ChangePassword(ctx context.Context, userID int64, hash string, keepSession []byte) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		return setPasswordTx(ctx, tx, userID, hash, keepSession)
	})
}

func setPasswordTx(ctx context.Context, tx *sql.Tx, userID int64, hash string, keepSession []byte) error {
	if err := txExecOne(ctx, tx, "UPDATE users SET password_hash = $2 WHERE id = $1", userID, hash); err != nil {
		return err
	}
	if keepSession == nil {
		keepSession = []byte{}
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", userID, keepSession); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE user_id = $1", userID)
	return err
}

// CreatePasswordReset stores the hash of a one-time reset link of a user,
// replacing any earlier link of theirs (only the newest works). An unknown
// user is cxm.ErrNotFound, a deactivated one ErrInactive.
func (db *DB) CreatePasswordReset(ctx context.Context, userID int64, tokenHash []byte, now, expires time.Time) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var active bool
		err := tx.QueryRowContext(ctx, "SELECT deactivated_at IS NULL FROM users WHERE id = $1", userID).Scan(&active)
		if err != nil {
			return notFound(err)
		}
		if !active {
			return ErrInactive
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM password_resets WHERE user_id = $1", userID); err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, "INSERT INTO password_resets (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
			tokenHash, userID, ts(now), ts(expires))
		return err
	})
}

// PasswordResetUser returns the user a reset link is for, without using
// it up. Unknown, used, expired at now or of a deactivated user is
// cxm.ErrNotFound.
func (db *DB) PasswordResetUser(ctx context.Context, tokenHash []byte, now time.Time) (cxm.User, error) {
	var u cxm.User
	err := db.readRow(ctx, "SELECT "+userCols+` FROM password_resets p JOIN users u ON u.id = p.user_id
		WHERE p.token_hash = $1 AND p.expires_at > $2 AND u.deactivated_at IS NULL`, []any{tokenHash, ts(now)},
		func(sc scanner) error { return scanUser(sc, &u) })
	if err != nil {
		return cxm.User{}, notFound(err)
	}
	return u, nil
}

// UsePasswordReset uses up a reset link and sets the new password hash in
// one transaction: the link is deleted, every session of the user ends,
// and only one of several concurrent callers succeeds. Unknown, used,
// expired at now or of a deactivated user is cxm.ErrNotFound (an expired
// link is deleted all the same).
func (db *DB) UsePasswordReset(ctx context.Context, tokenHash []byte, now time.Time, hash string) (cxm.User, error) {
	var u cxm.User
	var expired bool
	err := db.tx(ctx, func(tx *sql.Tx) error {
		var userID int64
		var expires time.Time
		err := tx.QueryRowContext(ctx, "DELETE FROM password_resets WHERE token_hash = $1 RETURNING user_id, expires_at", tokenHash).
			Scan(&userID, (*timeCol)(&expires))
		if err != nil {
			return notFound(err)
		}
		if !expires.After(now) {
			expired = true
			return nil // commit the deletion
		}
		if err := scanUser(tx.QueryRowContext(ctx, "SELECT "+userCols+" FROM users u WHERE u.id = $1", userID), &u); err != nil {
			return err
		}
		if !u.Active {
			return cxm.ErrNotFound
		}
		return setPasswordTx(ctx, tx, userID, hash, nil)
	})
	if err == nil && expired {
		err = cxm.ErrNotFound
	}
	if err != nil {
		return cxm.User{}, err
	}
	return u, nil
}

// txExecOne runs a write in tx that must change a row; none is
// cxm.ErrNotFound.
func txExecOne(ctx context.Context, tx *sql.Tx, query string, args ...any) error {
	res, err := tx.ExecContext(ctx, query, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return cxm.ErrNotFound
	}
	return nil
}
