package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Tags are created by writing them on articles; here they are renamed,
// merged and deleted.

type tagsData struct {
	List []store.TagRow
}

var tagsNotices = map[string]string{
	"renamed": "The tag was renamed.",
	"merged":  "The tags were merged: the articles of the first now carry the second.",
	"deleted": "The tag was deleted and taken off its articles.",
}

func (a *Admin) tagsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Tags")
	p.Notice = tagsNotices[r.URL.Query().Get("done")]
	return a.renderTags(w, r, http.StatusOK, p)
}

func (a *Admin) renderTags(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.TagsWithCounts(r.Context())
	if err != nil {
		return err
	}
	return a.render(w, status, "tags", p, tagsData{List: list})
}

// tagRowError shows err beside the tag's row, keeping what was typed in it.
func (a *Admin) tagRowError(w http.ResponseWriter, r *http.Request, me *store.Session, id int64, err error) error {
	p := a.newPage(me, "Tags")
	if !formError(&p, err) {
		return err
	}
	row := "tag-" + strconv.FormatInt(id, 10)
	for field, msg := range p.Errors {
		delete(p.Errors, field)
		p.Errors[row] = msg
	}
	p.Form[row+"-name"], p.Form[row+"-into"] = r.PostFormValue("name"), r.PostFormValue("into")
	return a.renderTags(w, r, rowStatus(err), p)
}

func (a *Admin) renameTag(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if _, err := a.store.RenameTag(r.Context(), actor(me, r), id, r.PostFormValue("name")); err != nil {
		return a.tagRowError(w, r, me, id, err)
	}
	return &httpx.Redirect{URL: "/admin/tags?done=renamed#tag-" + strconv.FormatInt(id, 10), Status: http.StatusSeeOther}
}

func (a *Admin) mergeTag(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	into, _ := strconv.ParseInt(r.PostFormValue("into"), 10, 64)
	if into < 1 {
		err = magazine.FieldError("into", "Choose the tag to merge this one into.")
	} else {
		err = a.store.MergeTags(r.Context(), actor(me, r), id, into)
	}
	if err != nil {
		return a.tagRowError(w, r, me, id, err)
	}
	return &httpx.Redirect{URL: "/admin/tags?done=merged", Status: http.StatusSeeOther}
}

func (a *Admin) deleteTag(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteTag(r.Context(), actor(me, r), id); err != nil {
		return a.tagRowError(w, r, me, id, err)
	}
	return &httpx.Redirect{URL: "/admin/tags?done=deleted", Status: http.StatusSeeOther}
}
