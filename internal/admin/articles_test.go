package admin

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/web"
)

// editorEnv is what the article tests need besides the env: a section and
// two authors, uploads on disk, the public site's renderer for previews,
// and the times the scheduler was asked for.
type editorEnv struct {
	*env
	section   magazine.Section
	ada, bo   magazine.Author
	scheduled []time.Time
}

func newEditorEnv(t *testing.T, st *store.Store) *editorEnv {
	t.Helper()
	e := newEnvOn(t, st, "http://masthead.test")
	n := &editorEnv{env: e}
	n.section, n.ada, n.bo = e.fixture()
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	site, err := web.New(web.Config{Store: st, Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: "http://masthead.test"})
	if err != nil {
		t.Fatal(err)
	}
	e.admin.files, e.admin.images = files, media.NewIngester(files, media.Limits{})
	e.admin.publicPreview = site.Preview
	e.admin.schedule = func(ctx context.Context, at time.Time) error {
		n.scheduled = append(n.scheduled, at)
		return nil
	}
	return n
}

// fixture makes the section and authors articles need.
func (e *env) fixture() (magazine.Section, magazine.Author, magazine.Author) {
	e.t.Helper()
	ctx := context.Background()
	sec, err := e.store.CreateSection(ctx, magazine.Section{Name: "Harbour"})
	if err != nil {
		e.t.Fatal(err)
	}
	ada, err := e.store.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		e.t.Fatal(err)
	}
	bo, err := e.store.CreateAuthor(ctx, magazine.Author{Name: "Bo Marsh"})
	if err != nil {
		e.t.Fatal(err)
	}
	return sec, ada, bo
}

// article creates an article outside the editor (as an import would), so
// nobody on the staff started it.
func (e *env) article(status magazine.Status) magazine.Article {
	e.t.Helper()
	ctx := context.Background()
	secs, _ := e.store.Sections(ctx)
	authors, _ := e.store.Authors(ctx)
	if len(secs) == 0 {
		sec, ada, _ := e.fixture()
		secs, authors = []magazine.Section{sec}, []magazine.Author{ada}
	}
	in := magazine.ArticleInput{Headline: "Imported " + string(status), SectionID: secs[0].ID, AuthorIDs: []int64{authors[0].ID},
		Status: status, BodyMarkdown: "An imported body."}
	if status != magazine.StatusDraft {
		in.PublishedAt = e.clock.Now().Add(-time.Hour)
	}
	a, err := e.store.CreateArticle(ctx, in)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// form is a complete editor form for a new article.
func (n *editorEnv) form(headline string) url.Values {
	return url.Values{
		"headline": {headline}, "dek": {"A dek"}, "section": {strconv.FormatInt(n.section.ID, 10)},
		"author": {strconv.FormatInt(n.bo.ID, 10), strconv.FormatInt(n.ada.ID, 10), ""},
		"tags":   {"Boats, Weather"}, "visibility": {"public"}, "body": {"First paragraph.\n\nSecond paragraph."},
		"action": {"save"},
	}
}

// create saves form as a new article for who and returns its id.
func (n *editorEnv) create(form url.Values, who *http.Cookie) int64 {
	n.t.Helper()
	w := n.do(http.MethodPost, "/admin/articles", form, who)
	if w.Code != http.StatusSeeOther {
		n.t.Fatalf("create: status %d\n%s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	idText, _, _ := strings.Cut(strings.TrimPrefix(loc, "/admin/articles/"), "?")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil {
		n.t.Fatalf("create: redirected to %q", loc)
	}
	return id
}

// uploadForm posts a multipart form; fields go before the file, as a browser
// sends them.
func (n *editorEnv) uploadForm(path string, fields url.Values, file []byte, who *http.Cookie) *httptest.ResponseRecorder {
	n.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, vs := range fields {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	if file != nil {
		fw, _ := mw.CreateFormFile("file", "harbour.png")
		fw.Write(file)
	}
	mw.Close()
	r := httptest.NewRequest(http.MethodPost, "http://masthead.test"+path, &buf)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(who)
	w := httptest.NewRecorder()
	n.h.ServeHTTP(w, r)
	return w
}

// pngImage is a small real PNG.
func pngImage(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := range w {
		for y := range h {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), 120, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestArticlesList(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		contributor := n.session(n.staff[magazine.RoleContributor])
		mine := n.create(n.form("Harbour lights at dusk"), contributor)
		n.article(magazine.StatusPublished)

		// Search and filter: only the contributor's draft matches.
		body := n.do(http.MethodGet, "/admin/articles?q=LIGHTS&status=draft&section="+strconv.FormatInt(n.section.ID, 10)+
			"&author="+strconv.FormatInt(n.ada.ID, 10)+"&visibility=public", nil, contributor).Body.String()
		if !strings.Contains(body, `href="/admin/articles/`+strconv.FormatInt(mine, 10)+`"`) || strings.Contains(body, "Imported") {
			t.Errorf("filtered list:\n%s", body)
		}
		// Everyone sees every article, with an Edit link only where the
		// permission matrix allows.
		body = n.do(http.MethodGet, "/admin/articles", nil, contributor).Body.String()
		if !strings.Contains(body, "Imported published") || strings.Contains(body, `">Imported published</a>`) {
			t.Errorf("a contributor's list should show the imported article without a link to edit it:\n%s", body)
		}
		body = n.do(http.MethodGet, "/admin/articles", nil, n.session(n.staff[magazine.RoleEditor])).Body.String()
		if !strings.Contains(body, `">Imported published</a>`) {
			t.Errorf("an editor's list has no edit link for the imported article")
		}
		if body := n.do(http.MethodGet, "/admin/articles?q=nothing-like-this", nil, contributor).Body.String(); !strings.Contains(body, "No article matches") {
			t.Errorf("an empty search says nothing")
		}
	})
}

func TestEditorCreatesAndSaves(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		author := n.session(n.staff[magazine.RoleAuthor])
		id := n.create(n.form("Storm over the quay"), author)
		w := n.do(http.MethodGet, "/admin/articles/"+strconv.FormatInt(id, 10)+"?done=created", nil, author)
		body := w.Body.String()
		if w.Code != http.StatusOK || !strings.Contains(body, "The draft was created.") || !strings.Contains(body, `value="storm-over-the-quay"`) {
			t.Fatalf("editor after create: %d\n%s", w.Code, body)
		}
		// The byline keeps its order: Bo, then Ada.
		if i, j := strings.Index(body, `selected>Bo Marsh`), strings.Index(body, `selected>Ada Quill`); i < 0 || j < 0 || i > j {
			t.Errorf("byline order lost: Bo at %d, Ada at %d", i, j)
		}
		// The server rendered the preview.
		if !strings.Contains(body, "<p>Second paragraph.</p>") {
			t.Errorf("no preview of the body")
		}

		// The same headline again gets a slug of its own.
		id2 := n.create(n.form("Storm over the quay"), author)
		if a, _ := st.ArticleByID(ctx, id2); a.Slug != "storm-over-the-quay-2" {
			t.Errorf("second article's slug = %q", a.Slug)
		}

		// Changing the slug keeps the old one redirecting once published.
		f := n.form("Storm over the quay")
		f.Set("base", "1")
		f.Set("slug", "the-storm")
		f.Set("action", "publish")
		w = n.do(http.MethodPost, "/admin/articles/"+strconv.FormatInt(id, 10), f, author)
		if w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "?done=published") {
			t.Fatalf("publish: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		if _, err := st.ArticleBySlug(ctx, "storm-over-the-quay"); err == nil || !strings.Contains(err.Error(), "the-storm") {
			t.Errorf("old slug: %v, want a move to the-storm", err)
		}
		revs, _ := st.Revisions(ctx, id)
		if len(revs) != 2 || revs[0].Action != store.ActionPublish || revs[0].StaffName != "Test author" {
			t.Errorf("revisions: %+v", revs)
		}
		// Unpublish takes it off the site.
		f.Set("base", "2")
		f.Set("action", "unpublish")
		if w := n.do(http.MethodPost, "/admin/articles/"+strconv.FormatInt(id, 10), f, author); w.Code != http.StatusSeeOther {
			t.Fatalf("unpublish: %d\n%s", w.Code, w.Body)
		}
		if a, _ := st.ArticleByID(ctx, id); a.Status != magazine.StatusDraft {
			t.Errorf("after unpublish: %s", a.Status)
		}
	})
}

func TestEditorBadInputKeepsTheForm(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		editor := n.session(n.staff[magazine.RoleEditor])
		n.create(n.form("Taken headline"), editor)
		before, _ := st.ArticleCounts(ctx)

		for name, tt := range map[string]struct {
			edit   func(url.Values)
			status int
			field  string
			msg    string
		}{
			"missing headline": {func(f url.Values) { f.Set("headline", "  ") }, http.StatusUnprocessableEntity, "headline", "An article needs a headline."},
			"duplicate slug":   {func(f url.Values) { f.Set("slug", "taken-headline") }, http.StatusUnprocessableEntity, "slug", `Another article already uses the slug &#34;taken-headline&#34;.`},
			"past schedule": {func(f url.Values) { f.Set("action", "schedule"); f.Set("publish_at", "2026-03-01T09:00") },
				http.StatusUnprocessableEntity, "publish_at", "That time is in the past."},
			"unreadable schedule": {func(f url.Values) { f.Set("action", "schedule"); f.Set("publish_at", "next tuesday") },
				http.StatusUnprocessableEntity, "publish_at", "is not a date and time"},
			"no author": {func(f url.Values) { f.Del("author") }, http.StatusUnprocessableEntity, "authors", "needs at least one author"},
		} {
			t.Run(name, func(t *testing.T) {
				f := n.form("A fresh headline")
				f.Set("body", "Words typed with care.\n\n::: pullquote\nKeep me.\n:::")
				tt.edit(f)
				w := n.do(http.MethodPost, "/admin/articles", f, editor)
				body := w.Body.String()
				if w.Code != tt.status {
					t.Fatalf("status %d, want %d\n%s", w.Code, tt.status, body)
				}
				errID := strings.ReplaceAll(tt.field, "_", "-") + "-error"
				i := strings.Index(body, `id="`+errID+`">`)
				if i < 0 || !strings.Contains(body[i:i+300], tt.msg) {
					t.Errorf("no message %q next to %s:\n%s", tt.msg, tt.field, body)
				}
				if !strings.Contains(body, "Words typed with care.\n\n::: pullquote\nKeep me.\n:::</textarea>") || !strings.Contains(body, `value="Boats, Weather"`) {
					t.Errorf("the form lost what was typed")
				}
			})
		}
		if after, _ := st.ArticleCounts(ctx); after[magazine.StatusDraft] != before[magazine.StatusDraft] || after[magazine.StatusScheduled] != 0 {
			t.Errorf("a refused form saved something: %v -> %v", before, after)
		}
	})
}

// TestEditorPermissions checks the matrix per article: the route test
// only sees the route-level permission.
func TestEditorPermissions(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	contributor := n.session(n.staff[magazine.RoleContributor])
	author := n.session(n.staff[magazine.RoleAuthor])
	editor := n.session(n.staff[magazine.RoleEditor])
	draft := n.create(n.form("A contributor's draft"), contributor)
	path := "/admin/articles/" + strconv.FormatInt(draft, 10)

	// A contributor cannot publish, even their own draft; nothing changes.
	f := n.form("A contributor's draft")
	f.Set("base", "1")
	f.Set("action", "publish")
	if w := n.do(http.MethodPost, path, f, contributor); w.Code != http.StatusForbidden {
		t.Errorf("contributor publishing: %d", w.Code)
	}
	if body := n.do(http.MethodGet, path, nil, contributor).Body.String(); strings.Contains(body, `id="publish"`) {
		t.Errorf("a contributor is offered Publish")
	}
	// Another author may not open it; an editor may, and publish it.
	if w := n.do(http.MethodGet, path, nil, author); w.Code != http.StatusForbidden {
		t.Errorf("an author opening someone else's draft: %d", w.Code)
	}
	if w := n.do(http.MethodPost, path, f, editor); w.Code != http.StatusSeeOther {
		t.Fatalf("editor publishing: %d\n%s", w.Code, w.Body)
	}
	// Published, it is out of the contributor's hands.
	f.Set("base", "2")
	f.Set("action", "save")
	if w := n.do(http.MethodPost, path, f, contributor); w.Code != http.StatusForbidden {
		t.Errorf("contributor editing their published article: %d", w.Code)
	}
	if w := n.do(http.MethodPost, "/admin/articles/autosave", url.Values{"id": {strconv.FormatInt(draft, 10)}, "base": {"2"}, "headline": {"x"}}, contributor); w.Code != http.StatusForbidden {
		t.Errorf("contributor autosaving their published article: %d", w.Code)
	}
	// An author publishes their own.
	own := n.create(n.form("An author's piece"), author)
	f = n.form("An author's piece")
	f.Set("base", "1")
	f.Set("action", "publish")
	if w := n.do(http.MethodPost, "/admin/articles/"+strconv.FormatInt(own, 10), f, author); w.Code != http.StatusSeeOther {
		t.Errorf("author publishing their own: %d\n%s", w.Code, w.Body)
	}
}

func TestEditConflictKeepsBothVersions(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		ed1 := n.session(n.staff[magazine.RoleEditor])
		ed2 := n.session(n.staff[magazine.RoleAdmin])
		id := n.create(n.form("Shared piece"), ed1)
		path := "/admin/articles/" + strconv.FormatInt(id, 10)

		// Both open revision 1; the editor saves first.
		first := n.form("Shared piece")
		first.Set("base", "1")
		first.Set("body", "The editor's version.")
		if w := n.do(http.MethodPost, path, first, ed1); w.Code != http.StatusSeeOther {
			t.Fatalf("first save: %d\n%s", w.Code, w.Body)
		}
		second := n.form("Shared piece, retitled")
		second.Set("base", "1")
		second.Set("body", "The admin's version.")
		w := n.do(http.MethodPost, path, second, ed2)
		body := w.Body.String()
		if w.Code != http.StatusConflict {
			t.Fatalf("stale save: %d, want 409\n%s", w.Code, body)
		}
		for _, want := range []string{
			"Test editor saved this article (revision 2",                      // who and which
			`value="Shared piece, retitled"`,                                  // what the admin typed, kept
			">The admin&#39;s version.</textarea>",                            // their body, kept
			`id="conflict-body" readonly rows="10">The editor&#39;s version.`, // the other version shown
			`name="base" value="2"`,                                           // saving again is deliberate
			`revisions/diff?from=1&amp;to=2`,                                  // and a diff
		} {
			if !strings.Contains(body, want) {
				t.Errorf("conflict page lacks %q", want)
			}
		}
		if a, _ := st.ArticleByID(ctx, id); a.BodyMarkdown != "The editor's version." {
			t.Errorf("the stale save overwrote the body: %q", a.BodyMarkdown)
		}
		// Saving again from the conflict page replaces it, as a new revision.
		second.Set("base", "2")
		if w := n.do(http.MethodPost, path, second, ed2); w.Code != http.StatusSeeOther {
			t.Fatalf("save after seeing the conflict: %d\n%s", w.Code, w.Body)
		}
		if revs, _ := st.Revisions(ctx, id); len(revs) != 3 {
			t.Errorf("%d revisions, want 3", len(revs))
		}
		// An autosave from a stale form is refused too, in JSON.
		w = n.do(http.MethodPost, "/admin/articles/autosave", url.Values{"id": {strconv.FormatInt(id, 10)}, "base": {"1"},
			"headline": {"x"}, "section": {strconv.FormatInt(n.section.ID, 10)}, "author": {strconv.FormatInt(n.ada.ID, 10)}}, ed1)
		if w.Code != http.StatusConflict || !strings.Contains(w.Body.String(), `"conflict":true`) {
			t.Errorf("stale autosave: %d %s", w.Code, w.Body)
		}
	})
}
