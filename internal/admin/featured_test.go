package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// The featured image is a file on this site or an https:// address; a
// javascript: URL is refused with a message at the field and nothing is
// saved (issue 9, finding 4).
func TestFeaturedImageAddressIsChecked(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		editor := n.session(n.staff[magazine.RoleEditor])
		for _, bad := range []string{"javascript:alert(1)", "data:image/png;base64,AAAA", "//evil.example/x.jpg", "http://plain.example/x.jpg", "/admin/sign-out"} {
			f := n.form("Featured " + bad)
			f.Set("featured_url", bad)
			w := n.do(http.MethodPost, "/admin/articles", f, editor)
			if w.Code == http.StatusSeeOther || !strings.Contains(w.Body.String(), `id="featured_url-error">The featured image must be a web address starting with https://`) {
				t.Errorf("featured_url=%q: %d, no message at the field\n%.3000s", bad, w.Code, w.Body)
			}
		}
		list, _, err := st.NewsroomArticles(context.Background(), store.NewsroomFilter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range list {
			if strings.HasPrefix(a.Headline, "Featured ") {
				t.Errorf("refused article saved: %q (%q)", a.Headline, a.FeaturedURL)
			}
		}
		for _, good := range []string{"/media/ab/cdef.png", "https://photos.example/harbour.jpg"} {
			f := n.form("Good " + url.PathEscape(good))
			f.Set("featured_url", good)
			n.create(f, editor)
		}
	})
}
