package httpx

import (
	"bytes"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Response is a complete, buffered response: what a handler wrote, with its
// strong validators, and its compressed copies made the first time a
// client asks for one.
type Response struct {
	Status      int
	Header      http.Header // as the handler set it
	Body        []byte
	etag        []string
	length      []string // Content-Length of Body
	lastMod     []string
	lastModTime time.Time
	size        int
	tag         string
	worth       bool // compressible and large enough to compress
	gzip, zstd  encoding
}

// encoding is one compressed copy of a Response, made once, by the first
// request that takes it: most pages of a long archive are read by one
// client, so compressing for the cache what nobody asks for in that form
// would be wasted (it was a fifth of the CPU of a long-tail load).
type encoding struct {
	once   sync.Once
	body   []byte // nil when compression does not pay
	etag   []string
	length []string
	name   []string // the Content-Encoding
}

// minCompress is the smallest body worth compressing.
const minCompress = 1024

// NewResponse makes the Response of what a handler wrote.
func NewResponse(status int, header http.Header, body []byte, lastMod time.Time) *Response {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	resp := &Response{Status: status, Header: header, Body: body, tag: tag, etag: []string{`"` + tag + `"`}, length: []string{itoa(len(body))}}
	resp.worth = len(body) >= minCompress && compressible(header.Get("Content-Type"))
	if !lastMod.IsZero() {
		resp.lastModTime = lastMod.UTC().Truncate(time.Second)
		resp.lastMod = []string{resp.lastModTime.Format(http.TimeFormat)}
	}
	// Room for the compressed copies, which come later: HTML compresses
	// to about a third, and few pages are asked for in both encodings.
	resp.size = len(body) + 256
	if resp.worth {
		resp.size += len(body) / 2
	}
	return resp
}

func compressible(ct string) bool {
	return strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/json") ||
		strings.HasPrefix(ct, "application/xml") || strings.HasPrefix(ct, "application/ld+json") ||
		strings.HasPrefix(ct, "application/rss+xml") || strings.HasPrefix(ct, "application/atom+xml") ||
		strings.HasPrefix(ct, "application/feed+json") ||
		strings.HasPrefix(ct, "image/svg+xml") || strings.HasPrefix(ct, "application/javascript")
}

var (
	varyValue        = []string{"Accept-Encoding, Cookie"}
	gzipValue        = []string{"gzip"}
	zstdValue        = []string{"zstd"}
	nosniffValue     = []string{"nosniff"}
	noStoreValue     = []string{"private, no-store"}
	publicCacheValue = []string{"public, max-age=60"}
)

// compressed returns the copy of resp in the encoding the client prefers
// of zstd and gzip, making it the first time, or nil.
func (resp *Response) compressed(r *http.Request) *encoding {
	if !resp.worth {
		return nil
	}
	e, name, suffix, compress := &resp.gzip, gzipValue, "-gz", Gzip
	switch AcceptedEncoding(r) {
	case "zstd":
		e, name, suffix, compress = &resp.zstd, zstdValue, "-zst", Zstd
	case "":
		return nil
	}
	e.once.Do(func() {
		if out := compress(resp.Body); len(out) < len(resp.Body) {
			// A strong validator names one representation: each
			// encoding gets its own.
			e.body, e.name = out, name
			e.etag, e.length = []string{`"` + resp.tag + suffix + `"`}, []string{itoa(len(out))}
		}
	})
	if e.body == nil {
		return nil
	}
	return e
}

// Write sends resp, answering conditional requests with 304 and clients
// that accept zstd or gzip with a compressed copy.
func (resp *Response) Write(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	for k, v := range resp.Header {
		h[k] = v
	}
	body, etag, length := resp.Body, resp.etag, resp.length
	if resp.worth {
		h["Vary"] = varyValue
		if e := resp.compressed(r); e != nil {
			body, etag, length = e.body, e.etag, e.length
			h["Content-Encoding"] = e.name
		}
	}
	if resp.Status == http.StatusOK {
		h["Etag"] = etag
		if resp.lastMod != nil {
			h["Last-Modified"] = resp.lastMod
		}
		if notModified(r, etag[0], resp.lastModTime) {
			delete(h, "Content-Type")
			delete(h, "Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	h["Content-Length"] = length
	w.WriteHeader(resp.Status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// notModified implements RFC 9110's precedence: If-None-Match wins over
// If-Modified-Since.
func notModified(r *http.Request, etag string, lastMod time.Time) bool {
	if inm := r.Header.Get("If-None-Match"); inm != "" {
		for part := range strings.SplitSeq(inm, ",") {
			part = strings.TrimSpace(part)
			if part == "*" || part == etag || strings.TrimPrefix(part, "W/") == etag {
				return true
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" && !lastMod.IsZero() {
		if t, err := http.ParseTime(ims); err == nil && !lastMod.After(t) {
			return true
		}
	}
	return false
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	var buf [20]byte
	i := len(buf)
	for n > 0 {
		i--
		buf[i] = byte('0' + n%10)
		n /= 10
	}
	return string(buf[i:])
}

// Cache holds rendered responses for anonymous readers, keyed by URL, and
// drops them all when the content version changes. It is bounded in bytes
// and evicts the least recently used.
type Cache struct {
	mu      sync.Mutex
	max     int
	size    int
	version int64
	items   map[string]*list.Element
	lru     list.List
	// Version returns the current content version; a change empties the
	// cache.
	Version func() int64
	hits    func()
	misses  func()
}

type cacheItem struct {
	key  string
	resp *Response
}

// NewCache returns a cache of at most maxBytes.
func NewCache(maxBytes int, version func() int64) *Cache {
	return &Cache{max: maxBytes, items: map[string]*list.Element{}, Version: version, hits: func() {}, misses: func() {}}
}

// OnLookup sets callbacks counting hits and misses (for metrics).
func (c *Cache) OnLookup(hit, miss func()) { c.hits, c.misses = hit, miss }

func (c *Cache) get(key string) *Response {
	v := c.Version()
	c.mu.Lock()
	defer c.mu.Unlock()
	if v != c.version {
		c.clearLocked(v)
	}
	el, ok := c.items[key]
	if !ok {
		c.misses()
		return nil
	}
	c.lru.MoveToFront(el)
	c.hits()
	return el.Value.(*cacheItem).resp
}

// put stores resp if the content has not changed since version was read.
func (c *Cache) put(key string, version int64, resp *Response) {
	if resp.size > c.max/8 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version != c.version {
		return // rendered from content that has since changed
	}
	if el, ok := c.items[key]; ok {
		c.size -= el.Value.(*cacheItem).resp.size
		c.lru.Remove(el)
	}
	c.items[key] = c.lru.PushFront(&cacheItem{key: key, resp: resp})
	c.size += resp.size
	for c.size > c.max {
		el := c.lru.Back()
		it := el.Value.(*cacheItem)
		c.lru.Remove(el)
		delete(c.items, it.key)
		c.size -= it.resp.size
	}
}

func (c *Cache) clearLocked(v int64) {
	c.version = v
	clear(c.items)
	c.lru.Init()
	c.size = 0
}

// Len returns the number of cached responses.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items)
}

// recorder buffers what a handler writes, in a buffer from bufs.
type recorder struct {
	header http.Header
	status int
	buf    *bytes.Buffer
}

// bufs are the recorders' buffers, reused: a page renders into one that
// has grown to page size already, and what is kept is copied out at its
// exact size. (A buffer grown by doubling is up to twice what it holds:
// keeping it made the page cache's 32 MB nearer 50.)
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled is the largest buffer put back in bufs: one huge response
// must not stay in memory for ever.
const maxPooled = 1 << 20

func (rec *recorder) Header() http.Header { return rec.header }
func (rec *recorder) WriteHeader(status int) {
	if rec.status == 0 {
		rec.status = status
	}
}
func (rec *recorder) Write(p []byte) (int, error) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	return rec.buf.Write(p)
}

// Surface adapts Handlers of one surface (the site or the API) to
// http.Handler: errors become the surface's error responses, and GET
// responses for anonymous readers are cached.
type Surface struct {
	Log   *slog.Logger
	Error ErrorRenderer
	Cache *Cache // nil disables caching
	// Anonymous reports whether the request carries no identity, so that
	// its response may be shared. It must never say yes to a signed-in
	// reader.
	Anonymous func(r *http.Request) bool
	// Audience, when set, replaces Anonymous: it names the group whose
	// members all get the same page for a URL, and ok is false for a
	// reader whose page is their own. The group "" is anonymous readers:
	// their pages are cached here and by browsers and proxies. Any other
	// group's pages (every subscriber's, say) are cached here only and
	// stay "private, no-store" on the wire. It must never put a reader in
	// a group whose pages would show them what is not theirs.
	Audience func(r *http.Request) (group string, ok bool)
	// LastModified returns the time of the latest content change.
	LastModified func() time.Time
	// CDNMaxAge, when set, lets a CDN in front keep anonymous pages this
	// long (Surrogate-Control and CDN-Cache-Control), since it is told to
	// purge them when they change (see SurrogateKeys); browsers still
	// keep them a minute.
	CDNMaxAge time.Duration
	// Query lists, by route pattern, the query parameters each route
	// reads. When set, Page redirects every other spelling of a URL to
	// the canonical one (CanonicalURL) before the cache is looked at.
	Query map[string][]string
}

// Page serves h, caching its 200 responses for anonymous GETs. A handler
// that sets Cache-Control or a cookie is never cached.
func (s *Surface) Page(h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.redirectCanonical(w, r) {
			return
		}
		group, shareable := "", false
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			if s.Audience != nil {
				group, shareable = s.Audience(r)
			} else {
				shareable = s.Anonymous(r)
			}
		}
		key := sentURI(r)
		if group != "" {
			key = group + "\x00" + key
		}
		if shareable && s.Cache != nil {
			if resp := s.Cache.get(key); resp != nil {
				resp.Write(w, r)
				return
			}
		}
		var version int64
		if s.Cache != nil {
			version = s.Cache.Version()
		}
		rec := &recorder{header: http.Header{}, buf: bufs.Get().(*bytes.Buffer)}
		defer func() {
			if rec.buf.Cap() <= maxPooled {
				rec.buf.Reset()
				bufs.Put(rec.buf)
			}
		}()
		if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
			handleError(s.Log, s.Error, w, r, BadRequest("The address has a malformed query string."))
			return
		}
		if err := h(rec, r); err != nil {
			handleError(s.Log, s.Error, w, r, err)
			return
		}
		if rec.status == 0 {
			rec.status = http.StatusOK
		}
		shared := shareable && rec.status == http.StatusOK && rec.header.Get("Cache-Control") == "" && rec.header.Get("Set-Cookie") == ""
		if shared && group == "" {
			rec.header["Cache-Control"] = publicCacheValue
			s.surrogate(rec.header)
		} else {
			// A personal page (or one that set its own caching) is
			// never named for a CDN to keep.
			delete(rec.header, surrogateKeyHeader)
			if rec.header.Get("Cache-Control") == "" {
				rec.header["Cache-Control"] = noStoreValue
			}
		}
		var lastMod time.Time
		if shared && s.LastModified != nil {
			lastMod = s.LastModified()
		}
		kept := shared && s.Cache != nil
		resp := NewResponse(rec.status, rec.header, bytes.Clone(rec.buf.Bytes()), lastMod)
		if kept {
			s.Cache.put(key, version, resp)
		}
		resp.Write(w, r)
	})
}

// Dynamic serves h without caching: for responses that depend on the
// reader or change on every request.
func (s *Surface) Dynamic(h Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			handleError(s.Log, s.Error, w, r, err)
		}
	})
}
