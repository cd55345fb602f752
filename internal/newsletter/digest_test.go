package newsletter_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestWeeklyDigest: the digest of the last whole week goes once to each
// reader who confirmed it, with the web articles of that week only, and
// its own unsubscribe link.
func TestWeeklyDigest(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	f := newFixture(t, st)
	now := time.Date(2026, 5, 6, 9, 0, 0, 0, time.UTC) // a Wednesday of 2026-W19
	st.Now = func() time.Time { return now }
	secs, err := st.Sections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	authors, err := st.Authors(ctx)
	if err != nil || len(authors) == 0 {
		t.Fatalf("authors: %v", err)
	}
	for headline, at := range map[string]time.Time{
		"Inside the week":   time.Date(2026, 4, 29, 12, 0, 0, 0, time.UTC),
		"Too early a story": time.Date(2026, 4, 26, 23, 0, 0, 0, time.UTC),
		"This week's story": time.Date(2026, 5, 4, 8, 0, 0, 0, time.UTC),
	} {
		if _, err := st.CreateArticle(ctx, magazine.ArticleInput{Headline: headline, Dek: "Dek of " + headline, SectionID: secs[0].ID,
			AuthorIDs: []int64{authors[0].ID}, Status: magazine.StatusPublished, PublishedAt: at, Visibility: magazine.VisibilityPublic,
			BodyMarkdown: "Body."}); err != nil {
			t.Fatal(err)
		}
	}
	f.reader(t, "digest@example.com", store.NewsletterWeeklyDigest, true)
	f.reader(t, "pending@example.com", store.NewsletterWeeklyDigest, false)
	f.reader(t, "issue@example.com", store.NewsletterNewIssue, true)
	s := &newsletter.Sender{Store: st, Templates: f.tmpl, BaseURL: "https://mag.example"}
	for range 2 {
		if _, err := s.Run(ctx); err != nil {
			t.Fatal(err)
		}
	}
	kinds := func(addr string) []store.Mail {
		box, err := st.Mailbox(ctx, addr, 10)
		if err != nil {
			t.Fatal(err)
		}
		return box
	}
	got := kinds("digest@example.com")
	if len(got) != 1 || got[0].Kind != "newsletter_weekly_digest" {
		t.Fatalf("digest reader's mail: %+v", got)
	}
	m := got[0]
	if !strings.Contains(m.Text, "Inside the week") || !strings.Contains(m.Text, "Dek of Inside the week") ||
		strings.Contains(m.Text, "Too early") || strings.Contains(m.Text, "This week's") || strings.Contains(m.Text, "harbour") {
		t.Errorf("digest of 27 April to 3 May:\n%s", m.Text)
	}
	if !strings.Contains(m.Subject, "27 April to 3 May 2026") || !strings.Contains(m.ListUnsubscribe, "list=weekly_digest") {
		t.Errorf("subject %q, unsubscribe %q", m.Subject, m.ListUnsubscribe)
	}
	if n := len(kinds("pending@example.com")); n != 0 {
		t.Errorf("an unconfirmed reader got %d messages", n)
	}
	if got := kinds("issue@example.com"); len(got) != 1 || got[0].Kind != "newsletter_new_issue" {
		t.Errorf("new-issue reader's mail: %d messages", len(got))
	}
}
