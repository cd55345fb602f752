package admin

import (
	"cmp"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The print edition's mailing lists, in circulation: for each issue, the
// list for the printer or mailing house at its cut-off, kept byte for
// byte from the first time it is produced after the cut-off.

type mailingRow struct {
	fulfilment.Info
	Provisional bool
}

type mailingData struct {
	Lists    []mailingRow
	Settings magazine.PrintSettings
}

var mailingNotices = map[string]string{"settings": "The print settings are saved."}

// mailingPage lists the issues with their cut-off and whether their list
// is kept yet, and the print settings.
func (a *Admin) mailingPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Mailing lists")
	p.Notice = mailingNotices[r.URL.Query().Get("done")]
	return a.renderMailing(w, r, http.StatusOK, p)
}

func (a *Admin) renderMailing(w http.ResponseWriter, r *http.Request, status int, p page) error {
	ctx := r.Context()
	issues, err := a.store.AllIssues(ctx)
	if err != nil {
		return err
	}
	var d mailingData
	if d.Settings, err = a.store.PrintSettings(ctx); err != nil {
		return err
	}
	l := fulfilment.Lists{Store: a.store}
	now := a.now()
	for i, is := range issues {
		if i == 24 { // a year of issues
			break
		}
		info, err := l.Info(ctx, is.ID)
		if err != nil {
			return err
		}
		d.Lists = append(d.Lists, mailingRow{Info: info, Provisional: info.Provisional(now)})
	}
	if _, ok := p.Form["office_copies"]; !ok {
		p.Form["office_copies"] = strconv.Itoa(d.Settings.OfficeCopies)
		p.Form["archive_copies"] = strconv.Itoa(d.Settings.ArchiveCopies)
	}
	return a.render(w, status, "mailing", p, d)
}

// savePrintSettings saves whether holds extend subscriptions and the
// office and archive copies of the draw.
func (a *Admin) savePrintSettings(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Mailing lists")
	p.Form["office_copies"], p.Form["archive_copies"] = r.PostFormValue("office_copies"), r.PostFormValue("archive_copies")
	s := magazine.PrintSettings{HoldsExtend: r.PostFormValue("holds_extend") == "on"}
	var okO, okA bool
	s.OfficeCopies, okO = atoi(p.Form["office_copies"])
	s.ArchiveCopies, okA = atoi(p.Form["archive_copies"])
	var err error
	switch {
	case !okO:
		err = magazine.FieldError("office_copies", "Office copies are a whole number, such as 20.")
	case !okA:
		err = magazine.FieldError("archive_copies", "Archive copies are a whole number, such as 5.")
	default:
		err = a.store.SetPrintSettings(r.Context(), actor(me, r), s)
	}
	if formError(&p, err) {
		return a.renderMailing(w, r, http.StatusUnprocessableEntity, p)
	} else if err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/mailing?done=settings", Status: http.StatusSeeOther}
}

type mailingIssueData struct {
	fulfilment.Info
	Provisional bool
	Summary     store.MailingSummary
	NoConverter string // why there are no labels
}

// mailingInfo reads the issue of the path and, once its cut-off has
// passed, keeps its list.
func (a *Admin) mailingInfo(r *http.Request, me *store.Session) (fulfilment.Info, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return fulfilment.Info{}, httpx.NotFound
	}
	l := fulfilment.Lists{Store: a.store}
	info, err := l.Info(r.Context(), id)
	if err != nil {
		return info, err
	}
	return l.Freeze(r.Context(), actor(me, r), info)
}

// mailingIssuePage shows an issue's list: its summary (copies by country
// and region, the draw) and the downloads.
func (a *Admin) mailingIssuePage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	info, err := a.mailingInfo(r, me)
	if err != nil {
		return err
	}
	d := mailingIssueData{Info: info, Provisional: info.Provisional(a.now())}
	if info.Frozen != nil {
		d.Summary = info.Frozen.Summary
	} else if d.Summary, err = (fulfilment.Lists{Store: a.store}).WriteCSV(r.Context(), info, io.Discard); err != nil {
		return err
	}
	if a.labelConverter() == nil {
		d.NoConverter = edition.NoConverter
	}
	return a.render(w, http.StatusOK, "mailing_issue", a.newPage(me, "Mailing list, "+info.Issue.Label()), d)
}

// mailingCSV downloads an issue's list; every download is audited.
func (a *Admin) mailingCSV(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	info, err := a.mailingInfo(r, me)
	if err != nil {
		return err
	}
	if err := a.auditDownload(r, me, info, "csv"); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+mailingFileName(info, a.now())+`.csv"`)
	if info.Frozen != nil {
		w.Header().Set("Content-Length", strconv.FormatInt(info.Frozen.Size, 10))
	}
	// Streamed from the database: a long list is never held whole. An
	// error once bytes are sent can only cut the download short.
	_, err = fulfilment.Lists{Store: a.store}.WriteCSV(r.Context(), info, w)
	return err
}

// mailingLabels downloads the list's address labels as a PDF, 3 × 10 to a
// US Letter or A4 sheet.
func (a *Admin) mailingLabels(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	paper, ok := fulfilment.Papers[r.URL.Query().Get("paper")]
	if !ok {
		return httpx.NotFound
	}
	conv := a.labelConverter()
	if conv == nil {
		return magazine.Errorf(magazine.EINVALID, "%s", edition.NoConverter)
	}
	info, err := a.mailingInfo(r, me)
	if err != nil {
		return err
	}
	// The converter may take its whole timeout on a long list: the
	// page's write timeout must not end the answer first.
	http.NewResponseController(w).SetWriteDeadline(time.Now().Add(cmp.Or(conv.Timeout, edition.DefaultPDFTimeout) + time.Minute))
	pr, pw := io.Pipe()
	go func() {
		_, err := fulfilment.Lists{Store: a.store}.WriteCSV(r.Context(), info, pw)
		pw.CloseWithError(err)
	}()
	pdf, err := fulfilment.LabelsPDF(r.Context(), conv, pr, paper, info.Issue)
	pr.CloseWithError(io.ErrClosedPipe)
	if err != nil {
		return err
	}
	if err := a.auditDownload(r, me, info, "labels "+paper.Name); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+mailingFileName(info, a.now())+"-labels-"+paper.Name+`.pdf"`)
	_, err = w.Write(pdf)
	return err
}

func (a *Admin) labelConverter() *edition.PDFConverter {
	if a.editions == nil {
		return nil
	}
	return a.editions.PDF
}

func (a *Admin) auditDownload(r *http.Request, me *store.Session, info fulfilment.Info, what string) error {
	detail := what + ", provisional (before the cut-off)"
	if info.Frozen != nil {
		detail = fmt.Sprintf("%s, kept list of %s (sha256 %s)", what, info.Frozen.ProducedAt.UTC().Format(time.RFC3339), info.Frozen.SHA256)
	}
	return a.store.RecordAudit(r.Context(), actor(me, r), "mailing_list.download", info.Issue.Label(), detail)
}

// mailingFileName is "mailing-v12-n5", with "-provisional" before the
// cut-off so that nobody sends the printer a list that can change.
func mailingFileName(info fulfilment.Info, now time.Time) string {
	name := fmt.Sprintf("mailing-v%d-n%d", info.Issue.Volume, info.Issue.Number)
	if info.Provisional(now) {
		name += "-provisional"
	}
	return name
}
