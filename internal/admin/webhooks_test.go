package admin

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// addWebhook saves an endpoint straight in the store.
func (e *env) addWebhook(events ...string) magazine.WebhookEndpoint {
	e.t.Helper()
	ep := magazine.WebhookEndpoint{URL: "https://93.184.215.14/hooks", Events: events, Secret: "whsec_c2VjcmV0"}
	if err := e.store.CreateWebhookEndpoint(context.Background(), store.CommandLine(), &ep); err != nil {
		e.t.Fatal(err)
	}
	return ep
}

func (e *env) deliveries(ep magazine.WebhookEndpoint) []magazine.WebhookDelivery {
	e.t.Helper()
	list, err := e.store.WebhookDeliveries(context.Background(), ep.ID, 100)
	if err != nil {
		e.t.Fatal(err)
	}
	return list
}

// TestWebhookAdmin walks the Webhooks pages as an admin: refused input
// saves nothing and says why, the secret is shown once, and each action
// is audited and confirmed.
func TestWebhookAdmin(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, "http://masthead.test")
		e.admin.hooksLoopback = true // endpoints on this machine, as in development
		admin := e.session(e.staff[magazine.RoleAdmin])
		ctx := context.Background()

		if w := e.do(http.MethodGet, "/admin/webhooks", nil, admin); w.Code != http.StatusOK ||
			!strings.Contains(w.Body.String(), `value="subscription.refunded"`) || !strings.Contains(w.Body.String(), "No endpoints yet") {
			t.Fatalf("webhooks page: %d\n%s", w.Code, w.Body)
		}
		events := []string{magazine.EventArticlePublished, magazine.EventReaderCreated}
		for _, tt := range []struct {
			name, url string
			events    []string
			want      string
		}{
			{"not a URL", "hooks here", events, "Give a full web address"},
			{"private network", "https://10.1.2.3/hooks", events, "private or local address"},
			{"cloud metadata", "https://169.254.169.254/latest", events, "private or local address"},
			{"http to a public host", "http://93.184.215.14/hooks", events, "Use an https:// address"},
			{"no events", "https://93.184.215.14/hooks", nil, "Choose at least one event"},
			{"unknown event", "https://93.184.215.14/hooks", []string{"article.deleted"}, "is not an event Masthead sends"},
		} {
			w := e.do(http.MethodPost, "/admin/webhooks", url.Values{"url": {tt.url}, "events": tt.events}, admin)
			body := w.Body.String()
			if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, tt.want) || strings.Contains(body, "Internal error") {
				t.Errorf("%s: %d, want 422 saying %q\n%s", tt.name, w.Code, tt.want, body)
			}
			if tt.url != "" && !strings.Contains(body, `value="`+tt.url+`"`) {
				t.Errorf("%s: the form lost what was typed", tt.name)
			}
		}
		if list, _ := st.WebhookEndpoints(ctx); len(list) != 0 || e.audited("webhook.create") {
			t.Fatalf("refused forms saved %d endpoints", len(list))
		}

		// Created: the secret is on this page and no other.
		w := e.do(http.MethodPost, "/admin/webhooks", url.Values{"url": {"http://127.0.0.1:9/hooks"}, "events": events}, admin)
		if w.Code != http.StatusCreated {
			t.Fatalf("create: %d\n%s", w.Code, w.Body)
		}
		list, _ := st.WebhookEndpoints(ctx)
		if len(list) != 1 || list[0].URL != "http://127.0.0.1:9/hooks" || strings.Join(list[0].Events, " ") != "article.published reader.created" {
			t.Fatalf("endpoints after create: %+v", list)
		}
		ep := list[0]
		var secret string
		if m := regexp.MustCompile(`<code id="webhook-secret" class="secret">([^<]+)</code>`).FindStringSubmatch(w.Body.String()); m != nil {
			secret = html.UnescapeString(m[1])
		}
		if secret == "" || secret != ep.Secret || !e.audited("webhook.create") {
			t.Errorf("the page shows secret %q, stored %q; audited %v", secret, ep.Secret, e.audited("webhook.create"))
		}
		page := "/admin/webhooks/" + strconv.FormatInt(ep.ID, 10)
		if body := e.do(http.MethodGet, page, nil, admin).Body.String(); strings.Contains(body, ep.Secret) || !strings.Contains(body, "Nothing sent yet") {
			t.Errorf("the endpoint's page shows the secret again, or no empty log:\n%s", body)
		}
		if body := e.do(http.MethodGet, "/admin/webhooks", nil, admin).Body.String(); strings.Contains(body, ep.Secret) || !strings.Contains(body, page) {
			t.Errorf("the list shows the secret, or not the endpoint")
		}

		// Send test event: queued, audited, confirmed.
		w = e.do(http.MethodPost, page+"/test", url.Values{}, admin)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != page+"?done=test" {
			t.Fatalf("test event: %d %q", w.Code, w.Header().Get("Location"))
		}
		ds := e.deliveries(ep)
		if len(ds) != 1 || ds[0].Event != magazine.EventTest || ds[0].Status != magazine.DeliveryPending || !e.audited("webhook.test") {
			t.Fatalf("deliveries after the test event: %+v", ds)
		}
		if body := e.do(http.MethodGet, page+"?done=test", nil, admin).Body.String(); !strings.Contains(body, "A test event was queued") ||
			!strings.Contains(body, ds[0].MsgID) || !strings.Contains(body, "Send again") {
			t.Errorf("the page after the test event:\n%s", body)
		}

		// Send again: a new delivery of the same message.
		w = e.do(http.MethodPost, page+"/deliveries/"+strconv.FormatInt(ds[0].ID, 10)+"/resend", url.Values{}, admin)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("send again: %d\n%s", w.Code, w.Body)
		}
		if again := e.deliveries(ep); len(again) != 2 || again[0].MsgID != ds[0].MsgID || again[0].ID == ds[0].ID || !e.audited("webhook.resend") {
			t.Errorf("deliveries after send again: %+v", again)
		}
		// Another endpoint's delivery is not found under this one.
		other := e.addWebhook(magazine.EventIssuePublished)
		if w := e.do(http.MethodPost, "/admin/webhooks/"+strconv.FormatInt(other.ID, 10)+"/deliveries/"+strconv.FormatInt(ds[0].ID, 10)+"/resend", url.Values{}, admin); w.Code != http.StatusNotFound {
			t.Errorf("send again through another endpoint: %d", w.Code)
		}

		// Disabled: no test event, nothing emitted; enabled again.
		if w := e.do(http.MethodPost, page+"/disable", url.Values{}, admin); w.Code != http.StatusSeeOther || !e.audited("webhook.disable") {
			t.Fatalf("disable: %d", w.Code)
		}
		if body := e.do(http.MethodGet, page+"?done=disabled", nil, admin).Body.String(); !strings.Contains(body, "The endpoint is disabled") || strings.Contains(body, "Send test event") {
			t.Errorf("the page of a disabled endpoint:\n%s", body)
		}
		if w := e.do(http.MethodPost, page+"/test", url.Values{}, admin); w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "enable it to send a test event") {
			t.Errorf("test event to a disabled endpoint: %d\n%s", w.Code, w.Body)
		}
		e.admin.hooks.Reader(ctx, store.Reader{ID: 1, Email: "ada@example.com"})
		if n := len(e.deliveries(ep)); n != 2 {
			t.Errorf("a disabled endpoint got a delivery: %d", n)
		}
		if w := e.do(http.MethodPost, page+"/enable", url.Values{}, admin); w.Code != http.StatusSeeOther || !e.audited("webhook.enable") {
			t.Fatalf("enable: %d", w.Code)
		}
		e.admin.hooks.Reader(ctx, store.Reader{ID: 1, Email: "ada@example.com"})
		if ds := e.deliveries(ep); len(ds) != 3 || ds[0].Event != magazine.EventReaderCreated {
			t.Errorf("an enabled endpoint's deliveries: %+v", ds)
		}

		// Deleted, with its log.
		if w := e.do(http.MethodPost, page+"/delete", url.Values{}, admin); w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/webhooks?done=deleted" {
			t.Fatalf("delete: %d %q", w.Code, w.Header().Get("Location"))
		}
		if _, err := st.WebhookEndpoint(ctx, ep.ID); !magazine.IsNotFound(err) || !e.audited("webhook.delete") {
			t.Errorf("after delete: %v", err)
		}
		if w := e.do(http.MethodGet, page, nil, admin); w.Code != http.StatusNotFound {
			t.Errorf("the page of a deleted endpoint: %d", w.Code)
		}
	})
}

// TestNewsroomEmitsWebhooks: publishing an issue emits issue.published and
// article.published for the drafts that went out with it; editing a live
// article emits article.updated; a draft's save emits nothing.
func TestNewsroomEmitsWebhooks(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	editor := n.session(n.staff[magazine.RoleEditor])
	ep := n.addWebhook(magazine.EventArticlePublished, magazine.EventArticleUpdated, magazine.EventIssuePublished)
	events := func() []string {
		var out []string
		for _, d := range n.deliveries(ep) {
			out = append([]string{d.Event}, out...)
		}
		return out
	}

	id := n.create(n.form("A draft"), editor)
	if got := events(); len(got) != 0 {
		t.Fatalf("a draft's save emitted %v", got)
	}
	f := n.form("A draft")
	f.Set("base", "1")
	f.Set("action", "publish")
	path := "/admin/articles/" + strconv.FormatInt(id, 10)
	if w := n.do(http.MethodPost, path, f, editor); w.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d\n%s", w.Code, w.Body)
	}
	f.Set("base", "2")
	f.Set("action", "save")
	f.Set("dek", "A better dek")
	if w := n.do(http.MethodPost, path, f, editor); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d\n%s", w.Code, w.Body)
	}
	if got := strings.Join(events(), " "); got != "article.published article.updated" {
		t.Errorf("publish then edit emitted %q", got)
	}
	if d := n.deliveries(ep)[0]; !strings.Contains(string(d.Payload), `"dek":"A better dek"`) || !strings.Contains(string(d.Payload), `"url":"http://masthead.test/articles/a-draft"`) {
		t.Errorf("article.updated payload: %s", d.Payload)
	}

	e := newEnv(t, "http://masthead.test")
	nr := e.newsroom()
	ep = e.addWebhook(magazine.EventArticlePublished, magazine.EventIssuePublished)
	if w := e.do(http.MethodPost, nr.issue+"/publish", url.Values{}, e.session(e.staff[magazine.RoleEditor])); w.Code != http.StatusSeeOther {
		t.Fatalf("publish issue: %d\n%s", w.Code, w.Body)
	}
	var got []string
	for _, d := range e.deliveries(ep) {
		got = append([]string{d.Event}, got...)
	}
	if strings.Join(got, " ") != "issue.published article.published" {
		t.Errorf("publishing the issue emitted %v", got)
	}
	if d := e.deliveries(ep)[0]; !strings.Contains(string(d.Payload), `"id":`+nr.article+`,`) {
		t.Errorf("article.published of the issue's draft: %s", d.Payload)
	}
}
