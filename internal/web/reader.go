package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Reader sessions last a month; a reader signs in by e-mailed link, so
// a short session would mean a trip to the inbox every few days.
const readerSessionTTL = 30 * 24 * time.Hour

// LinkTTL is how long a sign-in link works.
const LinkTTL = 15 * time.Minute

// readerAccess returns the signed-in reader's session and entitlements,
// or nil. A request without the cookie costs no database round trip, and
// one with it usually none either (the store caches them briefly).
func (s *Site) readerAccess(r *http.Request) (*store.ReaderAccess, error) {
	id := s.cookies.Read(r)
	if id == "" {
		return nil, nil
	}
	a, err := s.store.ReaderAccessByHash(r.Context(), auth.HashSessionID(id), s.now())
	if magazine.IsNotFound(err) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	return &a, nil
}

// readerSession returns the signed-in reader's session, or nil.
func (s *Site) readerSession(r *http.Request) (*store.ReaderSession, error) {
	a, err := s.readerAccess(r)
	if a == nil || err != nil {
		return nil, err
	}
	return &a.Session, nil
}

// staffViewer reports whether the request carries a staff session that
// has finished signing in: staff read everything on the site.
func (s *Site) staffViewer(r *http.Request) bool {
	id := s.staffCookies.Read(r)
	if id == "" {
		return false
	}
	ses, err := s.store.SessionByHash(r.Context(), auth.HashSessionID(id))
	return err == nil && ses.Stage == store.StageFull
}

// audience says with whom a page may be shared (see httpx.Surface):
// anonymous readers all see one page; subscribers (who may read every
// article) all see another, kept in this process only; anyone else —
// staff, a registered reader on the meter — gets their own.
func (s *Site) audience(r *http.Request) (string, bool) {
	if len(r.Header["Cookie"]) == 0 {
		return "", true // the anonymous page, at no cost
	}
	// Either name of either cookie counts, whichever this site sets.
	for _, name := range []string{auth.CookieName, auth.SecureCookieName} {
		if _, err := r.Cookie(name); err == nil {
			return "", false
		}
	}
	reader := false
	for _, name := range []string{auth.ReaderCookieName, auth.SecureReaderCookieName} {
		if _, err := r.Cookie(name); err == nil {
			reader = true
		}
	}
	if !reader {
		return "", true // cookies, but none of ours
	}
	// A session cookie that names no live session is answered, but not
	// from or into any cache: the shared page never goes to a request
	// that says it is signed in.
	a, err := s.readerAccess(r)
	if err != nil || a == nil {
		return "", false
	}
	if a.Entitlements[magazine.EntSubscriberContent] {
		return subscriberAudience(a.Entitlements), true
	}
	return "", false
}

// viewer is who is reading, as the paywall sees them, and their session
// if they are a signed-in reader.
func (s *Site) viewer(r *http.Request, articleID int64) (magazine.Viewer, *store.ReaderSession, error) {
	if s.staffViewer(r) {
		return magazine.Viewer{Staff: true}, nil, nil
	}
	a, err := s.readerAccess(r)
	if err != nil || a == nil {
		return magazine.Viewer{}, nil, err
	}
	ctx := r.Context()
	rs := &a.Session
	v := magazine.Viewer{Registered: true, Entitlements: a.Entitlements}
	pub, loc, err := s.publication(ctx)
	if err != nil {
		return v, rs, err
	}
	v.ArchiveFrom = magazine.ArchiveStart(s.now().In(loc), pub.ArchiveWindowMonths)
	if articleID == 0 || v.Has(magazine.EntSubscriberContent) {
		return v, rs, nil
	}
	if pub.MeterArticles > 0 {
		opened, this, err := s.store.Meter(ctx, rs.Reader.ID, articleID, s.now())
		if err != nil {
			return v, rs, err
		}
		v.MeterOpened, v.MeterLeft = this, max(0, pub.MeterArticles-opened)
	}
	return v, rs, nil
}

// publication is the magazine's settings and its time zone, kept per
// content version (saving the settings moves it): the paywall reads them
// on every signed-in reader's request, a player's range requests
// included, and loading the zone reads a file each time.
func (s *Site) publication(ctx context.Context) (magazine.Publication, *time.Location, error) {
	version := s.store.Version()
	if p, ok := s.publications.get(version, struct{}{}); ok {
		return p.pub, p.loc, nil
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return pub, nil, err
	}
	loc := pub.Location()
	s.publications.put(version, struct{}{}, zonedPublication{pub, loc})
	return pub, loc, nil
}

type zonedPublication struct {
	pub magazine.Publication
	loc *time.Location
}

// subscriberAudience names the shared page of subscribers who hold the
// same entitlements that change a page: the archive (articles beyond the
// window) and the digital edition (the issue page's formats).
func subscriberAudience(ents map[magazine.Entitlement]bool) string {
	name := "subscriber"
	if !ents[magazine.EntArchive] {
		name += "-window"
	}
	if ents[magazine.EntDigitalEdition] {
		name += "-edition"
	}
	if ents[magazine.EntAudio] {
		name += "+audio" // a player the others do not see
	}
	if ents[magazine.EntAdFree] {
		// No ads once ad-free is live. Kept apart even before, so that
		// whether a page may carry ads never hangs on a setting read
		// after the page was cached.
		name += "+adfree"
	}
	return name
}

// signIn gives the browser a new reader session, replacing the one it had.
func (s *Site) newSession(w http.ResponseWriter, r *http.Request) store.NewReaderSession {
	id, hash := auth.NewSessionID()
	ns := store.NewReaderSession{IDHash: hash, ExpiresAt: s.now().Add(readerSessionTTL), IP: httpx.ClientIP(r), UserAgent: r.UserAgent()}
	if old := s.cookies.Read(r); old != "" {
		ns.Replaces = auth.HashSessionID(old)
	}
	s.cookies.Set(w, id, readerSessionTTL)
	return ns
}

// requireReader is the signed-in reader, or a redirect to sign in that
// comes back here.
func (s *Site) requireReader(r *http.Request) (*store.ReaderSession, error) {
	rs, err := s.readerSession(r)
	if err != nil {
		return nil, err
	}
	if rs == nil {
		back := r.URL.Path
		if r.Method != http.MethodGet {
			back = "/account"
		}
		return nil, &httpx.Redirect{URL: "/sign-in?return=" + url.QueryEscape(back), Status: http.StatusSeeOther}
	}
	return rs, nil
}

// localPath returns p when it is a path on this site, else "": a return
// address from a form or a link must not send the reader elsewhere.
func localPath(p string) string {
	if p == "" || len(p) > 500 || p[0] != '/' || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n\t") {
		return ""
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" {
		return ""
	}
	return u.RequestURI()
}

// private marks a personalised response: never stored anywhere.
func private(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "private, no-store")
}

// readerPage is a Page for a reader's own pages: never indexed.
func (s *Site) readerPage(ctx context.Context, r *http.Request, title string, rs *store.ReaderSession) (Page, error) {
	page, err := s.newPage(ctx, r, title, "")
	if err != nil {
		return page, err
	}
	page.NoIndex = true
	if rs != nil {
		page.Reader = &rs.Reader
	}
	return page, nil
}
