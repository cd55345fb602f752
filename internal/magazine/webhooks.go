package magazine

import (
	"slices"
	"strings"
	"time"
)

// The events a webhook endpoint may ask for (docs/WEBHOOKS.md).
const (
	EventArticlePublished     = "article.published"
	EventArticleUpdated       = "article.updated"
	EventIssuePublished       = "issue.published"
	EventSubscriptionCreated  = "subscription.created"
	EventSubscriptionUpdated  = "subscription.updated"
	EventSubscriptionCanceled = "subscription.canceled"
	EventSubscriptionRefunded = "subscription.refunded"
	EventReaderCreated        = "reader.created"
	EventTest                 = "webhook.test" // "send test event": always allowed, never chosen
)

// WebhookEvents lists the events staff can choose, in the admin's order.
var WebhookEvents = []string{
	EventArticlePublished, EventArticleUpdated, EventIssuePublished,
	EventSubscriptionCreated, EventSubscriptionUpdated, EventSubscriptionCanceled, EventSubscriptionRefunded,
	EventReaderCreated,
}

// WebhookEndpoint is a URL that receives signed deliveries of the events
// it asked for.
type WebhookEndpoint struct {
	ID     int64
	URL    string
	Events []string
	// Secret signs deliveries: "whsec_" and the base64 of its bytes.
	Secret string
	// DisabledReason is empty while the endpoint receives deliveries; staff
	// or a 410 Gone answer set it.
	DisabledReason string
	CreatedAt      time.Time
}

// Enabled reports whether the endpoint receives deliveries.
func (e WebhookEndpoint) Enabled() bool { return e.DisabledReason == "" }

// Wants reports whether the endpoint asked for event.
func (e WebhookEndpoint) Wants(event string) bool { return slices.Contains(e.Events, event) }

// CleanWebhookEvents returns the chosen events in WebhookEvents' order,
// or an EINVALID error naming the "events" field when none or an unknown
// one is chosen.
func CleanWebhookEvents(chosen []string) ([]string, error) {
	var out []string
	for _, c := range chosen {
		c = strings.TrimSpace(c)
		if !slices.Contains(WebhookEvents, c) {
			return nil, FieldError("events", "%q is not an event Masthead sends; choose from the list.", c)
		}
	}
	for _, ev := range WebhookEvents {
		if slices.Contains(chosen, ev) {
			out = append(out, ev)
		}
	}
	if len(out) == 0 {
		return nil, FieldError("events", "Choose at least one event to send.")
	}
	return out, nil
}

// Delivery states.
const (
	DeliveryPending   = "pending"   // queued, not tried yet
	DeliveryRetrying  = "retrying"  // an attempt failed; another will come
	DeliveryDelivered = "delivered" // the endpoint answered 2xx
	DeliveryFailed    = "failed"    // given up: every attempt failed, or the endpoint is gone or disabled
)

// WebhookDelivery is one message to one endpoint and how its delivery
// went.
type WebhookDelivery struct {
	ID         int64
	EndpointID int64
	Event      string
	MsgID      string // the webhook-id header, the same on every attempt
	Payload    []byte // the JSON body
	Status     string
	Attempts   int
	// What the last attempt got: the HTTP status (0 when none came), the
	// time it took, a short excerpt of the body, and a message safe to
	// show staff when it failed.
	ResponseStatus  int
	ResponseTime    time.Duration
	ResponseExcerpt string
	LastError       string
	CreatedAt       time.Time
	AttemptedAt     time.Time // zero before the first attempt
}
