package webhook

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// AttemptTimeout bounds one delivery attempt, connection included: an
// endpoint slower than this has failed the attempt.
const AttemptTimeout = 10 * time.Second

// excerptBytes is how much of a response body is kept for the delivery
// log; the rest is read (up to drainBytes, so the connection can be used
// again) and dropped.
const (
	excerptBytes = 256
	drainBytes   = 64 << 10
)

// ErrRetry is returned by Attempt when the delivery failed and should be
// tried again.
var ErrRetry = errors.New("webhook delivery failed; it will be tried again")

// Sender makes delivery attempts.
type Sender struct {
	Store  *store.Store
	Client *http.Client
	Log    *slog.Logger
	// Timeout bounds each attempt; AttemptTimeout unless a test shortens
	// it.
	Timeout time.Duration
}

// NewSender returns a Sender whose client reaches only public addresses,
// or loopback too when allowLoopback is set (development and tests).
func NewSender(st *store.Store, allowLoopback bool, log *slog.Logger) *Sender {
	c := httpx.PublicClient(allowLoopback, AttemptTimeout)
	// A redirect is a failed delivery, as the specification says: the
	// signed request is meant for the URL staff gave.
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Sender{Store: st, Client: c, Log: log, Timeout: AttemptTimeout}
}

// Attempt makes one attempt at delivery id and records what came of it.
// last says no attempt follows a failure: the delivery then fails for
// good. It returns ErrRetry when another attempt is due, and nil when the
// delivery is over (delivered, failed for good, or its endpoint gone or
// disabled). An endpoint that answers 410 Gone is disabled.
func (s *Sender) Attempt(ctx context.Context, id int64, last bool) error {
	d, err := s.Store.WebhookDelivery(ctx, id)
	if magazine.IsNotFound(err) {
		return nil // its endpoint was deleted, and the log with it
	} else if err != nil {
		return err
	}
	if d.Status == magazine.DeliveryDelivered || d.Status == magazine.DeliveryFailed {
		return nil
	}
	ep, err := s.Store.WebhookEndpoint(ctx, d.EndpointID)
	if magazine.IsNotFound(err) {
		return nil
	} else if err != nil {
		return err
	}
	if !ep.Enabled() {
		return s.Store.RecordWebhookAttempt(ctx, id, store.WebhookAttempt{Status: magazine.DeliveryFailed, Error: "Not sent: the endpoint is disabled."})
	}
	a := s.post(ctx, ep, d)
	switch {
	case a.Response >= 200 && a.Response < 300:
		a.Status = magazine.DeliveryDelivered
	case a.Response == http.StatusGone:
		a.Status, a.Disable = magazine.DeliveryFailed, "The endpoint answered 410 Gone, which asks for no more deliveries."
	case last:
		a.Status = magazine.DeliveryFailed
	default:
		a.Status = magazine.DeliveryRetrying
	}
	if err := s.Store.RecordWebhookAttempt(ctx, id, a); err != nil {
		return err
	}
	if a.Status == magazine.DeliveryRetrying {
		return ErrRetry
	}
	return nil
}

// post sends the delivery once. The attempt's Error is written for staff:
// what happened, never Go's error text.
func (s *Sender) post(ctx context.Context, ep magazine.WebhookEndpoint, d magazine.WebhookDelivery) store.WebhookAttempt {
	now := s.Store.Now()
	sig, err := Sign(ep.Secret, d.MsgID, now.Unix(), d.Payload)
	if err != nil {
		s.Log.ErrorContext(ctx, "sign webhook delivery", "delivery", d.ID, "err", err)
		return store.WebhookAttempt{Error: "Not sent: the endpoint's secret is damaged; delete the endpoint and create it again."}
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(s.Timeout, AttemptTimeout))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, ep.URL, bytes.NewReader(d.Payload))
	if err != nil {
		return store.WebhookAttempt{Error: "Not sent: the endpoint's URL is not valid."}
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Masthead-Webhooks/1")
	req.Header.Set("webhook-id", d.MsgID)
	req.Header.Set("webhook-timestamp", strconv.FormatInt(now.Unix(), 10))
	req.Header.Set("webhook-signature", sig)
	start := time.Now()
	res, err := s.Client.Do(req)
	if err != nil {
		a := store.WebhookAttempt{Took: time.Since(start), Error: s.failure(err)}
		s.Log.InfoContext(ctx, "webhook delivery attempt failed", "delivery", d.ID, "endpoint", ep.ID, "err", err)
		return a
	}
	defer res.Body.Close()
	head, _ := io.ReadAll(io.LimitReader(res.Body, excerptBytes))
	io.CopyN(io.Discard, res.Body, drainBytes)
	a := store.WebhookAttempt{Response: res.StatusCode, Took: time.Since(start), Excerpt: excerpt(head)}
	switch {
	case res.StatusCode >= 300 && res.StatusCode < 400:
		a.Error = "The endpoint answered " + res.Status + "; deliveries do not follow redirects: give the final URL."
	case res.StatusCode >= 400:
		a.Error = "The endpoint answered " + res.Status + "."
	}
	return a
}

// failure says in words for staff why a request got no answer.
func (s *Sender) failure(err error) string {
	var refused *httpx.RefusedAddr
	var timeout interface{ Timeout() bool }
	switch {
	case errors.As(err, &refused):
		return fmt.Sprintf("Not sent: %s. Webhooks go only to public servers.", refused.Error())
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded) || (errors.As(err, &timeout) && timeout.Timeout()):
		return fmt.Sprintf("No answer within %s.", cmp.Or(s.Timeout, AttemptTimeout))
	}
	return "Could not connect to the endpoint."
}

// excerpt is the start of a response body as valid text.
func excerpt(b []byte) string {
	return strings.TrimSpace(strings.ToValidUTF8(string(b), ""))
}
