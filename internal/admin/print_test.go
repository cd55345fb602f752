package admin

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

func (e *env) uploadPrintFile(path, file string, dryRun bool, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "subscribers.csv")
	fw.Write([]byte(file))
	if dryRun {
		mw.WriteField("dry_run", "on")
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "http://masthead.test"+path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(cookie)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

const printFile = "account_number,name,address_line1,address_line2,city,region,postal_code,country,email,plan,paid_through\n" +
	"FH-1,Ida Imported,5 Pine St,,Springfield,IL,62701,US,,Print,2026-12-31\n" +
	"FH-2,Jo Imported,6 Pine St,,Ottawa,ON,K1M 1M4,CA,jo@example.com,Print,2026-12-31\n"

func (e *env) countAudit(action string) int {
	e.t.Helper()
	log, err := e.store.AuditLog(context.Background(), 0, 500)
	if err != nil {
		e.t.Fatal(err)
	}
	n := 0
	for _, l := range log {
		if l.Action == action {
			n++
		}
	}
	return n
}

// TestPrintImportAndMailingList: circulation imports a fulfilment house's
// subscribers (a dry run first, a bad file refused whole), then
// downloads an issue's list: provisional before the cut-off, the same
// bytes every time after it, each download audited.
func TestPrintImportAndMailingList(t *testing.T) {
	e := newEnv(t, "http://masthead.test")
	e.addPlan("Print", 1400, 0, magazine.EntSubscriberContent, magazine.EntPrintEdition)
	admin := e.session(e.staff[magazine.RoleAdmin])
	ctx := context.Background()

	w := e.uploadPrintFile("/admin/print-import", printFile, true, admin)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "Dry run: would import 2 print subscribers") {
		t.Fatalf("dry run: %d\n%s", w.Code, w.Body)
	}
	if list, _ := e.store.Subscribers(ctx, store.SubscriberFilter{}); len(list) != 0 {
		t.Fatalf("a dry run imported %d", len(list))
	}
	bad := printFile + "FH-3,Kim,7 Pine St,,Springfield,IL,ABCDE,US,,Print,2026-12-31\n"
	if w = e.uploadPrintFile("/admin/print-import", bad, false, admin); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "Row 4: That is not a postal code") {
		t.Fatalf("a bad row: %d\n%s", w.Code, w.Body)
	}
	if list, _ := e.store.Subscribers(ctx, store.SubscriberFilter{}); len(list) != 0 {
		t.Fatalf("a file with a bad row imported %d", len(list))
	}
	if w = e.uploadPrintFile("/admin/print-import", printFile, false, admin); w.Code != http.StatusOK ||
		!strings.Contains(w.Body.String(), "Imported 2 print subscribers") {
		t.Fatalf("import: %d\n%s", w.Code, w.Body)
	}
	if w = e.uploadPrintFile("/admin/print-import", printFile, false, e.session(e.staff[magazine.RoleEditor])); w.Code == http.StatusOK {
		t.Errorf("an editor imported subscribers: %d", w.Code)
	}

	// Cover date March 20: the cut-off is March 10, the clock March 2.
	issue, err := e.store.CreateIssue(ctx, magazine.IssueInput{Volume: 1, Number: 6, CoverDate: time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	base := "/admin/mailing/" + strconv.FormatInt(issue.ID, 10)
	if w = e.do("GET", "/admin/mailing", nil, admin); w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "provisional until the cut-off") {
		t.Fatalf("mailing lists: %d\n%s", w.Code, w.Body)
	}
	if w = e.do("GET", base, nil, e.session(e.staff[magazine.RoleEditor])); w.Code == http.StatusOK {
		t.Errorf("an editor sees the mailing list: %d", w.Code)
	}
	w = e.do("GET", base+"/list.csv", nil, admin)
	if w.Code != http.StatusOK || !strings.Contains(w.Header().Get("Content-Disposition"), "mailing-v1-n6-provisional.csv") {
		t.Fatalf("provisional list: %d %q", w.Code, w.Header().Get("Content-Disposition"))
	}
	if got := strings.Count(w.Body.String(), "\n"); got != 3 {
		t.Errorf("provisional list has %d lines, want a header and 2 subscribers:\n%s", got, w.Body)
	}

	e.clock.Add(9 * 24 * time.Hour) // March 11: the cut-off has passed
	admin = e.session(e.staff[magazine.RoleAdmin])
	page := e.do("GET", base, nil, admin)
	if page.Code != http.StatusOK || !strings.Contains(page.Body.String(), "This list was kept") {
		t.Fatalf("the list after the cut-off: %d\n%s", page.Code, page.Body)
	}
	if !regexp.MustCompile(`id="mailing-draw"><strong>2</strong>`).MatchString(page.Body.String()) {
		t.Errorf("the draw is not 2:\n%s", page.Body)
	}
	first := e.do("GET", base+"/list.csv", nil, admin)
	if !strings.Contains(first.Header().Get("Content-Disposition"), `mailing-v1-n6.csv"`) || !strings.HasPrefix(first.Body.String(), "account_number,name,") {
		t.Fatalf("kept list: %q\n%s", first.Header().Get("Content-Disposition"), first.Body)
	}
	if !strings.Contains(first.Body.String(), "FH-2,Jo Imported") || strings.Index(first.Body.String(), "FH-2") > strings.Index(first.Body.String(), "FH-1") {
		t.Errorf("the list is not in country order (CA before US):\n%s", first.Body)
	}
	e.addPlan("Print too", 1400, 0, magazine.EntPrintEdition)
	e.uploadPrintFile("/admin/print-import", strings.Replace(strings.Replace(printFile, "FH-1,", "FH-8,", 1), "FH-2,", "FH-9,", 1), false, admin)
	second := e.do("GET", base+"/list.csv", nil, admin)
	if !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Errorf("the kept list changed after more subscribers arrived:\n%s\n---\n%s", first.Body, second.Body)
	}
	if n := e.countAudit("mailing_list.download"); n != 3 {
		t.Errorf("%d downloads audited, want 3", n)
	}

	// Labels: made by the job queue with the PDF converter when there is
	// one; the page says so when there is none.
	if !strings.Contains(page.Body.String(), edition.NoConverter) {
		t.Errorf("without a converter the page does not say so")
	}
	if w := e.do("POST", base+"/labels", url.Values{"paper": {"letter"}}, admin); w.Code == http.StatusSeeOther {
		t.Errorf("labels asked for without a converter: %d", w.Code)
	}
	conv, err := edition.FindPDFConverter()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("WeasyPrint is not installed (apt-get install weasyprint): %v", err)
		}
		t.Skip("no WeasyPrint: labels not tried")
	}
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	maker := &fulfilment.LabelMaker{Store: e.store, Files: files, PDF: conv}
	var queued []string
	e.admin.editions, e.admin.files = &edition.Builder{PDF: conv}, files
	e.admin.makeLabels = func(ctx context.Context, issueID int64, paper string) error {
		queued = append(queued, paper)
		return nil
	}
	if w := e.do("GET", base+"/labels.pdf?paper=letter", nil, admin); w.Code != http.StatusNotFound ||
		!strings.Contains(w.Body.String(), "have not been made yet") {
		t.Errorf("labels before they are made: %d\n%s", w.Code, w.Body)
	}
	for _, paper := range []string{"letter", "a4"} {
		w := e.do("POST", base+"/labels", url.Values{"paper": {paper}}, admin)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("ask for %s labels: %d\n%s", paper, w.Code, w.Body)
		}
	}
	page = e.do("GET", base+"?done=labels", nil, admin)
	if !strings.Contains(page.Body.String(), "being made") || !strings.Contains(page.Body.String(), "being made in the background") {
		t.Errorf("the page does not say the labels are being made:\n%s", page.Body)
	}
	if strings.Join(queued, ",") != "letter,a4" {
		t.Fatalf("queued %v, want letter and a4", queued)
	}
	for _, paper := range queued { // what the job does
		if err := maker.Make(context.Background(), issue.ID, paper); err != nil {
			t.Fatalf("make %s labels: %v", paper, err)
		}
	}
	page = e.do("GET", base, nil, admin)
	if strings.Contains(page.Body.String(), "being made") || !strings.Contains(page.Body.String(), "2 labels, made") {
		t.Errorf("the page does not offer the made labels:\n%s", page.Body)
	}
	for _, paper := range []string{"letter", "a4"} {
		w := e.do("GET", base+"/labels.pdf?paper="+paper, nil, admin)
		if w.Code != http.StatusOK || !edition.IsPDF(w.Body.Bytes()) || !bytes.Contains(w.Body.Bytes(), []byte("/Count 1")) ||
			!strings.Contains(w.Header().Get("Content-Disposition"), "mailing-v1-n6-labels-"+paper+".pdf") {
			t.Errorf("%s labels: %d, %d bytes, %q, want a one-page PDF", paper, w.Code, w.Body.Len(), w.Header().Get("Content-Disposition"))
		}
	}
	if n := e.countAudit("mailing_labels.request"); n != 2 {
		t.Errorf("%d label requests audited, want 2", n)
	}
	if n := e.countAudit("mailing_list.download"); n != 5 {
		t.Errorf("%d downloads audited, want 5 (3 lists, 2 labels)", n)
	}
	if w := e.do("GET", base+"/labels.pdf?paper=legal", nil, admin); w.Code != http.StatusNotFound {
		t.Errorf("legal paper: %d", w.Code)
	}
	if w := e.do("POST", base+"/labels", url.Values{"paper": {"legal"}}, admin); w.Code == http.StatusSeeOther || len(queued) != 2 {
		t.Errorf("legal paper asked for: %d, queued %v", w.Code, queued)
	}
	if w := e.do("POST", base+"/labels", url.Values{"paper": {"a4"}}, e.session(e.staff[magazine.RoleEditor])); w.Code == http.StatusSeeOther || len(queued) != 2 {
		t.Errorf("an editor asked for labels: %d, queued %v", w.Code, queued)
	}
}

// TestStaffAddressAndHold: circulation corrects an address in the past
// (audited) and holds delivery; a hold that ends before it starts is
// refused with the reason.
func TestStaffAddressAndHold(t *testing.T) {
	e := newEnv(t, "http://masthead.test")
	e.addPlan("Print", 1400, 0, magazine.EntSubscriberContent, magazine.EntPrintEdition)
	admin := e.session(e.staff[magazine.RoleAdmin])
	e.uploadPrintFile("/admin/print-import", printFile, false, admin)
	list, _ := e.store.Subscribers(context.Background(), store.SubscriberFilter{})
	path := "/admin/subscribers/" + strconv.FormatInt(list[0].ID, 10)
	page := e.do("GET", path, nil, admin)
	if !strings.Contains(page.Body.String(), "The printed magazine") || !strings.Contains(page.Body.String(), `value="6 Pine St"`) {
		t.Fatalf("subscriber page:\n%s", page.Body)
	}
	form := url.Values{"ship_name": {"Jo Imported"}, "ship_line1": {"6A Pine St"}, "ship_city": {"Ottawa"}, "ship_region": {"ON"},
		"ship_postal_code": {"K1M 1M4"}, "ship_country": {"CA"}, "effective_on": {"2026-02-01"}}
	if w := e.do("POST", path+"/address", form, admin); w.Code != http.StatusSeeOther {
		t.Fatalf("a correction: %d\n%s", w.Code, w.Body)
	}
	if e.countAudit("address.correct") != 1 {
		t.Error("the correction in the past is not audited")
	}
	page = e.do("GET", path+"?done=address", nil, admin)
	contains := page.Body.String()
	for _, want := range []string{"February 1, 2026", "6A Pine St", "address_changed", "by staff:admin@example.com"} {
		if !strings.Contains(contains, want) {
			t.Errorf("subscriber page lacks %q", want)
		}
	}
	form.Set("ship_postal_code", "12345")
	if w := e.do("POST", path+"/address", form, admin); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "not a postal code") {
		t.Errorf("a bad postal code: %d", w.Code)
	}
	if w := e.do("POST", path+"/holds", url.Values{"hold_start": {"2026-04-10"}, "hold_end": {"2026-04-01"}}, admin); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "ends before it starts") {
		t.Errorf("a hold that ends before it starts: %d", w.Code)
	}
	if w := e.do("POST", path+"/holds", url.Values{"hold_start": {"2026-04-01"}, "hold_end": {"2026-04-10"}}, admin); w.Code != http.StatusSeeOther {
		t.Fatalf("a hold: %d\n%s", w.Code, w.Body)
	}
	page = e.do("GET", path, nil, admin)
	hold := regexp.MustCompile(`/holds/(\d+)/remove`).FindStringSubmatch(page.Body.String())
	if hold == nil || !strings.Contains(page.Body.String(), "April 1, 2026 to April 10, 2026") {
		t.Fatalf("the hold is not shown:\n%s", page.Body)
	}
	if w := e.do("POST", path+"/holds/"+hold[1]+"/remove", nil, admin); w.Code != http.StatusSeeOther {
		t.Errorf("removing the hold: %d", w.Code)
	}
	if strings.Contains(e.do("GET", path, nil, admin).Body.String(), "April 1, 2026 to April 10, 2026") {
		t.Error("the removed hold is still shown")
	}
}
