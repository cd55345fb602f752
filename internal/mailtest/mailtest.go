// Package mailtest reads what reached a real SMTP server in tests: mailpit,
// started by .ci/run (MASTHEAD_TEST_SMTP_URL, MASTHEAD_TEST_MAILPIT_URL).
package mailtest

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"testing"
	"time"
)

// Mailpit returns the SMTP URL and API address of the test mail server. It
// skips the test when none is configured, except under CI=true, where a
// missing server is a failure.
func Mailpit(t testing.TB) (smtpURL, apiURL string) {
	t.Helper()
	smtpURL, apiURL = os.Getenv("MASTHEAD_TEST_SMTP_URL"), os.Getenv("MASTHEAD_TEST_MAILPIT_URL")
	if smtpURL == "" || apiURL == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI=true but MASTHEAD_TEST_SMTP_URL/MASTHEAD_TEST_MAILPIT_URL are not set: mail tests must reach a real SMTP server (use .ci/run)")
		}
		t.Skip("no test SMTP server: .ci/run starts mailpit and sets MASTHEAD_TEST_SMTP_URL")
	}
	return smtpURL, apiURL
}

// Message is one message as mailpit stores it.
type Message struct {
	ID      string
	Subject string
	To      []struct{ Address string }
	From    struct{ Address string }
	Text    string
	HTML    string
}

// WaitFor polls mailpit until a message to address arrives (up to ten
// seconds) and returns it whole.
func WaitFor(t testing.TB, apiURL, address string) Message {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var list struct{ Messages []Message }
		if get(t, apiURL+"/api/v1/search?query="+url.QueryEscape("to:"+address), &list) && len(list.Messages) > 0 {
			var m Message
			if get(t, apiURL+"/api/v1/message/"+list.Messages[0].ID, &m) {
				return m
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no message to %s reached mailpit", address)
	return Message{}
}

func get(t testing.TB, u string, v any) bool {
	resp, err := http.Get(u)
	if err != nil {
		t.Fatalf("mailpit API: %v", err)
	}
	defer resp.Body.Close()
	return resp.StatusCode == 200 && json.NewDecoder(resp.Body).Decode(v) == nil
}
