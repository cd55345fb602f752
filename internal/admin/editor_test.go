package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestAutosave(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		editor := n.session(n.staff[magazine.RoleEditor])
		decode := func(body string) autosaveAnswer {
			var ans autosaveAnswer
			if err := json.Unmarshal([]byte(body), &ans); err != nil {
				t.Fatalf("autosave answer %q: %v", body, err)
			}
			return ans
		}

		// Not enough to save yet: said so, nothing written.
		w := n.do(http.MethodPost, "/admin/articles/autosave", url.Values{"headline": {"Half"}}, editor)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(decode(w.Body.String()).Message, "Not saved yet: Choose a section.") {
			t.Errorf("autosave without a section: %d %s", w.Code, w.Body)
		}
		// The first autosave creates the draft and gives its address.
		f := n.form("Autosaved piece")
		f.Del("action")
		w = n.do(http.MethodPost, "/admin/articles/autosave", f, editor)
		ans := decode(w.Body.String())
		if w.Code != http.StatusOK || ans.ID == 0 || ans.Base != 1 || ans.Slug != "autosaved-piece" || ans.URL != "/admin/articles/"+strconv.FormatInt(ans.ID, 10) {
			t.Fatalf("first autosave: %d %+v", w.Code, ans)
		}
		// Publish it, then autosave a change: readers do not see it.
		f.Set("id", strconv.FormatInt(ans.ID, 10))
		f.Set("base", "1")
		f.Set("action", "publish")
		if w := n.do(http.MethodPost, "/admin/articles/"+strconv.FormatInt(ans.ID, 10), f, editor); w.Code != http.StatusSeeOther {
			t.Fatalf("publish: %d", w.Code)
		}
		f.Set("base", "2")
		f.Set("body", "A change not for readers yet.")
		w = n.do(http.MethodPost, "/admin/articles/autosave", f, editor)
		if ans := decode(w.Body.String()); w.Code != http.StatusOK || ans.Base != 3 || !strings.Contains(ans.Message, "readers see them once you save") {
			t.Fatalf("autosave of a published article: %d %+v", w.Code, ans)
		}
		live, err := st.ArticleBySlug(ctx, "autosaved-piece")
		if err != nil || strings.Contains(live.BodyMarkdown, "not for readers") {
			t.Errorf("the live article changed: %q, %v", live.BodyMarkdown, err)
		}
		// The editor opens on the kept change and says it is not live.
		body := n.do(http.MethodGet, "/admin/articles/"+strconv.FormatInt(ans.ID, 10), nil, editor).Body.String()
		if !strings.Contains(body, `id="unapplied"`) || !strings.Contains(body, "A change not for readers yet.</textarea>") || !strings.Contains(body, `name="base" value="3"`) {
			t.Errorf("editor after an unapplied autosave:\n%s", body)
		}
		// An ended session: the script is sent to the sign-in page and
		// keeps its copy.
		if w := n.do(http.MethodPost, "/admin/articles/autosave", f, nil); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/sign-in") {
			t.Errorf("autosave without a session: %d %q", w.Code, w.Header().Get("Location"))
		}
	})
}

func TestUpload(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		author := n.session(n.staff[magazine.RoleAuthor])
		img := pngImage(t, 1200, 800)

		w := n.uploadForm("/admin/articles/upload", url.Values{"alt": {"Boats at [the] quay"}, "caption": {"Boats wait out the storm.\n:::"}, "credit": {"Northwind Wire"}}, img, author)
		var ans uploadAnswer
		if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		want := "::: figure\n![Boats at \\[the\\] quay](" + ans.URL + ")\nBoats wait out the storm.\nCredit: Northwind Wire\n:::"
		if ans.Markdown != want {
			t.Errorf("figure:\n%s\nwant\n%s", ans.Markdown, want)
		}
		m, err := st.MediaByKey(ctx, strings.TrimPrefix(ans.URL, "/media/"))
		if err != nil || m.Width != 1200 {
			t.Errorf("recorded image: %+v, %v", m, err)
		}
		if src, ok := st.ImageSources(ctx, m.Key); !ok || !strings.Contains(src.Srcset, "480w") {
			t.Errorf("no smaller copies: %+v", src)
		}
		// The figure renders with its caption and credit, as on the site.
		res, err := st.RenderBody(ctx, ans.Markdown)
		if err != nil || !strings.Contains(res.Pages[0], "Northwind Wire") || !strings.Contains(res.Pages[0], "<figcaption") {
			t.Errorf("figure renders as %q, %v", res.Pages, err)
		}

		for name, tt := range map[string]struct {
			fields url.Values
			file   []byte
			status int
			field  string
			msg    string
		}{
			"not an image":   {url.Values{"alt": {"x"}}, []byte("<svg onload=alert(1)></svg>"), http.StatusBadRequest, "file", "Only JPEG, PNG, GIF and WebP"},
			"no alt text":    {url.Values{}, img, http.StatusBadRequest, "alt", "Describe the image"},
			"no file":        {url.Values{"alt": {"x"}}, nil, http.StatusBadRequest, "file", "Choose an image file"},
			"too large":      {url.Values{"alt": {"x"}}, make([]byte, media.MaxImageBytes+100_000), http.StatusRequestEntityTooLarge, "file", "larger than 20 MB"},
			"just too large": {url.Values{"alt": {"x"}}, make([]byte, media.MaxImageBytes+1), http.StatusRequestEntityTooLarge, "file", "larger than 20 MB"},
		} {
			t.Run(name, func(t *testing.T) {
				w := n.uploadForm("/admin/articles/upload", tt.fields, tt.file, author)
				var ans uploadAnswer
				json.Unmarshal(w.Body.Bytes(), &ans)
				if w.Code != tt.status || ans.Field != tt.field || !strings.Contains(ans.Error, tt.msg) {
					t.Errorf("%d %+v, want %d on %s: %q", w.Code, ans, tt.status, tt.field, tt.msg)
				}
			})
		}
	})
}

// TestUploadWithoutJavaScript sends the whole editor form with the image,
// as a browser without the script does.
func TestUploadWithoutJavaScript(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	author := n.session(n.staff[magazine.RoleAuthor])
	f := n.form("With a picture")
	f.Set("action", "upload")
	f.Set("alt", "A gull")
	f.Set("caption", "A gull on the wall.")
	f.Set("credit", "Staff")
	w := n.uploadForm("/admin/articles", f, pngImage(t, 40, 30), author)
	body := w.Body.String()
	if w.Code != http.StatusOK || !strings.Contains(body, "First paragraph.\n\nSecond paragraph.\n\n::: figure\n![A gull](/media/") ||
		!strings.Contains(body, "Credit: Staff\n:::") || !strings.Contains(body, `value="With a picture"`) {
		t.Fatalf("upload without script: %d\n%s", w.Code, body)
	}
	// The first inline photo stays inline: made the featured image too,
	// page 1 showed it twice (issue 16). Only the tick makes it featured.
	if !strings.Contains(body, `id="featured-url" name="featured_url" value="">`) {
		t.Errorf("the first inline image became the featured image without being asked")
	}
	f.Set("make_featured", "1")
	ticked := n.uploadForm("/admin/articles", f, pngImage(t, 40, 30), author).Body.String()
	if !strings.Contains(ticked, `id="featured-url" name="featured_url" value="/media/`) {
		t.Errorf("ticked, the image did not become the featured image")
	}
	f.Del("make_featured")
	// A non-image: the message sits by the file field, the rest is kept.
	w = n.uploadForm("/admin/articles", f, []byte("%PDF-1.4 not an image"), author)
	body = w.Body.String()
	if w.Code != http.StatusBadRequest || !strings.Contains(body, `id="file-error" role="alert">Only JPEG`) || !strings.Contains(body, `value="A gull"`) {
		t.Errorf("non-image without script: %d\n%s", w.Code, body)
	}
	// An image past the limit: 413, the message by the file field, the
	// text kept.
	w = n.uploadForm("/admin/articles", f, make([]byte, media.MaxImageBytes+1), author)
	body = w.Body.String()
	if w.Code != http.StatusRequestEntityTooLarge || !strings.Contains(body, `id="file-error" role="alert">That image is larger than 20 MB.`) ||
		!strings.Contains(body, "Second paragraph.</textarea>") {
		t.Errorf("oversized image without script: %d\n%s", w.Code, body)
	}
	// Insert a marker without script: added at the end.
	f.Set("action", "insert_paywall")
	if body := n.do(http.MethodPost, "/admin/articles", f, author).Body.String(); !strings.Contains(body, "Second paragraph.\n\n::paywall\n</textarea>") {
		t.Errorf("paywall marker not added:\n%s", body)
	}
}

func TestPreviews(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		contributor := n.session(n.staff[magazine.RoleContributor])
		md := "Free words.\n\n::paywall\n\nPaid words.\n\n::pagebreak\n\n::: pullquote\nQuoted.\n:::"

		// The live preview is the store's rendering, byte for byte.
		w := n.do(http.MethodPost, "/admin/articles/preview", url.Values{"body": {md}}, contributor)
		res, err := st.RenderBody(ctx, md)
		if err != nil {
			t.Fatal(err)
		}
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), res.Pages[0]) || !strings.Contains(w.Body.String(), res.Pages[1]) ||
			!strings.Contains(w.Body.String(), "Page break") {
			t.Errorf("preview fragment: %d\n%s", w.Code, w.Body)
		}

		// The reader previews go through the public article page.
		f := n.form("Behind the paywall")
		f.Set("visibility", "subscribers")
		f.Set("body", md)
		f.Set("preview_as", "anonymous")
		anon := n.do(http.MethodPost, "/admin/articles/preview/page", f, contributor).Body.String()
		if !strings.Contains(anon, "Free words.") || strings.Contains(anon, "Paid words.") || !strings.Contains(anon, `/subscribe`) {
			t.Errorf("anonymous preview:\n%s", anon)
		}
		f.Set("preview_as", "subscriber")
		sub := n.do(http.MethodPost, "/admin/articles/preview/page", f, contributor).Body.String()
		if !strings.Contains(sub, "Paid words.") || !strings.Contains(sub, "Quoted.") || !strings.Contains(sub, "<h1") {
			t.Errorf("subscriber preview:\n%s", sub)
		}
		if counts, _ := st.ArticleCounts(ctx); len(counts) != 0 {
			t.Errorf("a preview saved an article: %v", counts)
		}
		// A form the preview cannot show says what is missing.
		f.Del("section")
		if w := n.do(http.MethodPost, "/admin/articles/preview/page", f, contributor); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Choose a section") {
			t.Errorf("preview without a section: %d", w.Code)
		}
	})
}

func TestRevisionsDiffAndRestore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		editor := n.session(n.staff[magazine.RoleEditor])
		f := n.form("Tide tables")
		f.Set("body", "Line one.\nLine two.\nLine three.")
		id := n.create(f, editor)
		path := "/admin/articles/" + strconv.FormatInt(id, 10)
		f.Set("base", "1")
		f.Set("headline", "Tide tables, revised")
		f.Set("body", "Line one.\nLine 2, better.\nLine three.")
		if w := n.do(http.MethodPost, path, f, editor); w.Code != http.StatusSeeOther {
			t.Fatalf("second save: %d", w.Code)
		}

		list := n.do(http.MethodGet, path+"/revisions", nil, editor).Body.String()
		if !strings.Contains(list, `id="revision-2"`) || !strings.Contains(list, `id="revision-1"`) || !strings.Contains(list, "Restore revision 1") {
			t.Errorf("revision list:\n%s", list)
		}
		diff := n.do(http.MethodGet, path+"/revisions/diff?from=1&to=2", nil, editor).Body.String()
		for _, want := range []string{"<del>- Line two.</del>", "<ins>+ Line 2, better.</ins>", "<span>  Line one.</span>",
			"<th scope=\"row\">Headline</th><td><del>Tide tables</del></td><td><ins>Tide tables, revised</ins></td>"} {
			if !strings.Contains(diff, want) {
				t.Errorf("diff lacks %q:\n%s", want, diff)
			}
		}
		// Restoring revision 1 makes revision 3; nothing is lost.
		w := n.do(http.MethodPost, path+"/revisions/1/restore", url.Values{"base": {"2"}}, editor)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != path+"?done=restored" {
			t.Fatalf("restore: %d %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		a, _ := st.ArticleByID(ctx, id)
		revs, _ := st.Revisions(ctx, id)
		if a.Headline != "Tide tables" || a.BodyMarkdown != "Line one.\nLine two.\nLine three." || len(revs) != 3 || revs[0].RestoredFrom != 1 {
			t.Errorf("after restore: %q %q, %d revisions", a.Headline, a.BodyMarkdown, len(revs))
		}
		if body := n.do(http.MethodGet, path+"?done=restored", nil, editor).Body.String(); !strings.Contains(body, "The revision was restored") {
			t.Errorf("no confirmation after restore")
		}
		// A restore from a stale list is refused.
		if w := n.do(http.MethodPost, path+"/revisions/2/restore", url.Values{"base": {"2"}}, editor); w.Code != http.StatusConflict {
			t.Errorf("stale restore: %d", w.Code)
		}
	})
}

// TestSchedule reads the time in the publication's zone, asks the job
// queue for a run at that time, and the article goes live when it is due.
func TestSchedule(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		n := newEditorEnv(t, st)
		ctx := context.Background()
		pub, _ := st.Publication(ctx)
		pub.TimeZone = "Europe/Paris"
		if err := st.SetPublication(ctx, pub); err != nil {
			t.Fatal(err)
		}
		editor := n.session(n.staff[magazine.RoleEditor])
		f := n.form("Noon in Paris")
		f.Set("action", "schedule")
		f.Set("publish_at", "2026-03-02T12:00") // the clock is 09:00 UTC, 10:00 in Paris
		id := n.create(f, editor)
		want := time.Date(2026, 3, 2, 11, 0, 0, 0, time.UTC)
		a, _ := st.ArticleByID(ctx, id)
		if a.Status != magazine.StatusScheduled || !a.PublishedAt.Equal(want) {
			t.Errorf("scheduled for %s (%s), want %s", a.PublishedAt, a.Status, want)
		}
		if len(n.scheduled) != 1 || !n.scheduled[0].Equal(want) {
			t.Errorf("publishing runs asked for: %v", n.scheduled)
		}
		body := n.do(http.MethodGet, "/admin/articles/"+strconv.FormatInt(id, 10)+"?done=scheduled", nil, editor).Body.String()
		if !strings.Contains(body, `value="2026-03-02T12:00"`) || !strings.Contains(body, "2026-03-02 12:00 CET") {
			t.Errorf("editor of a scheduled article:\n%s", body)
		}
		if ids, err := st.PublishDue(ctx, want); err != nil || len(ids) != 1 || ids[0] != id {
			t.Errorf("publish due: %v, %v", ids, err)
		}
	})
}

func TestLineDiff(t *testing.T) {
	t.Parallel()
	render := func(d []diffLine) string {
		var b strings.Builder
		for _, l := range d {
			b.WriteString(l.Op + l.Text + "\n")
		}
		return b.String()
	}
	for _, tt := range []struct{ a, b, want string }{
		{"", "", ""},
		{"a\nb\nc", "a\nb\nc\n", " a\n b\n c\n"},
		{"a\nb\nc", "a\nx\nc", " a\n-b\n+x\n c\n"},
		{"", "new", "+new\n"},
		{"old", "", "-old\n"},
		{"a\nb\nc\nd", "b\nd\ne", "-a\n b\n-c\n d\n+e\n"},
	} {
		if got := render(lineDiff(tt.a, tt.b)); got != tt.want {
			t.Errorf("lineDiff(%q, %q) =\n%s\nwant\n%s", tt.a, tt.b, got, tt.want)
		}
	}
}
