package admin

import (
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// lockoutNoticeEvery is how often the holder of an account under
// guessing is told of it: once per period, not once per guess.
const lockoutNoticeEvery = time.Hour

// lockedOut is the answer to a browser the account does not know while
// strangers have its guess limit used up. The same for every address.
const lockedOut = "This account has had many failed sign-in attempts, so for now it only accepts its password from a browser that has signed in to it before. " +
	"If your account uses an authenticator app, enter its code below with your password. Otherwise sign in from a browser you have used before, or try again in an hour."

// knownDevice returns the hash of the request's device cookie when it is
// bound to staff member staffID, else "".
func (a *Admin) knownDevice(r *http.Request, staffID int64) string {
	id := a.devices.Read(r)
	if id == "" || staffID == 0 {
		return ""
	}
	hash := auth.HashToken(id)
	d, err := a.store.DeviceByHash(r.Context(), hash)
	if err != nil {
		if !magazine.IsNotFound(err) {
			a.log.ErrorContext(r.Context(), "read device cookie", "err", err)
		}
		return ""
	}
	if d.StaffID != staffID {
		return ""
	}
	return hash
}

// trustDevice marks this browser as one that has signed in as staffID,
// for DeviceTTL from now. A failure is logged: the sign-in succeeded.
func (a *Admin) trustDevice(w http.ResponseWriter, r *http.Request, staffID int64) {
	id := a.devices.Read(r)
	hash := a.knownDevice(r, staffID)
	if hash == "" {
		id, hash = auth.NewToken()
	}
	if err := a.store.TrustDevice(r.Context(), store.Device{IDHash: hash, StaffID: staffID, ExpiresAt: a.now().Add(auth.DeviceTTL)}); err != nil {
		a.log.ErrorContext(r.Context(), "trust device", "staff", staffID, "err", err)
		return
	}
	a.devices.Set(w, id, auth.DeviceTTL)
}

// signInLocked answers a sign-in to an account out of guesses, from a
// browser it does not know. The password alone is not even checked, so
// guessing learns nothing; with the authenticator's code as well, both
// right sign in. The holder hears of the lockout by e-mail.
func (a *Admin) signInLocked(w http.ResponseWriter, r *http.Request, p page, st magazine.Staff, cred store.Credentials, found bool, password string) error {
	ctx := r.Context()
	email := magazine.NormalizeEmail(r.PostFormValue("email"))
	a.log.WarnContext(ctx, "sign-in refused: account locked for unknown browsers", "email", email, "ip", httpx.ClientIP(r))
	if found && st.Active && a.lock.Notify("email:"+email) {
		a.sendLockoutNotice(r, st)
	}
	if code := r.PostFormValue("code"); code != "" {
		ok := false
		if found {
			ok, _, _ = auth.Verify(password, cred.PasswordHash, a.params)
		} else {
			auth.VerifyNothing(password, a.params)
		}
		if ok && st.Active && cred.TOTPSecret != "" {
			if step, good := auth.TOTPStep(cred.TOTPSecret, code, a.now()); good {
				used, err := a.store.UseTOTPStep(ctx, st.ID, step)
				if err != nil {
					return err
				}
				if used {
					if err := a.startSession(w, r, st.ID, store.StageFull, a.cookieHash(r)); err != nil {
						return err
					}
					a.trustDevice(w, r, st.ID)
					return &httpx.Redirect{URL: safeNext(r.PostFormValue("next")), Status: http.StatusSeeOther}
				}
			}
		}
	}
	p.Form["locked"] = "1"
	p.Errors["form"] = lockedOut
	w.Header().Set("Retry-After", "3600")
	return a.render(w, http.StatusTooManyRequests, "sign_in", p, nil)
}

// sendLockoutNotice tells a member of staff that their account is under
// guessing. A failure is logged: the answer to the request is the same.
func (a *Admin) sendLockoutNotice(r *http.Request, st magazine.Staff) {
	ctx := r.Context()
	pub, err := a.store.Publication(ctx)
	if err == nil {
		var m store.Mail
		m, err = a.mail.Render("staff_lockout", st.Email, mailData{Publication: pub.Name, Name: st.DisplayName(),
			SignIn: a.baseURL + "/admin/sign-in", Link: a.baseURL + "/admin/password-reset"})
		if err == nil {
			_, err = a.store.EnqueueMail(ctx, m)
		}
	}
	if err != nil {
		a.log.ErrorContext(ctx, "queue lockout notice", "staff", st.ID, "err", err)
		return
	}
	if a.mailQueued != nil {
		a.mailQueued(ctx)
	}
}
