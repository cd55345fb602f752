package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// issueData is the page of one issue: its details, cover, table of
// contents, and the search for articles to add.
type issueData struct {
	Issue    magazine.Issue
	Contents []magazine.Article
	// Drafts are the contents that publishing the issue publishes.
	Drafts []magazine.Article
	Last   int // index of the last article, whose Down button is off
	Query  string
	Found  []magazine.Article
	Images []store.Media
	// CanUpload is false when the admin has no file storage.
	CanUpload bool
	// Editions are the issue's built and uploaded files, by format, and
	// NoPDF says why no PDF is built (no converter), or "".
	Editions map[string]store.Edition
	NoPDF    string
	// Newsletter is the new-issue e-mail's send and report.
	Newsletter issueNewsletter
}

var issueNotices = map[string]string{
	"created":         "The issue was created. Set its cover and add its articles below.",
	"saved":           "The issue's details were saved.",
	"cover":           "The cover was changed.",
	"added":           "The article was added at the end of the contents.",
	"removed":         "The article was taken out of this issue. It is otherwise unchanged.",
	"moved":           "The contents were reordered.",
	"scheduled":       "The issue is scheduled: it goes live with its drafts at the time shown.",
	"unscheduled":     "The schedule was cleared: the issue waits to be published by hand.",
	"unpublished":     "The issue was taken off the site. Its articles keep their own status.",
	"retry":           "The edition will be built again within a minute. Reload this page to see it.",
	"replica":         "The replica PDF was stored: readers get it as the issue's PDF.",
	"newsletter_test": "A test of the new-issue e-mail is on its way to your address.",
	"noreplica":       "The replica was taken back: readers get the PDF made from the edition, if there is one.",
}

// maxFound caps the search results for articles to add.
const maxFound = 20

func (a *Admin) issuePage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, issue.Label())
	p.Notice = issueNotices[r.URL.Query().Get("done")]
	if r.URL.Query().Get("done") == "published" {
		switch n, _ := strconv.Atoi(r.URL.Query().Get("drafts")); n {
		case 0:
			p.Notice = "The issue is published. It had no drafts to publish with it."
		case 1:
			p.Notice = "The issue is published, and its 1 draft went live with it."
		default:
			p.Notice = fmt.Sprintf("The issue is published, and its %d drafts went live with it.", n)
		}
	}
	return a.renderIssue(w, r, http.StatusOK, p, issue)
}

// renderIssue shows the issue page. The details form shows the issue's
// values unless p.Form already holds what was typed.
func (a *Admin) renderIssue(w http.ResponseWriter, r *http.Request, status int, p page, issue magazine.Issue) error {
	ctx := r.Context()
	if _, typed := p.Form["volume"]; !typed {
		p.Form["volume"], p.Form["number"] = strconv.Itoa(issue.Volume), strconv.Itoa(issue.Number)
		p.Form["cover_date"], p.Form["title"] = issue.CoverDate.Format("2006-01-02"), issue.Title
	}
	d := issueData{Issue: issue, Query: strings.TrimSpace(r.URL.Query().Get("q")), CanUpload: a.files != nil}
	var err error
	if d.Contents, err = a.store.IssueContents(ctx, issue.ID); err != nil {
		return err
	}
	d.Last = len(d.Contents) - 1
	for _, art := range d.Contents {
		if art.Status == magazine.StatusDraft {
			d.Drafts = append(d.Drafts, art)
		}
	}
	if d.Query != "" {
		if d.Found, err = a.store.FindArticlesForIssue(ctx, d.Query, maxFound); err != nil {
			return err
		}
	}
	if d.Images, err = a.store.CoverImages(ctx, 24); err != nil {
		return err
	}
	if d.Editions, err = a.store.Editions(ctx, issue.ID); err != nil {
		return err
	}
	if a.editions == nil || a.editions.PDF == nil {
		d.NoPDF = edition.NoConverter
	}
	if d.Newsletter, err = a.issueNewsletter(ctx, issue.ID); err != nil {
		return err
	}
	return a.render(w, status, "issue", p, d)
}

// issueOf reads the issue named by the {id} of the path.
func (a *Admin) issueOf(r *http.Request) (magazine.Issue, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.Issue{}, err
	}
	return a.store.IssueByID(r.Context(), id)
}

// issueArticleOf reads the issue and the article id named by the path.
func (a *Admin) issueArticleOf(r *http.Request) (magazine.Issue, int64, error) {
	issue, err := a.issueOf(r)
	if err != nil {
		return issue, 0, err
	}
	articleID, err := pathID(r, "article")
	return issue, articleID, err
}

// issueError shows err on the issue page, next to its field, or returns it
// when it belongs to no form.
func (a *Admin) issueError(w http.ResponseWriter, r *http.Request, me *store.Session, issue magazine.Issue, p page, err error) error {
	if !formError(&p, err) {
		return err
	}
	status := httpx.Status(err)
	if status == http.StatusBadRequest {
		status = http.StatusUnprocessableEntity
	}
	return a.renderIssue(w, r, status, p, issue)
}

func done(issueID int64, what string) error {
	return &httpx.Redirect{URL: issueURL(issueID) + "?done=" + what, Status: http.StatusSeeOther}
}

func (a *Admin) updateIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, issue.Label())
	in, err := issueForm(r, &p)
	if err == nil {
		_, err = a.store.UpdateIssue(r.Context(), issue.ID, in)
	}
	if err != nil {
		return a.issueError(w, r, me, issue, p, err)
	}
	if err := a.audit(r, me, "issue.update", issue.Label(), fmt.Sprintf("vol. %d, no. %d, %s", in.Volume, in.Number, in.Title)); err != nil {
		return err
	}
	return done(issue.ID, "saved")
}

func (a *Admin) addToIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	articleID, _ := strconv.ParseInt(r.PostFormValue("article"), 10, 64)
	if articleID < 1 {
		err = magazine.FieldError("article", "Choose an article to add.")
	} else {
		err = a.store.AddToIssue(r.Context(), issue.ID, articleID)
	}
	if err != nil {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), err)
	}
	if err := a.audit(r, me, "issue.add_article", issue.Label(), fmt.Sprintf("article %d", articleID)); err != nil {
		return err
	}
	return done(issue.ID, "added")
}

func (a *Admin) removeFromIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, articleID, err := a.issueArticleOf(r)
	if err != nil {
		return err
	}
	if err := a.store.RemoveFromIssue(r.Context(), issue.ID, articleID); err != nil {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), err)
	}
	if err := a.audit(r, me, "issue.remove_article", issue.Label(), fmt.Sprintf("article %d", articleID)); err != nil {
		return err
	}
	return done(issue.ID, "removed")
}

// moveInIssue is the Up and Down buttons: plain forms, so the contents can
// be reordered with the keyboard and without JavaScript.
func (a *Admin) moveInIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, articleID, err := a.issueArticleOf(r)
	if err != nil {
		return err
	}
	contents, err := a.store.IssueContents(r.Context(), issue.ID)
	if err != nil {
		return err
	}
	ids := make([]int64, len(contents))
	for i, art := range contents {
		ids[i] = art.ID
	}
	order, err := moved(ids, articleID, r.PostFormValue("direction"), "article")
	if err == nil {
		err = a.store.ReorderIssue(r.Context(), issue.ID, order)
	}
	if err != nil {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), err)
	}
	return &httpx.Redirect{URL: issueURL(issue.ID) + "?done=moved#article-" + strconv.FormatInt(articleID, 10), Status: http.StatusSeeOther}
}

// orderIssue takes the whole order at once, as drag and drop sends it:
// order=12,7,9.
func (a *Admin) orderIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	var ids []int64
	for _, f := range strings.Split(r.PostFormValue("order"), ",") {
		id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64)
		if err != nil || id < 1 {
			return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), magazine.Errorf(magazine.EINVALID, "The new order could not be read. Reload the page and try again."))
		}
		ids = append(ids, id)
	}
	if err := a.store.ReorderIssue(r.Context(), issue.ID, ids); err != nil {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), err)
	}
	return done(issue.ID, "moved")
}

func (a *Admin) publishIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	since := a.store.Now()
	n, err := a.store.PublishIssue(r.Context(), actor(me, r), issue.ID)
	if err != nil {
		p := a.newPage(me, issue.Label())
		if formError(&p, err) {
			p.Errors["publish"] = p.Errors["form"]
			delete(p.Errors, "form")
			return a.renderIssue(w, r, http.StatusUnprocessableEntity, p, issue)
		}
		return err
	}
	a.hooks.IssuePublished(r.Context(), issue.ID, issue.Published, since)
	a.requestEditions(r.Context())
	if a.sendLetters != nil {
		a.sendLetters(r.Context())
	}
	return &httpx.Redirect{URL: issueURL(issue.ID) + "?done=published&drafts=" + strconv.Itoa(n), Status: http.StatusSeeOther}
}
