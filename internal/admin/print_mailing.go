package admin

import (
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

var (
	mailingNotices      = map[string]string{"settings": "The print settings are saved."}
	mailingIssueNotices = map[string]string{"labels": "The labels are being made in the background: a long list takes some minutes. Reload this page to see them."}
)

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
	Labels      []labelsRow
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
	if a.labelConverter() == nil || a.makeLabels == nil {
		d.NoConverter = edition.NoConverter
	}
	if d.Labels, err = a.labelRows(r, info); err != nil {
		return err
	}
	p := a.newPage(me, "Mailing list, "+info.Issue.Label())
	p.Notice = mailingIssueNotices[r.URL.Query().Get("done")]
	return a.render(w, http.StatusOK, "mailing_issue", p, d)
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

// labelsRow is one paper's labels on an issue's mailing page.
type labelsRow struct {
	store.MailingLabels
	Paper string // "letter" or "a4"
	Name  string // "US Letter"
	// Stale: made from a provisional list, or from before the list was
	// kept: they may not match what goes to the printer.
	Stale bool
}

// paperNames are the papers in the order the page offers them.
var paperNames = []struct{ Paper, Name string }{{"letter", "US Letter"}, {"a4", "A4"}}

func (a *Admin) labelRows(r *http.Request, info fulfilment.Info) ([]labelsRow, error) {
	made, err := a.store.MailingLabelsOf(r.Context(), info.Issue.ID)
	if err != nil {
		return nil, err
	}
	var rows []labelsRow
	for _, p := range paperNames {
		l := labelsRow{MailingLabels: made[p.Paper], Paper: p.Paper, Name: p.Name}
		l.Stale = l.Ready() && (info.Frozen == nil || l.ListSHA256 != info.Frozen.SHA256)
		rows = append(rows, l)
	}
	return rows, nil
}

// requestLabels asks the job queue for the list's labels on a paper size:
// a long list takes WeasyPrint minutes, longer than a request may wait.
func (a *Admin) requestLabels(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	paper := r.PostFormValue("paper")
	if _, ok := fulfilment.Papers[paper]; !ok {
		return magazine.Errorf(magazine.EINVALID, "Labels are made on US Letter or A4 paper.")
	}
	if a.labelConverter() == nil || a.makeLabels == nil {
		return magazine.Errorf(magazine.EINVALID, "%s", edition.NoConverter)
	}
	info, err := a.mailingInfo(r, me)
	if err != nil {
		return err
	}
	if info.Frozen == nil && info.Provisional(a.now()) {
		// A provisional list can be printed as labels too (a proof), but
		// an empty one has none: say so now, not on the job's failure.
		if sum, err := (fulfilment.Lists{Store: a.store}).WriteCSV(r.Context(), info, io.Discard); err != nil {
			return err
		} else if sum.Subscribers == 0 {
			return magazine.Errorf(magazine.EINVALID, "The mailing list of %s is empty: there are no labels to print.", info.Issue.Label())
		}
	} else if info.Frozen != nil && info.Frozen.Summary.Subscribers == 0 {
		return magazine.Errorf(magazine.EINVALID, "The mailing list of %s is empty: there are no labels to print.", info.Issue.Label())
	}
	if err := a.store.RequestMailingLabels(r.Context(), actor(me, r), info.Issue.ID, info.Issue.Label(), paper); err != nil {
		return err
	}
	if err := a.makeLabels(r.Context(), info.Issue.ID, paper); err != nil {
		return err
	}
	return &httpx.Redirect{URL: fmt.Sprintf("/admin/mailing/%d?done=labels#labels", info.Issue.ID), Status: http.StatusSeeOther}
}

// mailingLabels downloads labels the job made, 3 × 10 to a US Letter or
// A4 sheet; every download is audited.
func (a *Admin) mailingLabels(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	paper, ok := fulfilment.Papers[r.URL.Query().Get("paper")]
	if !ok {
		return httpx.NotFound
	}
	info, err := a.mailingInfo(r, me)
	if err != nil {
		return err
	}
	made, err := a.store.MailingLabelsOf(r.Context(), info.Issue.ID)
	if err != nil {
		return err
	}
	l := made[paper.Name]
	if !l.Ready() || a.files == nil {
		return magazine.Errorf(magazine.ENOTFOUND, "These labels have not been made yet: make them on the issue's mailing list page.")
	}
	f, err := a.files.Open(r.Context(), l.Key)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := a.auditDownload(r, me, info, "labels "+paper.Name); err != nil {
		return err
	}
	name := mailingFileName(info, a.now())
	if info.Frozen != nil && l.ListSHA256 != info.Frozen.SHA256 {
		name += "-provisional"
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+"-labels-"+paper.Name+`.pdf"`)
	httpx.ServeContent(w, r, "", f.ModTime(), f)
	return nil
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
