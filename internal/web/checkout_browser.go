package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/billing"
)

// A TEST MODE checkout is bound to the browser that started it, as a
// payment provider's session is: the browser keeps the checkout's key in
// a cookie, and the page opens and pays only with it. The link alone
// shows nothing and changes nothing.
const (
	checkoutCookie       = "masthead_checkout"
	secureCheckoutCookie = "__Host-masthead_checkout"
	checkoutCookieTTL    = 24 * time.Hour
)

// notYourCheckout is the answer to anyone else holding the link.
const notYourCheckout = "This checkout was started in another browser (or this browser has started a newer one since), so it cannot be opened or paid here. To subscribe, start again from the subscribe page."

func (s *Site) checkoutCookieName() string {
	if strings.HasPrefix(s.baseURL, "https://") {
		return secureCheckoutCookie
	}
	return checkoutCookie
}

// keepCheckout gives the browser the key of the checkout it started.
func (s *Site) keepCheckout(w http.ResponseWriter, co billing.Checkout) {
	if co.BrowserKey == "" {
		return
	}
	http.SetCookie(w, &http.Cookie{Name: s.checkoutCookieName(), Value: co.BrowserKey, Path: "/", MaxAge: int(checkoutCookieTTL.Seconds()),
		HttpOnly: true, Secure: strings.HasPrefix(s.baseURL, "https://"), SameSite: http.SameSiteLaxMode})
}

// startedHere reports whether this browser started test checkout id.
func (s *Site) startedHere(r *http.Request, tm *billing.TestMode, id string) bool {
	c, err := r.Cookie(s.checkoutCookieName())
	return err == nil && tm.StartedBy(id, c.Value)
}

// maskEmail shows enough of an address to recognise it and not enough to
// learn it: "alice@example.com" is "a•••@example.com".
func maskEmail(email string) string {
	local, domain, ok := strings.Cut(email, "@")
	if !ok || local == "" {
		return "•••"
	}
	first := []rune(local)[0]
	return string(first) + "•••@" + domain
}
