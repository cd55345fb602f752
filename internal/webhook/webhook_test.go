package webhook_test

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// TestSignMatchesTheSpecification: the test vector published with the
// Standard Webhooks specification and its reference libraries.
func TestSignMatchesTheSpecification(t *testing.T) {
	t.Parallel()
	got, err := webhook.Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, []byte(`{"test": 2432232314}`))
	if err != nil {
		t.Fatal(err)
	}
	if want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="; got != want {
		t.Errorf("Sign = %q, want %q", got, want)
	}
	if _, err := webhook.Sign("whsec_not base64!", "msg_1", 1, nil); err == nil {
		t.Error("a damaged secret signs")
	}
}

// verify checks a delivery the way a receiver following the
// specification does, written here from the specification rather than
// with the package's own Sign: the signed content is id.timestamp.body,
// the key the base64 after "whsec_", the header a space-separated list of
// "v1,<base64>", the timestamp within five minutes.
func verify(secret string, h http.Header, body []byte, now time.Time) error {
	id, ts, sigs := h.Get("webhook-id"), h.Get("webhook-timestamp"), h.Get("webhook-signature")
	if id == "" || ts == "" || sigs == "" {
		return errors.New("missing webhook headers")
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return errors.New("bad timestamp")
	}
	if d := now.Sub(time.Unix(sec, 0)); d > 5*time.Minute || d < -5*time.Minute {
		return errors.New("timestamp too far from now")
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	mac := hmac.New(sha256.New, key)
	io.WriteString(mac, id+"."+ts+".")
	mac.Write(body)
	want := mac.Sum(nil)
	for _, s := range strings.Fields(sigs) {
		v, b64, ok := strings.Cut(s, ",")
		if !ok || v != "v1" {
			continue
		}
		got, err := base64.StdEncoding.DecodeString(b64)
		if err == nil && hmac.Equal(got, want) {
			return nil
		}
	}
	return errors.New("no signature matches")
}

func TestNewSecretIsStandard(t *testing.T) {
	t.Parallel()
	a, b := webhook.NewSecret(), webhook.NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") {
		t.Fatalf("secrets %q and %q", a, b)
	}
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(a, "whsec_"))
	if err != nil || len(key) != 32 {
		t.Fatalf("secret %q: %d bytes, %v", a, len(key), err)
	}
}

func TestCheckURL(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	for _, tt := range []struct {
		url      string
		loopback bool
		ok       bool
		want     string // in the message when refused
	}{
		{"https://93.184.215.14/hooks", false, true, ""},
		{"http://127.0.0.1:8080/hook", true, true, ""},
		{"http://localhost:8080/hook", true, true, ""},
		{"http://[::1]:8080/hook", true, true, ""},
		{"not a url", false, false, "full web address"},
		{"ftp://93.184.215.14/hook", false, false, "full web address"},
		{"https://", false, false, "full web address"},
		{"http://93.184.215.14/hook", false, false, "https://"},
		{"http://93.184.215.14/hook", true, false, "https://"},
		{"https://127.0.0.1/hook", false, false, "private or local"},
		{"https://localhost/hook", false, false, "private or local"},
		{"https://[::1]/hook", false, false, "private or local"},
		{"https://10.0.0.5/hook", true, false, "private or local"},
		{"https://192.168.1.10/hook", true, false, "private or local"},
		{"https://169.254.169.254/latest/meta-data", true, false, "private or local"},
		{"https://[fd00::1]/hook", true, false, "private or local"},
		{"https://[::ffff:10.0.0.1]/hook", true, false, "private or local"},
		{"https://user:pw@93.184.215.14/hook", false, false, "password"},
		{"https://no-such-host.invalid/hook", false, false, "could not be found"},
	} {
		got, err := webhook.CheckURL(ctx, tt.url, tt.loopback)
		if tt.ok {
			if err != nil {
				t.Errorf("CheckURL(%q, loopback %v): %v", tt.url, tt.loopback, err)
			} else if got != tt.url {
				t.Errorf("CheckURL(%q) = %q", tt.url, got)
			}
			continue
		}
		var me *magazine.Error
		if !errors.As(err, &me) || me.Field != "url" || !strings.Contains(me.Message, tt.want) {
			t.Errorf("CheckURL(%q, loopback %v) = %v, want a url field error saying %q", tt.url, tt.loopback, err, tt.want)
		}
	}
}

// receiver is a local endpoint that records what it gets and answers
// with the status its answer func gives for each request (n from 1).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	got    []delivery
	answer func(n int) int
}

type delivery struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, answer func(n int) int) *receiver {
	rc := &receiver{answer: answer}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.got = append(rc.got, delivery{r.Header.Clone(), body})
		n := len(rc.got)
		rc.mu.Unlock()
		status := rc.answer(n)
		if status == 0 { // hang, for the timeout
			<-r.Context().Done()
			return
		}
		w.WriteHeader(status)
		io.WriteString(w, strings.Repeat("answer ", 100))
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *receiver) deliveries() []delivery {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]delivery(nil), rc.got...)
}

func addEndpoint(t *testing.T, s *store.Store, url string, events ...string) magazine.WebhookEndpoint {
	t.Helper()
	ep := magazine.WebhookEndpoint{URL: url, Events: events, Secret: webhook.NewSecret()}
	if err := s.CreateWebhookEndpoint(context.Background(), store.CommandLine(), &ep); err != nil {
		t.Fatal(err)
	}
	return ep
}

func emitOne(t *testing.T, s *store.Store, event string) int64 {
	t.Helper()
	var ids []int64
	e := &webhook.Emitter{Store: s, Queued: func(_ context.Context, got []int64) { ids = append(ids, got...) }}
	e.Emit(context.Background(), event, map[string]string{"hello": "world"})
	if len(ids) != 1 {
		t.Fatalf("emit %s queued %d deliveries, want 1", event, len(ids))
	}
	return ids[0]
}

func deliveryOf(t *testing.T, s *store.Store, id int64) magazine.WebhookDelivery {
	t.Helper()
	d, err := s.WebhookDelivery(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestAttempt runs single attempts against a local receiver on both
// databases.
func TestAttempt(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		sender := webhook.NewSender(s, true, nil)

		t.Run("signed and delivered", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return http.StatusNoContent })
			ep := addEndpoint(t, s, rc.URL+"/ok", magazine.EventReaderCreated)
			id := emitOne(t, s, magazine.EventReaderCreated)
			if err := sender.Attempt(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			got := rc.deliveries()
			if len(got) != 1 {
				t.Fatalf("receiver got %d requests", len(got))
			}
			if err := verify(ep.Secret, got[0].header, got[0].body, time.Now()); err != nil {
				t.Errorf("signature: %v", err)
			}
			if ct := got[0].header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q", ct)
			}
			var m struct {
				Type string            `json:"type"`
				Data map[string]string `json:"data"`
			}
			if err := json.Unmarshal(got[0].body, &m); err != nil || m.Type != magazine.EventReaderCreated || m.Data["hello"] != "world" {
				t.Errorf("body %s (%v)", got[0].body, err)
			}
			d := deliveryOf(t, s, id)
			if d.Status != magazine.DeliveryDelivered || d.Attempts != 1 || d.ResponseStatus != 204 || d.LastError != "" {
				t.Errorf("delivery after success: %+v", d)
			}
			if got[0].header.Get("webhook-id") != d.MsgID {
				t.Errorf("webhook-id %q, recorded %q", got[0].header.Get("webhook-id"), d.MsgID)
			}
			// Tampering with the body breaks the signature.
			if err := verify(ep.Secret, got[0].header, append(got[0].body, ' '), time.Now()); err == nil {
				t.Error("a changed body verifies")
			}
			// Done is done: another attempt sends nothing.
			if err := sender.Attempt(ctx, id, false); err != nil || len(rc.deliveries()) != 1 {
				t.Errorf("attempt at a delivered message: %v, %d requests", err, len(rc.deliveries()))
			}
		})

		t.Run("500 is retried, and fails on the last attempt", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return http.StatusInternalServerError })
			addEndpoint(t, s, rc.URL+"/down", magazine.EventArticleUpdated)
			id := emitOne(t, s, magazine.EventArticleUpdated)
			if err := sender.Attempt(ctx, id, false); !errors.Is(err, webhook.ErrRetry) {
				t.Fatalf("attempt on a 500: %v, want ErrRetry", err)
			}
			d := deliveryOf(t, s, id)
			if d.Status != magazine.DeliveryRetrying || d.ResponseStatus != 500 || !strings.Contains(d.LastError, "500") {
				t.Errorf("after a 500: %+v", d)
			}
			if len(d.ResponseExcerpt) > 256 || !strings.HasPrefix(d.ResponseExcerpt, "answer") {
				t.Errorf("excerpt of %d bytes: %q", len(d.ResponseExcerpt), d.ResponseExcerpt)
			}
			if err := sender.Attempt(ctx, id, true); err != nil {
				t.Fatalf("last attempt: %v", err)
			}
			if d := deliveryOf(t, s, id); d.Status != magazine.DeliveryFailed || d.Attempts != 2 {
				t.Errorf("after the last attempt: %+v", d)
			}
		})

		t.Run("410 disables the endpoint", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return http.StatusGone })
			ep := addEndpoint(t, s, rc.URL+"/gone", magazine.EventIssuePublished)
			id := emitOne(t, s, magazine.EventIssuePublished)
			if err := sender.Attempt(ctx, id, false); err != nil {
				t.Fatalf("attempt on a 410: %v, want no retry", err)
			}
			if d := deliveryOf(t, s, id); d.Status != magazine.DeliveryFailed {
				t.Errorf("after a 410: %+v", d)
			}
			ep, _ = s.WebhookEndpoint(ctx, ep.ID)
			if ep.Enabled() || !strings.Contains(ep.DisabledReason, "410") {
				t.Errorf("endpoint after a 410: %+v", ep)
			}
		})

		t.Run("disabled endpoint gets nothing", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return http.StatusOK })
			ep := addEndpoint(t, s, rc.URL+"/off", magazine.EventSubscriptionCreated)
			id := emitOne(t, s, magazine.EventSubscriptionCreated)
			if err := s.SetWebhookEndpointDisabled(ctx, store.CommandLine(), ep.ID, "Paused."); err != nil {
				t.Fatal(err)
			}
			if err := sender.Attempt(ctx, id, false); err != nil {
				t.Fatal(err)
			}
			(&webhook.Emitter{Store: s}).Emit(ctx, magazine.EventSubscriptionCreated, nil)
			if n := len(rc.deliveries()); n != 0 {
				t.Errorf("a disabled endpoint got %d requests", n)
			}
			if d := deliveryOf(t, s, id); d.Status != magazine.DeliveryFailed || !strings.Contains(d.LastError, "disabled") {
				t.Errorf("delivery to a disabled endpoint: %+v", d)
			}
			if list, _ := s.WebhookDeliveries(ctx, ep.ID, 10); len(list) != 1 {
				t.Errorf("%d deliveries recorded for a disabled endpoint, want only the one queued before", len(list))
			}
		})

		t.Run("no answer in time", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return 0 })
			addEndpoint(t, s, rc.URL+"/slow", magazine.EventSubscriptionUpdated)
			id := emitOne(t, s, magazine.EventSubscriptionUpdated)
			slow := webhook.NewSender(s, true, nil)
			slow.Timeout = 200 * time.Millisecond
			if err := slow.Attempt(ctx, id, false); !errors.Is(err, webhook.ErrRetry) {
				t.Fatalf("attempt that timed out: %v, want ErrRetry", err)
			}
			if d := deliveryOf(t, s, id); d.Status != magazine.DeliveryRetrying || d.ResponseStatus != 0 || !strings.Contains(d.LastError, "No answer within 200ms") {
				t.Errorf("after a timeout: %+v", d)
			}
		})

		t.Run("redirects are not followed", func(t *testing.T) {
			target := newReceiver(t, func(int) int { return http.StatusOK })
			rc := newReceiver(t, func(int) int { return http.StatusFound })
			rc.Config.Handler = http.RedirectHandler(target.URL, http.StatusFound)
			addEndpoint(t, s, rc.URL+"/moved", magazine.EventSubscriptionCanceled)
			id := emitOne(t, s, magazine.EventSubscriptionCanceled)
			if err := sender.Attempt(ctx, id, false); !errors.Is(err, webhook.ErrRetry) {
				t.Fatalf("attempt on a redirect: %v", err)
			}
			if n := len(target.deliveries()); n != 0 {
				t.Errorf("the redirect was followed")
			}
			if d := deliveryOf(t, s, id); !strings.Contains(d.LastError, "redirect") {
				t.Errorf("after a redirect: %+v", d)
			}
		})

		t.Run("loopback refused without the flag", func(t *testing.T) {
			rc := newReceiver(t, func(int) int { return http.StatusOK })
			addEndpoint(t, s, rc.URL+"/local", magazine.EventSubscriptionRefunded)
			id := emitOne(t, s, magazine.EventSubscriptionRefunded)
			strict := webhook.NewSender(s, false, nil)
			if err := strict.Attempt(ctx, id, false); !errors.Is(err, webhook.ErrRetry) {
				t.Fatalf("attempt at a loopback address: %v", err)
			}
			if n := len(rc.deliveries()); n != 0 {
				t.Errorf("the loopback endpoint got %d requests", n)
			}
			if d := deliveryOf(t, s, id); !strings.Contains(d.LastError, "private or local") {
				t.Errorf("after a refused address: %+v", d)
			}
		})
	})
}

// TestEmitFiltersByEvent: an event goes to the enabled endpoints that
// asked for it, and to no other.
func TestEmitFiltersByEvent(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		articles := addEndpoint(t, s, "https://93.184.215.14/articles", magazine.EventArticlePublished, magazine.EventArticleUpdated)
		readers := addEndpoint(t, s, "https://93.184.215.14/readers", magazine.EventReaderCreated)
		off := addEndpoint(t, s, "https://93.184.215.14/off", magazine.EventReaderCreated)
		if err := s.SetWebhookEndpointDisabled(ctx, store.CommandLine(), off.ID, "Paused."); err != nil {
			t.Fatal(err)
		}
		e := &webhook.Emitter{Store: s}
		e.Reader(ctx, store.Reader{ID: 7, Email: "ada@example.com", Name: "Ada"})
		e.Emit(ctx, magazine.EventIssuePublished, nil) // nobody asked
		count := func(ep magazine.WebhookEndpoint) []string {
			list, err := s.WebhookDeliveries(ctx, ep.ID, 10)
			if err != nil {
				t.Fatal(err)
			}
			var events []string
			for _, d := range list {
				events = append(events, d.Event)
			}
			return events
		}
		if got := count(articles); len(got) != 0 {
			t.Errorf("the articles endpoint got %v", got)
		}
		if got := count(readers); len(got) != 1 || got[0] != magazine.EventReaderCreated {
			t.Errorf("the readers endpoint got %v", got)
		}
		if got := count(off); len(got) != 0 {
			t.Errorf("the disabled endpoint got %v", got)
		}
		var nilEmitter *webhook.Emitter
		nilEmitter.Emit(ctx, magazine.EventReaderCreated, nil) // no emitter: nothing, no panic
	})
}
