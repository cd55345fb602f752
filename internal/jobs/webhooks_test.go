package jobs_test

import (
	"context"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// hookReceiver is a local endpoint. fail says, for the nth request of a
// message (n from 1), whether to answer 500.
type hookReceiver struct {
	*httptest.Server
	secret string
	mu     sync.Mutex
	tries  map[string]int  // requests per webhook-id
	ok     map[string]bool // webhook-ids answered 2xx
	bad    int             // requests whose signature did not verify
}

func newHookReceiver(t *testing.T, fail func(msgID string, n int) bool) *hookReceiver {
	rc := &hookReceiver{tries: map[string]int{}, ok: map[string]bool{}}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		id := r.Header.Get("webhook-id")
		ts, _ := strconv.ParseInt(r.Header.Get("webhook-timestamp"), 10, 64)
		want, _ := webhook.Sign(rc.secret, id, ts, body)
		rc.mu.Lock()
		defer rc.mu.Unlock()
		if r.Header.Get("webhook-signature") != want {
			rc.bad++
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		rc.tries[id]++
		if fail(id, rc.tries[id]) {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		rc.ok[id] = true
	}))
	t.Cleanup(rc.Close)
	return rc
}

func (rc *hookReceiver) counts() (tries map[string]int, ok map[string]bool, bad int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	tries, ok = map[string]int{}, map[string]bool{}
	for k, v := range rc.tries {
		tries[k] = v
	}
	for k, v := range rc.ok {
		ok[k] = v
	}
	return tries, ok, rc.bad
}

// hookQueue starts a queue that delivers webhooks with short waits
// between attempts, an endpoint at rc for events, and an emitter that
// queues at once.
func hookQueue(t *testing.T, s *store.Store, rc *hookReceiver, attempts int, events ...string) (*webhook.Emitter, magazine.WebhookEndpoint) {
	t.Helper()
	ep := magazine.WebhookEndpoint{URL: rc.URL + "/hooks", Events: events, Secret: webhook.NewSecret()}
	if err := s.CreateWebhookEndpoint(context.Background(), store.CommandLine(), &ep); err != nil {
		t.Fatal(err)
	}
	rc.secret = ep.Secret
	q := start(t, jobs.Config{Store: s, Period: 100 * time.Millisecond, Webhooks: webhook.NewSender(s, true, testLog(t)),
		WebhookAttempts: attempts, WebhookBackoff: func(int) time.Duration { return 30 * time.Millisecond }})
	return &webhook.Emitter{Store: s, Log: testLog(t), Queued: q.DeliverWebhooks}, ep
}

// settled waits until no delivery of ep is pending or retrying, and
// returns them.
func settled(t *testing.T, s *store.Store, ep magazine.WebhookEndpoint, n int) []magazine.WebhookDelivery {
	t.Helper()
	deadline := time.Now().Add(wait)
	for {
		list, err := s.WebhookDeliveries(context.Background(), ep.ID, 1000)
		if err != nil {
			t.Fatal(err)
		}
		done := len(list) == n
		for _, d := range list {
			done = done && (d.Status == magazine.DeliveryDelivered || d.Status == magazine.DeliveryFailed)
		}
		if done {
			return list
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %s the deliveries are still not settled: %+v", wait, list)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestWebhookRetriedUntilDelivered: an endpoint that answers 500 twice
// gets the same message, signed, until it takes it.
func TestWebhookRetriedUntilDelivered(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rc := newHookReceiver(t, func(_ string, n int) bool { return n <= 2 })
		e, ep := hookQueue(t, s, rc, 5, magazine.EventReaderCreated)
		e.Reader(context.Background(), store.Reader{ID: 1, Email: "ada@example.com"})
		list := settled(t, s, ep, 1)
		if d := list[0]; d.Status != magazine.DeliveryDelivered || d.Attempts != 3 || d.ResponseStatus != 200 {
			t.Errorf("delivery: %+v, want delivered at the third attempt", d)
		}
		tries, ok, bad := rc.counts()
		if bad != 0 || len(tries) != 1 || tries[list[0].MsgID] != 3 || !ok[list[0].MsgID] {
			t.Errorf("receiver: tries %v, ok %v, %d bad signatures; want one message tried 3 times under one webhook-id", tries, ok, bad)
		}
	})
}

// TestWebhookGivesUp: after the last attempt the delivery has failed and
// nothing more is sent.
func TestWebhookGivesUp(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rc := newHookReceiver(t, func(string, int) bool { return true })
		e, ep := hookQueue(t, s, rc, 3, magazine.EventArticleUpdated)
		e.Emit(context.Background(), magazine.EventArticleUpdated, map[string]int{"id": 1})
		list := settled(t, s, ep, 1)
		if d := list[0]; d.Status != magazine.DeliveryFailed || d.Attempts != 3 || d.ResponseStatus != 500 {
			t.Errorf("delivery: %+v, want failed after 3 attempts", d)
		}
		time.Sleep(300 * time.Millisecond) // ten backoffs: no fourth attempt comes
		if tries, _, _ := rc.counts(); tries[list[0].MsgID] != 3 {
			t.Errorf("the endpoint got %d requests, want 3", tries[list[0].MsgID])
		}
	})
}

// TestWebhookShuffledFailures: many messages, each failing a random
// number of times in a shuffled order, are all delivered: none is lost
// and none is delivered under another id.
func TestWebhookShuffledFailures(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rnd := rand.New(rand.NewPCG(15, 5))
		var mu sync.Mutex
		failures := map[string]int{}
		rc := newHookReceiver(t, func(id string, n int) bool {
			mu.Lock()
			defer mu.Unlock()
			k, ok := failures[id]
			if !ok {
				k = rnd.IntN(4) // 0 to 3 failures, then success
				failures[id] = k
			}
			return n <= k
		})
		e, ep := hookQueue(t, s, rc, 5, magazine.EventSubscriptionUpdated)
		const messages = 25
		for i := range messages {
			e.Subscription(context.Background(), magazine.EventSubscriptionUpdated, magazine.Subscription{ID: int64(i + 1), Status: magazine.SubActive})
		}
		list := settled(t, s, ep, messages)
		tries, ok, bad := rc.counts()
		retried := 0
		for _, d := range list {
			if d.Status != magazine.DeliveryDelivered || !ok[d.MsgID] {
				t.Errorf("delivery %d (%s): %s, received ok %v", d.ID, d.MsgID, d.Status, ok[d.MsgID])
			}
			if want := failures[d.MsgID] + 1; d.Attempts != want || tries[d.MsgID] != want {
				t.Errorf("delivery %d: %d attempts recorded, %d received, want %d", d.ID, d.Attempts, tries[d.MsgID], want)
			}
			if d.Attempts > 1 {
				retried++
			}
		}
		if bad != 0 || len(ok) != messages {
			t.Errorf("%d messages delivered, want %d; %d bad signatures", len(ok), messages, bad)
		}
		if retried == 0 {
			t.Error("no message needed a retry: the test proves nothing")
		}
	})
}

// TestWebhookRecordedWithoutQueue: a delivery recorded while no queue
// ran (the command line) goes out with the queue's periodic run.
func TestWebhookRecordedWithoutQueue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		rc := newHookReceiver(t, func(string, int) bool { return false })
		ep := magazine.WebhookEndpoint{URL: rc.URL + "/hooks", Events: []string{magazine.EventReaderCreated}, Secret: webhook.NewSecret()}
		if err := s.CreateWebhookEndpoint(context.Background(), store.CommandLine(), &ep); err != nil {
			t.Fatal(err)
		}
		rc.secret = ep.Secret
		(&webhook.Emitter{Store: s}).Reader(context.Background(), store.Reader{ID: 3, Email: "cli@example.com"})
		start(t, jobs.Config{Store: s, Period: 100 * time.Millisecond, Webhooks: webhook.NewSender(s, true, testLog(t))})
		if d := settled(t, s, ep, 1)[0]; d.Status != magazine.DeliveryDelivered {
			t.Errorf("delivery: %+v", d)
		}
	})
}

// TestScheduledArticleEmitsPublished: the publishing run tells webhooks.
func TestScheduledArticleEmitsPublished(t *testing.T) {
	t.Parallel()
	s := storetest.SQLite(t)
	clk := newClock(t0.Add(-time.Minute))
	s.Now = clk.now
	rc := newHookReceiver(t, func(string, int) bool { return false })
	ep := magazine.WebhookEndpoint{URL: rc.URL + "/hooks", Events: []string{magazine.EventArticlePublished}, Secret: webhook.NewSecret()}
	if err := s.CreateWebhookEndpoint(context.Background(), store.CommandLine(), &ep); err != nil {
		t.Fatal(err)
	}
	rc.secret = ep.Secret
	m := newMagazine(t, s)
	a := m.schedule(t, s, "The budget passes", t0)
	r := newRuns()
	start(t, jobs.Config{Store: s, Period: 100 * time.Millisecond, Now: clk.now, AfterPublish: r.record,
		Webhooks: webhook.NewSender(s, true, testLog(t)), Emit: &webhook.Emitter{Store: s}})
	clk.set(t0.Add(time.Second))
	r.waitFor(t, "the article to be published", func() bool { return r.published(a.ID) })
	list := settled(t, s, ep, 1)
	if list[0].Event != magazine.EventArticlePublished || !contains(list[0].Payload, `"slug":"`+a.Slug+`"`) {
		t.Errorf("delivery %s: %s", list[0].Event, list[0].Payload)
	}
}

func contains(b []byte, s string) bool { return strings.Contains(string(b), s) }

// TestWebhookBackoffSpansThreeDays: the waits between the attempts add
// up to about three days, each growing and never past twelve hours.
func TestWebhookBackoffSpansThreeDays(t *testing.T) {
	t.Parallel()
	var total time.Duration
	for n := 1; n < jobs.WebhookAttempts; n++ {
		d := jobs.WebhookBackoff(n)
		nominal := min(time.Minute<<(n-1), 12*time.Hour)
		if d < nominal*9/10 || d > nominal*11/10 {
			t.Errorf("wait after attempt %d: %s, want %s ± 10%%", n, d, nominal)
		}
		total += d
	}
	if days := total.Hours() / 24; days < 2.5 || days > 3.5 {
		t.Errorf("the attempts span %.1f days, want about three", days)
	}
}
