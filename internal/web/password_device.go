package web

import (
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// lockoutNoticeEvery is how often a reader whose password is being
// guessed is told of it.
const lockoutNoticeEvery = time.Hour

// passwordLocked is the answer to a password from a device the account
// does not know while strangers have its guesses used up. The same for
// every address; the e-mailed link still works.
const passwordLocked = "This account has had many failed password attempts, so for now it only accepts its password on a device that has signed in to it before. " +
	"Have a sign-in link e-mailed to you instead (above), or try again in an hour."

// knownDevice returns the hash of the request's device cookie when it is
// bound to reader readerID, else "".
func (s *Site) knownDevice(r *http.Request, readerID int64) string {
	id := s.devices.Read(r)
	if id == "" || readerID == 0 {
		return ""
	}
	hash := auth.HashToken(id)
	d, err := s.store.DeviceByHash(r.Context(), hash)
	if err != nil {
		if !magazine.IsNotFound(err) {
			s.log.ErrorContext(r.Context(), "read device cookie", "err", err)
		}
		return ""
	}
	if d.ReaderID != readerID {
		return ""
	}
	return hash
}

// trustDevice marks this browser as one that has signed in as the reader,
// whether by link or by password. A failure is logged: the sign-in
// succeeded.
func (s *Site) trustDevice(w http.ResponseWriter, r *http.Request, readerID int64) {
	id := s.devices.Read(r)
	hash := s.knownDevice(r, readerID)
	if hash == "" {
		id, hash = auth.NewToken()
	}
	if err := s.store.TrustDevice(r.Context(), store.Device{IDHash: hash, ReaderID: readerID, ExpiresAt: s.now().Add(auth.DeviceTTL)}); err != nil {
		s.log.ErrorContext(r.Context(), "trust device", "reader", readerID, "err", err)
		return
	}
	s.devices.Set(w, id, auth.DeviceTTL)
}

// sendLockoutNotice tells a reader their password is being guessed. A
// failure is logged: the answer to the request is the same.
func (s *Site) sendLockoutNotice(r *http.Request, reader store.Reader) {
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err == nil {
		var m store.Mail
		m, err = s.mail.Render("reader_lockout", reader.Email, map[string]any{"Publication": pub.Name, "Name": reader.Name,
			"Link": s.abs("/sign-in")})
		if err == nil {
			_, err = s.store.EnqueueMail(ctx, m)
		}
	}
	if err != nil {
		s.log.ErrorContext(ctx, "queue lockout notice", "reader", reader.ID, "err", err)
		return
	}
	if s.mailQueued != nil {
		s.mailQueued(ctx)
	}
}
