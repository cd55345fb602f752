package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"time"
)

// Session cookie names. internal/server treats a request with either as
// signed in, so such pages are never cached for others.
const (
	CookieName       = "masthead_session"
	SecureCookieName = "__Host-masthead_session"
	// Readers have their own cookie: a reader's session and a member of
	// staff's are different things, and one browser can hold both.
	ReaderCookieName       = "masthead_reader"
	SecureReaderCookieName = "__Host-masthead_reader"
	// Device cookies mark a browser that has signed in to an account
	// before (see Lockout). They are no session: a page is cached for a
	// browser that has one and no session cookie.
	DeviceCookieName             = "masthead_device"
	SecureDeviceCookieName       = "__Host-masthead_device"
	ReaderDeviceCookieName       = "masthead_reader_device"
	SecureReaderDeviceCookieName = "__Host-masthead_reader_device"
)

// NewToken returns a new random token (256 bits) for a cookie or a link,
// and its hash for the database.
func NewToken() (token, hash string) {
	var b [32]byte
	rand.Read(b[:])
	token = base64.RawURLEncoding.EncodeToString(b[:])
	return token, HashToken(token)
}

// HashToken is what the database keeps of a token: a stolen copy of the
// table signs nobody in and resets no password.
func HashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSessionID returns a new session id and its hash.
func NewSessionID() (id, hash string) { return NewToken() }

// HashSessionID is the hash of a session id.
func HashSessionID(id string) string { return HashToken(id) }

// Cookies writes and reads the session cookie. Over HTTPS the cookie is
// Secure and carries the __Host- prefix, which browsers accept only from a
// secure origin, for the whole host and no subdomain.
type Cookies struct {
	HTTPS  bool
	Reader bool // the reader's cookie, not staff's
	Device bool // the device cookie, not the session's
}

// Name is the cookie's name.
func (c Cookies) Name() string {
	switch {
	case c.Device && c.Reader && c.HTTPS:
		return SecureReaderDeviceCookieName
	case c.Device && c.Reader:
		return ReaderDeviceCookieName
	case c.Device && c.HTTPS:
		return SecureDeviceCookieName
	case c.Device:
		return DeviceCookieName
	case c.Reader && c.HTTPS:
		return SecureReaderCookieName
	case c.Reader:
		return ReaderCookieName
	case c.HTTPS:
		return SecureCookieName
	}
	return CookieName
}

// Set gives the browser session id for ttl. Max-Age, not Expires: it does
// not depend on the browser's clock agreeing with the server's.
func (c Cookies) Set(w http.ResponseWriter, id string, ttl time.Duration) {
	http.SetCookie(w, &http.Cookie{
		Name: c.Name(), Value: id, Path: "/", MaxAge: int(ttl.Seconds()),
		HttpOnly: true, Secure: c.HTTPS, SameSite: http.SameSiteLaxMode,
	})
}

// Clear tells the browser to forget the session.
func (c Cookies) Clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: c.Name(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true, Secure: c.HTTPS, SameSite: http.SameSiteLaxMode})
}

// Read returns the session id the request carries, or "".
func (c Cookies) Read(r *http.Request) string {
	ck, err := r.Cookie(c.Name())
	if err != nil || len(ck.Value) != 43 {
		return ""
	}
	return ck.Value
}
