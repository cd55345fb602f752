package webhook

import (
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Emitter records a delivery of an event for every enabled endpoint that
// asked for it, then tells the job queue. A nil *Emitter emits nothing,
// so code that has none (tests, commands) calls it all the same.
//
// Emitting happens right after the change's transaction commits and never
// fails the change: an error is logged. A delivery recorded while no
// queue runs (the command line, a server starting) is picked up by the
// queue's periodic run.
type Emitter struct {
	Store   *store.Store
	Log     *slog.Logger
	BaseURL string // for the links in payloads
	// Queued, when set, is told the ids of new deliveries so that they go
	// out at once (jobs.Queue.DeliverWebhooks).
	Queued func(ctx context.Context, deliveryIDs []int64)
	// Purge, when set, is told the surrogate keys of the pages a content
	// change touched (cdn.Purger.Purge), whether or not any endpoint
	// wants the event: the emitter is where content changes are told.
	Purge func(ctx context.Context, keys ...string)
}

// Message is the JSON body of every delivery.
type Message struct {
	Type      string    `json:"type"`
	Timestamp time.Time `json:"timestamp"`
	Data      any       `json:"data"`
}

// Emit records event with its data for the endpoints that want it.
func (e *Emitter) Emit(ctx context.Context, event string, data any) {
	if e == nil {
		return
	}
	// The change is made: its webhook must not be lost because the
	// request that made it ended.
	ctx = context.WithoutCancel(ctx)
	body, err := e.message(event, data)
	if err != nil {
		e.log().ErrorContext(ctx, "encode webhook payload; the event is not sent", "event", event, "err", err)
		return
	}
	ids, err := e.Store.QueueWebhook(ctx, event, NewMsgID(), body)
	if err != nil {
		e.log().ErrorContext(ctx, "queue webhook deliveries; the event is not sent", "event", event, "err", err)
		return
	}
	e.queued(ctx, ids)
}

// Test queues a "webhook.test" event to one endpoint, whatever events it
// asked for, audited as actor's. It returns the delivery's id.
func (e *Emitter) Test(ctx context.Context, actor store.Actor, endpointID int64) (int64, error) {
	body, err := e.message(magazine.EventTest, map[string]any{"endpoint_id": endpointID,
		"message": "A test event from Masthead's admin. If its signature verifies, deliveries will too."})
	if err != nil {
		return 0, err
	}
	id, err := e.Store.QueueWebhookTest(ctx, actor, endpointID, NewMsgID(), body)
	if err != nil {
		return 0, err
	}
	e.queued(ctx, []int64{id})
	return id, nil
}

// Resend queues delivery id's message again, audited as actor's.
func (e *Emitter) Resend(ctx context.Context, actor store.Actor, deliveryID int64) (int64, error) {
	id, err := e.Store.ResendWebhookDelivery(ctx, actor, deliveryID)
	if err != nil {
		return 0, err
	}
	e.queued(ctx, []int64{id})
	return id, nil
}

func (e *Emitter) message(event string, data any) ([]byte, error) {
	return json.Marshal(Message{Type: event, Timestamp: e.Store.Now().UTC().Truncate(time.Second), Data: data})
}

func (e *Emitter) queued(ctx context.Context, ids []int64) {
	if len(ids) > 0 && e.Queued != nil {
		e.Queued(ctx, ids)
	}
}

func (e *Emitter) log() *slog.Logger {
	if e.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return e.Log
}

// ArticleData is the data of article events.
type ArticleData struct {
	ID          int64     `json:"id"`
	Slug        string    `json:"slug"`
	Headline    string    `json:"headline"`
	Dek         string    `json:"dek"`
	URL         string    `json:"url"`
	Status      string    `json:"status"`
	Visibility  string    `json:"visibility"`
	Section     string    `json:"section"`
	Authors     []string  `json:"authors"`
	PublishedAt time.Time `json:"published_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Article emits an article event (article.published, article.updated).
func (e *Emitter) Article(ctx context.Context, event string, a magazine.Article) {
	if e == nil {
		return
	}
	d := ArticleData{ID: a.ID, Slug: a.Slug, Headline: a.Headline, Dek: a.Dek, URL: e.BaseURL + "/articles/" + a.Slug,
		Status: string(a.Status), Visibility: string(a.Visibility), Section: a.Section.Name, Authors: []string{},
		PublishedAt: a.PublishedAt.UTC(), UpdatedAt: a.UpdatedAt.UTC()}
	for _, au := range a.Authors {
		d.Authors = append(d.Authors, au.Name)
	}
	e.Emit(ctx, event, d)
}

// IssueData is the data of issue.published.
type IssueData struct {
	ID        int64  `json:"id"`
	Volume    int    `json:"volume"`
	Number    int    `json:"number"`
	Label     string `json:"label"`
	Title     string `json:"title"`
	CoverDate string `json:"cover_date"` // YYYY-MM-DD
	URL       string `json:"url"`
}

// Issue emits issue.published.
func (e *Emitter) Issue(ctx context.Context, i magazine.Issue) {
	if e == nil {
		return
	}
	e.Emit(ctx, magazine.EventIssuePublished, IssueData{ID: i.ID, Volume: i.Volume, Number: i.Number, Label: i.Label(), Title: i.Title,
		CoverDate: i.CoverDate.Format(time.DateOnly), URL: e.BaseURL + "/issues/" + strconv.Itoa(i.Volume) + "/" + strconv.Itoa(i.Number)})
}

// SubscriptionData is the data of subscription events.
type SubscriptionData struct {
	ID                int64      `json:"id"`
	ReaderID          int64      `json:"reader_id"`
	PlanID            int64      `json:"plan_id"`
	Status            string     `json:"status"`
	Interval          string     `json:"interval"`
	Comp              bool       `json:"comp"`
	CancelAtPeriodEnd bool       `json:"cancel_at_period_end"`
	CurrentPeriodEnd  *time.Time `json:"current_period_end"`
	EndedAt           *time.Time `json:"ended_at"`
}

// Subscription emits a subscription event.
func (e *Emitter) Subscription(ctx context.Context, event string, s magazine.Subscription) {
	if e == nil {
		return
	}
	e.Emit(ctx, event, SubscriptionData{ID: s.ID, ReaderID: s.ReaderID, PlanID: s.PlanID, Status: string(s.Status), Interval: s.Interval,
		Comp: s.Comp, CancelAtPeriodEnd: s.CancelAtPeriodEnd, CurrentPeriodEnd: optTime(s.CurrentPeriodEnd), EndedAt: optTime(s.EndedAt)})
}

// ReaderData is the data of reader.created.
type ReaderData struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Reader emits reader.created.
func (e *Emitter) Reader(ctx context.Context, r store.Reader) {
	if e == nil {
		return
	}
	e.Emit(ctx, magazine.EventReaderCreated, ReaderData{ID: r.ID, Email: r.Email, Name: r.Name, CreatedAt: r.CreatedAt.UTC()})
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
