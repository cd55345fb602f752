package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestEditionsStore: fingerprints change with the content, editions keep
// the last good file through a failure, positions and e-reader settings
// round-trip, and an issue goes to a Kindle once unless asked again, on
// both databases.
func TestEditionsStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		clock := t0
		s.Now = func() time.Time { return clock }
		f := newFixture(t, s)
		issue := mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), Published: true})
		a := f.article(t, "First", func(in *magazine.ArticleInput) { in.IssueID = issue.ID })
		b := f.article(t, "Second", func(in *magazine.ArticleInput) { in.IssueID, in.IssuePosition = issue.ID, 1 })
		sources := func() string {
			t.Helper()
			list, err := s.IssueSources(ctx)
			if err != nil || len(list) != 1 {
				t.Fatalf("IssueSources = %v, %v", list, err)
			}
			return list[0].Source
		}
		first := sources()
		if err := s.ReorderIssue(ctx, issue.ID, []int64{b.ID, a.ID}); err != nil {
			t.Fatal(err)
		}
		if sources() == first {
			t.Error("reordering the issue left its fingerprint unchanged")
		}
		list, err := s.EditionArticles(ctx, issue.ID)
		if err != nil || len(list) != 2 || list[0].ID != b.ID || len(list[0].Authors) == 0 || list[0].Pages[0] == "" {
			t.Fatalf("EditionArticles = %+v, %v", list, err)
		}

		e := store.Edition{IssueID: issue.ID, Format: store.FormatEPUB, Key: "ab/cd.epub", Size: 10, Source: first, BuiltAt: clock, Seconds: 0.5}
		if err := s.SaveEdition(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.EditionFailed(ctx, issue.ID, store.FormatEPUB, "later", "the converter crashed"); err != nil {
			t.Fatal(err)
		}
		eds, err := s.Editions(ctx, issue.ID)
		if got := eds[store.FormatEPUB]; err != nil || got.Key != e.Key || got.Error != "the converter crashed" || got.Seconds != 0.5 || got.Source != "later" {
			t.Fatalf("after a failure: %+v, %v; want the last good file kept with the reason", got, err)
		}
		if err := s.RetryEdition(ctx, issue.ID, store.FormatEPUB); err != nil {
			t.Fatal(err)
		}
		if eds, _ := s.Editions(ctx, issue.ID); eds[store.FormatEPUB].Source != "" {
			t.Error("a retry kept the fingerprint: the next run would not build")
		}

		r, err := s.CreateReader(ctx, "reader@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		if err := s.SetEditionPosition(ctx, r.ID, issue.ID, a.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetEditionPosition(ctx, r.ID, issue.ID, b.ID); err != nil {
			t.Fatal(err)
		}
		if pos, err := s.EditionPosition(ctx, r.ID, issue.ID); err != nil || pos != b.ID {
			t.Errorf("EditionPosition = %d, %v; want %d", pos, err, b.ID)
		}
		if err := s.ResetCatalogue(ctx, r.ID, "hash1"); err != nil {
			t.Fatal(err)
		}
		if err := s.SetKindle(ctx, r.ID, "me@kindle.com"); err != nil {
			t.Fatal(err)
		}
		if err := s.ResetCatalogue(ctx, r.ID, "hash2"); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ReaderByCatalogue(ctx, "hash1"); !magazine.IsNotFound(err) {
			t.Errorf("a reset catalogue still finds its reader: %v", err)
		}
		if id, err := s.ReaderByCatalogue(ctx, "hash2"); err != nil || id != r.ID {
			t.Errorf("ReaderByCatalogue = %d, %v", id, err)
		}
		if er, err := s.ReaderEReaders(ctx, r.ID); err != nil || !er.HasCatalogue || er.KindleEmail != "me@kindle.com" {
			t.Errorf("ReaderEReaders = %+v, %v", er, err)
		}
		m := store.Mail{Kind: "kindle_issue", To: "me@kindle.com", Subject: "Vol. 1, No. 1", Text: "attached", AttachmentKey: "ab/cd.epub", AttachmentName: "m-1-1.epub"}
		for i, again := range []bool{false, false, true} {
			queued, err := s.QueueKindle(ctx, r.ID, issue.ID, m, again)
			if err != nil || queued != (i != 1) {
				t.Errorf("QueueKindle #%d (again %v) = %v, %v", i+1, again, queued, err)
			}
		}
		box, err := s.Mailbox(ctx, "me@kindle.com", 10)
		if err != nil || len(box) != 2 || box[0].AttachmentKey != "ab/cd.epub" || box[0].AttachmentName != "m-1-1.epub" {
			t.Fatalf("the Kindle's messages: %+v, %v", box, err)
		}
		secret, err := s.EditionSecret(ctx)
		again, err2 := s.EditionSecret(ctx)
		if err != nil || err2 != nil || len(secret) < 16 || string(secret) != string(again) {
			t.Errorf("EditionSecret is not one stable secret: %v %v", err, err2)
		}
		prev, next, err := s.NeighbourIssues(ctx, issue)
		if err != nil || prev != nil || next != nil {
			t.Errorf("a lone issue has neighbours: %v %v %v", prev, next, err)
		}
		web := f.article(t, "On the web", nil)
		got, err := s.WebOnlyArticles(ctx, web.PublishedAt.Year(), 10)
		if err != nil || len(got) != 1 || got[0].ID != web.ID {
			t.Errorf("WebOnlyArticles = %v, %v", got, err)
		}
	})
}
