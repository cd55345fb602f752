package admin

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// wrongCredentials is the one answer to a failed sign-in, whether the
// address is unknown, the account inactive or the password wrong.
const wrongCredentials = "The e-mail address or the password is not right."

const tooManyAttempts = "Too many sign-in attempts. Wait a few minutes, then try again.\n"

func (a *Admin) signInPage(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	if _, err := a.session(r.Context(), r, store.StageFull); err == nil {
		return &httpx.Redirect{URL: "/admin/", Status: http.StatusSeeOther}
	}
	p := a.newPage(nil, "Sign in")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	if r.URL.Query().Get("done") == "password" {
		p.Notice = "Your password is set. Sign in with it."
	}
	return a.render(w, http.StatusOK, "sign_in", p, nil)
}

func (a *Admin) signIn(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	ctx := r.Context()
	typed := r.PostFormValue("email")
	email := magazine.NormalizeEmail(typed)
	password := r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	if !a.ipLimit.Allow(httpx.ClientIP(r)) {
		return tooMany(w)
	}
	p := a.newPage(nil, "Sign in")
	p.Form["email"], p.Form["next"] = typed, next
	if email == "" {
		p.Errors["email"] = "Enter your e-mail address."
	}
	if password == "" {
		p.Errors["password"] = "Enter your password."
	}
	if len(p.Errors) > 0 {
		return a.render(w, http.StatusUnprocessableEntity, "sign_in", p, nil)
	}
	st, cred, err := a.store.StaffByEmail(ctx, email)
	found := err == nil
	if err != nil && !magazine.IsNotFound(err) {
		return err
	}
	// Guesses are limited per account, known or not (the limit must not
	// tell which addresses exist); a browser that signed in to this
	// account before has a budget of its own.
	device := ""
	if found {
		device = a.knownDevice(r, st.ID)
	}
	if !a.lock.Attempt("email:"+email, device) {
		return a.signInLocked(w, r, p, st, cred, found, password)
	}
	if !found {
		auth.VerifyNothing(password, a.params)
	}
	ok := false
	if err == nil {
		var rehash bool
		ok, rehash, err = auth.Verify(password, cred.PasswordHash, a.params)
		if err != nil {
			a.log.ErrorContext(ctx, "unreadable password hash", "staff", st.ID, "err", err)
		}
		ok = ok && st.Active
		if ok && rehash {
			a.upgradeHash(r, st, password)
		}
	}
	if !ok {
		// Logged for whoever watches for password guessing; the answer
		// itself says nothing about the address.
		a.log.WarnContext(ctx, "sign-in refused", "email", email, "ip", httpx.ClientIP(r))
		p.Errors["form"] = wrongCredentials
		return a.render(w, http.StatusUnprocessableEntity, "sign_in", p, nil)
	}
	if cred.TOTPSecret == "" {
		// With a second factor, the code step settles the attempt.
		a.lock.Succeeded("email:"+email, device)
	}
	if cred.TOTPSecret != "" {
		if err := a.startSession(w, r, st.ID, store.StageTOTP, a.cookieHash(r)); err != nil {
			return err
		}
		return &httpx.Redirect{URL: "/admin/sign-in/code?next=" + url.QueryEscape(next), Status: http.StatusSeeOther}
	}
	if err := a.startSession(w, r, st.ID, store.StageFull, a.cookieHash(r)); err != nil {
		return err
	}
	a.trustDevice(w, r, st.ID)
	return &httpx.Redirect{URL: next, Status: http.StatusSeeOther}
}

// upgradeHash re-hashes a password that was hashed with weaker parameters
// than today's. A failure is logged: the sign-in itself succeeded.
func (a *Admin) upgradeHash(r *http.Request, st magazine.Staff, password string) {
	hash, err := auth.Hash(password, a.params)
	if err == nil {
		err = a.store.SetPasswordHash(r.Context(), store.Actor{ID: st.ID, Email: st.Email}, st.ID, hash, false)
	}
	if err != nil {
		a.log.ErrorContext(r.Context(), "upgrade password hash", "staff", st.ID, "err", err)
	}
}

// startSession gives the browser a new session id. Whatever session the
// browser had (replaces) is deleted with it: the id always changes at
// sign-in, so an id planted before cannot ride along.
func (a *Admin) startSession(w http.ResponseWriter, r *http.Request, staffID int64, stage, replaces string) error {
	id, hash := auth.NewSessionID()
	ttl := sessionTTL
	if stage == store.StageTOTP {
		ttl = pendingTTL
	}
	if err := a.store.CreateSession(r.Context(), store.NewSession{IDHash: hash, StaffID: staffID, Stage: stage,
		ExpiresAt: a.now().Add(ttl), IP: httpx.ClientIP(r), UserAgent: r.UserAgent(), Replaces: replaces}); err != nil {
		return err
	}
	a.cookies.Set(w, id, ttl)
	return nil
}

// cookieHash is the hash of the session id the request carries, or "".
func (a *Admin) cookieHash(r *http.Request) string {
	if id := a.cookies.Read(r); id != "" {
		return auth.HashSessionID(id)
	}
	return ""
}

func (a *Admin) codePage(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	if _, err := a.session(r.Context(), r, store.StageTOTP); err != nil {
		return &httpx.Redirect{URL: "/admin/sign-in", Status: http.StatusSeeOther}
	}
	p := a.newPage(nil, "Sign in: code")
	p.Form["next"] = safeNext(r.URL.Query().Get("next"))
	return a.render(w, http.StatusOK, "totp", p, nil)
}

// code is the second step of signing in: the six-digit code of the
// authenticator app. Each code is accepted once.
func (a *Admin) code(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	ctx := r.Context()
	pending, err := a.session(ctx, r, store.StageTOTP)
	if magazine.IsNotFound(err) {
		return &httpx.Redirect{URL: "/admin/sign-in", Status: http.StatusSeeOther}
	} else if err != nil {
		return err
	}
	if !a.ipLimit.Allow(httpx.ClientIP(r)) {
		return tooMany(w)
	}
	next := safeNext(r.PostFormValue("next"))
	p := a.newPage(nil, "Sign in: code")
	p.Form["next"] = next
	device := a.knownDevice(r, pending.Staff.ID)
	if !a.lock.Attempt("email:"+pending.Staff.Email, device) {
		p.Errors["code"] = "This account has had many failed sign-in attempts. Start again from the sign-in page, and enter your password and this code together."
		return a.render(w, http.StatusTooManyRequests, "totp", p, nil)
	}
	cred, err := a.store.StaffCredentials(ctx, pending.Staff.ID)
	if err != nil {
		return err
	}
	step, ok := auth.TOTPStep(cred.TOTPSecret, r.PostFormValue("code"), a.now())
	if ok {
		if ok, err = a.store.UseTOTPStep(ctx, pending.Staff.ID, step); err != nil {
			return err
		}
	}
	if !ok {
		p.Errors["code"] = "That code is not right, or was used already. Enter the code your app shows now."
		return a.render(w, http.StatusUnprocessableEntity, "totp", p, nil)
	}
	if err := a.startSession(w, r, pending.Staff.ID, store.StageFull, pending.IDHash); err != nil {
		return err
	}
	a.lock.Succeeded("email:"+pending.Staff.Email, device)
	a.trustDevice(w, r, pending.Staff.ID)
	return &httpx.Redirect{URL: next, Status: http.StatusSeeOther}
}

func (a *Admin) signOut(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	if err := a.store.DeleteSession(r.Context(), actor(me, r), me.IDHash); err != nil {
		return err
	}
	a.cookies.Clear(w)
	return &httpx.Redirect{URL: "/admin/sign-in", Status: http.StatusSeeOther}
}

func (a *Admin) signOutEverywhere(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	if _, err := a.store.DeleteStaffSessions(r.Context(), actor(me, r), me.Staff.ID); err != nil {
		return err
	}
	a.cookies.Clear(w)
	return &httpx.Redirect{URL: "/admin/sign-in", Status: http.StatusSeeOther}
}

// tooMany answers a request over the rate limit: a plain 429.
func tooMany(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Retry-After", "60")
	w.WriteHeader(http.StatusTooManyRequests)
	_, err := w.Write([]byte(tooManyAttempts))
	return err
}

// safeNext keeps a return address only when it is an admin page of this
// site, so that the sign-in form cannot send anyone elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/admin/") || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") ||
		strings.HasPrefix(next, "/admin/sign-in") {
		return "/admin/"
	}
	return next
}
