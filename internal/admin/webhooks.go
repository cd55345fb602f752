package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

// Outgoing webhooks (issue 15, docs/WEBHOOKS.md): endpoints that receive
// signed events, for those who manage settings (admins), since a payload
// carries readers' addresses.

// recentDeliveries is how many deliveries an endpoint's page lists.
const recentDeliveries = 50

var webhookNotices = map[string]string{
	"test":     "A test event was queued; it appears in the deliveries below within seconds.",
	"resent":   "The message was queued again, with the same webhook-id; it appears in the deliveries below.",
	"disabled": "The endpoint is disabled: it gets no deliveries until it is enabled again.",
	"enabled":  "The endpoint is enabled: it gets the events it asked for from now on.",
	"deleted":  "The endpoint was deleted, with its delivery log. It gets nothing more.",
}

type webhooksData struct {
	List   []magazine.WebhookEndpoint
	Events []string
}

type webhookData struct {
	Endpoint   magazine.WebhookEndpoint
	Deliveries []magazine.WebhookDelivery
	// Secret is shown once, on the page that answers the creation.
	Secret string
}

func (a *Admin) webhooksPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Webhooks")
	p.Notice = webhookNotices[r.URL.Query().Get("done")]
	return a.renderWebhooks(w, r, http.StatusOK, p)
}

func (a *Admin) renderWebhooks(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.WebhookEndpoints(r.Context())
	if err != nil {
		return err
	}
	return a.render(w, status, "webhooks", p, webhooksData{List: list, Events: magazine.WebhookEvents})
}

// createWebhook saves a new endpoint and shows its secret, this once.
func (a *Admin) createWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	p := a.newPage(me, "Webhooks")
	p.Form["url"] = r.PostFormValue("url")
	for _, ev := range r.PostForm["events"] {
		p.Form["event:"+ev] = "on"
	}
	ep := magazine.WebhookEndpoint{Events: r.PostForm["events"], Secret: webhook.NewSecret()}
	var err error
	ep.URL, err = webhook.CheckURL(ctx, p.Form["url"], a.hooksLoopback)
	if err == nil {
		err = a.store.CreateWebhookEndpoint(ctx, actor(me, r), &ep)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderWebhooks(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	p = a.newPage(me, "Webhook endpoint")
	p.Notice = "The endpoint was added. Copy its signing secret now: it is not shown again."
	return a.render(w, http.StatusCreated, "webhook", p, webhookData{Endpoint: ep, Secret: ep.Secret})
}

func (a *Admin) webhookPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ep, err := a.webhookOf(r)
	if err != nil {
		return err
	}
	list, err := a.store.WebhookDeliveries(r.Context(), ep.ID, recentDeliveries)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Webhook endpoint")
	p.Notice = webhookNotices[r.URL.Query().Get("done")]
	return a.render(w, http.StatusOK, "webhook", p, webhookData{Endpoint: ep, Deliveries: list})
}

func (a *Admin) webhookOf(r *http.Request) (magazine.WebhookEndpoint, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.WebhookEndpoint{}, err
	}
	return a.store.WebhookEndpoint(r.Context(), id)
}

func webhookDone(id int64, done string) error {
	return &httpx.Redirect{URL: "/admin/webhooks/" + strconv.FormatInt(id, 10) + "?done=" + done, Status: http.StatusSeeOther}
}

func (a *Admin) testWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ep, err := a.webhookOf(r)
	if err != nil {
		return err
	}
	if _, err := a.hooks.Test(r.Context(), actor(me, r), ep.ID); err != nil {
		return err
	}
	return webhookDone(ep.ID, "test")
}

func (a *Admin) disableWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ep, err := a.webhookOf(r)
	if err != nil {
		return err
	}
	if err := a.store.SetWebhookEndpointDisabled(r.Context(), actor(me, r), ep.ID, "Disabled by "+me.Staff.DisplayName()+"."); err != nil {
		return err
	}
	return webhookDone(ep.ID, "disabled")
}

func (a *Admin) enableWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ep, err := a.webhookOf(r)
	if err != nil {
		return err
	}
	if err := a.store.SetWebhookEndpointDisabled(r.Context(), actor(me, r), ep.ID, ""); err != nil {
		return err
	}
	return webhookDone(ep.ID, "enabled")
}

func (a *Admin) deleteWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteWebhookEndpoint(r.Context(), actor(me, r), id); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/webhooks?done=deleted", Status: http.StatusSeeOther}
}

// resendWebhook is the delivery log's "send again".
func (a *Admin) resendWebhook(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ep, err := a.webhookOf(r)
	if err != nil {
		return err
	}
	id, err := pathID(r, "delivery")
	if err != nil {
		return err
	}
	d, err := a.store.WebhookDelivery(r.Context(), id)
	if err != nil {
		return err
	}
	if d.EndpointID != ep.ID {
		return httpx.NotFound
	}
	if _, err := a.hooks.Resend(r.Context(), actor(me, r), d.ID); err != nil {
		return err
	}
	return webhookDone(ep.ID, "resent")
}
