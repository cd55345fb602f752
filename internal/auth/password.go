// Package auth holds what signing in needs and HTTP does not: password
// hashing, the common-password check, TOTP codes, rate limits and session
// ids and cookies.
package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
	SaltLen uint32
}

// DefaultParams are what new hashes use: OWASP's minimum for argon2id
// (19 MiB, two passes, one lane). A hash made with less is re-made at the
// next sign-in.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

// Password length limits. The upper bound only keeps a request from making
// the server hash megabytes; it is far above what people type.
const (
	MinPasswordLen = 10
	MaxPasswordLen = 1024
)

// Hash returns the PHC string of password under p:
// $argon2id$v=19$m=19456,t=2,p=1$SALT$KEY.
func Hash(password string, p Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	enc := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads,
		enc.EncodeToString(salt), enc.EncodeToString(key)), nil
}

// ErrMalformedHash is returned for a stored hash this package cannot read.
var ErrMalformedHash = errors.New("malformed password hash")

// Decode reads the parameters, salt and key of a PHC string.
func Decode(encoded string) (Params, []byte, []byte, error) {
	var p Params
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return p, nil, nil, ErrMalformedHash
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return p, nil, nil, ErrMalformedHash
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil || p.Time == 0 || p.Threads == 0 {
		return p, nil, nil, ErrMalformedHash
	}
	enc := base64.RawStdEncoding
	salt, err := enc.DecodeString(parts[4])
	if err != nil {
		return p, nil, nil, ErrMalformedHash
	}
	key, err := enc.DecodeString(parts[5])
	if err != nil || len(key) == 0 {
		return p, nil, nil, ErrMalformedHash
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, nil
}

// Verify reports whether password matches the PHC string encoded, and
// whether the hash is weaker than want and should be re-made now that the
// password is known.
func Verify(password, encoded string, want Params) (ok, rehash bool, err error) {
	p, salt, key, err := Decode(encoded)
	if err != nil {
		return false, false, err
	}
	if len(password) > MaxPasswordLen {
		return false, false, nil
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	if subtle.ConstantTimeCompare(got, key) != 1 {
		return false, false, nil
	}
	weaker := p.Memory < want.Memory || p.Time < want.Time || p.KeyLen < want.KeyLen || p.SaltLen < want.SaltLen
	return true, weaker, nil
}

// VerifyNothing spends the time of verifying a password hashed with p, and
// fails: the answer for an unknown e-mail address takes as long as for a
// known one.
func VerifyNothing(password string, p Params) {
	salt := make([]byte, p.SaltLen)
	argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
}

// CheckLength says whether a new password has an acceptable length, in
// characters.
func CheckLength(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < MinPasswordLen:
		return magazine.FieldError("password", "Use at least %d characters; a few words you will remember make a good password.", MinPasswordLen)
	case len(password) > MaxPasswordLen:
		return magazine.FieldError("password", "Use at most %d characters.", MaxPasswordLen)
	}
	return nil
}

// GeneratePassword returns a random password of 128 bits, in groups of
// letters and digits that are easy to read out and type.
func GeneratePassword() string {
	t := rand.Text() // 26 characters of base32
	return strings.Join([]string{t[0:5], t[5:10], t[10:15], t[15:20], t[20:26]}, "-")
}
