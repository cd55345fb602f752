package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestMailGoesOut: a message in the outbox is delivered by the queue soon
// after DeliverMailNow, on both databases.
func TestMailGoesOut(t *testing.T) {
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if err := jobs.Migrate(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
		q := start(t, jobs.Config{Store: s, Log: testLog(t), Period: time.Hour, Mail: &mail.Deliverer{Store: s, Log: testLog(t)}})
		if _, err := s.EnqueueMail(ctx, store.Mail{Kind: "test", To: "reader@example.com", Subject: "Hello", Text: "Hi."}); err != nil {
			t.Fatal(err)
		}
		if err := q.DeliverMailNow(ctx); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(15 * time.Second)
		for time.Now().Before(deadline) {
			box, err := s.Mailbox(ctx, "reader@example.com", 1)
			if err != nil {
				t.Fatal(err)
			}
			if len(box) == 1 && box[0].Status == "local" {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatal("the message was not delivered within 15 s")
	})
}
