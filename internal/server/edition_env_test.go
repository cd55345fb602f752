package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/web"
)

// editionEnv is a demo magazine with its plans, served whole, for the
// digital edition's tests.
type editionEnv struct {
	st    *store.Store
	files media.Storage
	h     http.Handler
	svc   *billing.Service
	tm    *billing.TestMode
}

// newEditionEnv seeds the demo magazine of opts and serves it at baseURL
// on the clock now (time.Now when nil).
func newEditionEnv(t testing.TB, opts demo.Options, baseURL string, now func() time.Time) *editionEnv {
	t.Helper()
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return newEditionEnvOn(t, files, web.FileLinks{}, opts, baseURL, now)
}

// newEditionEnvOn is newEditionEnv with its media in files, sent to
// readers by links.
func newEditionEnvOn(t testing.TB, files media.Storage, links web.FileLinks, opts demo.Options, baseURL string, now func() time.Time) *editionEnv {
	t.Helper()
	ctx := context.Background()
	e := &editionEnv{st: storetest.SQLite(t), tm: billing.NewTestMode(), files: files}
	var err error
	if _, err := demo.Seed(ctx, e.st, e.files, opts); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.SeedPlans(ctx, e.st); err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	e.svc = billing.New(e.st, e.tm, tmpl, billing.Options{Publication: "Demo", BaseURL: baseURL})
	origin := ""
	if b, ok := files.(*media.S3); ok {
		if origin, err = b.Origin(ctx); err != nil {
			t.Fatal(err)
		}
	}
	e.h, err = server.New(server.Config{Store: e.st, Files: e.files, Links: links, FileOrigin: origin, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		BaseURL: baseURL, Billing: e.svc, Mail: tmpl, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// build makes the editions of every issue (a PDF only with a converter).
func (e *editionEnv) build(t *testing.T, baseURL string, pdf *edition.PDFConverter) {
	t.Helper()
	b := &edition.Builder{Store: e.st, Files: e.files, BaseURL: baseURL, PDF: pdf}
	if _, err := b.BuildStale(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// testReplica is the smallest file the replica upload takes for a PDF.
var testReplica = []byte("%PDF-1.4\n1 0 obj << /Type /Page >> endobj\ntrailer << >>\n%%EOF\n")

// addReplica gives an issue testReplica as its replica PDF.
func (e *editionEnv) addReplica(t *testing.T, issueID int64) {
	t.Helper()
	ctx := context.Background()
	key, _ := media.Key(testReplica, edition.ContentTypePDF)
	if err := e.files.Put(ctx, key, testReplica); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SaveEdition(ctx, store.Edition{IssueID: issueID, Format: store.FormatReplica, Key: key, Size: int64(len(testReplica)), BuiltAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
}

// page is the body of a 200 answer to GET path, for the reader of session
// sid ("" for an anonymous reader).
func (e *editionEnv) page(t testing.TB, path, sid string) string {
	t.Helper()
	req := httptest.NewRequest("GET", "https://mag.example"+path, nil)
	if sid != "" {
		req.Header.Set("Cookie", auth.SecureReaderCookieName+"="+sid)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: %d", path, rec.Code)
	}
	return rec.Body.String()
}
