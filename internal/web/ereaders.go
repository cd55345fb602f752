package web

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type ereadersPage struct {
	Page     Page
	Entitled bool
	EReaders store.EReaders
	// Catalogue is the new catalogue address, shown once after a reset:
	// only its hash is kept.
	Catalogue string
	Kindle    string // the address as typed, when refused
	Notice    string
	Error     string
	Issues    []magazine.Issue // what can be sent to the Kindle now
}

var ereaderNotices = map[string]string{
	"kindle":    "Your Kindle address is saved: each new issue is sent to it.",
	"nokindle":  "Your Kindle address is removed: no more issues are sent to it.",
	"kindle_to": "The issue is on its way to your Kindle.",
}

// ereaders is the reader's page for e-reader apps: the private OPDS
// catalogue and Send to Kindle. Only readers with the digital edition
// may use them.
func (s *Site) ereaders(w http.ResponseWriter, r *http.Request) error {
	d := ereadersPage{Notice: ereaderNotices[r.URL.Query().Get("done")]}
	return s.renderEReaders(w, r, http.StatusOK, d)
}

func (s *Site) renderEReaders(w http.ResponseWriter, r *http.Request, status int, d ereadersPage) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	private(w)
	v, err := s.readerViewer(r, rs.Reader.ID)
	if err != nil {
		return err
	}
	d.Entitled = v.Has(magazine.EntDigitalEdition)
	if d.EReaders, err = s.store.ReaderEReaders(ctx, rs.Reader.ID); err != nil {
		return err
	}
	if d.Entitled {
		list, _, err := s.store.Issues(ctx, store.IssueFilter{Limit: 6})
		if err != nil {
			return err
		}
		for _, is := range list {
			if magazine.CanReadEdition(v, is) {
				d.Issues = append(d.Issues, is)
			}
		}
	}
	if d.Page, err = s.readerPage(ctx, r, "E-readers", rs); err != nil {
		return err
	}
	return s.render(w, "ereaders", status, d.Page.Pub, d)
}

// resetCatalogue makes a new secret catalogue address and shows it once;
// the old one answers 403 from now on.
func (s *Site) resetCatalogue(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	v, err := s.readerViewer(r, rs.Reader.ID)
	if err != nil {
		return err
	}
	if !v.Has(magazine.EntDigitalEdition) {
		return s.renderEReaders(w, r, http.StatusForbidden, ereadersPage{Error: "The e-reader catalogue comes with a subscription that includes the digital edition."})
	}
	token, hash := auth.NewToken()
	if err := s.store.ResetCatalogue(r.Context(), rs.Reader.ID, hash); err != nil {
		return err
	}
	return s.renderEReaders(w, r, http.StatusOK, ereadersPage{Catalogue: s.abs("/opds/" + token),
		Notice: "Your new catalogue address is below. Add it to your e-reader app now: it is shown only this once. Any address you had before no longer works."})
}

// saveKindle saves or removes the reader's Send to Kindle address. Only
// Amazon's Kindle domains are accepted.
func (s *Site) saveKindle(w http.ResponseWriter, r *http.Request) error {
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	addr := magazine.NormalizeEmail(r.PostFormValue("kindle_email"))
	if r.PostFormValue("remove") != "" {
		addr = ""
	} else if err := magazine.ValidKindle(addr); err != nil {
		return s.renderEReaders(w, r, http.StatusBadRequest, ereadersPage{Kindle: addr, Error: magazine.ErrorMessage(err)})
	}
	if err := s.store.SetKindle(r.Context(), rs.Reader.ID, addr); err != nil {
		return err
	}
	done := "kindle"
	if addr == "" {
		done = "nokindle"
	}
	return &httpx.Redirect{URL: "/account/e-readers?done=" + done, Status: http.StatusSeeOther}
}

// sendToKindle mails one issue's EPUB to the reader's Kindle now.
func (s *Site) sendToKindle(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rs, err := s.requireReader(r)
	if err != nil {
		return err
	}
	er, err := s.store.ReaderEReaders(ctx, rs.Reader.ID)
	if err != nil {
		return err
	}
	if er.KindleEmail == "" {
		return s.renderEReaders(w, r, http.StatusBadRequest, ereadersPage{Error: "Save your Kindle address first."})
	}
	id, _ := strconv.ParseInt(r.PostFormValue("issue"), 10, 64)
	issue, err := s.store.IssueByID(ctx, id)
	if magazine.IsNotFound(err) || (err == nil && !issue.Published) {
		return s.renderEReaders(w, r, http.StatusBadRequest, ereadersPage{Error: "That issue is not available."})
	} else if err != nil {
		return err
	}
	v, err := s.readerViewer(r, rs.Reader.ID)
	if err != nil {
		return err
	}
	if !magazine.CanReadEdition(v, issue) {
		return s.renderEReaders(w, r, http.StatusForbidden, ereadersPage{Error: "The digital edition of that issue comes with a subscription that includes it."})
	}
	eds, err := s.store.Editions(ctx, issue.ID)
	if err != nil {
		return err
	}
	if !eds[store.FormatEPUB].Ready() {
		return s.renderEReaders(w, r, http.StatusConflict, ereadersPage{Error: "That issue's EPUB is still being made. Try again in a minute."})
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	if _, err := s.store.QueueKindle(ctx, rs.Reader.ID, issue.ID, edition.KindleMail(pub, issue, er.KindleEmail, eds[store.FormatEPUB].Key), true); err != nil {
		return err
	}
	if s.mailQueued != nil {
		s.mailQueued(ctx)
	}
	return &httpx.Redirect{URL: "/account/e-readers?done=kindle_to", Status: http.StatusSeeOther}
}
