package fulfilment_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestLabelMaker: the job that makes labels records why it could not (no
// converter, an empty list) in words staff can act on, and once the
// cut-off has passed makes them from the kept list, on both databases.
func TestLabelMaker(t *testing.T) {
	conv, err := edition.FindPDFConverter()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("WeasyPrint is not installed (apt-get install weasyprint): %v", err)
		}
		t.Skip("no WeasyPrint")
	}
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := newWorld(t, st)
		files, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		circ := store.Actor{Email: "circ@example.com"}
		labels := func() store.MailingLabels {
			t.Helper()
			made, err := st.MailingLabelsOf(ctx, w.issue.ID)
			if err != nil {
				t.Fatal(err)
			}
			return made["letter"]
		}
		ask := func() {
			t.Helper()
			if err := st.RequestMailingLabels(ctx, circ, w.issue.ID, w.issue.Label(), "letter"); err != nil {
				t.Fatal(err)
			}
			if l := labels(); !l.Pending || l.RequestedBy != circ.Email {
				t.Fatalf("asked-for labels: %+v", l)
			}
		}

		ask()
		none := &fulfilment.LabelMaker{Store: st, Files: files}
		if err := none.Make(ctx, w.issue.ID, "letter"); err == nil {
			t.Error("labels made without a converter")
		}
		if l := labels(); l.Pending || l.Error != edition.NoConverter || l.Ready() {
			t.Errorf("without a converter: %+v", l)
		}

		m := &fulfilment.LabelMaker{Store: st, Files: files, PDF: conv}
		ask()
		if err := m.Make(ctx, w.issue.ID, "letter"); err == nil || !strings.Contains(labels().Error, "is empty") {
			t.Errorf("an empty list: %v, recorded %q", err, labels().Error)
		}

		w.subscribe(t, "Ann Active", w.print, "60601", "US", nil)
		w.subscribe(t, "Bo Second", w.print, "60602", "US", nil)
		w.clock = day("2026-03-23").Add(9 * time.Hour) // past the cut-off: the job keeps the list
		ask()
		if err := m.Make(ctx, w.issue.ID, "letter"); err != nil {
			t.Fatal(err)
		}
		l := labels()
		info, err := w.lists().Info(ctx, w.issue.ID)
		if err != nil || info.Frozen == nil {
			t.Fatalf("the job did not keep the list: %v", err)
		}
		if l.Pending || l.Error != "" || l.Labels != 2 || l.ListSHA256 != info.Frozen.SHA256 || !l.MadeAt.Equal(w.clock.Truncate(time.Second)) {
			t.Errorf("made labels: %+v, kept list %s", l, info.Frozen.SHA256)
		}
		f, err := files.Open(ctx, l.Key)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		pdf, _ := io.ReadAll(f)
		if !edition.IsPDF(pdf) || int64(len(pdf)) != l.Size {
			t.Errorf("the stored labels are %d bytes, recorded %d, PDF %v", len(pdf), l.Size, edition.IsPDF(pdf))
		}
	})
}
