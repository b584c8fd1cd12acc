package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/cxmhq/cxm"
)

// Drafts are sealed: AES-256-GCM under a key derived from the invitation's
// token, which the database never holds (only its SHA-256), so a reader of
// the files or a backup sees a draft's size and nothing else. The
// invitation id is the additional data: a sealed draft moved to another
// invitation does not open.

// DraftKey is the key that seals the drafts of the invitation whose token
// this is: HMAC-SHA256(token, "cxm draft").
func DraftKey(token string) []byte {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte("cxm draft"))
	return m.Sum(nil)
}

// ErrDraftKey is a draft that does not open with the key given.
var ErrDraftKey = errors.New("the draft does not open with this invitation's key")

func draftAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, errors.New("a draft key is 32 bytes")
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func draftAD(invitationID int64) []byte {
	return binary.BigEndian.AppendUint64([]byte("cxm draft "), uint64(invitationID))
}

// sealDraft is nonce || ciphertext of d's JSON.
func sealDraft(key []byte, invitationID int64, d cxm.Draft) ([]byte, error) {
	aead, err := draftAEAD(key)
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, draftAD(invitationID)), nil
}

func openDraft(key []byte, invitationID int64, sealed []byte) (cxm.Draft, error) {
	aead, err := draftAEAD(key)
	if err != nil {
		return cxm.Draft{}, err
	}
	if len(sealed) < aead.NonceSize() {
		return cxm.Draft{}, ErrDraftKey
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], draftAD(invitationID))
	if err != nil {
		return cxm.Draft{}, ErrDraftKey
	}
	var d cxm.Draft
	if err := json.Unmarshal(plain, &d); err != nil {
		return cxm.Draft{}, fmt.Errorf("invitation %d: stored draft: %w", invitationID, err)
	}
	return d, nil
}

// SaveDraft keeps what a respondent has answered so far, sealed with key
// (DraftKey of their token), replacing the previous draft. The draft
// belongs to the open invitation and goes with it when it is used. An
// unknown invitation is cxm.ErrNotFound; a used one is cxm.ErrConflict
// (nothing is kept after submission).
func (db *DB) SaveDraft(ctx context.Context, invitationID int64, key []byte, d cxm.Draft) error {
	sealed, err := sealDraft(key, invitationID, d)
	if err != nil {
		return err
	}
	return db.withWriter(ctx, func() error {
		res, err := db.w.ExecContext(ctx, `INSERT INTO drafts (invitation_id, sealed, legacy)
			SELECT $1, $2, NULL WHERE EXISTS (SELECT 1 FROM open_invitations WHERE invitation_id = $1)
			ON CONFLICT (invitation_id) DO UPDATE SET sealed = excluded.sealed, legacy = NULL`, invitationID, sealed)
		if isForeignKeyViolation(err) {
			return cxm.ErrConflict // used while this was being saved
		}
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil || n == 1 {
			return err
		}
		var n int
		if err := db.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM invitations WHERE id = $1", invitationID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return cxm.ErrNotFound
		}
		return cxm.ErrConflict
	})
}

// Draft returns an invitation's draft, opened with key; none is
// cxm.ErrNotFound, a wrong key ErrDraftKey. A draft saved before drafts
// were sealed (migration 0004) is returned as it is.
func (db *DB) Draft(ctx context.Context, invitationID int64, key []byte) (cxm.Draft, error) {
	var sealed []byte
	var legacy sql.NullString
	err := db.readRow(ctx, "SELECT sealed, legacy FROM drafts WHERE invitation_id = $1", []any{invitationID},
		func(sc scanner) error { return sc.Scan(&sealed, &legacy) })
	if err != nil {
		return cxm.Draft{}, notFound(err)
	}
	if legacy.Valid {
		var d cxm.Draft
		if err := json.Unmarshal([]byte(legacy.String), &d); err != nil {
			return cxm.Draft{}, fmt.Errorf("invitation %d: stored draft: %w", invitationID, err)
		}
		return d, nil
	}
	if len(sealed) == 0 {
		return cxm.Draft{}, cxm.ErrNotFound
	}
	return openDraft(key, invitationID, sealed)
}
