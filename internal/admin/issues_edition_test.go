package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

func TestIssueCalendarPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	e.newsroom()
	w := e.do(http.MethodGet, "/admin/issues/calendar", nil, ed)
	page := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("calendar: %d\n%s", w.Code, page)
	}
	// The clock says 2026-03-02; the newest issue is Vol. 3 (of 2026).
	for _, want := range []string{"on the 1st and the 15th of each month", "Sun 15 Mar 2026", "Vol. 3, No. 1", "5 Mar 2026", "1 draft",
		"no cover, empty contents", `aria-label="Create Vol. 3, No. 8"`, `aria-label="Create Vol. 4, No. 1"`} {
		if !strings.Contains(page, want) {
			t.Errorf("the calendar lacks %q", want)
		}
	}
	if n := strings.Count(page, "<tr>") - 1; n != 24 {
		t.Errorf("the calendar shows %d issues for the year ahead, want 24", n)
	}
}

func TestScheduleIssueFromAdmin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom()
	if w := e.do(http.MethodPost, nr.issue+"/schedule", url.Values{"publish_at": {"next tuesday"}}, ed); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "such as 2026-03-15 06:00") {
		t.Errorf("an unreadable time: %d", w.Code)
	}
	if w := e.do(http.MethodPost, nr.issue+"/schedule", url.Values{"publish_at": {"2026-03-10T06:00"}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("schedule: %d\n%s", w.Code, w.Body.String())
	}
	is, err := e.store.IssueByID(context.Background(), nr.issueID)
	if err != nil || !is.PublishAt.Equal(time.Date(2026, 3, 10, 6, 0, 0, 0, time.UTC)) {
		t.Fatalf("the issue is scheduled for %v (%v), want 2026-03-10 06:00 UTC", is.PublishAt, err)
	}
	if page := e.do(http.MethodGet, nr.issue, nil, ed).Body.String(); !strings.Contains(page, "Scheduled to go live on 10 March 2026 at 06:00") {
		t.Error("the issue page does not show the schedule")
	}
}

func TestReplicaUpload(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	disk, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.admin.files = disk
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom()
	if page := e.do(http.MethodGet, nr.issue, nil, ed).Body.String(); !strings.Contains(page, "No PDF converter is installed") {
		t.Error("without a converter the issue page does not say that no PDF is made")
	}
	for _, bad := range [][]byte{[]byte("GIF89a not a pdf"), []byte("%PDF-1.7 cut off before the end")} {
		w := e.upload(nr.issue+"/replica", "replica.pdf", bad, ed)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "not a whole PDF") {
			t.Errorf("a broken replica: %d", w.Code)
		}
	}
	if eds, _ := e.store.Editions(ctx, nr.issueID); eds[store.FormatReplica].Ready() {
		t.Fatal("a refused upload left a replica")
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Page >> endobj\n%%EOF\n")
	if w := e.upload(nr.issue+"/replica", "replica.pdf", pdf, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("a good replica: %d\n%s", w.Code, w.Body.String())
	}
	eds, err := e.store.Editions(ctx, nr.issueID)
	if err != nil || !eds[store.FormatReplica].Ready() || eds[store.FormatReplica].Size != int64(len(pdf)) {
		t.Fatalf("the replica was not stored: %+v, %v", eds, err)
	}
	if w := e.do(http.MethodPost, nr.issue+"/replica/remove", url.Values{}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("take the replica back: %d", w.Code)
	}
	if eds, _ := e.store.Editions(ctx, nr.issueID); eds[store.FormatReplica].Ready() {
		t.Error("the replica is still offered after it was taken back")
	}
}
