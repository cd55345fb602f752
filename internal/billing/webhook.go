package billing

import (
	"io"
	"net/http"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
)

// MaxWebhookBody is the largest webhook delivery read. Stripe's events are
// a few kilobytes; the cap keeps a flood of bytes off the server.
const MaxWebhookBody = 1 << 20

// WebhookHandler receives the provider's webhook deliveries (mounted at
// POST /billing/webhooks/stripe). The answer is what Stripe acts on:
//   - 200 once the events are applied (or were applied before);
//   - 400 for a forged, stale or malformed delivery, which changes nothing
//     and which Stripe should not retry as it is;
//   - 413 for a body over MaxWebhookBody;
//   - 500 for anything else (the database is down, a lookup at Stripe
//     failed), so that Stripe retries later. The cause is logged, never
//     sent back.
func (s *Service) WebhookHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "Webhooks are POSTed.", http.StatusMethodNotAllowed)
			return
		}
		body, err := httpx.ReadBody(w, r, MaxWebhookBody)
		if err != nil {
			s.opt.Logger.Warn("webhook body refused", "provider", s.p.Name(), "limit", MaxWebhookBody, "err", err)
			http.Error(w, magazine.ErrorMessage(err), httpx.Status(err))
			return
		}
		err = s.HandleWebhook(r.Context(), body, r.Header)
		switch magazine.ErrorCode(err) {
		case "":
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			io.WriteString(w, "ok\n")
		case magazine.EINVALID:
			s.opt.Logger.Warn("webhook refused", "provider", s.p.Name(), "err", err)
			http.Error(w, magazine.ErrorMessage(err), http.StatusBadRequest)
		default:
			s.opt.Logger.Error("webhook failed; the provider will retry", "provider", s.p.Name(), "err", err)
			http.Error(w, "Internal error.", http.StatusInternalServerError)
		}
	})
}
