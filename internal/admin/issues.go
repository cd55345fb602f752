package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// newsroomPages are the templates of issues, sections, tags, authors and
// settings, parsed with the others by New.
var newsroomPages = []string{"issues", "issue", "sections", "section", "tags", "authors", "author", "settings", "calendar"}

type issuesData struct {
	List []store.IssueRow
}

func (a *Admin) issuesPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.renderIssues(w, r, http.StatusOK, a.newPage(me, "Issues"), true)
}

// renderIssues shows the list of issues and the form to add one; suggest
// fills the form with the number that follows the newest issue.
func (a *Admin) renderIssues(w http.ResponseWriter, r *http.Request, status int, p page, suggest bool) error {
	list, err := a.store.AllIssues(r.Context())
	if err != nil {
		return err
	}
	if suggest && len(list) > 0 {
		p.Form["volume"] = strconv.Itoa(list[0].Volume)
		p.Form["number"] = strconv.Itoa(list[0].Number + 1)
	}
	return a.render(w, status, "issues", p, issuesData{List: list})
}

func (a *Admin) createIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Issues")
	in, err := issueForm(r, &p)
	if err == nil {
		var issue magazine.Issue
		if issue, err = a.store.CreateIssue(r.Context(), in); err == nil {
			if err := a.audit(r, me, "issue.create", issue.Label(), issue.Title); err != nil {
				return err
			}
			return &httpx.Redirect{URL: issueURL(issue.ID) + "?done=created", Status: http.StatusSeeOther}
		}
	}
	if formError(&p, err) {
		return a.renderIssues(w, r, http.StatusUnprocessableEntity, p, false)
	}
	return err
}

// issueForm reads the volume, number, cover date and title of an issue
// form into p.Form (so a refused form comes back as typed) and into an
// IssueInput.
func issueForm(r *http.Request, p *page) (magazine.IssueInput, error) {
	var in magazine.IssueInput
	for _, k := range []string{"volume", "number", "cover_date", "title"} {
		p.Form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	in.Title = p.Form["title"]
	var err error
	if in.Volume, err = strconv.Atoi(p.Form["volume"]); err != nil {
		return in, magazine.FieldError("volume", "The volume is a whole number such as 12.")
	}
	if in.Number, err = strconv.Atoi(p.Form["number"]); err != nil {
		return in, magazine.FieldError("number", "The issue number is a whole number such as 5.")
	}
	if p.Form["cover_date"] != "" {
		if in.CoverDate, err = time.Parse("2006-01-02", p.Form["cover_date"]); err != nil {
			return in, magazine.FieldError("cover_date", "Enter the cover date as year-month-day, such as 2026-03-15.")
		}
	}
	return in, in.Validate()
}

func issueURL(id int64) string { return "/admin/issues/" + strconv.FormatInt(id, 10) }

// pathID reads a positive number from the path; anything else is a page
// that does not exist.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id < 1 {
		return 0, httpx.NotFound
	}
	return id, nil
}

// moved returns ids with id moved one place up or down. One that cannot
// move that way (it is first or last, or gone) is refused in words about
// what, "article" or "section".
func moved(ids []int64, id int64, direction, what string) ([]int64, error) {
	i := slices.Index(ids, id)
	j := i + 1
	if direction == "up" {
		j = i - 1
	}
	if i < 0 || j < 0 || j >= len(ids) || (direction != "up" && direction != "down") {
		return ids, magazine.Errorf(magazine.EINVALID, "That %s cannot move further that way.", what)
	}
	out := slices.Clone(ids)
	out[i], out[j] = out[j], out[i]
	return out, nil
}
