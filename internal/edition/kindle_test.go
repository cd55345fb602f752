package edition_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/mailtest"
	"github.com/masthead-press/masthead/internal/store"
)

// TestNewIssueGoesToKindles: when the newest issue's EPUB is first built,
// it is mailed, once and with the EPUB attached, to each reader who saved
// a Kindle address and has the digital edition; a reader without the
// edition gets nothing.
func TestNewIssueGoesToKindles(t *testing.T) {
	t.Parallel()
	smtpURL, apiURL := mailtest.Mailpit(t)
	ctx := context.Background()
	b, st := demoBuilder(t, 1, 3)
	if _, err := demo.SeedPlans(ctx, st); err != nil {
		t.Fatal(err)
	}
	plan, err := st.PlanBySlug(ctx, "digital")
	if err != nil {
		t.Fatal(err)
	}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	svc := billing.New(st, billing.NewTestMode(), tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example"})
	suffix := time.Now().Format("150405.000000")
	entitled, err := st.CreateReader(ctx, "kindle-reader@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Comp(ctx, entitled.ID, plan.ID, time.Now().AddDate(0, 1, 0), billing.Actor{Staff: "circulation@example.com"}); err != nil {
		t.Fatal(err)
	}
	other, err := st.CreateReader(ctx, "no-edition@example.com", "")
	if err != nil {
		t.Fatal(err)
	}
	kindle, otherKindle := "reader"+suffix+"@kindle.com", "other"+suffix+"@kindle.com"
	if err := st.SetKindle(ctx, entitled.ID, kindle); err != nil {
		t.Fatal(err)
	}
	if err := st.SetKindle(ctx, other.ID, otherKindle); err != nil {
		t.Fatal(err)
	}

	if _, err := b.BuildStale(ctx); err != nil {
		t.Fatal(err)
	}
	issue, _ := st.CurrentIssue(ctx)
	if err := st.RetryEdition(ctx, issue.ID, store.FormatEPUB); err != nil {
		t.Fatal(err)
	}
	if _, err := b.BuildStale(ctx); err != nil { // a rebuild sends nothing again
		t.Fatal(err)
	}
	box, err := st.Mailbox(ctx, "", 20)
	if err != nil {
		t.Fatal(err)
	}
	var toKindle []store.Mail
	for _, m := range box {
		if strings.HasSuffix(m.To, "@kindle.com") {
			toKindle = append(toKindle, m)
		}
	}
	if len(toKindle) != 1 || toKindle[0].To != kindle || !strings.HasSuffix(toKindle[0].AttachmentName, ".epub") {
		t.Fatalf("messages to Kindles: %+v; want one, to %s, with the EPUB", toKindle, kindle)
	}

	sender, err := mail.ParseSMTP(smtpURL, "magazine@example.com")
	if err != nil {
		t.Fatal(err)
	}
	sender.Files = b.Files
	d := &mail.Deliverer{Store: st, Sender: sender, Log: slog.New(slog.DiscardHandler)}
	if _, err := d.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	m := mailtest.WaitFor(t, apiURL, kindle)
	resp, err := http.Get(apiURL + "/api/v1/message/" + m.ID)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var full struct {
		Attachments []struct {
			FileName string
			Size     int
		}
	}
	body, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(body, &full); err != nil || len(full.Attachments) != 1 || !strings.HasSuffix(full.Attachments[0].FileName, ".epub") || full.Attachments[0].Size < 1000 {
		t.Fatalf("the Kindle's message has attachments %+v (%v), want the issue's EPUB", full.Attachments, err)
	}
}
