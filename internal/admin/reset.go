package admin

import (
	"net/http"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Lives of the links sent by e-mail.
const (
	resetTTL  = time.Hour
	inviteTTL = 7 * 24 * time.Hour
)

// resetSent is the one answer to a reset request, whether or not the
// address has an account.
const resetSent = "If %s belongs to a staff account, a message with a link to set a new password is on its way. The link works once, for an hour."

func (a *Admin) resetPage(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	return a.render(w, http.StatusOK, "reset", a.newPage(nil, "Forgotten password"), nil)
}

// requestReset mails a link to set a new password. The answer is the same
// for every address; only the mailbox of a real account gets a message.
func (a *Admin) requestReset(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	ctx := r.Context()
	typed := r.PostFormValue("email")
	email := magazine.NormalizeEmail(typed)
	if !a.ipLimit.Allow(httpx.ClientIP(r)) || !a.accountLimit.Allow("reset:"+email) {
		return tooMany(w)
	}
	p := a.newPage(nil, "Forgotten password")
	p.Form["email"] = typed
	if err := magazine.ValidateEmail(email); err != nil {
		formError(&p, err)
		return a.render(w, http.StatusUnprocessableEntity, "reset", p, nil)
	}
	st, _, err := a.store.StaffByEmail(ctx, email)
	switch {
	case err == nil && st.Active:
		if err := a.sendLink(r, st, store.TokenReset, "staff_reset", nil); err != nil {
			return err
		}
	case err != nil && !magazine.IsNotFound(err):
		return err
	}
	p.Form["email"] = ""
	p.Notice = strings.Replace(resetSent, "%s", email, 1)
	return a.render(w, http.StatusOK, "reset", p, nil)
}

// mailData is what the staff messages show.
type mailData struct {
	Publication, Name, Link, SignIn, Inviter, Role string
}

// newLink makes a one-use link and the message that carries it.
func (a *Admin) newLink(r *http.Request, st magazine.Staff, purpose, template string, inviter *store.Session) (store.StaffToken, store.Mail, error) {
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return store.StaffToken{}, store.Mail{}, err
	}
	token, hash := auth.NewToken()
	ttl := resetTTL
	if purpose == store.TokenInvite {
		ttl = inviteTTL
	}
	d := mailData{Publication: pub.Name, Name: st.DisplayName(), Link: a.baseURL + "/admin/password-reset/" + token,
		SignIn: a.baseURL + "/admin/sign-in", Role: string(st.Role)}
	if inviter != nil {
		d.Inviter = inviter.Staff.DisplayName()
	}
	m, err := a.mail.Render(template, st.Email, d)
	return store.StaffToken{IDHash: hash, Purpose: purpose, ExpiresAt: a.now().Add(ttl)}, m, err
}

func (a *Admin) sendLink(r *http.Request, st magazine.Staff, purpose, template string, inviter *store.Session) error {
	tok, m, err := a.newLink(r, st, purpose, template, inviter)
	if err != nil {
		return err
	}
	return a.store.CreateStaffToken(r.Context(), st.ID, tok, m)
}

type setPasswordData struct {
	Staff  magazine.Staff
	Invite bool
}

// setPasswordPage is where the link of a reset or an invitation leads.
func (a *Admin) setPasswordPage(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	return a.renderSetPassword(w, r, http.StatusOK, a.newPage(nil, "Choose a password"))
}

func (a *Admin) renderSetPassword(w http.ResponseWriter, r *http.Request, status int, p page) error {
	// The token is in the address: no page it leads to should learn it.
	w.Header().Set("Referrer-Policy", "no-referrer")
	st, purpose, err := a.store.StaffByToken(r.Context(), auth.HashToken(r.PathValue("token")))
	if magazine.IsNotFound(err) {
		return a.render(w, http.StatusNotFound, "link_expired", a.newPage(nil, "Link expired"), nil)
	} else if err != nil {
		return err
	}
	return a.render(w, status, "set_password", p, setPasswordData{Staff: st, Invite: purpose == store.TokenInvite})
}

func (a *Admin) setPassword(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	ctx := r.Context()
	if !a.ipLimit.Allow(httpx.ClientIP(r)) {
		return tooMany(w)
	}
	hash := auth.HashToken(r.PathValue("token"))
	st, _, err := a.store.StaffByToken(ctx, hash)
	if magazine.IsNotFound(err) {
		return a.renderSetPassword(w, r, http.StatusNotFound, page{})
	} else if err != nil {
		return err
	}
	next, confirm := r.PostFormValue("new_password"), r.PostFormValue("confirm_password")
	err = a.checkNewPassword(r, st.Email, next)
	if err == nil && next != confirm {
		err = magazine.FieldError("confirm_password", "The two passwords are not the same.")
	}
	var pwHash string
	if err == nil {
		pwHash, err = auth.Hash(next, a.params)
	}
	if err == nil {
		_, err = a.store.UseStaffToken(ctx, hash, pwHash, httpx.ClientIP(r))
	}
	if err != nil {
		p := a.newPage(nil, "Choose a password")
		if magazine.IsNotFound(err) || !formError(&p, err) {
			return err
		}
		return a.renderSetPassword(w, r, http.StatusUnprocessableEntity, p)
	}
	return &httpx.Redirect{URL: "/admin/sign-in?done=password", Status: http.StatusSeeOther}
}
