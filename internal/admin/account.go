package admin

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"html/template"
	"image/png"
	"net/http"
	"net/url"
	"strings"

	"github.com/pquerna/otp"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type accountData struct {
	// While the second factor is off: a fresh secret to scan.
	TOTPSecret string
	TOTPQR     template.URL // a data: URL of the QR code
}

var accountNotices = map[string]string{
	"password": "Your password was changed.",
	"totp-on":  "Two-step sign-in is on. From now on you will be asked for a code after your password.",
	"totp-off": "Two-step sign-in is off.",
	"needtotp": "This magazine requires two-step sign-in for admins and its owner. Set it up below; until then the rest of the admin stays closed to you.",
}

func (a *Admin) account(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Your account")
	p.Notice = accountNotices[r.URL.Query().Get("done")]
	return a.renderAccount(w, r, http.StatusOK, p, me, "")
}

// renderAccount shows the account page; secret keeps the secret being set
// up when a code was refused, so the app the user just scanned still works.
func (a *Admin) renderAccount(w http.ResponseWriter, r *http.Request, status int, p page, me *store.Session, secret string) error {
	var d accountData
	if !me.Staff.TOTPEnabled {
		pub, err := a.store.Publication(r.Context())
		if err != nil {
			return err
		}
		var key *otp.Key
		if secret != "" {
			key, err = otp.NewKeyFromURL(fmt.Sprintf("otpauth://totp/%s:%s?secret=%s&issuer=%s&period=30",
				url.PathEscape(pub.Name), url.PathEscape(me.Staff.Email), secret, url.PathEscape(pub.Name)))
		} else {
			key, err = auth.NewTOTPKey(pub.Name, me.Staff.Email)
		}
		if err != nil {
			return fmt.Errorf("make TOTP key: %w", err)
		}
		d.TOTPSecret = key.Secret()
		if img, err := key.Image(200, 200); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				d.TOTPQR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
			}
		}
	}
	return a.render(w, status, "account", p, d)
}

func (a *Admin) changePassword(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	p := a.newPage(me, "Your account")
	current, next, confirm := r.PostFormValue("current_password"), r.PostFormValue("new_password"), r.PostFormValue("confirm_password")
	err := a.checkPassword(r, me, current)
	if err != nil {
		err = renameField(err, "password", "current_password")
	}
	if err == nil && next != confirm {
		err = magazine.FieldError("confirm_password", "The two new passwords are not the same.")
	}
	if err == nil {
		err = a.checkNewPassword(r, me.Staff.Email, next)
	}
	if err == nil {
		var hash string
		if hash, err = auth.Hash(next, a.params); err == nil {
			err = a.store.SetPasswordHash(ctx, actor(me, r), me.Staff.ID, hash, true)
		}
	}
	if err == nil {
		err = a.store.DeleteOtherSessions(ctx, me.Staff.ID, me.IDHash)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderAccount(w, r, http.StatusUnprocessableEntity, p, me, "")
		}
		return err
	}
	return &httpx.Redirect{URL: "/admin/account?done=password", Status: http.StatusSeeOther}
}

// checkNewPassword refuses short, long and common passwords, and ones made
// of the person's address or the magazine's name.
func (a *Admin) checkNewPassword(r *http.Request, email, password string) error {
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return err
	}
	local, _, _ := strings.Cut(email, "@")
	return renameField(a.common.Check(password, email, local, pub.Name), "password", "new_password")
}

// enableTOTP turns the second factor on once the user proves their app
// makes the right codes; the code used to prove it is spent.
func (a *Admin) enableTOTP(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	secret := strings.ToUpper(strings.TrimSpace(r.PostFormValue("secret")))
	if me.Staff.TOTPEnabled {
		return &httpx.Redirect{URL: "/admin/account", Status: http.StatusSeeOther}
	}
	step, ok := auth.TOTPStep(secret, r.PostFormValue("code"), a.now())
	if !ok || len(secret) < 16 {
		p := a.newPage(me, "Your account")
		p.Errors["code"] = "That code does not match. Enter the six digits your app shows for this magazine now."
		return a.renderAccount(w, r, http.StatusUnprocessableEntity, p, me, secret)
	}
	if err := a.store.SetTOTPSecret(ctx, actor(me, r), me.Staff.ID, secret); err != nil {
		return err
	}
	if _, err := a.store.UseTOTPStep(ctx, me.Staff.ID, step); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/account?done=totp-on", Status: http.StatusSeeOther}
}

func (a *Admin) disableTOTP(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	if err := a.checkPassword(r, me, r.PostFormValue("password")); err != nil {
		p := a.newPage(me, "Your account")
		if formError(&p, renameField(err, "password", "totp_password")) {
			return a.renderAccount(w, r, http.StatusUnprocessableEntity, p, me, "")
		}
		return err
	}
	if err := a.store.SetTOTPSecret(r.Context(), actor(me, r), me.Staff.ID, ""); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/account?done=totp-off", Status: http.StatusSeeOther}
}

// renameField moves a field error to the field of the form at hand.
func renameField(err error, from, to string) error {
	if e, ok := err.(*magazine.Error); ok && e.Field == from {
		c := *e
		c.Field = to
		return &c
	}
	return err
}
