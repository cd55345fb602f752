package auth

import "time"

// DeviceTTL is how long a browser stays known to an account after it
// signed in (its device cookie).
const DeviceTTL = 180 * 24 * time.Hour

// Lockout limits password guesses per account without letting strangers
// lock the holder out, after OWASP's device cookies: attempts from a
// client the account does not know spend the account's budget; a client
// that has signed in to it before (its device cookie, bound to the
// account) spends a budget of its own, so it gets in with the right
// password however many strangers guess. A device cookie that fails too
// often is locked out itself, and then counts as a stranger.
type Lockout struct {
	account *Limiter
	device  *Limiter
	notice  *Limiter
}

// NewLockout gives each account, and each device, burst attempts and one
// more every every; the holder is told of a lockout at most once per
// noticeEvery.
func NewLockout(burst int, every, noticeEvery time.Duration, now func() time.Time) *Lockout {
	return &Lockout{
		account: NewLimiter(burst, every, 50_000, now),
		device:  NewLimiter(burst, every, 50_000, now),
		notice:  NewLimiter(1, noticeEvery, 50_000, now),
	}
}

// Attempt spends one sign-in attempt on account and reports whether it may
// go ahead. device is the hash of the client's device cookie when that
// cookie is bound to this account, else "".
func (l *Lockout) Attempt(account, device string) bool {
	if device != "" && l.device.Allow(device) {
		return true
	}
	return l.account.Allow(account)
}

// Succeeded gives back the attempt a right password spent: only failures
// count, so a holder who signs in often is not locked out by it.
func (l *Lockout) Succeeded(account, device string) {
	if device != "" {
		l.device.Refund(device)
		return
	}
	l.account.Refund(account)
}

// Notify reports whether the holder of a locked account should be told
// now: once per notice period, not once per guess.
func (l *Lockout) Notify(account string) bool {
	return l.notice.Allow(account)
}
