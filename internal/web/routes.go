package web

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/httpx"
)

// Register adds every route of the public site to mux.
func (s *Site) Register(mux *http.ServeMux) {
	page := s.surface.Page
	mux.Handle("GET /{$}", page(s.home))
	mux.Handle("GET /articles/{slug}", page(s.article))
	mux.Handle("GET /articles/{slug}/{page}", page(s.article))
	// Narration: access checked on every request, never cached.
	mux.Handle("GET /articles/{slug}/audio.mp3", s.surface.Dynamic(s.audioFile))
	mux.Handle("GET /articles/{slug}/audio/position", s.surface.Dynamic(s.audioPosition))
	mux.Handle("GET /sections/{slug}", page(s.section))
	mux.Handle("GET /tags/{slug}", page(s.tag))
	mux.Handle("GET /authors", page(s.authors))
	mux.Handle("GET /authors/{slug}", page(s.author))
	mux.Handle("GET /issues", page(s.issues))
	mux.Handle("GET /issues/{volume}/{number}", page(s.issue))
	mux.Handle("GET /subscribe", page(s.subscribe))
	mux.Handle("GET /archive", page(s.archive))
	mux.Handle("GET /search", page(s.search))
	mux.Handle("GET /opensearch.xml", page(s.openSearch))

	// Readers' own pages: never cached, every change a POST behind the
	// cross-origin check.
	dynamic := s.surface.Dynamic
	post := func(h httpx.Handler) http.Handler {
		return s.cop.Handler(s.surface.Dynamic(httpx.LimitForm(maxForm, h)))
	}
	mux.Handle("POST /articles/{slug}/audio/position", post(s.audioPosition))
	mux.Handle("POST /subscribe", post(s.startCheckout))
	mux.Handle("GET /billing/test-checkout/{id}", dynamic(s.testCheckout))
	mux.Handle("POST /billing/test-checkout/{id}", post(s.payTestCheckout))
	mux.Handle("GET /sign-in", dynamic(s.signInForm))
	mux.Handle("POST /sign-in", post(s.requestLink))
	mux.Handle("POST /sign-in/password", post(s.signInWithPassword))
	mux.Handle("GET /sign-up", dynamic(s.signUpForm))
	mux.Handle("POST /sign-up", post(s.requestLink))
	mux.Handle("GET /sign-in/link/{token}", dynamic(s.linkPage))
	mux.Handle("POST /sign-in/link/{token}", post(s.useLink))
	mux.Handle("POST /sign-out", post(s.signOut))
	mux.Handle("POST /sign-out-everywhere", post(s.signOutEverywhere))
	mux.Handle("GET /account", dynamic(s.account))
	// Newsletter links, signed: they work without a session. The one-click
	// unsubscribe POST (RFC 8058) comes from mail providers' servers, with
	// no form token, so it is outside the cross-origin check; the
	// signature is its authority.
	mux.Handle("GET /newsletters/unsubscribe", dynamic(s.unsubscribeForm))
	mux.Handle("POST /newsletters/unsubscribe", s.surface.Dynamic(httpx.LimitForm(maxForm, s.unsubscribe)))
	mux.Handle("GET /newsletters/confirm", dynamic(s.confirmForm))
	mux.Handle("POST /newsletters/confirm", post(s.confirm))
	mux.Handle("POST /account/newsletters", post(s.saveNewsletters))
	mux.Handle("POST /account/subscriptions/{id}/{action}", post(s.subscriptionAction))
	mux.Handle("POST /account/subscriptions/{id}/address", post(s.saveAddress))
	mux.Handle("POST /account/subscriptions/{id}/holds", post(s.addHold))
	mux.Handle("POST /account/holds/{id}/remove", post(s.removeHold))
	mux.Handle("GET /account/link", dynamic(s.linkForm))
	mux.Handle("POST /account/link", post(s.linkAccount))
	mux.Handle("POST /account/email", post(s.changeEmail))
	mux.Handle("POST /account/password", post(s.setPassword))
	mux.Handle("GET /account/data.json", dynamic(s.exportData))
	mux.Handle("POST /account/podcast", post(s.makeFeed))
	// A subscriber's private podcast feed and its enclosures: the secret
	// in the path (logged by its pattern, like a link token) is the key,
	// checked with the subscription every time.
	mux.Handle("GET /podcast/{token}/feed.xml", dynamic(s.podcastFeed))
	mux.Handle("GET /podcast/{token}/audio/{file}", dynamic(s.podcastAudio))
	// A subscriber's private full-text feed, likewise: the secret is the
	// key, the subscription is checked every time (private_feed.go).
	mux.Handle("POST /account/feed", post(s.makeTextFeed))
	mux.Handle("GET /feeds/{token}/feed.xml", dynamic(s.textFeed(atomFeed)))
	mux.Handle("GET /feeds/{token}/feed.rss", dynamic(s.textFeed(rssFeed)))
	mux.Handle("GET /feeds/{token}/feed.json", dynamic(s.textFeed(jsonFeed)))
	mux.Handle("POST /account/delete", post(s.deleteAccount))
	mux.Handle("GET /account/receipts/{id}", dynamic(s.receipt))
	// The digital edition: never cached, every answer for its reader only.
	mux.Handle("GET /issues/{volume}/{number}/read", dynamic(s.webEdition))
	mux.Handle("GET /issues/{volume}/{number}/download/{format}", dynamic(s.download))
	mux.Handle("GET /opds/{token}", dynamic(s.opds))
	mux.Handle("GET /account/e-readers", dynamic(s.ereaders))
	mux.Handle("POST /account/e-readers/catalogue", post(s.resetCatalogue))
	mux.Handle("POST /account/e-readers/kindle", post(s.saveKindle))
	mux.Handle("POST /account/e-readers/kindle/send", post(s.sendToKindle))

	// Ads: a house ad's image and click, counted; an ad tag's sandboxed
	// frame. Never cached: each one is a count.
	mux.Handle("GET /ads/{id}/image", dynamic(s.adImage))
	mux.Handle("GET /ads/{id}/click", dynamic(s.adClick))
	mux.Handle("GET /ads/{id}/frame", dynamic(s.adFrame))

	mux.Handle("GET /robots.txt", page(s.robots))
	mux.Handle("GET /sitemap.xml", page(s.sitemapIndex))
	mux.Handle("GET /sitemaps/{name}", page(s.sitemap))
	// Feeds: the site's and each section's, writer's and tag's, in Atom,
	// RSS 2.0 and JSON Feed (feeds.go), cached like pages and the same
	// for everyone.
	mux.Handle("GET /feed.xml", page(s.feed(s.siteFeed, atomFeed)))
	mux.Handle("GET /feed.rss", page(s.feed(s.siteFeed, rssFeed)))
	mux.Handle("GET /feed.json", page(s.feed(s.siteFeed, jsonFeed)))
	mux.Handle("GET /sections/{slug}/feed.xml", page(s.feed(s.sectionFeed, atomFeed)))
	mux.Handle("GET /sections/{slug}/feed.rss", page(s.feed(s.sectionFeed, rssFeed)))
	mux.Handle("GET /sections/{slug}/feed.json", page(s.feed(s.sectionFeed, jsonFeed)))
	mux.Handle("GET /authors/{slug}/feed.xml", page(s.feed(s.authorFeed, atomFeed)))
	mux.Handle("GET /authors/{slug}/feed.rss", page(s.feed(s.authorFeed, rssFeed)))
	mux.Handle("GET /authors/{slug}/feed.json", page(s.feed(s.authorFeed, jsonFeed)))
	mux.Handle("GET /tags/{slug}/feed.xml", page(s.feed(s.tagFeed, atomFeed)))
	mux.Handle("GET /tags/{slug}/feed.rss", page(s.feed(s.tagFeed, rssFeed)))
	mux.Handle("GET /tags/{slug}/feed.json", page(s.feed(s.tagFeed, jsonFeed)))
	mux.HandleFunc("GET /static/{file}", s.static)
	mux.Handle("GET /media/{dir}/{file}", s.surface.Dynamic(s.media))
	mux.Handle("/", page(s.notFound))
}

// maxForm bounds a reader's form: the largest is an address.
const maxForm = 16 << 10
