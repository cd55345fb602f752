package admin

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// editorData is what the editor template shows.
type editorData struct {
	Form        editorForm
	Status      magazine.Status // of the saved article; draft for a new one
	PublishedAt string          // when it went or goes live, in the publication's zone
	LiveURL     string          // the public page, when published
	Access      access
	Sections    []magazine.Section
	Authors     []magazine.Author
	// AuthorSlots are the byline's selects, in order: the chosen authors
	// and two empty ones to add more.
	AuthorSlots []authorSlot
	Zone        string
	// Preview is the body rendered as the site renders it.
	Preview template.HTML
	// Unapplied is an autosave of a live article that readers do not
	// see yet.
	Unapplied *store.Revision
	// Conflict is the newer revision that refused this save;
	// ConflictFrom the revision the refused form was based on.
	Conflict     *store.Revision
	ConflictFrom int
	Visibilities []magazine.Visibility
}

// authorSlot is one select of the byline: its place and the author chosen
// (0 for none).
type authorSlot struct {
	N  int
	ID int64
}

// formActions maps the buttons of the form to what the save does.
var formActions = map[string]string{
	"save":      store.ActionSave,
	"publish":   store.ActionPublish,
	"schedule":  store.ActionSchedule,
	"unpublish": store.ActionUnpublish,
}

// editorNotices confirm what a save did, by ?done=.
var editorNotices = map[string]string{
	store.ActionCreate:    "The draft was created.",
	store.ActionSave:      "Your changes were saved.",
	store.ActionPublish:   "The article is published.",
	store.ActionSchedule:  "The article is scheduled; it goes live at the time shown.",
	store.ActionUnpublish: "The article was unpublished; it is a draft again and readers no longer see it.",
	store.ActionRestore:   "The revision was restored, as a new revision.",
}

func (a *Admin) newArticlePage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "New article")
	f := editorForm{Visibility: magazine.VisibilityPublic}
	return a.renderEditor(w, r, http.StatusOK, p, f, editable{Access: articleAccess(me.Staff, me.Staff.ID, magazine.StatusDraft)})
}

// editArticlePage opens an article in the editor: its latest revision,
// which is newer than the live article when an autosave was kept aside.
func (a *Admin) editArticlePage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	ed, err := a.editableArticle(ctx, r, me)
	if err != nil {
		return err
	}
	pub, err := a.store.Publication(ctx)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Edit: "+ed.Article.Headline)
	p.Notice = editorNotices[r.URL.Query().Get("done")]
	f := formOf(ed.Article.ID, 0, inputOf(ed.Article), pub.Location())
	latest, err := a.store.LatestRevision(ctx, ed.Article.ID)
	switch {
	case err == nil && !latest.Applied:
		f = formOf(ed.Article.ID, latest.Number, latest.Input, pub.Location())
		f.PublishAt = formOf(0, 0, inputOf(ed.Article), pub.Location()).PublishAt
	case err == nil:
		f.Base = latest.Number
	case !magazine.IsNotFound(err):
		return err
	}
	var unapplied *store.Revision
	if err == nil && !latest.Applied {
		unapplied = &latest
	}
	return a.renderEditorWith(w, r, http.StatusOK, p, f, ed, unapplied, nil, 0)
}

func (a *Admin) renderEditor(w http.ResponseWriter, r *http.Request, status int, p page, f editorForm, ed editable) error {
	return a.renderEditorWith(w, r, status, p, f, ed, nil, nil, 0)
}

func (a *Admin) renderEditorWith(w http.ResponseWriter, r *http.Request, status int, p page, f editorForm, ed editable, unapplied, conflict *store.Revision, conflictFrom int) error {
	ctx := r.Context()
	pub, err := a.store.Publication(ctx)
	if err != nil {
		return err
	}
	d := editorData{Form: f, Status: magazine.StatusDraft, Access: ed.Access, Zone: pub.Location().String(),
		Unapplied: unapplied, Conflict: conflict, ConflictFrom: max(conflictFrom, 1),
		Visibilities: []magazine.Visibility{magazine.VisibilityPublic, magazine.VisibilityRegistered, magazine.VisibilitySubscribers}}
	if ed.Article.ID != 0 {
		d.Status = ed.Article.Status
		if !ed.Article.PublishedAt.IsZero() {
			d.PublishedAt = ed.Article.PublishedAt.In(pub.Location()).Format("2006-01-02 15:04 MST")
		}
		if ed.Article.Status == magazine.StatusPublished {
			d.LiveURL = "/articles/" + ed.Article.Slug
		}
	}
	if d.Sections, err = a.store.Sections(ctx); err != nil {
		return err
	}
	if d.Authors, err = a.store.Authors(ctx); err != nil {
		return err
	}
	for i, id := range append(append([]int64{}, f.AuthorIDs...), 0, 0) {
		if i < magazine.MaxAuthors {
			d.AuthorSlots = append(d.AuthorSlots, authorSlot{N: i + 1, ID: id})
		}
	}
	if res, err := a.store.RenderBody(ctx, f.Body); err == nil {
		d.Preview = joinPages(res.Pages)
	}
	return a.render(w, status, "editor", p, d)
}

// createArticle saves the form of /admin/articles/new.
func (a *Admin) createArticle(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	return a.saveForm(w, r, me, editable{Access: articleAccess(me.Staff, me.Staff.ID, magazine.StatusDraft)})
}

// updateArticle saves the editor form of an existing article.
func (a *Admin) updateArticle(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ed, err := a.editableArticle(r.Context(), r, me)
	if err != nil {
		return err
	}
	return a.saveForm(w, r, me, ed)
}

// saveForm does what the pressed button says: save, publish, schedule,
// unpublish, or (without JavaScript) upload an image or insert a marker.
// A refused save shows the form again exactly as it was typed.
func (a *Admin) saveForm(w http.ResponseWriter, r *http.Request, me *store.Session, ed editable) error {
	ctx := r.Context()
	f, err := parseEditorForm(w, r)
	if err != nil {
		return err
	}
	f.ID = ed.Article.ID
	p := a.newPage(me, "Edit article")
	if f.ID == 0 {
		p.Title = "New article"
	}
	action := r.PostFormValue("action")
	switch action {
	case "upload":
		status := http.StatusOK
		if err := a.uploadIntoForm(r, &f); err != nil {
			if !formError(&p, err) {
				return err
			}
			status = httpx.Status(err)
		} else {
			p.Notice = "The image was uploaded and its figure added at the end of the body. Save to keep it."
		}
		return a.renderEditor(w, r, status, p, f, ed)
	case "insert_pagebreak", "insert_paywall":
		f.Body = appendBlock(f.Body, "::"+action[len("insert_"):])
		p.Notice = "The marker was added at the end of the body. Move it where it belongs, then save."
		return a.renderEditor(w, r, http.StatusOK, p, f, ed)
	}
	action = formActions[action]
	if action == "" {
		action = store.ActionSave
	}
	if err := ed.Access.check(action); err != nil {
		return err
	}
	rev, err := a.save(r, me, f, action)
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &conflict):
		// Everything typed stays; the form is now based on the newer
		// revision, so saving again deliberately replaces it.
		p.Errors["form"] = magazine.ErrorMessage(err) + " Their version is shown below the form. Compare, copy what you need, then save again to replace it with yours."
		from := f.Base
		f.Base = conflict.Latest.Number
		return a.renderEditorWith(w, r, http.StatusConflict, p, f, ed, nil, &conflict.Latest, from)
	case err != nil:
		if !formError(&p, err) {
			return err
		}
		status := http.StatusUnprocessableEntity
		if magazine.ErrorCode(err) == magazine.ETOOLARGE {
			status = http.StatusRequestEntityTooLarge
		}
		return a.renderEditor(w, r, status, p, f, ed)
	}
	a.hooks.ArticleSaved(ctx, ed.Article.Status, rev)
	if action == store.ActionSchedule && a.schedule != nil {
		if err := a.schedule(ctx, rev.Input.PublishedAt); err != nil {
			// The periodic job publishes it anyway, within a minute.
			a.log.WarnContext(ctx, "queue the scheduled article's publishing run", "article", rev.ArticleID, "err", err)
		}
	}
	return &httpx.Redirect{URL: "/admin/articles/" + strconv.FormatInt(rev.ArticleID, 10) + "?done=" + rev.Action, Status: http.StatusSeeOther}
}

// save turns the form into a store save: the slug generated when left
// empty, the schedule time read in the publication's zone.
func (a *Admin) save(r *http.Request, me *store.Session, f editorForm, action string) (store.Revision, error) {
	ctx := r.Context()
	in := f.input()
	if action == store.ActionSchedule {
		pub, err := a.store.Publication(ctx)
		if err != nil {
			return store.Revision{}, err
		}
		if in.PublishedAt, err = publishTime(f.PublishAt, pub.Location()); err != nil {
			return store.Revision{}, err
		}
	}
	if in.Slug == "" && in.Headline != "" {
		slug, err := a.store.FreeSlug(ctx, magazine.Slugify(in.Headline), f.ID)
		if err != nil {
			return store.Revision{}, err
		}
		in.Slug = slug
	}
	return a.store.SaveArticle(ctx, actor(me, r), store.ArticleSave{ArticleID: f.ID, Base: f.Base, Action: action, Input: in, StaffName: staffName(me)})
}

// appendBlock adds a block of Markdown on lines of its own at the end of
// body.
func appendBlock(body, block string) string {
	if body != "" {
		body = trimTrailingNewlines(body) + "\n\n"
	}
	return body + block + "\n"
}

func trimTrailingNewlines(s string) string {
	for len(s) > 0 && (s[len(s)-1] == '\n' || s[len(s)-1] == ' ') {
		s = s[:len(s)-1]
	}
	return s
}
