package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

func TestManageAuthorsPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom() // Ada Quill

	form := url.Values{"name": {"Bo Marsh"}, "slug": {"ada-quill"}, "bio": {"Covers rivers."}, "photo_url": {"https://photos.example/bo.jpg"}}
	w := e.do(http.MethodPost, "/admin/authors", form, ed)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="slug-error">Another author already uses the slug`) ||
		!strings.Contains(body, "Covers rivers.</textarea>") || !strings.Contains(body, `value="https://photos.example/bo.jpg"`) {
		t.Fatalf("duplicate slug: status %d\n%s", w.Code, body)
	}
	form.Set("slug", "")
	form.Set("photo_url", "javascript:alert(1)")
	if w := e.do(http.MethodPost, "/admin/authors", form, ed); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), `id="photo_url-error">The photo must be a web address`) {
		t.Errorf("script photo address: status %d", w.Code)
	}
	form.Set("photo_url", "https://photos.example/bo.jpg")
	if w := e.do(http.MethodPost, "/admin/authors", form, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("create: status %d\n%s", w.Code, w.Body)
	}
	bo, err := e.store.AuthorBySlug(context.Background(), "bo-marsh")
	if err != nil || bo.Bio != "Covers rivers." {
		t.Fatalf("created author: %+v (%v)", bo, err)
	}
	list := e.do(http.MethodGet, "/admin/authors?done=created", nil, ed).Body.String()
	if !strings.Contains(list, "Bo Marsh") || !strings.Contains(list, "Ada Quill") || !strings.Contains(list, "The author was added.") {
		t.Errorf("authors page:\n%s", list)
	}

	page := e.do(http.MethodGet, nr.author, nil, ed).Body.String()
	if !strings.Contains(page, `value="ada-quill"`) {
		t.Errorf("author page does not show the author's slug:\n%s", page)
	}
	if w := e.do(http.MethodPost, nr.author, url.Values{"name": {"Ada Quill"}, "slug": {"bo-marsh"}}, ed); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("edit onto another's slug: status %d", w.Code)
	}
	if w := e.do(http.MethodPost, nr.author, url.Values{"name": {"Ada Quill-Smith"}, "slug": {"ada"}, "bio": {"Editor at large."}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("edit: status %d\n%s", w.Code, w.Body)
	}
	if a, err := e.store.AuthorBySlug(context.Background(), "ada"); err != nil || a.Name != "Ada Quill-Smith" || a.Bio != "Editor at large." {
		t.Errorf("edited author: %+v (%v)", a, err)
	}
	if w := e.do(http.MethodGet, "/admin/authors/999999", nil, ed); w.Code != http.StatusNotFound {
		t.Errorf("unknown author: status %d", w.Code)
	}
}
