package auth

import (
	"crypto/subtle"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/hotp"
	"github.com/pquerna/otp/totp"
)

// totpPeriod is the life of one TOTP code, in seconds, as authenticator
// apps expect.
const totpPeriod = 30

// NewTOTPKey makes a secret for an authenticator app. The key's URL is what
// the app scans (otpauth://...), its Secret what is stored.
func NewTOTPKey(issuer, account string) (*otp.Key, error) {
	return totp.Generate(totp.GenerateOpts{Issuer: issuer, AccountName: account, Period: totpPeriod})
}

// TOTPStep checks a six-digit code against secret at now, allowing one step
// of clock drift either way, and returns the time step it belongs to. The
// caller records the step (store.UseTOTPStep) so that a code is accepted
// once only.
func TOTPStep(secret, code string, now time.Time) (step int64, ok bool) {
	code = strings.Join(strings.Fields(code), "")
	if len(code) != 6 {
		return 0, false
	}
	current := now.Unix() / totpPeriod
	opts := hotp.ValidateOpts{Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	for _, s := range []int64{current - 1, current, current + 1} {
		want, err := hotp.GenerateCodeCustom(secret, uint64(s), opts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// TOTPCode returns the code of secret at t, for tests and the demo.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCode(secret, t)
}
