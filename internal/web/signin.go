package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// signInPage is the data of the sign-in, sign-up and link pages.
type signInPage struct {
	Page   Page
	Mode   string // sign_in, sign_up, sent, confirm, bad_link
	Email  string
	Name   string
	Return string
	Error  string // for the e-mail field
	// PasswordError is for the password form.
	PasswordError string
	Message       string
	Token         string
	Purpose       string
	Deadline      string
}

func (s *Site) renderSignIn(w http.ResponseWriter, r *http.Request, status int, data signInPage) error {
	titles := map[string]string{"sign_in": "Sign in", "sign_up": "Create an account", "sent": "Check your e-mail",
		"confirm": "Confirm", "bad_link": "This link cannot be used"}
	page, err := s.readerPage(r.Context(), r, titles[data.Mode], nil)
	if err != nil {
		return err
	}
	data.Page = page
	private(w)
	return s.render(w, "signin", status, page.Pub, data)
}

// signInForm asks for the address to send a sign-in link to.
func (s *Site) signInForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderSignIn(w, r, http.StatusOK, signInPage{Mode: "sign_in", Return: localPath(r.URL.Query().Get("return"))})
}

// signUpForm asks for the address and name of a new account.
func (s *Site) signUpForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderSignIn(w, r, http.StatusOK, signInPage{Mode: "sign_up", Return: localPath(r.URL.Query().Get("return"))})
}

// requestLink sends a sign-in link (POST /sign-in) or a sign-up link (POST
// /sign-up). Both answer the same whether or not the address has an
// account: the page never tells a visitor who reads the magazine. Signing
// in never makes an account; signing up with an address that has one
// sends a sign-in link instead.
func (s *Site) requestLink(w http.ResponseWriter, r *http.Request) error {
	signUp := r.URL.Path == "/sign-up"
	data := signInPage{Mode: "sign_in", Email: strings.TrimSpace(r.PostFormValue("email")), Name: strings.TrimSpace(r.PostFormValue("name")),
		Return: localPath(r.PostFormValue("return"))}
	if signUp {
		data.Mode = "sign_up"
	}
	if len(data.Name) > 200 {
		data.Name = strings.ToValidUTF8(data.Name[:200], "") // not half a character
	}
	email, err := store.NormalizeEmail(data.Email)
	if err != nil {
		data.Error = magazine.ErrorMessage(err)
		return s.renderSignIn(w, r, http.StatusBadRequest, data)
	}
	if !s.ipLimit.Allow(httpx.ClientIP(r)) || !s.addrLimit.Allow(email) {
		data.Error = "Too many links were asked for. Wait a few minutes, then try again."
		return s.renderSignIn(w, r, http.StatusTooManyRequests, data)
	}
	ctx := r.Context()
	reader, err := s.store.ReaderByEmail(ctx, email)
	known := err == nil && reader.DeletedAt.IsZero()
	if err != nil && !magazine.IsNotFound(err) {
		return err
	}
	err = nil
	switch {
	case known:
		err = s.sendLink(r, store.ReaderLink{Purpose: store.LinkSignIn, Email: email, ReaderID: reader.ID, Name: reader.Name, ReturnTo: data.Return})
	case signUp:
		err = s.sendLink(r, store.ReaderLink{Purpose: store.LinkSignUp, Email: email, Name: data.Name, ReturnTo: data.Return})
	}
	if err != nil {
		return err
	}
	return s.renderSignIn(w, r, http.StatusOK, signInPage{Mode: "sent", Email: email, Message: map[bool]string{
		false: "If there is an account for " + email + ", a sign-in link is on its way to it.",
		true:  "A link to finish making your account is on its way to " + email + ".",
	}[signUp]})
}

// sendLink makes a link and queues the message that carries it. Without
// an SMTP server (the demo) the link is also written to the log.
func (s *Site) sendLink(r *http.Request, l store.ReaderLink) error {
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	token, hash := auth.NewToken()
	l.TokenHash, l.ExpiresAt = hash, s.now().Add(LinkTTL)
	link := s.abs("/sign-in/link/" + token)
	tmpl := map[string]string{store.LinkSignIn: "reader_sign_in", store.LinkSignUp: "reader_sign_up", store.LinkEmailChange: "reader_email_change"}[l.Purpose]
	m, err := s.mail.Render(tmpl, l.Email, map[string]any{"Publication": pub.Name, "Name": l.Name, "Link": link,
		"Minutes": strconv.Itoa(int(LinkTTL.Minutes()))})
	if err != nil {
		return err
	}
	if err := s.store.CreateReaderLink(ctx, l, m); err != nil {
		return err
	}
	if s.mailQueued != nil {
		s.mailQueued(ctx)
	}
	if s.logLinks {
		s.log.InfoContext(ctx, "reader link (no SMTP server is set, so it is printed here)", "purpose", l.Purpose, "to", l.Email, "link", link)
	}
	return nil
}

// linkPage shows what a link is for and a button that uses it. Opening
// the link changes nothing: mail scanners open links too.
func (s *Site) linkPage(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	l, err := s.store.ReaderLinkByHash(r.Context(), auth.HashToken(token))
	if magazine.IsNotFound(err) || len(token) != 43 {
		return s.badLink(w, r, "This link is not valid. It may have been copied incompletely.")
	} else if err != nil {
		return err
	}
	if err := l.Usable(s.now()); err != nil {
		return s.badLink(w, r, magazine.ErrorMessage(err))
	}
	return s.renderSignIn(w, r, http.StatusOK, signInPage{Mode: "confirm", Email: l.Email, Token: token, Purpose: l.Purpose})
}

func (s *Site) badLink(w http.ResponseWriter, r *http.Request, msg string) error {
	return s.renderSignIn(w, r, http.StatusGone, signInPage{Mode: "bad_link", Message: msg})
}

// useLink spends the link and signs the reader in.
func (s *Site) useLink(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	if len(token) != 43 {
		return s.badLink(w, r, "This link is not valid. It may have been copied incompletely.")
	}
	ns := s.newSession(w, r)
	reader, l, err := s.store.UseReaderLink(r.Context(), auth.HashToken(token), ns)
	if err != nil {
		w.Header().Del("Set-Cookie")
		var me *magazine.Error
		if errors.As(err, &me) && (me.Code == magazine.EINVALID || me.Code == magazine.ECONFLICT) {
			return s.badLink(w, r, me.Message)
		}
		return err
	}
	s.log.InfoContext(r.Context(), "reader signed in", "reader", reader.ID, "purpose", l.Purpose)
	if l.Purpose == store.LinkSignUp && reader.CreatedAt.Equal(reader.VerifiedAt) {
		// The link made the account: it is created verified, at once.
		s.hooks.Reader(r.Context(), reader)
	}
	s.trustDevice(w, r, reader.ID)
	target := "/account?signed_in=1"
	if l.Purpose == store.LinkEmailChange {
		target = "/account?email_changed=1"
	} else if p := localPath(l.ReturnTo); p != "" {
		target = p
	}
	return &httpx.Redirect{URL: target, Status: http.StatusSeeOther}
}

// signOut ends this browser's session on the server too.
func (s *Site) signOut(w http.ResponseWriter, r *http.Request) error {
	if id := s.cookies.Read(r); id != "" {
		if err := s.store.DeleteReaderSession(r.Context(), auth.HashSessionID(id)); err != nil {
			return err
		}
	}
	s.cookies.Clear(w)
	return &httpx.Redirect{URL: "/?signed_out=1", Status: http.StatusSeeOther}
}

// signOutEverywhere ends every session of the reader.
func (s *Site) signOutEverywhere(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	if _, err := s.store.DeleteReaderSessions(r.Context(), rs.Reader.ID); err != nil {
		return err
	}
	s.cookies.Clear(w)
	return &httpx.Redirect{URL: "/sign-in?" + url.Values{"signed_out": {"everywhere"}}.Encode(), Status: http.StatusSeeOther}
}
