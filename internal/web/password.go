package web

import (
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// A password is optional for readers: the e-mailed link always works, and
// a reader who prefers may add a password on the account page once their
// address is proven.

const wrongPassword = "That e-mail address and password do not match. Check the password, or have a sign-in link e-mailed to you instead."

// signInWithPassword checks an address and password. Unknown addresses,
// accounts without a password and wrong passwords get the same answer,
// after the same work.
func (s *Site) signInWithPassword(w http.ResponseWriter, r *http.Request) error {
	email := strings.TrimSpace(r.PostFormValue("email"))
	password := r.PostFormValue("password")
	data := signInPage{Mode: "sign_in", Email: email, Return: localPath(r.PostFormValue("return"))}
	normalized, err := store.NormalizeEmail(email)
	if err != nil {
		data.PasswordError = magazine.ErrorMessage(err)
		return s.renderSignIn(w, r, http.StatusBadRequest, data)
	}
	if !s.ipLimit.Allow(httpx.ClientIP(r)) {
		data.PasswordError = "Too many attempts. Wait a few minutes, then try again."
		return s.renderSignIn(w, r, http.StatusTooManyRequests, data)
	}
	ctx := r.Context()
	reader, hash, err := s.store.ReaderPassword(ctx, normalized)
	if err != nil && !magazine.IsNotFound(err) {
		return err
	}
	// Guesses are limited per address, known or not; a device that
	// signed in to this account before has a budget of its own.
	device := s.knownDevice(r, reader.ID)
	if !s.pwLock.Attempt(normalized, device) {
		if hash != "" && s.pwLock.Notify(normalized) {
			s.sendLockoutNotice(r, reader)
		}
		s.log.InfoContext(ctx, "reader password sign-in refused: locked for unknown devices", "ip", httpx.ClientIP(r))
		data.PasswordError = passwordLocked
		return s.renderSignIn(w, r, http.StatusTooManyRequests, data)
	}
	if len(password) > auth.MaxPasswordLen {
		data.PasswordError = wrongPassword
		return s.renderSignIn(w, r, http.StatusUnauthorized, data)
	}
	ok, weaker := false, false
	if hash == "" {
		auth.VerifyNothing(password, auth.DefaultParams)
	} else if ok, weaker, err = auth.Verify(password, hash, auth.DefaultParams); err != nil {
		return err
	}
	if !ok {
		s.log.InfoContext(ctx, "reader password sign-in refused", "ip", httpx.ClientIP(r))
		data.PasswordError = wrongPassword
		return s.renderSignIn(w, r, http.StatusUnauthorized, data)
	}
	rehash := ""
	if weaker {
		if rehash, err = auth.Hash(password, auth.DefaultParams); err != nil {
			return err
		}
	}
	if err := s.store.SignInWithPassword(ctx, reader, rehash, s.newSession(w, r)); err != nil {
		return err
	}
	s.pwLock.Succeeded(normalized, device)
	s.trustDevice(w, r, reader.ID)
	target := "/account?signed_in=1"
	if data.Return != "" {
		target = data.Return
	}
	return &httpx.Redirect{URL: target, Status: http.StatusSeeOther}
}

// setPassword adds, changes or removes the signed-in reader's password.
// A change or removal needs the current password; every other session of
// the reader ends.
func (s *Site) setPassword(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	refuse := func(msg string) error {
		return s.renderAccount(w, r, http.StatusBadRequest, accountPage{PasswordError: msg})
	}
	if rs.Reader.VerifiedAt.IsZero() {
		return refuse("Confirm your address first: send yourself a sign-in link and open it.")
	}
	ctx := r.Context()
	if rs.Reader.HasPassword {
		_, hash, err := s.store.ReaderPassword(ctx, rs.Reader.Email)
		if err != nil {
			return err
		}
		if ok, _, err := auth.Verify(r.PostFormValue("current_password"), hash, auth.DefaultParams); err != nil {
			return err
		} else if !ok {
			return refuse("Your current password is not right.")
		}
	}
	hash, done := "", "password_removed"
	if r.PostFormValue("action") != "remove" {
		password := r.PostFormValue("new_password")
		if err := auth.CheckLength(password); err != nil {
			return refuse(magazine.ErrorMessage(err))
		}
		local, _, _ := strings.Cut(rs.Reader.Email, "@")
		pub, err := s.store.Publication(ctx)
		if err != nil {
			return err
		}
		if err := s.common.Check(password, rs.Reader.Email, local, rs.Reader.Name, pub.Name); err != nil {
			return refuse(magazine.ErrorMessage(err))
		}
		if hash, err = auth.Hash(password, auth.DefaultParams); err != nil {
			return err
		}
		done = "password_set"
	}
	if err := s.store.SetReaderPassword(ctx, rs.Reader.ID, hash, rs.IDHash); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/account?" + done + "=1", Status: http.StatusSeeOther}
}
