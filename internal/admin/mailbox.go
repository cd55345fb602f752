package admin

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The mailbox shows the outbox. Without an SMTP server (the demo) every
// message stays here, and this is where staff read them. Its messages
// carry sign-in and reset links, so only admins see it, and a message's
// text is shown only while it was kept here: once an SMTP server sends
// mail, links reach their owners and no one else.

type mailboxData struct {
	To       string
	Messages []store.Mail
}

func (a *Admin) mailbox(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	to := strings.ToLower(strings.TrimSpace(r.URL.Query().Get("to")))
	if len(to) > 254 {
		return httpx.BadRequest("That address is too long.")
	}
	msgs, err := a.store.Mailbox(r.Context(), to, 200)
	if err != nil {
		return err
	}
	return a.render(w, http.StatusOK, "mailbox", a.newPage(me, "Mailbox"), mailboxData{To: to, Messages: msgs})
}

func (a *Admin) mailboxMessage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return magazine.Errorf(magazine.ENOTFOUND, "There is no such message.")
	}
	m, err := a.store.MailByID(r.Context(), id)
	if err != nil {
		return err
	}
	if m.Status != "local" {
		m.Text = "" // sent (or on its way) to its owner: not for other eyes
	}
	return a.render(w, http.StatusOK, "mailbox_message", a.newPage(me, m.Subject), m)
}
