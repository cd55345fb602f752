package admin

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// newsroomFixture is a magazine to manage: a section holding one article
// (so it cannot be deleted), an author, a tag, an issue with the article
// and an empty issue. The fields are admin paths and ids as text.
type newsroomFixture struct {
	sectionID, authorID   int64
	issueID, emptyIssueID int64
	issue, emptyIssue     string
	section, author, tag  string
	article               string
}

func (e *env) newsroom() newsroomFixture {
	e.t.Helper()
	ctx := context.Background()
	sec, err := e.store.CreateSection(ctx, magazine.Section{Name: "Politics", Position: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	au, err := e.store.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		e.t.Fatal(err)
	}
	art := e.draft(sec.ID, au.ID, "The budget, line by line", "Economy")
	issue, err := e.store.CreateIssue(ctx, magazine.IssueInput{Volume: 3, Number: 1, CoverDate: time.Date(2026, 3, 15, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		e.t.Fatal(err)
	}
	if err := e.store.AddToIssue(ctx, issue.ID, art.ID); err != nil {
		e.t.Fatal(err)
	}
	empty, err := e.store.CreateIssue(ctx, magazine.IssueInput{Volume: 3, Number: 2, CoverDate: time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		e.t.Fatal(err)
	}
	tag, err := e.store.TagBySlug(ctx, "economy")
	if err != nil {
		e.t.Fatal(err)
	}
	return newsroomFixture{
		sectionID: sec.ID, authorID: au.ID, issueID: issue.ID, emptyIssueID: empty.ID,
		issue: issueURL(issue.ID), emptyIssue: issueURL(empty.ID),
		section: "/admin/sections/" + strconv.FormatInt(sec.ID, 10),
		author:  "/admin/authors/" + strconv.FormatInt(au.ID, 10),
		tag:     "/admin/tags/" + strconv.FormatInt(tag.ID, 10),
		article: strconv.FormatInt(art.ID, 10),
	}
}

// draft creates a draft article with the given tags.
func (e *env) draft(section, author int64, headline string, tags ...string) magazine.Article {
	e.t.Helper()
	a, err := e.store.CreateArticle(context.Background(), magazine.ArticleInput{Headline: headline, SectionID: section,
		AuthorIDs: []int64{author}, Tags: tags, BodyMarkdown: "About " + headline + "."})
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// contentsOrder returns the headlines of the issue page's contents, in
// the order shown.
func contentsOrder(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<span class="headline">([^<]+)</span>`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestCreateIssue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	e.newsroom() // Vol. 3, Nos. 1 and 2

	// The form suggests the number after the newest issue.
	body := e.do(http.MethodGet, "/admin/issues", nil, ed).Body.String()
	if !strings.Contains(body, `name="number" type="number" value="3"`) || !strings.Contains(body, "Vol. 3, No. 2") {
		t.Errorf("issues page does not list the issues or suggest No. 3:\n%s", body)
	}

	for _, tt := range []struct {
		form  url.Values
		field string
		msg   string
	}{
		{url.Values{"volume": {"3"}, "number": {"2"}, "cover_date": {"2026-05-01"}, "title": {"Water"}}, "number", "Vol. 3, No. 2 already exists"},
		{url.Values{"volume": {"three"}, "number": {"4"}, "cover_date": {"2026-05-01"}, "title": {"Water"}}, "volume", "whole number"},
		{url.Values{"volume": {"3"}, "number": {"4"}, "cover_date": {"May 1"}, "title": {"Water"}}, "cover_date", "year-month-day"},
		{url.Values{"volume": {"3"}, "number": {"4"}, "cover_date": {""}, "title": {"Water"}}, "cover_date", "needs a cover date"},
	} {
		w := e.do(http.MethodPost, "/admin/issues", tt.form, ed)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tt.field+`-error">`) || !strings.Contains(body, tt.msg) ||
			!strings.Contains(body, `value="Water"`) {
			t.Errorf("%v: status %d; want %q next to %s and the form as typed\n%s", tt.form, w.Code, tt.msg, tt.field, body)
		}
	}
	if rows, _ := e.store.AllIssues(context.Background()); len(rows) != 2 {
		t.Fatalf("refused forms created issues: %d", len(rows))
	}

	w := e.do(http.MethodPost, "/admin/issues", url.Values{"volume": {"3"}, "number": {"3"}, "cover_date": {"2026-04-15"}, "title": {"The water issue"}}, ed)
	loc := w.Header().Get("Location")
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/issues/") {
		t.Fatalf("create: status %d to %q\n%s", w.Code, loc, w.Body)
	}
	page := e.do(http.MethodGet, loc, nil, ed).Body.String()
	if !strings.Contains(page, "Vol. 3, No. 3: The water issue") || !strings.Contains(page, "The issue was created") {
		t.Errorf("new issue page:\n%s", page)
	}
}

// TestAssembleIssue adds articles by searching, reorders them with the Up
// and Down buttons (plain forms), removes one, and checks the page each
// time as an editor would see it.
func TestAssembleIssue(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.session(e.staff[magazine.RoleEditor])
	nr := e.newsroom()
	second := e.draft(nr.sectionID, nr.authorID, "Rivers in spring")
	third := e.draft(nr.sectionID, nr.authorID, "Rivers in autumn")

	found := e.do(http.MethodGet, nr.issue+"?q=RIVERS", nil, ed).Body.String()
	if !strings.Contains(found, "Rivers in spring") || !strings.Contains(found, "Rivers in autumn") || strings.Contains(found, `aria-label="Add “The budget`) {
		t.Errorf("search for RIVERS:\n%s", found)
	}
	for _, a := range []magazine.Article{second, third} {
		w := e.do(http.MethodPost, nr.issue+"/articles", url.Values{"article": {strconv.FormatInt(a.ID, 10)}}, ed)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("add %q: status %d\n%s", a.Headline, w.Code, w.Body)
		}
	}
	w := e.do(http.MethodPost, nr.issue+"/articles", url.Values{"article": {strconv.FormatInt(third.ID, 10)}}, ed)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "is already in this issue") {
		t.Errorf("adding twice: status %d", w.Code)
	}
	w = e.do(http.MethodPost, nr.emptyIssue+"/articles", url.Values{"article": {strconv.FormatInt(third.ID, 10)}}, ed)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "is in Vol. 3, No. 1. Remove it from that issue first.") {
		t.Errorf("adding an article of another issue: status %d\n%s", w.Code, w.Body)
	}

	order := func() []string { return contentsOrder(e.do(http.MethodGet, nr.issue, nil, ed).Body.String()) }
	if got := order(); strings.Join(got, "|") != "The budget, line by line|Rivers in spring|Rivers in autumn" {
		t.Fatalf("contents after adding: %v", got)
	}
	move := func(a magazine.Article, dir string) *httptest.ResponseRecorder {
		return e.do(http.MethodPost, nr.issue+"/articles/"+strconv.FormatInt(a.ID, 10)+"/move", url.Values{"direction": {dir}}, ed)
	}
	if w := move(third, "up"); w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "#article-"+strconv.FormatInt(third.ID, 10)) {
		t.Fatalf("move up: status %d to %q", w.Code, w.Header().Get("Location"))
	}
	move(third, "up")
	if got := order(); strings.Join(got, "|") != "Rivers in autumn|The budget, line by line|Rivers in spring" {
		t.Errorf("after moving autumn up twice: %v", got)
	}
	if w := move(third, "up"); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "cannot move further") {
		t.Errorf("moving the first article up: status %d", w.Code)
	}
	move(second, "down") // already last: refused, nothing changes
	if got := order(); strings.Join(got, "|") != "Rivers in autumn|The budget, line by line|Rivers in spring" {
		t.Errorf("after a refused move: %v", got)
	}
	page := e.do(http.MethodGet, nr.issue, nil, ed).Body.String()
	if !strings.Contains(page, `disabled aria-label="Move “Rivers in autumn” up"`) || !strings.Contains(page, `disabled aria-label="Move “Rivers in spring” down"`) {
		t.Errorf("the first article's Up and the last one's Down are not disabled:\n%s", page)
	}

	// Drag and drop sends the whole order; a stale one is refused.
	ids := func(as ...magazine.Article) string {
		var s []string
		for _, a := range as {
			s = append(s, strconv.FormatInt(a.ID, 10))
		}
		return strings.Join(s, ",")
	}
	budget, _ := strconv.ParseInt(nr.article, 10, 64)
	if w := e.do(http.MethodPost, nr.issue+"/order", url.Values{"order": {ids(second, third) + "," + nr.article}}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("order: status %d\n%s", w.Code, w.Body)
	}
	if got := order(); strings.Join(got, "|") != "Rivers in spring|Rivers in autumn|The budget, line by line" {
		t.Errorf("after the dragged order: %v", got)
	}
	if w := e.do(http.MethodPost, nr.issue+"/order", url.Values{"order": {ids(second, third)}}, ed); w.Code != http.StatusConflict ||
		!strings.Contains(w.Body.String(), "changed since the page was loaded") {
		t.Errorf("stale order: status %d", w.Code)
	}
	if w := e.do(http.MethodPost, nr.issue+"/order", url.Values{"order": {"1,x"}}, ed); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("unreadable order: status %d", w.Code)
	}

	if w := e.do(http.MethodPost, nr.issue+"/articles/"+nr.article+"/remove", url.Values{}, ed); w.Code != http.StatusSeeOther {
		t.Fatalf("remove: status %d", w.Code)
	}
	if got := order(); strings.Join(got, "|") != "Rivers in spring|Rivers in autumn" {
		t.Errorf("after removing the budget: %v", got)
	}
	if a, _ := e.store.ArticleByID(context.Background(), budget); a.IssueID != 0 || a.Status != magazine.StatusDraft {
		t.Errorf("the removed article: issue %d, status %s; want in no issue, still a draft", a.IssueID, a.Status)
	}
}

// TestPublishIssue publishes an issue on both databases and checks that
// its drafts went out with it and that the public listing shows them.
func TestPublishIssue(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, "http://masthead.test")
		ctx := context.Background()
		ed := e.session(e.staff[magazine.RoleEditor])
		nr := e.newsroom()

		w := e.do(http.MethodPost, nr.emptyIssue+"/publish", url.Values{}, ed)
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="publish-error">Vol. 3, No. 2 has no articles yet`) {
			t.Errorf("publishing an empty issue: status %d\n%s", w.Code, w.Body)
		}
		page := e.do(http.MethodGet, nr.issue, nil, ed).Body.String()
		if !strings.Contains(page, "publishes its drafts with it") || !strings.Contains(page, "<li>The budget, line by line</li>") {
			t.Errorf("the issue page does not say which drafts publish with it:\n%s", page)
		}
		w = e.do(http.MethodPost, nr.issue+"/publish", url.Values{}, ed)
		if w.Code != http.StatusSeeOther {
			t.Fatalf("publish: status %d\n%s", w.Code, w.Body)
		}
		page = e.do(http.MethodGet, w.Header().Get("Location"), nil, ed).Body.String()
		if !strings.Contains(page, "The issue is published, and its 1 draft went live with it.") {
			t.Errorf("no confirmation after publishing:\n%s", page)
		}
		issues, _, err := st.Issues(ctx, store.IssueFilter{})
		if err != nil || len(issues) != 1 || issues[0].Label() != "Vol. 3, No. 1" {
			t.Fatalf("public issues: %+v (%v)", issues, err)
		}
		public, err := st.IssueArticles(ctx, issues[0].ID)
		if err != nil || len(public) != 1 || public[0].Headline != "The budget, line by line" || public[0].Status != magazine.StatusPublished {
			t.Errorf("public contents of the issue: %+v (%v)", public, err)
		}
		audit := e.do(http.MethodGet, "/admin/audit", nil, e.session(e.staff[magazine.RoleAdmin])).Body.String()
		if !strings.Contains(audit, "editor@example.com</td><td>issue.publish</td><td>Vol. 3, No. 1") {
			t.Errorf("the audit log does not record the publication:\n%s", audit)
		}
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
