package admin

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Authors are the bylines readers see; they are not staff accounts (a
// contributor may write under several names, a columnist may never sign
// in).

type authorsData struct {
	List []store.AuthorRow
}

var authorsNotices = map[string]string{
	"created": "The author was added.",
	"saved":   "The author was saved.",
}

func (a *Admin) authorsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Authors")
	p.Notice = authorsNotices[r.URL.Query().Get("done")]
	return a.renderAuthors(w, r, http.StatusOK, p)
}

func (a *Admin) renderAuthors(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.AuthorsWithCounts(r.Context())
	if err != nil {
		return err
	}
	return a.render(w, status, "authors", p, authorsData{List: list})
}

// authorForm reads an author form into p.Form and an Author.
func authorForm(r *http.Request, p *page) magazine.Author {
	for _, k := range []string{"name", "slug", "bio", "photo_url"} {
		p.Form[k] = r.PostFormValue(k)
	}
	return magazine.Author{Name: p.Form["name"], Slug: p.Form["slug"], Bio: p.Form["bio"], PhotoURL: p.Form["photo_url"]}
}

func (a *Admin) createAuthor(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Authors")
	created, err := a.store.CreateAuthor(r.Context(), authorForm(r, &p))
	if err != nil {
		if formError(&p, err) {
			return a.renderAuthors(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	if err := a.audit(r, me, "author.create", created.Slug, created.Name); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/authors?done=created", Status: http.StatusSeeOther}
}

func (a *Admin) authorPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	author, err := a.authorOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, author.Name)
	p.Form["name"], p.Form["slug"], p.Form["bio"], p.Form["photo_url"] = author.Name, author.Slug, author.Bio, author.PhotoURL
	return a.render(w, http.StatusOK, "author", p, author)
}

func (a *Admin) updateAuthor(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	author, err := a.authorOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, author.Name)
	saved, err := a.store.UpdateAuthor(r.Context(), author.ID, authorForm(r, &p))
	if err != nil {
		if formError(&p, err) {
			return a.render(w, http.StatusUnprocessableEntity, "author", p, author)
		}
		return err
	}
	if err := a.audit(r, me, "author.update", saved.Slug, saved.Name); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/authors?done=saved", Status: http.StatusSeeOther}
}

// authorOf reads the author named by the {id} of the path.
func (a *Admin) authorOf(r *http.Request) (magazine.Author, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.Author{}, err
	}
	return a.store.AuthorByID(r.Context(), id)
}
