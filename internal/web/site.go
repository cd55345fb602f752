// Package web is the public reading site: server-rendered pages from
// html/template, with embedded assets under content-hashed URLs.
package web

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/webhook"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Site serves the public pages.
type Site struct {
	store   *store.Store
	files   media.Storage
	links   FileLinks
	log     *slog.Logger
	baseURL string
	surface *httpx.Surface
	assets  assets

	billing      *billing.Service
	audio        *audio.Narrator
	editions     versioned[int64, *editionBody] // rendered web editions by issue
	shells       versioned[string, *shell]      // their pages around them, see webEdition
	issueFiles   versioned[int64, map[string]store.Edition]
	issueNumbers versioned[[2]int, magazine.Issue]
	mail         *mail.Templates
	now          func() time.Time
	logLinks     bool
	mailQueued   func(ctx context.Context)
	hooks        *webhook.Emitter
	cookies      auth.Cookies // the reader's session cookie
	staffCookies auth.Cookies
	cop          *http.CrossOriginProtection
	common       *auth.CommonPasswords
	// Links are limited per IP address and per e-mail address, known or
	// not: the limit must not tell which addresses have accounts.
	ipLimit   *auth.Limiter
	addrLimit *auth.Limiter
	// Password guesses have their own budget per address, and each
	// device that signed in before its own (see password_device.go).
	pwLock  *auth.Lockout
	devices auth.Cookies
	// Searches are limited per address: each one costs the database.
	searchLimit *auth.Limiter
	// choices are the search filters' choices, for one content version.
	choices atomic.Pointer[searchChoices]
	// linkLimit bounds the tries at /account/link per reader, and
	// linkIPLimit per client address: an account number and a postal
	// code are guessable.
	linkLimit, linkIPLimit *auth.Limiter
	// pages holds the parsed templates for each time zone the magazine
	// has used, so that dates render in the publication's zone without
	// re-parsing: map[string]map[string]*template.Template.
	pages sync.Map
	// What the audio URLs read of the database, kept per content
	// version (see versioned): the article by slug, its narration's file
	// by article, and the publication the paywall reads.
	listenArticles versioned[string, magazine.Article]
	narrationFiles versioned[int64, string]
	publications   versioned[struct{}, zonedPublication]
	// The ads live in each slot today (see fillAds).
	liveAds versioned[dayKey, []magazine.Ad]
}

// Config is what a Site needs.
type Config struct {
	Store   *store.Store
	Files   media.Storage
	Log     *slog.Logger
	BaseURL string // scheme and host, no trailing slash
	Cache   *httpx.Cache
	// Anonymous reports whether a request is from a reader without a
	// session; only their pages are shared through the cache.
	Anonymous func(*http.Request) bool
	// Billing runs subscriptions; nil means online sign-up is not set up
	// and /subscribe says so.
	Billing *billing.Service
	// Mail renders the sign-in messages; the standard templates when nil.
	Mail *mail.Templates
	// LogLinks prints sign-in links to the log as well as mailing them:
	// for the demo, which has no SMTP server.
	LogLinks bool
	// Now is the clock of sessions, links and the meter; time.Now when nil.
	Now func() time.Time
	// MailQueued, if set, is told when a message that should not wait (a
	// sign-in link) was put in the outbox, so delivery starts at once.
	MailQueued func(ctx context.Context)
	// SearchesPerMinute bounds each address's searches; 0 means 60.
	SearchesPerMinute int
	// Audio narrates articles for readers with the audio entitlement; nil
	// shows no player.
	Audio *audio.Narrator
	// Webhooks is told of readers who make an account; nil sends none.
	Webhooks *webhook.Emitter
	// Links sends readers to the object store for files instead of
	// serving them (when Files can presign).
	Links FileLinks
	// CDNMaxAge is how long a CDN may keep anonymous pages
	// (httpx.Surface.CDNMaxAge); 0 leaves them to Cache-Control.
	CDNMaxAge time.Duration
}

// New parses the templates and hashes the assets.
func New(cfg Config) (*Site, error) {
	as, err := loadAssets()
	if err != nil {
		return nil, err
	}
	s := &Site{store: cfg.Store, files: cfg.Files, links: cfg.Links, log: cfg.Log, baseURL: strings.TrimRight(cfg.BaseURL, "/"), assets: as,
		billing: cfg.Billing, audio: cfg.Audio, mail: cfg.Mail, now: cfg.Now, logLinks: cfg.LogLinks, mailQueued: cfg.MailQueued, hooks: cfg.Webhooks, cop: http.NewCrossOriginProtection(),
		common: auth.NewCommonPasswords()}
	s.editions.limit, s.shells.limit = editionCacheMax, 1024
	if s.now == nil {
		s.now = time.Now
	}
	s.cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.renderError(w, r, http.StatusForbidden, "This form was sent from another site, so it was refused. Go back to the page on this site and send it again there.")
	}))
	if s.mail == nil {
		if s.mail, err = mail.LoadTemplates(); err != nil {
			return nil, err
		}
	}
	https := strings.HasPrefix(s.baseURL, "https://")
	s.cookies, s.staffCookies = auth.Cookies{HTTPS: https, Reader: true}, auth.Cookies{HTTPS: https}
	s.ipLimit = auth.NewLimiter(20, 3*time.Minute, 100_000, s.now)
	s.addrLimit = auth.NewLimiter(3, 5*time.Minute, 100_000, s.now)
	s.linkLimit = auth.NewLimiter(5, 12*time.Minute, 100_000, s.now)
	s.linkIPLimit = auth.NewLimiter(30, 2*time.Minute, 100_000, s.now)
	s.pwLock = auth.NewLockout(5, 3*time.Minute, lockoutNoticeEvery, s.now)
	s.devices = auth.Cookies{HTTPS: https, Reader: true, Device: true}
	perMinute := cmp.Or(cfg.SearchesPerMinute, 60)
	s.searchLimit = auth.NewLimiter(perMinute, time.Minute/time.Duration(perMinute), 100_000, s.now)
	if _, err := s.templates(time.UTC); err != nil {
		return nil, err
	}
	anonymous := cfg.Anonymous
	if anonymous == nil {
		anonymous = func(*http.Request) bool { return true }
	}
	s.surface = &httpx.Surface{
		Log:       cfg.Log,
		Error:     s.renderError,
		Cache:     cfg.Cache,
		Anonymous: anonymous,
		Audience:  s.audience,
		Query:     queryParams,
		CDNMaxAge: cfg.CDNMaxAge,
		LastModified: func() time.Time {
			return time.Unix(0, cfg.Store.Version())
		},
	}
	return s, nil
}

var pageTemplates = []string{"home", "article", "list", "authors", "issue", "issues", "subscribe", "error",
	"signin", "checkout", "account", "receipt", "edition", "archive", "ereaders", "search", "link", "newsletter"}

func (s *Site) templates(loc *time.Location) (map[string]*template.Template, error) {
	if set, ok := s.pages.Load(loc.String()); ok {
		return set.(map[string]*template.Template), nil
	}
	set := map[string]*template.Template{}
	for _, name := range pageTemplates {
		t, err := template.New(name).Funcs(s.funcs(loc)).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return nil, fmt.Errorf("parse template %s: %w", name, err)
		}
		set[name] = t
	}
	s.pages.Store(loc.String(), set)
	return set, nil
}

func (s *Site) funcs(loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"asset":      s.assets.url,
		"srcset":     s.srcset,
		"articleURL": func(a magazine.Article) string { return ArticleURL(a.Slug) },
		"sectionURL": func(sec magazine.Section) string { return "/sections/" + sec.Slug },
		"authorURL":  func(a magazine.Author) string { return "/authors/" + a.Slug },
		"tagURL":     func(t magazine.Tag) string { return "/tags/" + t.Slug },
		"issueURL":   IssueURL,
		"gated":      isGated,
		"last":       func(i int, list []magazine.Author) bool { return i == len(list)-1 },
		"date":       func(t time.Time) string { return t.In(loc).Format("January 2, 2006") },
		"iso":        func(t time.Time) string { return t.In(loc).Format(time.RFC3339) },
		// day formats a date that has no time of day, such as a cover date.
		"day":       func(t time.Time) string { return t.Format("2006-01-02") },
		"coverDate": func(t time.Time) string { return t.Format("January 2, 2006") },
		"money":     store.Money,
		// addressForm is the address a form shows: what was sent when it
		// is this form's, else an empty one.
		"addressForm": func(a any, mine bool) magazine.Address {
			if !mine {
				return magazine.Address{}
			}
			switch a := a.(type) {
			case magazine.Address:
				return a
			case *magazine.Address:
				if a != nil {
					return *a
				}
			}
			return magazine.Address{}
		},
	}
}

// srcset returns the srcset of a stored image, or "" for any other URL.
func (s *Site) srcset(url string) string {
	key, ok := strings.CutPrefix(url, "/media/")
	if !ok {
		return ""
	}
	img, _ := s.store.ImageSources(context.Background(), key)
	return img.Srcset
}

// ArticleURL is the path of an article's first page.
func ArticleURL(slug string) string { return "/articles/" + slug }

// IssueURL is the path of an issue's page.
func IssueURL(i magazine.Issue) string {
	return "/issues/" + strconv.Itoa(i.Volume) + "/" + strconv.Itoa(i.Number)
}

// Page is what every page template gets besides its own data.
type Page struct {
	Pub         magazine.Publication
	Sections    []magazine.Section
	Title       string
	Description string
	Canonical   string
	OGType      string
	Image       string
	JSONLD      any
	NoIndex     bool
	PrevURL     string
	NextURL     string
	// Feeds are the page's feeds for autodiscovery: its section's,
	// writer's or tag's first, then the site's.
	Feeds []feedLink
	// Reader is the signed-in reader on their own pages; pages shared
	// through the cache never have one.
	Reader *store.Reader
	// TestMode labels every page while no real money moves.
	TestMode bool
	// Ads fill the page's ad slots, by slot name; nil for a reader who
	// gets no ads (see fillAds).
	Ads map[string]*adView
}

// FullTitle is the document title: the page's, then the magazine's.
func (p Page) FullTitle() string {
	if p.Title == "" || p.Title == p.Pub.Name {
		return p.Pub.Name
	}
	return p.Title + " | " + p.Pub.Name
}

// newPage fills the parts of a Page shared by every page.
func (s *Site) newPage(ctx context.Context, r *http.Request, title, description string) (Page, error) {
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return Page{}, err
	}
	sections, err := s.store.PublishedSections(ctx)
	if err != nil {
		return Page{}, err
	}
	if description == "" {
		description = pub.Tagline
	}
	page := Page{Pub: pub, Sections: sections, Title: title, Description: description,
		Canonical: s.abs(r.URL.Path), OGType: "website", TestMode: s.billing != nil && s.billing.TestMode(),
		Feeds: s.feedLinks(pub.Name, "/")}
	// A signed-in reader sees "Your account" in the masthead on every
	// page. (Pages shared by all subscribers show the same: nothing of the
	// reader but that they are signed in.)
	if a, err := s.readerAccess(r); err == nil && a != nil {
		page.Reader = &a.Session.Reader
	}
	return page, nil
}

// CacheVersion is the page cache's version: the content version, and
// the hour, since an ad's first and last days begin and end at midnight
// whether or not anything else changes. Pages are rendered again at most
// once an hour for it.
func (s *Site) CacheVersion() int64 {
	return s.store.Version() + s.now().Unix()/3600
}

// abs makes a site path absolute.
func (s *Site) abs(p string) string {
	if p == "" || strings.HasPrefix(p, "http://") || strings.HasPrefix(p, "https://") {
		return p
	}
	return s.baseURL + p
}

// render executes a page template into w. Dates inside are shown in the
// publication's time zone.
func (s *Site) render(w http.ResponseWriter, name string, status int, pub magazine.Publication, data any) error {
	buf, err := s.execute(name, pub, data)
	if err != nil {
		return err
	}
	defer putPageBuffer(buf)
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err = w.Write(buf.Bytes())
	return err
}

// execute renders page name into a buffer from pageBuffers, to be given
// back with putPageBuffer.
func (s *Site) execute(name string, pub magazine.Publication, data any) (*bytes.Buffer, error) {
	set, err := s.templates(pub.Location())
	if err != nil {
		return nil, err
	}
	t, ok := set[name]
	if !ok {
		return nil, fmt.Errorf("no template %q", name)
	}
	buf := pageBuffers.Get().(*bytes.Buffer)
	if err := t.ExecuteTemplate(buf, "layout", data); err != nil {
		putPageBuffer(buf)
		return nil, fmt.Errorf("execute template %s: %w", name, err)
	}
	return buf, nil
}

// bodyMarker stands in a page for a large body written around the
// template (see shell). A page never holds it otherwise: text from
// readers and editors is escaped.
const bodyMarker = "<!--masthead:body-->"

// shell is a page rendered around the place of its body.
type shell struct{ before, after []byte }

// shell renders page name, whose data puts bodyMarker where its body
// goes, and cuts it there.
func (s *Site) shell(name string, pub magazine.Publication, data any) (*shell, error) {
	buf, err := s.execute(name, pub, data)
	if err != nil {
		return nil, err
	}
	defer putPageBuffer(buf)
	page := buf.Bytes()
	i := bytes.Index(page, []byte(bodyMarker))
	if i < 0 {
		return nil, fmt.Errorf("template %s has no place for its body", name)
	}
	return &shell{before: bytes.Clone(page[:i]), after: bytes.Clone(page[i+len(bodyMarker):])}, nil
}

// write sends the page with body, in parts, in its place.
func (sh *shell) write(w http.ResponseWriter, status int, body ...[]byte) error {
	n := len(sh.before) + len(sh.after)
	for _, part := range body {
		n += len(part)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(n))
	w.WriteHeader(status)
	if _, err := w.Write(sh.before); err != nil {
		return err
	}
	for _, part := range body {
		if _, err := w.Write(part); err != nil {
			return err
		}
	}
	_, err := w.Write(sh.after)
	return err
}

// pageBuffers keeps the buffers pages are rendered into, so that a large
// page (a web edition is hundreds of KB) is not grown from nothing on
// every request.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// putPageBuffer returns buf to the pool unless it grew past what most
// pages need, which would keep that much memory per idle buffer.
func putPageBuffer(buf *bytes.Buffer) {
	if buf.Cap() > 1<<20 {
		return
	}
	buf.Reset()
	pageBuffers.Put(buf)
}

type errorPage struct {
	Page    Page
	Heading string
	Message string
}

// renderError writes the error page. It never shows internal detail: msg
// is already safe, and a failure to render falls back to plain text.
func (s *Site) renderError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	heading := map[int]string{
		http.StatusNotFound:              "Page not found",
		http.StatusBadRequest:            "That request could not be understood",
		http.StatusForbidden:             "Not allowed",
		http.StatusRequestEntityTooLarge: "That is too large",
		http.StatusInternalServerError:   "Something went wrong on our side",
	}[status]
	if heading == "" {
		heading = http.StatusText(status)
	}
	if status == http.StatusNotFound {
		msg = "There is no page at this address. It may have moved, or the link may be mistyped."
	} else if status == http.StatusInternalServerError {
		msg = "The page could not be shown. Please try again in a moment; we have been told about the problem."
	}
	ctx := r.Context()
	page, err := s.newPage(ctx, r, heading, msg)
	if err == nil {
		page.NoIndex = true
		w.Header().Set("Cache-Control", "no-store")
		var buf bytes.Buffer
		rec := &bufferWriter{header: w.Header(), buf: &buf}
		if err = s.render(rec, "error", status, page.Pub, errorPage{Page: page, Heading: heading, Message: msg}); err == nil {
			w.WriteHeader(status)
			w.Write(buf.Bytes())
			return
		}
	}
	s.log.ErrorContext(ctx, "render error page", "err", err)
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "%s\n\n%s\n", heading, msg)
}

// bufferWriter lets renderError try the template before committing a
// status.
type bufferWriter struct {
	header http.Header
	buf    *bytes.Buffer
}

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) WriteHeader(int)             {}
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }

// assets maps embedded static files to URLs that carry a hash of their
// content, so that they can be cached for a year.
type assets struct {
	byName map[string]string // "style.css" -> "/static/style.3f2a1b0c.css"
	byPath map[string]asset  // "style.3f2a1b0c.css" -> the file
}

type asset struct {
	name string
	data []byte
	ct   string
	// resp serves a compressible file (CSS, JavaScript, SVG), compressed
	// once for the clients that take it; nil for the others.
	resp *httpx.Response
}

func loadAssets() (assets, error) {
	as := assets{byName: map[string]string{}, byPath: map[string]asset{}}
	err := fs.WalkDir(staticFS, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := staticFS.ReadFile(p)
		if err != nil {
			return err
		}
		name := strings.TrimPrefix(p, "static/")
		sum := sha256.Sum256(data)
		ext := path.Ext(name)
		hashed := strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
		ct := map[string]string{".css": "text/css; charset=utf-8", ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml"}[ext]
		as.byName[name] = "/static/" + hashed
		a := asset{name: name, data: data, ct: ct}
		if ct != "" {
			a.resp = httpx.NewResponse(http.StatusOK, http.Header{"Content-Type": {ct}, "Cache-Control": immutable}, data, startTime)
		}
		as.byPath[hashed] = a
		return nil
	})
	if err != nil {
		return as, fmt.Errorf("load static assets: %w", err)
	}
	return as, nil
}

func (as assets) url(name string) (string, error) {
	u, ok := as.byName[name]
	if !ok {
		return "", fmt.Errorf("no asset %q", name)
	}
	return u, nil
}

// startTime is the Last-Modified of embedded assets: they change only with
// the binary.
var startTime = time.Now()
