package web

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/eduncan911/podcast"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// feedItems bounds a private feed: podcast apps fetch it often.
const feedItems = 100

// feedURL is the private feed's address for a secret.
func (s *Site) feedURL(secret string) string { return s.abs("/podcast/" + secret + "/feed.xml") }

// podcastListener is the reader whose feed the request's secret opens,
// with what they may hear now. Not found for an unknown or reset secret;
// ok false when their subscription no longer gives audio.
func (s *Site) podcastListener(r *http.Request) (magazine.Viewer, string, bool, error) {
	if s.audio == nil {
		return magazine.Viewer{}, "", false, httpx.NotFound
	}
	ctx := r.Context()
	id, secret, err := s.feedOwner(r, store.FeedPodcast)
	if err != nil {
		return magazine.Viewer{}, "", false, err
	}
	ents, err := s.store.ReaderEntitlements(ctx, id, s.now())
	if err != nil {
		return magazine.Viewer{}, "", false, err
	}
	// Which addresses use the feed (a keyed hash, never the address).
	if install, err := s.store.InstallID(ctx); err == nil {
		sum := sha256.Sum256([]byte(install + "|" + httpx.ClientIP(r)))
		if err := s.store.RecordPodcastHit(ctx, id, hex.EncodeToString(sum[:16])); err != nil {
			s.log.WarnContext(ctx, "record podcast use", "err", err)
		}
	}
	v := magazine.Viewer{Registered: true, Entitlements: ents}
	return v, secret, v.Has(magazine.EntAudio), nil
}

// podcastFeed is a subscriber's private podcast: RSS 2.0 with the itunes:
// tags Apple requires, one item per narrated article they may hear,
// newest first, each enclosure carrying the same secret.
func (s *Site) podcastFeed(w http.ResponseWriter, r *http.Request) error {
	v, secret, ok, err := s.podcastListener(r)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden(w, "This feed belonged to a subscription that has ended. Subscribe again to listen.")
	}
	ctx := r.Context()
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	narrated, err := s.store.NarratedArticles(ctx, feedItems)
	if err != nil {
		return err
	}
	now := s.now()
	p := podcast.New(pub.Name+" (audio)", s.abs("/"), pub.Tagline+". Every article, read aloud: a private feed for one subscriber.", &now, &now)
	p.Language = strings.ToLower(pub.Locale)
	p.IAuthor = pub.Name
	p.AddAuthor(pub.Name, "")
	if pub.SupportEmail != "" {
		p.IOwner = &podcast.Author{Name: pub.Name, Email: pub.SupportEmail}
	}
	image := pub.LogoURL
	if image == "" {
		image, _ = s.assets.url("favicon.svg")
	}
	p.AddImage(s.abs(image))
	p.AddCategory("News", nil)
	p.IExplicit = "no"
	p.IBlock = "yes" // private: never list it in a directory
	for _, na := range narrated {
		a, err := s.store.ArticleByID(ctx, na.ArticleID)
		if err != nil {
			continue
		}
		if !magazine.MayHear(v, a) {
			continue
		}
		published := a.PublishedAt
		item := podcast.Item{Title: a.Headline, Link: s.abs(ArticleURL(a.Slug)), Description: a.Description, GUID: s.abs(ArticleURL(a.Slug)) + "#audio-" + na.FileKey[3:15]}
		if item.Description == "" {
			item.Description = a.Headline
		}
		item.AddPubDate(&published)
		item.AddEnclosure(s.abs("/podcast/"+secret+"/audio/"+a.Slug+".mp3"), podcast.MP3, na.Bytes)
		item.AddDuration(int64(na.Duration.Seconds()))
		if _, err := p.AddItem(item); err != nil {
			return err
		}
	}
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	w.Header().Set("Cache-Control", "private, no-cache")
	return p.Encode(w)
}

// podcastAudio is a feed's enclosure: the narration, with Range, for as
// long as the feed and the subscription last.
func (s *Site) podcastAudio(w http.ResponseWriter, r *http.Request) error {
	v, _, ok, err := s.podcastListener(r)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden(w, "This feed belonged to a subscription that has ended.")
	}
	slug, found := strings.CutSuffix(r.PathValue("file"), ".mp3")
	if !found || !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	a, err := s.listenArticle(r.Context(), slug)
	if err != nil {
		return httpx.NotFound
	}
	if !magazine.MayHear(v, a) {
		return forbidden(w, "The narration is for subscribers with audio.")
	}
	return s.serveNarration(w, r, a.ID)
}

// makeFeed gives the reader a private feed with a new secret, or a new
// secret for the one they have (the old URL stops at once), and shows its
// URL this once: only its hash is kept.
func (s *Site) makeFeed(w http.ResponseWriter, r *http.Request) error {
	secret, err := s.newFeedSecret(r, store.FeedPodcast, magazine.EntAudio, "A podcast feed comes with a subscription that includes audio.")
	if err != nil {
		return err
	}
	return s.renderAccount(w, r, http.StatusOK, accountPage{Notice: "Your private podcast feed is below. Add it to your podcast app now: for your privacy it is not shown again (make a new one any time).",
		PodcastURL: s.feedURL(secret)})
}

// podcastFor fills the account page's feed block.
func (s *Site) podcastFor(r *http.Request, readerID int64, url string) (*feedBlock, error) {
	if s.audio == nil {
		return nil, nil
	}
	return s.feedBlockFor(r, readerID, store.FeedPodcast, magazine.EntAudio, url)
}
