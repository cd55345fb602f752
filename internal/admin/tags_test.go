package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

func TestManageTagsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom() // a draft tagged Economy
	other := e.draft(nr.sectionID, nr.authorID, "Markets", "Economics", "Trade")
	economics, _ := e.store.TagBySlug(ctx, "economics")
	economy, _ := e.store.TagBySlug(ctx, "economy")

	w := e.do(http.MethodPost, nr.tag, url.Values{"name": {"ECONOMICS"}}, ed)
	body := w.Body.String()
	row := "tag-" + itoa64(economy.ID)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+row+`-error">Another tag already has the slug`) ||
		!strings.Contains(body, `value="ECONOMICS"`) {
		t.Fatalf("rename onto another tag: status %d; want the error in the row and the name as typed\n%s", w.Code, body)
	}
	if w := e.do(http.MethodPost, nr.tag, url.Values{"name": {"The economy"}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("rename: status %d", w.Code)
	}
	if _, err := e.store.TagBySlug(ctx, "the-economy"); err != nil {
		t.Errorf("renamed tag: %v", err)
	}

	if w := e.do(http.MethodPost, nr.tag+"/merge", url.Values{"into": {itoa64(economics.ID)}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("merge: status %d\n%s", w.Code, w.Body)
	}
	page := e.do(http.MethodGet, "/admin/tags?done=merged", nil, ed).Body.String()
	if strings.Contains(page, "The economy") || !strings.Contains(page, "<td>2</td>") || !strings.Contains(page, "The tags were merged") {
		t.Errorf("after merging into Economics, it should carry 2 articles:\n%s", page)
	}
	if w := e.do(http.MethodPost, "/admin/tags/"+itoa64(economics.ID)+"/merge", url.Values{"into": {itoa64(economics.ID)}}, ed); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("merging a tag into itself: status %d", w.Code)
	}
	if w := e.do(http.MethodPost, "/admin/tags/"+itoa64(economics.ID)+"/delete", url.Values{}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("delete: status %d", w.Code)
	}
	if a, _ := e.store.ArticleByID(ctx, other.ID); len(a.Tags) != 1 || a.Tags[0].Name != "Trade" {
		t.Errorf("tags of the article after deleting Economics: %+v", a.Tags)
	}
}
