package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/cxmhq/cxm"
	"golang.org/x/crypto/argon2"
)

// NewToken returns a random token of 256 bits, URL-safe. Tokens are the only
// credential of respondents, sessions and scripts.
func NewToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken is what is stored for a token. Tokens carry 256 random bits, so
// a fast hash is enough: there is nothing to guess.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Password hashing: argon2id with the parameters RFC 9106 recommends for
// memory-constrained settings, encoded in the PHC string format so the
// parameters can change later without breaking stored hashes.
const (
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	argonKeyLen  = 32
)

// HashPassword returns the PHC-encoded argon2id hash of password, which
// must pass CheckPasswordRule. It takes 64 MiB for a moment: the server
// calls it through its hashLimiter.
func HashPassword(password string) (string, error) {
	if err := CheckPasswordRule(password); err != nil {
		return "", err
	}
	return hashPassword(password), nil
}

func hashPassword(password string) string {
	salt := make([]byte, 16)
	rand.Read(salt)
	key := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key))
}

// CheckPassword reports whether password matches a hash from HashPassword.
func CheckPassword(hash, password string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var mem, t uint32
	var threads uint8
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &t, &threads); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(key) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, mem, threads, uint32(len(key)))
	return subtle.ConstantTimeCompare(got, key) == 1
}

// dummyHash is checked against when a login names no user, so that the
// answer takes as long as for a real user and does not reveal who exists.
// It is made on first use, not at package load: every cxm process, even
// cxm --version, would pay 64 MiB and a fifth of a second for it.
var dummyHash = sync.OnceValue(func() string { return hashPassword("not a password of anyone") })

// principal is who makes a request: a user by session cookie or by bearer
// token.
type principal struct {
	user    cxm.User
	session bool   // by cookie: state changes need the CSRF token
	csrf    string // the session's CSRF token
}

// sessionCookie names the cookie holding a browser's session token.
const sessionCookie = "cxm_session"

func subtleEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

type ctxKey int

const principalKey ctxKey = 0

func withPrincipal(ctx context.Context, p *principal) context.Context {
	return context.WithValue(ctx, principalKey, p)
}

func principalFrom(ctx context.Context) *principal {
	p, _ := ctx.Value(principalKey).(*principal)
	return p
}

var errNoCredentials = errors.New("no credentials")
