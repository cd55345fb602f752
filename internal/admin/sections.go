package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type sectionsData struct {
	List []store.SectionRow
	Last int // index of the last section, whose Down button is off
}

var sectionsNotices = map[string]string{
	"created": "The section was added at the end of the list.",
	"saved":   "The section was saved.",
	"moved":   "The sections were reordered.",
	"deleted": "The section was deleted.",
}

func (a *Admin) sectionsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Sections")
	p.Notice = sectionsNotices[r.URL.Query().Get("done")]
	return a.renderSections(w, r, http.StatusOK, p)
}

func (a *Admin) renderSections(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.SectionsWithCounts(r.Context())
	if err != nil {
		return err
	}
	return a.render(w, status, "sections", p, sectionsData{List: list, Last: len(list) - 1})
}

// sectionForm reads a section form into p.Form and a Section.
func sectionForm(r *http.Request, p *page) magazine.Section {
	for _, k := range []string{"name", "slug", "description"} {
		p.Form[k] = r.PostFormValue(k)
	}
	return magazine.Section{Name: p.Form["name"], Slug: p.Form["slug"], Description: p.Form["description"]}
}

func (a *Admin) createSection(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Sections")
	sec := sectionForm(r, &p)
	list, err := a.store.SectionsWithCounts(r.Context())
	if err != nil {
		return err
	}
	sec.Position = len(list) + 1
	for _, s := range list {
		sec.Position = max(sec.Position, s.Position+1)
	}
	created, err := a.store.CreateSection(r.Context(), sec)
	if err != nil {
		if formError(&p, err) {
			return a.renderSections(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	if err := a.audit(r, me, "section.create", created.Slug, created.Name); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/sections?done=created", Status: http.StatusSeeOther}
}

// sectionRowError shows err beside the section's row.
func (a *Admin) sectionRowError(w http.ResponseWriter, r *http.Request, me *store.Session, id int64, err error) error {
	p := a.newPage(me, "Sections")
	if !formError(&p, err) {
		return err
	}
	p.Errors["section-"+strconv.FormatInt(id, 10)] = p.Errors["form"]
	delete(p.Errors, "form")
	return a.renderSections(w, r, rowStatus(err), p)
}

// rowStatus is the status of a page that shows a refused row action.
func rowStatus(err error) int {
	if s := httpx.Status(err); s != http.StatusBadRequest {
		return s
	}
	return http.StatusUnprocessableEntity
}

func (a *Admin) moveSection(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	list, err := a.store.SectionsWithCounts(r.Context())
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, s := range list {
		ids[i] = s.ID
	}
	order, err := moved(ids, id, r.PostFormValue("direction"), "section")
	if err == nil {
		err = a.store.ReorderSections(r.Context(), order)
	}
	if err != nil {
		return a.sectionRowError(w, r, me, id, err)
	}
	return &httpx.Redirect{URL: "/admin/sections?done=moved#section-" + strconv.FormatInt(id, 10), Status: http.StatusSeeOther}
}

func (a *Admin) deleteSection(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteSection(r.Context(), actor(me, r), id); err != nil {
		return a.sectionRowError(w, r, me, id, err)
	}
	return &httpx.Redirect{URL: "/admin/sections?done=deleted", Status: http.StatusSeeOther}
}

// sectionPage is the form to rename and describe one section.
func (a *Admin) sectionPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	sec, err := a.sectionOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Section "+sec.Name)
	p.Form["name"], p.Form["slug"], p.Form["description"] = sec.Name, sec.Slug, sec.Description
	return a.render(w, http.StatusOK, "section", p, sec)
}

func (a *Admin) updateSection(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	sec, err := a.sectionOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Section "+sec.Name)
	saved, err := a.store.UpdateSection(r.Context(), sec.ID, sectionForm(r, &p))
	if err != nil {
		if formError(&p, err) {
			return a.render(w, http.StatusUnprocessableEntity, "section", p, sec)
		}
		return err
	}
	if err := a.audit(r, me, "section.update", saved.Slug, sec.Name+" → "+saved.Name); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/sections?done=saved", Status: http.StatusSeeOther}
}

// sectionOf reads the section named by the {id} of the path.
func (a *Admin) sectionOf(r *http.Request) (magazine.Section, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.Section{}, err
	}
	return a.store.SectionByID(r.Context(), id)
}
