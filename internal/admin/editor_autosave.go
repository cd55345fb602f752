package admin

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// autosaveAnswer is the JSON answer to the editor script's autosave.
type autosaveAnswer struct {
	ID   int64  `json:"id,omitempty"`
	Base int    `json:"base,omitempty"`
	URL  string `json:"url,omitempty"`
	// Slug is the slug saved; the script fills an empty slug field with
	// it, so that the address stops following the headline after the
	// first save, as it does without the script.
	Slug    string `json:"slug,omitempty"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
	// Conflict is true when someone else saved in between: the script
	// stops autosaving and the writer decides with the Save button.
	Conflict bool `json:"conflict,omitempty"`
}

// autosave saves the editor form every little while. A draft is saved as
// it is; for a scheduled or published article the revision is kept aside
// and readers see no change until someone presses Save (store.SaveArticle).
// A form that cannot be saved yet (no headline, no section) is left
// alone: the script keeps a copy in the browser.
func (a *Admin) autosave(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	f, err := parseEditorForm(w, r)
	if err != nil {
		return writeAutosave(w, http.StatusRequestEntityTooLarge, autosaveAnswer{Message: magazine.ErrorMessage(err)})
	}
	ed := editable{Access: articleAccess(me.Staff, me.Staff.ID, magazine.StatusDraft)}
	if f.ID != 0 {
		if ed, err = a.editableByID(ctx, me, f.ID); err != nil {
			return err
		}
	}
	if err := ed.Access.check(store.ActionAutosave); err != nil {
		return err
	}
	rev, err := a.save(r, me, f, store.ActionAutosave)
	var conflict *store.ConflictError
	switch {
	case errors.As(err, &conflict):
		return writeAutosave(w, http.StatusConflict, autosaveAnswer{Conflict: true,
			Message: magazine.ErrorMessage(err) + " Autosave is paused; press Save to see their version beside yours."})
	case err != nil:
		var e *magazine.Error
		if !errors.As(err, &e) || e.Code == magazine.EINTERNAL {
			return err
		}
		return writeAutosave(w, http.StatusUnprocessableEntity, autosaveAnswer{Field: e.Field, Message: "Not saved yet: " + e.Message})
	}
	msg := "Saved at " + rev.CreatedAt.In(a.zone(r)).Format("15:04:05") + "."
	if !rev.Applied {
		msg = "Changes kept at " + rev.CreatedAt.In(a.zone(r)).Format("15:04:05") + "; readers see them once you save."
	}
	return writeAutosave(w, http.StatusOK, autosaveAnswer{ID: rev.ArticleID, Base: rev.Number, Message: msg,
		URL: "/admin/articles/" + strconv.FormatInt(rev.ArticleID, 10), Slug: rev.Input.Slug})
}

func writeAutosave(w http.ResponseWriter, status int, ans autosaveAnswer) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(ans)
}
