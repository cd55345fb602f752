package admin

import (
	"net/url"
	"strings"
	"testing"
)

// An article saved after the session ended is not saved, and not lost:
// the sign-in page shows what was typed, to copy back after signing in.
func TestSaveAfterSessionEndedKeepsText(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	form := url.Values{"headline": {"The harbour at dawn"}, "body": {"Three paragraphs typed over lunch & <kept>."}}
	w := e.do("POST", "/admin/articles/1", form, nil, "Referer", "http://masthead.test/admin/articles/1", "Sec-Fetch-Mode", "navigate")
	if w.Code != 401 {
		t.Fatalf("status %d, want 401", w.Code)
	}
	body := w.Body.String()
	for _, want := range []string{"Your session ended, so this was not saved", `value="The harbour at dawn"`,
		"Three paragraphs typed over lunch &amp; &lt;kept&gt;.", `name="next" value="/admin/articles/1"`} {
		if !strings.Contains(body, want) {
			t.Errorf("sign-in page lacks %q", want)
		}
	}
	// Any other form after the session ended goes to sign in as before.
	if w := e.do("POST", "/admin/sign-out", url.Values{}, nil); w.Code != 303 {
		t.Errorf("sign-out without a session: %d", w.Code)
	}
}
