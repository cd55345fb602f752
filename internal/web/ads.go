package web

import (
	"context"
	"hash/fnv"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

// adView is a filled ad slot as a page shows it: a house ad's image and
// link, both served by the site (which counts them), or the frame of an
// ad server's tag. The "ad" template labels either "Advertisement".
type adView struct {
	Slot          magazine.AdSlot
	House         bool
	ImageURL      string
	ClickURL      string
	Alt           string
	Width, Height int
	FrameURL      string
}

// adFree reports whether a reader with ents gets pages without ads: they
// hold ad-free and the magazine says it is delivered.
func adFree(pub magazine.Publication, ents map[magazine.Entitlement]bool) bool {
	return pub.AdFreeLive && ents[magazine.EntAdFree]
}

// dayKey is a slot on a day: what the live ads are kept by.
type dayKey struct {
	slot magazine.AdSlot
	day  string
}

// fillAds chooses the ad of each slot of the page at path, or none at
// all for an ad-free reader (ents are theirs). Which ad fills a slot is
// a weighted choice made once per render, from a hash of the path, slot
// and day. Anonymous pages are rendered once and then served from the
// page cache; choosing per view would mean rendering per view, or a
// request back to the site for every view. Over the site's pages the
// shares follow the weights, and the choice changes daily and whenever
// the content does. The live ads are read once per content version and
// day.
func (s *Site) fillAds(ctx context.Context, page *Page, path string, ents map[magazine.Entitlement]bool, slots ...magazine.AdSlot) error {
	if adFree(page.Pub, ents) {
		return nil
	}
	_, loc, err := s.publication(ctx) // the zone, loaded once per version
	if err != nil {
		return err
	}
	today := s.now().In(loc).Format(time.DateOnly)
	version := s.store.Version()
	for _, slot := range slots {
		key := dayKey{slot, today}
		live, ok := s.liveAds.get(version, key)
		if !ok {
			d, _ := time.Parse(time.DateOnly, today)
			if live, err = s.store.LiveAds(ctx, slot, d); err != nil {
				return err
			}
			s.liveAds.put(version, key, live)
		}
		h := fnv.New64a()
		io.WriteString(h, path+"\x00"+string(slot)+"\x00"+today)
		ad, ok := magazine.PickAd(live, h.Sum64())
		if !ok {
			continue
		}
		if page.Ads == nil {
			page.Ads = map[string]*adView{}
		}
		page.Ads[string(slot)] = s.adView(ctx, ad, slot)
	}
	return nil
}

func (s *Site) adView(ctx context.Context, ad magazine.Ad, slot magazine.AdSlot) *adView {
	base := "/ads/" + strconv.FormatInt(ad.ID, 10)
	if ad.Kind == magazine.AdTag {
		return &adView{Slot: slot, FrameURL: base + "/frame"}
	}
	v := &adView{Slot: slot, House: true, ImageURL: base + "/image", ClickURL: base + "/click", Alt: ad.Alt}
	if img, ok := s.store.ImageSources(ctx, ad.ImageKey); ok {
		v.Width, v.Height = img.Width, img.Height
	}
	return v
}

// readerEntitlements are the signed-in reader's entitlements, or none.
func (s *Site) readerEntitlements(r *http.Request) (map[magazine.Entitlement]bool, error) {
	a, err := s.readerAccess(r)
	if err != nil || a == nil {
		return nil, err
	}
	return a.Entitlements, nil
}

// splitAfterParagraph cuts body after its nth paragraph at the top level
// (not one inside a quote or a figure), for the inline ad slot. ok is
// false when the body has nothing after it.
func splitAfterParagraph(body template.HTML, n int) (template.HTML, template.HTML, bool) {
	z := html.NewTokenizer(strings.NewReader(string(body)))
	depth, count, offset := 0, 0, 0
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return body, "", false
		}
		offset += len(z.Raw())
		name, _ := z.TagName()
		switch tt {
		case html.StartTagToken:
			if !magazine.VoidElement(string(name)) {
				depth++
			}
		case html.EndTagToken:
			depth--
			if depth == 0 && string(name) == "p" {
				count++
				if count == n {
					rest := body[offset:]
					if strings.TrimSpace(string(rest)) == "" {
						return body, "", false
					}
					return body[:offset], rest, true
				}
			}
		}
	}
}

// adOf returns the ad of the request's path, of the kind wanted.
func (s *Site) adOf(r *http.Request, kind magazine.AdKind) (magazine.Ad, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return magazine.Ad{}, httpx.NotFound
	}
	ad, err := s.store.AdByID(r.Context(), id)
	if magazine.IsNotFound(err) || (err == nil && ad.Kind != kind) {
		return ad, httpx.NotFound
	}
	return ad, err
}

// count adds an impression or a click of ad to today's total. A failure
// to count never keeps the reader from the ad.
func (s *Site) count(r *http.Request, ad magazine.Ad, click bool) {
	ctx := r.Context()
	_, loc, err := s.publication(ctx)
	if err != nil {
		loc = time.UTC
	}
	day, _ := time.Parse(time.DateOnly, s.now().In(loc).Format(time.DateOnly))
	if click {
		err = s.store.CountAdClick(ctx, ad.ID, day)
	} else {
		err = s.store.CountAdImpression(ctx, ad.ID, day)
	}
	if err != nil {
		s.log.WarnContext(ctx, "count an ad", "ad", ad.ID, "click", click, "err", err)
	}
}

// adImage serves a house ad's image and counts the view. The browser is
// told to ask again on every view (no-cache: it gets a 304 when it has
// the image), so that each view is counted here, without a cookie.
func (s *Site) adImage(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.adOf(r, magazine.AdHouse)
	if err != nil {
		return err
	}
	if !media.ValidKey(ad.ImageKey) || media.Private(ad.ImageKey) {
		return httpx.NotFound
	}
	f, err := s.files.Open(r.Context(), ad.ImageKey)
	if err != nil {
		return err
	}
	defer f.Close()
	s.count(r, ad, false)
	h := w.Header()
	h.Set("Cache-Control", "no-cache")
	// Keys name content, so the key is a strong validator: a browser
	// that has the image asks, is counted, and gets a 304.
	h.Set("ETag", `"`+strings.ReplaceAll(ad.ImageKey, "/", "-")+`"`)
	if ct := contentTypeByKey(ad.ImageKey); ct != "" {
		h.Set("Content-Type", ct)
	}
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	httpx.ServeContent(w, r, ad.ImageKey, f.ModTime(), f)
	return nil
}

// adClick counts a click on a house ad and sends the reader to the ad's
// own link: the target is never taken from the request, so this is no
// open redirect.
func (s *Site) adClick(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.adOf(r, magazine.AdHouse)
	if err != nil {
		return err
	}
	s.count(r, ad, true)
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("Referrer-Policy", "origin")
	http.Redirect(w, r, ad.LinkURL, http.StatusFound)
	return nil
}

// adFrame serves an ad server's tag as a document of its own, the only
// place its script runs. The page frames it with sandbox (no
// allow-same-origin), so the tag runs in an opaque origin: it cannot
// read the site's cookies or pages, nor touch the page around it. Its
// own Content-Security-Policy repeats the sandbox (should it be opened
// outside the frame) and lets it load from the origins of the settings
// and nothing else.
func (s *Site) adFrame(w http.ResponseWriter, r *http.Request) error {
	ad, err := s.adOf(r, magazine.AdTag)
	if err != nil {
		return err
	}
	pub, _, err := s.publication(r.Context())
	if err != nil {
		return err
	}
	s.count(r, ad, false)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Security-Policy", adFramePolicy(pub.AdOrigins))
	h.Set("X-Frame-Options", "SAMEORIGIN")
	h.Set("Referrer-Policy", "strict-origin")
	_, err = io.WriteString(w, "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>Advertisement</title>"+
		"<style>html,body{margin:0;padding:0;overflow:hidden}</style></head><body>\n"+ad.TagHTML+"\n</body></html>\n")
	return err
}

// adFramePolicy is the frame's Content-Security-Policy: inline script and
// style (a tag is inline by nature), and everything else only from the
// ad origins.
func adFramePolicy(origins string) string {
	o := strings.TrimSpace(origins)
	src := func(extra string) string {
		v := strings.TrimSpace(extra + " " + o)
		if v == "" {
			return "'none'"
		}
		return v
	}
	return "default-src 'none'; script-src " + src("'unsafe-inline'") + "; style-src " + src("'unsafe-inline'") +
		"; img-src " + src("data:") + "; frame-src " + src("") + "; connect-src " + src("") + "; font-src " + src("") +
		"; media-src " + src("") + "; form-action 'none'; base-uri 'none'; frame-ancestors 'self'" +
		"; sandbox allow-scripts allow-popups allow-popups-to-escape-sandbox"
}
