package admin

import (
	"net/http"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// maxPrintImport bounds an uploaded file: half a million subscribers
// fit in well under it.
const maxPrintImport = 200 << 20

// importTime bounds the upload and import of one file.
const importTime = 10 * time.Minute

type printImportData struct {
	Columns string
	Report  string
}

// printImportPage offers the import of print subscribers from a
// fulfilment house's CSV.
func (a *Admin) printImportPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.renderPrintImport(w, http.StatusOK, a.newPage(me, "Import print subscribers"), "")
}

func (a *Admin) renderPrintImport(w http.ResponseWriter, status int, p page, report string) error {
	return a.render(w, status, "print_import", p, printImportData{Columns: strings.Join(fulfilment.ImportColumns, ", "), Report: report})
}

// importPrintSubscribers checks the file and imports it whole, or with
// "dry run" only says what it would do; a bad row is named and nothing is
// imported.
func (a *Admin) importPrintSubscribers(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Import print subscribers")
	// A fulfilment house's whole file takes longer to send and to import
	// than the server's timeouts allow a page (about 45 s for 100,000
	// rows on SQLite).
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Now().Add(importTime))
	rc.SetWriteDeadline(time.Now().Add(importTime))
	r.Body = http.MaxBytesReader(w, r.Body, maxPrintImport+64<<10)
	file, _, err := r.FormFile("file")
	if err != nil {
		p.Errors["file"] = "Choose the CSV file to import (at most 200 MB)."
		return a.renderPrintImport(w, http.StatusUnprocessableEntity, p, "")
	}
	defer file.Close()
	dryRun := r.PostFormValue("dry_run") == "on"
	p.Form["dry_run"] = r.PostFormValue("dry_run")
	rep, err := fulfilment.Import(r.Context(), a.store, actor(me, r), file, dryRun, nil)
	if err != nil {
		if magazine.ErrorCode(err) == magazine.EINTERNAL {
			return err
		}
		p.Errors["file"] = magazine.ErrorMessage(err)
		return a.renderPrintImport(w, http.StatusUnprocessableEntity, p, "")
	}
	p.Notice = fulfilment.ReportText(rep, dryRun)
	return a.renderPrintImport(w, http.StatusOK, p, p.Notice)
}
