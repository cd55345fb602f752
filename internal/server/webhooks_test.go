package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// TestReadersAndSubscriptionsReachWebhooks: a reader signs up on the site
// and another subscribes; a local endpoint receives reader.created for
// both and subscription.created, each delivery signed with its secret,
// through the job queue as serve runs it.
func TestReadersAndSubscriptionsReachWebhooks(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		e := newReaderEnv(t, st)
		var mu sync.Mutex
		var events []string
		bad := 0
		var secret string
		rc := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
			want, _ := webhook.Sign(secret, r.Header.Get("webhook-id"), ts, body)
			var m webhook.Message
			json.Unmarshal(body, &m)
			mu.Lock()
			defer mu.Unlock()
			if want != r.Header.Get("webhook-signature") {
				bad++
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			events = append(events, m.Type)
		}))
		t.Cleanup(rc.Close)
		ep := magazine.WebhookEndpoint{URL: rc.URL, Secret: webhook.NewSecret(),
			Events: []string{magazine.EventReaderCreated, magazine.EventSubscriptionCreated}}
		secret = ep.Secret
		if err := st.CreateWebhookEndpoint(ctx, store.CommandLine(), &ep); err != nil {
			t.Fatal(err)
		}

		// The site and billing as serve wires them, with the job queue.
		log := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
		hooks := &webhook.Emitter{Store: st, Log: log, BaseURL: e.srv.URL}
		tmpl, err := mail.LoadTemplates()
		if err != nil {
			t.Fatal(err)
		}
		svc := billing.New(st, e.tm, tmpl, billing.Options{Publication: "The Harbour Review", BaseURL: e.srv.URL, Webhooks: hooks})
		h, err := server.New(server.Config{Store: st, Files: e.files, Log: log, BaseURL: e.srv.URL, Billing: svc, Mail: tmpl, Now: st.Now, Webhooks: hooks})
		if err != nil {
			t.Fatal(err)
		}
		e.srv.Config.Handler = h
		if err := jobs.Migrate(ctx, st, log); err != nil {
			t.Fatal(err)
		}
		q, err := jobs.Start(ctx, jobs.Config{Store: st, Log: log, Period: 200 * time.Millisecond, Webhooks: webhook.NewSender(st, true, log), Emit: hooks})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { q.Close() })
		hooks.Queued = q.DeliverWebhooks

		b := e.browser(t)
		b.post("/sign-up", url.Values{"email": {"rita@example.com"}, "name": {"Rita"}})
		if r := b.post(e.lastLink(t, "rita@example.com"), nil); r.status != http.StatusSeeOther {
			t.Fatalf("sign-up link: %d", r.status)
		}
		e.subscribe(t, e.browser(t), "sam@example.com")
		// Signing in again is no new reader.
		e.signIn(t, e.browser(t), "rita@example.com")

		want := []string{magazine.EventReaderCreated, magazine.EventReaderCreated, magazine.EventSubscriptionCreated}
		deadline := time.Now().Add(30 * time.Second)
		for {
			mu.Lock()
			got := slices.Sorted(slices.Values(events))
			nbad := bad
			mu.Unlock()
			if slices.Equal(got, want) && nbad == 0 {
				break
			}
			if time.Now().After(deadline) || len(got) > len(want) || nbad > 0 {
				t.Fatalf("the endpoint received %v (%d bad signatures), want %v", got, nbad, want)
			}
			time.Sleep(50 * time.Millisecond)
		}
		time.Sleep(500 * time.Millisecond) // the queue's periodic run has passed: nothing more comes
		mu.Lock()
		defer mu.Unlock()
		if len(events) != len(want) {
			t.Errorf("the endpoint received %v, want %v", events, want)
		}
	})
}
