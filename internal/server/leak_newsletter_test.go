package server_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/newsletter"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestNewsletterLeaks extends the paywall's judge to the new-issue
// e-mail: the messages to a registered reader and to a subscriber whose
// plan lacks the digital edition hold no run of any gated article's text
// and no edition link; a Digital subscriber's hold the edition links (the
// check would see them), and the judge itself finds a gated run when
// shown one.
func TestNewsletterLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	if _, err := demo.Seed(ctx, st, files, demo.Options{Seed: 5, Issues: 3, PerIssue: 8, WebOnly: -1, Authors: 3, Now: now}); err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	tm := billing.NewTestMode()
	svc := billing.New(st, tm, tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
	subscribe := func(email string, ents ...magazine.Entitlement) int64 {
		plan := magazine.Plan{Name: email, MonthlyPrice: 800, Currency: "USD", Active: true, Entitlements: ents}
		if err := st.CreatePlan(ctx, &plan); err != nil {
			t.Fatal(err)
		}
		_, id := paidReader(t, st, svc, tm, email, plan.ID)
		return id
	}
	readerSession(t, st, "registered@example.com")
	reg, err := st.ReaderByEmail(ctx, "registered@example.com")
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]int64{
		"registered@example.com": reg.ID,
		"web@example.com":        subscribe("web@example.com", magazine.EntSubscriberContent),
		"digital@example.com":    subscribe("digital@example.com", magazine.EntSubscriberContent, magazine.EntDigitalEdition, magazine.EntArchive),
	}
	for _, id := range ids {
		if err := st.SubscribeNewsletter(ctx, id, store.NewsletterNewIssue, true); err != nil {
			t.Fatal(err)
		}
	}
	s := &newsletter.Sender{Store: st, Templates: tmpl, BaseURL: "https://mag.example", Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	if _, err := s.Run(ctx); err != nil {
		t.Fatal(err)
	}

	issues, _, err := st.Issues(ctx, store.IssueFilter{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	open := map[string]bool{}
	var gated []magazine.Article
	for _, is := range issues {
		list, err := st.EditionArticles(ctx, is.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			publicRuns(open, a)
			if a.Visibility != magazine.VisibilityPublic {
				gated = append(gated, a)
			}
		}
	}
	if len(gated) == 0 {
		t.Fatal("the demo has no gated articles to judge by")
	}
	runs := map[string]bool{}
	for _, a := range gated {
		for run := range gatedRuns(a, open) {
			runs[run] = true
		}
	}
	if leakedRun(plain(strings.Join(gated[0].Pages, "\n")), runs) == "" {
		t.Fatal("the judge finds no gated run in a gated article's own text")
	}

	for addr := range ids {
		msgs := newsletterMail(t, st, addr)
		if len(msgs) != len(issues) {
			t.Errorf("%s: %d newsletters, want one per issue (%d)", addr, len(msgs), len(issues))
		}
		for _, m := range msgs {
			text := m.Text + " " + plain(m.HTML)
			if run := leakedRun(text, runs); run != "" {
				t.Errorf("%s: the newsletter %q holds gated text %q", addr, m.Subject, run)
			}
			hasEdition := strings.Contains(m.Text, "/read") || strings.Contains(m.HTML, "/download/epub")
			if want := addr == "digital@example.com"; hasEdition != want {
				t.Errorf("%s: edition links in %q: %v, want %v", addr, m.Subject, hasEdition, want)
			}
		}
	}
}
