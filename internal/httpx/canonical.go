package httpx

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// Canonical URLs. The page cache is keyed by the URL as sent, so every
// other spelling of a page (/articles/s/02, /articles/s/+2, %73 for s, a
// trailing slash, ?page=1, ?utm_source=...) would render and store the
// same page again: an attacker could fill the cache with copies and push
// the real pages out. Surface.Page answers each such spelling with a 301
// to the one canonical URL before the cache is looked at, so only that
// URL is ever rendered and stored.
//
// Query parameters a route does not read are redirected away rather than
// left out of the cache key: then what a handler reads is always exactly
// what the key holds, and a handler that starts reading a new parameter
// cannot be served someone else's page until it is listed. A shared link
// with tracking parameters costs one redirect.

// numberNames are the path wildcards and query parameters that hold whole
// numbers, written canonically without sign or leading zeros.
var numberNames = map[string]bool{"page": true, "volume": true, "number": true, "id": true, "year": true, "limit": true, "issue": true}

// CanonicalURL returns the one spelling of r's path and query for its
// route: the path in its standard escaping without a trailing slash, the
// numeric wildcards of the route's pattern as plain numbers, and of the
// query only the parameters in params (their first value; page=1, the
// default, left out), in the order sent: reordering known parameters makes
// no more entries than changing their values can.
func CanonicalURL(r *http.Request, params []string) string {
	p := r.URL.Path
	if len(p) > 1 {
		if p = strings.TrimRight(p, "/"); p == "" {
			p = "/"
		}
	}
	pattern := r.Pattern
	if _, after, ok := strings.Cut(pattern, " "); ok {
		pattern = after
	}
	segs, psegs := strings.Split(p, "/"), strings.Split(pattern, "/")
	if len(segs) == len(psegs) {
		for i, ps := range psegs {
			if strings.HasPrefix(ps, "{") && numberNames[strings.Trim(ps, "{}")] {
				segs[i] = canonicalNumber(segs[i])
			}
		}
		p = strings.Join(segs, "/")
	}
	out := (&url.URL{Path: p}).EscapedPath()
	if r.URL.RawQuery == "" {
		return out
	}
	var keep []string
	seen := map[string]bool{}
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		name, err1 := url.QueryUnescape(k)
		value, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return r.URL.RequestURI() // malformed: the handler refuses it
		}
		if seen[name] || !slices.Contains(params, name) {
			continue
		}
		seen[name] = true
		if numberNames[name] {
			value = canonicalNumber(value)
		}
		if name == "page" && value == "1" {
			continue
		}
		keep = append(keep, url.QueryEscape(name)+"="+url.QueryEscape(value))
	}
	if len(keep) > 0 {
		out += "?" + strings.Join(keep, "&")
	}
	return out
}

// canonicalNumber writes a whole number without sign or leading zeros;
// anything else is left for the handler to refuse.
func canonicalNumber(s string) string {
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return s
	}
	return strconv.Itoa(n)
}

// sentURI is the path and query as the client spelled them. A request in
// absolute form ("GET https://host/path", as proxies send and HTTP/1.1
// servers must accept) is taken by its path, so that it is neither
// redirected to itself nor cached under its host.
func sentURI(r *http.Request) string {
	if strings.HasPrefix(r.RequestURI, "/") {
		return r.RequestURI // as sent: no allocation on the hot path
	}
	return r.URL.RequestURI()
}

// redirectCanonical answers r with a 301 to its canonical URL when it was
// spelled otherwise, and reports whether it did.
func (s *Surface) redirectCanonical(w http.ResponseWriter, r *http.Request) bool {
	if s.Query == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		return false
	}
	sent := sentURI(r)
	c := CanonicalURL(r, s.Query[r.Pattern])
	if c == sent {
		return false
	}
	w.Header()["Cache-Control"] = publicCacheValue
	http.Redirect(w, r, c, http.StatusMovedPermanently)
	return true
}
