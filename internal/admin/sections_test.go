package admin

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

// sectionOrder returns the names of the sections page's rows, in order.
func sectionOrder(body string) string {
	var out []string
	for _, m := range regexp.MustCompile(`<td><a href="/admin/sections/\d+">([^<]+)</a>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return strings.Join(out, "|")
}

func TestManageSectionsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom() // Politics, with an article

	w := e.do(http.MethodPost, "/admin/sections", url.Values{"name": {"Culture"}, "slug": {"politics"}, "description": {"Arts and books."}}, ed)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="slug-error">Another section already uses the slug &#34;politics&#34;`) ||
		!strings.Contains(body, `value="Culture"`) || !strings.Contains(body, "Arts and books.</textarea>") {
		t.Fatalf("duplicate slug: status %d; want the error by the slug and the form as typed\n%s", w.Code, body)
	}
	if w := e.do(http.MethodPost, "/admin/sections", url.Values{"name": {"Culture"}, "description": {"Arts and books."}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("create: status %d\n%s", w.Code, w.Body)
	}
	e.do(http.MethodPost, "/admin/sections", url.Values{"name": {"Science"}}, ed)
	page := e.do(http.MethodGet, "/admin/sections?done=created", nil, ed).Body.String()
	if sectionOrder(page) != "Politics|Culture|Science" || !strings.Contains(page, "added at the end") {
		t.Fatalf("sections: %s\n%s", sectionOrder(page), page)
	}

	sci, _ := e.store.SectionBySlug(context.Background(), "science")
	sciPath := "/admin/sections/" + itoa64(sci.ID)
	if w := e.do(http.MethodPost, sciPath+"/move", url.Values{"direction": {"up"}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("move: status %d", w.Code)
	}
	if got := sectionOrder(e.do(http.MethodGet, "/admin/sections", nil, ed).Body.String()); got != "Politics|Science|Culture" {
		t.Errorf("after moving Science up: %s", got)
	}

	// Rename on its own page; errors come back beside the field.
	if w := e.do(http.MethodPost, sciPath, url.Values{"name": {""}, "slug": {"science"}}, ed); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), `id="name-error">A section needs a name.`) {
		t.Errorf("empty name: status %d", w.Code)
	}
	if w := e.do(http.MethodPost, sciPath, url.Values{"name": {"Science & Tech"}, "slug": {""}, "description": {"Labs."}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("rename: status %d\n%s", w.Code, w.Body)
	}
	if s, err := e.store.SectionBySlug(context.Background(), "science-tech"); err != nil || s.Description != "Labs." {
		t.Errorf("renamed section: %+v (%v)", s, err)
	}

	// A section with articles stays, and says why.
	w = e.do(http.MethodPost, nr.section+"/delete", url.Values{}, ed)
	if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), "Politics still has 1 article. Move them to another section first") {
		t.Errorf("delete a section with articles: status %d\n%s", w.Code, w.Body)
	}
	if w := e.do(http.MethodPost, sciPath+"/delete", url.Values{}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("delete an empty section: status %d", w.Code)
	}
	if got := sectionOrder(e.do(http.MethodGet, "/admin/sections", nil, ed).Body.String()); got != "Politics|Culture" {
		t.Errorf("after deleting Science: %s", got)
	}
	if w := e.do(http.MethodGet, sciPath, nil, ed); w.Code != http.StatusNotFound {
		t.Errorf("deleted section's page: status %d", w.Code)
	}
}
