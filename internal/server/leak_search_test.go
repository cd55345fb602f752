package server_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

var wordPattern = regexp.MustCompile(`\p{L}[\p{L}\p{N}]*`)

// addWords adds the lower-case words of texts to set.
func addWords(set map[string]bool, texts ...string) {
	for _, t := range texts {
		for _, w := range wordPattern.FindAllString(strings.ToLower(plain(t)), -1) {
			set[w] = true
		}
	}
}

// kin reports whether two words could share a stem: the index stems
// (elections, elected → elect), so a word is only gated if no readable
// word begins like it.
func kin(a, b string) bool {
	stem := func(w string) string { return w[:max(4, len(w)-3)] }
	if len(a) < 5 || len(b) < 5 {
		return strings.HasPrefix(a, b) || strings.HasPrefix(b, a)
	}
	return strings.HasPrefix(b, stem(a)) || strings.HasPrefix(a, stem(b))
}

// TestSearchLeaksNoGatedText searches, as an anonymous reader and as a
// registered reader without a subscription, for words that occur only
// past the paywall of gated articles: no article is found and no run of
// gated text is in any snippet, on /search and /api/v1/search. A
// subscriber searching the same words finds the articles (the control).
func TestSearchLeaksNoGatedText(t *testing.T) {
	t.Parallel()
	// On both databases: their index, ranking and snippets are each
	// their own SQL.
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		files, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		opts := demo.Options{Seed: 11, Issues: 4, PerIssue: 12, WebOnly: 30, Authors: 6, Now: time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)}
		if _, err := demo.Seed(ctx, st, files, opts); err != nil {
			t.Fatal(err)
		}
		tmpl, err := mail.LoadTemplates()
		if err != nil {
			t.Fatal(err)
		}
		tm := billing.NewTestMode()
		svc := billing.New(st, tm, tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
		h, err := server.New(server.Config{Store: st, Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			BaseURL: "https://mag.example", Billing: svc, Mail: tmpl, SearchesPerMinute: 1_000_000})
		if err != nil {
			t.Fatal(err)
		}
		plan := magazine.Plan{Name: "Digital", MonthlyPrice: 800, Currency: "USD", RefundWindowDays: 60, Active: true,
			// With the archive, as in leak_test.go: the control reads (and so
			// finds) every demo article, however old its date.
			Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent, magazine.EntArchive}}
		if err := st.CreatePlan(ctx, &plan); err != nil {
			t.Fatal(err)
		}
		registered := auth.SecureReaderCookieName + "=" + readerSession(t, st, "registered@example.com")
		sid, _ := paidReader(t, st, svc, tm, "subscriber@example.com", plan.ID)
		subscriber := auth.SecureReaderCookieName + "=" + sid
		// fetch returns the status, the text a reader sees, and whether any
		// article was found.
		fetch := func(path, cookie string) (int, string, bool) {
			req := httptest.NewRequest("GET", path, nil)
			if cookie != "" {
				req.Header.Set("Cookie", cookie)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			body := rec.Body.String()
			if strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
				return rec.Code, jsonText(body), !strings.Contains(body, `"total":0`)
			}
			return rec.Code, plain(body), strings.Contains(body, `class="result"`)
		}

		// What each viewer may read, word by word and run by run.
		var gated []magazine.Article
		open := map[string]bool{}
		openToRegistered := map[string]bool{} // and the registered articles' pages
		anonWords, regWords := map[string]bool{}, map[string]bool{}
		var before *store.Cursor
		for {
			list, more, err := st.Articles(ctx, store.ArticleFilter{Limit: 100, Before: before})
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range list {
				full, err := st.ArticleBySlug(ctx, a.Slug)
				if err != nil {
					t.Fatal(err)
				}
				publicRuns(open, full)
				publicRuns(openToRegistered, full)
				if full.Visibility == magazine.VisibilityRegistered {
					windows(openToRegistered, full.Pages)
				}
				public := []string{full.Headline, full.Dek, full.Description, full.SEOTitle, full.FeaturedAlt}
				for _, au := range full.Authors {
					public = append(public, au.Name)
				}
				for _, tag := range full.Tags {
					public = append(public, tag.Name)
				}
				addWords(anonWords, public...)
				addWords(regWords, public...)
				switch full.Visibility {
				case magazine.VisibilityPublic:
					addWords(anonWords, full.Pages...)
					addWords(regWords, full.Pages...)
				case magazine.VisibilityRegistered:
					addWords(anonWords, full.PreviewHTML)
					addWords(regWords, full.Pages...)
					gated = append(gated, full)
				default:
					addWords(anonWords, full.PreviewHTML)
					addWords(regWords, full.PreviewHTML)
					gated = append(gated, full)
				}
			}
			if !more || len(list) == 0 {
				break
			}
			c := store.CursorOf(list[len(list)-1])
			before = &c
		}
		// secretWords are the words of gated pages that no readable text of
		// the viewer has, nor a word that could share its stem.
		secretWords := func(readable map[string]bool) []string {
			cand := map[string]bool{}
			for _, a := range gated {
				addWords(cand, a.Pages...)
			}
			var out []string
			for w := range cand {
				secret := !readable[w]
				for r := range readable {
					if !secret || kin(w, r) {
						secret = false
						break
					}
				}
				if secret {
					out = append(out, w)
				}
			}
			sort.Strings(out)
			return out
		}

		searched := 0
		for _, viewer := range []struct {
			name, cookie string
			readable     map[string]bool
			open         map[string]bool
		}{{"anonymous", "", anonWords, open}, {"registered", registered, regWords, openToRegistered}} {
			words := secretWords(viewer.readable)
			if len(words) < 10 {
				t.Fatalf("%s: only %d words occur only past the paywall; the test needs more to mean something", viewer.name, len(words))
			}
			runs := map[string]bool{}
			for _, a := range gated {
				if a.Visibility == magazine.VisibilityRegistered && viewer.cookie != "" {
					continue
				}
				for run := range gatedRuns(a, viewer.open) {
					runs[run] = true
				}
			}
			found := 0
			for _, w := range words {
				// The control: a subscriber finds the word. Asked first, so
				// that the subscribers' cached page is there to be wrongly
				// served to the viewer.
				if _, _, hit := fetch("/search?q="+url.QueryEscape(w), subscriber); hit {
					found++
				}
				for _, q := range []string{w, w + "*", `"` + w + `"`} {
					for _, path := range []string{"/search?q=", "/api/v1/search?q="} {
						code, text, hit := fetch(path+url.QueryEscape(q), viewer.cookie)
						if code != http.StatusOK {
							t.Fatalf("%s %s%s: status %d", viewer.name, path, q, code)
						}
						if hit {
							t.Errorf("%s: %s%s finds an article by its gated text", viewer.name, path, q)
						}
						if run := leakedRun(text, runs); run != "" {
							t.Errorf("%s: %s%s shows gated text: %q", viewer.name, path, q, run)
						}
					}
					searched++
				}
			}
			if found < len(words)*9/10 {
				t.Errorf("%s: a subscriber finds only %d of %d gated words: the test would miss a leak", viewer.name, found, len(words))
			}
			t.Logf("%s: %d gated words searched, a subscriber finds %d", viewer.name, len(words), found)
		}
		t.Logf("%d searches checked", searched)
	})
}
