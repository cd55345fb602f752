package adminapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

type issue struct {
	ID        int64      `json:"id"`
	Volume    int        `json:"volume"`
	Number    int        `json:"number"`
	Title     string     `json:"title"`
	CoverDate string     `json:"cover_date,omitempty"`
	CoverURL  string     `json:"cover_url,omitempty"`
	Published bool       `json:"published"`
	PublishAt *time.Time `json:"publish_at,omitempty"`
	// Articles is the table of contents, in order, on GET of one issue.
	Articles []article `json:"articles,omitempty"`
}

func issueOut(i magazine.Issue) issue {
	out := issue{ID: i.ID, Volume: i.Volume, Number: i.Number, Title: i.Title, CoverURL: i.CoverURL, Published: i.Published}
	if !i.CoverDate.IsZero() {
		out.CoverDate = i.CoverDate.Format(time.DateOnly)
	}
	if !i.PublishAt.IsZero() {
		t := i.PublishAt.UTC()
		out.PublishAt = &t
	}
	return out
}

func (a *API) listIssues(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	rows, err := a.store.AllIssues(r.Context())
	if err != nil {
		return err
	}
	out := struct {
		Issues []issue `json:"issues"`
	}{Issues: []issue{}}
	for _, row := range rows {
		out.Issues = append(out.Issues, issueOut(row.Issue))
	}
	return writeJSON(w, http.StatusOK, out)
}

func (a *API) getIssue(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	return a.writeIssue(w, r, id, http.StatusOK)
}

func (a *API) writeIssue(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	i, err := a.store.IssueByID(r.Context(), id)
	if err != nil {
		return err
	}
	contents, err := a.store.IssueContents(r.Context(), id)
	if err != nil {
		return err
	}
	out := issueOut(i)
	out.Articles = []article{}
	for _, x := range contents {
		out.Articles = append(out.Articles, a.articleOut(x, 0))
	}
	return writeJSON(w, status, out)
}

// createIssue makes an issue in preparation, as the admin's issues page
// does.
func (a *API) createIssue(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	var body struct {
		Volume    int    `json:"volume"`
		Number    int    `json:"number"`
		CoverDate string `json:"cover_date"`
		Title     string `json:"title"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	in := magazine.IssueInput{Volume: body.Volume, Number: body.Number, Title: body.Title}
	if body.CoverDate != "" {
		var err error
		if in.CoverDate, err = time.Parse(time.DateOnly, body.CoverDate); err != nil {
			return magazine.FieldError("cover_date", "Give the cover date as year-month-day, such as 2026-03-15.")
		}
	}
	if err := in.Validate(); err != nil {
		return err
	}
	ctx := r.Context()
	i, err := a.store.CreateIssue(ctx, in)
	if err != nil {
		return err
	}
	if err := a.store.RecordAudit(ctx, actor(k, r), "issue.create", i.Label(), i.Title); err != nil {
		return err
	}
	return a.writeIssue(w, r, i.ID, http.StatusCreated)
}

// addToIssue puts an article at the end of an issue's contents.
func (a *API) addToIssue(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	var body struct {
		ArticleID int64 `json:"article_id"`
	}
	if err := decode(w, r, &body); err != nil {
		return err
	}
	if body.ArticleID < 1 {
		return magazine.FieldError("article_id", "Give the id of the article to add.")
	}
	ctx := r.Context()
	i, err := a.store.IssueByID(ctx, id)
	if err != nil {
		return err
	}
	if err := a.store.AddToIssue(ctx, id, body.ArticleID); err != nil {
		return err
	}
	if err := a.store.RecordAudit(ctx, actor(k, r), "issue.add_article", i.Label(), fmt.Sprintf("article %d", body.ArticleID)); err != nil {
		return err
	}
	return a.writeIssue(w, r, id, http.StatusOK)
}
