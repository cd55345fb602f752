package main

// Issue 9, findings 3, 4, 6, 11 and 12, replayed against a running demo.

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestSecurityWeb(t *testing.T) {
	t.Parallel()
	d := startSecurityDemo(t, nil, "--metrics-addr", "127.0.0.1:0")
	editor := d.staff(t, "editor")
	newArticle := editor.get("/admin/articles/new").Body
	section := regexp.MustCompile(`name="section"[^>]*>\s*<option value="">[^<]*</option><option value="(\d+)"`).FindStringSubmatch(newArticle)
	author := regexp.MustCompile(`name="author">\s*<option value="">\(none\)</option><option value="(\d+)"`).FindStringSubmatch(newArticle)
	if section == nil || author == nil {
		t.Fatalf("no section or author in the editor:\n%.3000s", newArticle)
	}
	draft := func(headline string) url.Values {
		return url.Values{"headline": {headline}, "section": {section[1]}, "author": {author[1]}, "visibility": {"public"},
			"body": {"Not ready."}, "action": {"save"}}
	}

	t.Run("a tag only a draft uses is not found", func(t *testing.T) {
		f := draft("Merger talks")
		f.Set("tags", "Zebra Merger Secret")
		if r := editor.post("/admin/articles", f); r.Status != http.StatusSeeOther {
			t.Fatalf("saving the draft: %d\n%.2000s", r.Status, r.Body)
		}
		reader := d.client(t)
		if r := reader.get("/tags/zebra-merger-secret"); r.Status != http.StatusNotFound || strings.Contains(r.Body, "Zebra Merger Secret") {
			t.Errorf("GET /tags/zebra-merger-secret = %d, want 404 while only a draft uses it", r.Status)
		}
		if r := reader.get("/api/v1/articles?tag=zebra-merger-secret"); r.Status != http.StatusBadRequest {
			t.Errorf("the API filters by a draft's tag: %d", r.Status)
		}
	})

	t.Run("a javascript: featured image is refused", func(t *testing.T) {
		f := draft("Featured trick")
		f.Set("featured_url", "javascript:alert(1)")
		r := editor.post("/admin/articles", f)
		if r.Status == http.StatusSeeOther || !strings.Contains(r.Body, "The featured image must be a web address starting with https://") {
			t.Errorf("featured_url=javascript:alert(1): %d\n%.2000s", r.Status, r.Body)
		}
	})

	t.Run("invalid UTF-8 is refused", func(t *testing.T) {
		bad := "\xff\xfe\xc0\xaf"
		r := editor.post("/admin/authors", url.Values{"name": {bad}, "bio": {"x"}})
		if r.Status == http.StatusSeeOther || !strings.Contains(r.Body, "not valid UTF-8") {
			t.Errorf("an author named FF FE C0 AF: %d\n%.2000s", r.Status, r.Body)
		}
		if list := editor.get("/admin/authors").Body; strings.Contains(list, bad) || strings.Contains(list, "\ufffd") {
			t.Error("the author was stored")
		}
		reader := d.client(t)
		r = reader.post("/sign-up", url.Values{"email": {"utf8@example.com"}, "name": {bad}})
		if r.Status != http.StatusBadRequest || !strings.Contains(r.Body, "not valid UTF-8") {
			t.Errorf("a reader named FF FE C0 AF: %d\n%.2000s", r.Status, r.Body)
		}
		if r := reader.get("/issues?year=%FF%FE"); r.Status != http.StatusBadRequest {
			t.Errorf("invalid UTF-8 in a query: %d", r.Status)
		}
	})

	t.Run("metrics are not on the public address", func(t *testing.T) {
		if r := d.client(t).get("/metrics"); r.Status != http.StatusNotFound || strings.Contains(r.Body, "masthead_http_requests_total") {
			t.Errorf("public /metrics = %d", r.Status)
		}
		var addr []string
		for deadline := time.Now().Add(10 * time.Second); addr == nil && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			addr = regexp.MustCompile(`Metrics at (http://\S+/metrics)`).FindStringSubmatch(d.Stdout.String())
		}
		if addr == nil {
			t.Fatalf("no metrics address printed:\n%s", d.Stdout)
		}
		code, body := get(t, addr[1])
		if code != http.StatusOK || !strings.Contains(body, "masthead_http_requests_total") {
			t.Errorf("GET %s = %d\n%.500s", addr[1], code, body)
		}
	})

	t.Run("other spellings of a URL are redirected to the canonical one", func(t *testing.T) {
		reader := d.client(t)
		slug := regexp.MustCompile(`href="/articles/([a-z0-9-]+)"`).FindStringSubmatch(reader.get("/").Body)
		if slug == nil {
			t.Fatal("no article on the home page")
		}
		a := "/articles/" + slug[1]
		for _, c := range []struct{ sent, want string }{
			{a + "/02", a + "/2"},
			{a + "/+2", a + "/2"},
			{a + "/", a},
			{a + "?utm_source=mail", a},
			{"/articles/%" + strings.ToUpper(hexByte(slug[1][0])) + slug[1][1:], a},
			{"/sections/politics?page=02", "/sections/politics?page=2"},
			{"/sections/politics?page=1", "/sections/politics"},
			{"/sections/politics/", "/sections/politics"},
			{"/?x=1", "/"},
			{"/api/v1/articles?limit=05", "/api/v1/articles?limit=5"},
		} {
			r := reader.get(c.sent)
			if r.Status != http.StatusMovedPermanently || r.Header.Get("Location") != c.want {
				t.Errorf("GET %s = %d to %q, want 301 to %q", c.sent, r.Status, r.Header.Get("Location"), c.want)
			}
		}
		if r := reader.get(a); r.Status != http.StatusOK {
			t.Errorf("the canonical URL %s = %d", a, r.Status)
		}
	})
}

func hexByte(b byte) string {
	const digits = "0123456789abcdef"
	return string([]byte{digits[b>>4], digits[b&15]})
}
