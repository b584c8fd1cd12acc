package server

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"fmt"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password rule (NIST SP 800-63B): a length counted in characters, not
// bytes, and no password from a list of common ones.
const (
	MinPasswordLength = 12  // characters (runes)
	MaxPasswordLength = 256 // characters
)

// commonPasswordsGz is zxcvbn's list of the 47,023 most common passwords
// (lowercased, one a line); docs/design.md says where it comes from.
//
//go:embed commonpasswords.txt.gz
var commonPasswordsGz []byte

// commonPasswords is the list as a set, read on first use: a process that
// sets no password never pays for it.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	zr, err := gzip.NewReader(bytes.NewReader(commonPasswordsGz))
	if err != nil {
		panic("server: the embedded password list is corrupt: " + err.Error())
	}
	set := make(map[string]struct{}, 47100)
	sc := bufio.NewScanner(zr)
	for sc.Scan() {
		set[sc.Text()] = struct{}{}
	}
	if sc.Err() != nil {
		panic("server: the embedded password list is corrupt: " + sc.Err().Error())
	}
	return set
})

// isCommonPassword reports whether p is on the list, in any case.
func isCommonPassword(p string) bool {
	_, ok := commonPasswords()[strings.ToLower(strings.TrimSpace(p))]
	return ok
}

// CheckPasswordRule says what is wrong with a new password, in words for
// the person choosing it; nil when it is acceptable.
func CheckPasswordRule(p string) error {
	if msg := textProblem(p); msg != "" {
		return fmt.Errorf("the password %s", msg)
	}
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLength {
		return fmt.Errorf("a password needs at least %d characters; this one has %d", MinPasswordLength, n)
	}
	if n > MaxPasswordLength {
		return fmt.Errorf("a password may have at most %d characters; this one has %d", MaxPasswordLength, n)
	}
	if isCommonPassword(p) {
		return fmt.Errorf("this password is on the list of common passwords that attackers try first: choose another")
	}
	return nil
}
