package admin

import (
	"context"
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// access is what a member of staff may do with one article, from the
// permission matrix in package magazine: contributors edit their own
// drafts, authors also publish their own articles (and so may change them
// once live), editors edit and publish anyone's.
type access struct {
	Edit    bool
	Publish bool
}

func articleAccess(me magazine.Staff, creator int64, status magazine.Status) access {
	own := creator != 0 && creator == me.ID
	publish := me.Can(magazine.PermPublishAny) || (own && me.Can(magazine.PermPublishOwn))
	edit := me.Can(magazine.PermEditAny) || (own && me.Can(magazine.PermWriteOwn) && (status == magazine.StatusDraft || publish))
	return access{Edit: edit, Publish: publish}
}

// check refuses an action the access does not allow. The message starts
// like the route-level refusal, so that every 403 of the admin reads alike.
func (ac access) check(action string) error {
	switch action {
	case store.ActionPublish, store.ActionSchedule, store.ActionUnpublish:
		if !ac.Publish {
			return magazine.Errorf(magazine.EFORBIDDEN, "Your role does not allow this page: you can publish, schedule or unpublish only articles you may publish. Ask an editor.")
		}
	}
	if !ac.Edit {
		return magazine.Errorf(magazine.EFORBIDDEN, "Your role does not allow this page: contributors edit only their own drafts, authors their own articles. Ask an editor.")
	}
	return nil
}

// editable is an article the signed-in member may open in the editor.
type editable struct {
	Article magazine.Article
	Creator int64
	Access  access
}

// editableArticle reads the article of the {id} in the path and refuses it
// when me may not edit it.
func (a *Admin) editableArticle(ctx context.Context, r *http.Request, me *store.Session) (editable, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return editable{}, httpx.NotFound
	}
	return a.editableByID(ctx, me, id)
}

// editableByID reads article id and refuses it when me may not edit it.
func (a *Admin) editableByID(ctx context.Context, me *store.Session, id int64) (editable, error) {
	art, err := a.store.ArticleByID(ctx, id)
	if err != nil {
		return editable{}, err
	}
	creator, err := a.store.ArticleCreator(ctx, id)
	if err != nil {
		return editable{}, err
	}
	ed := editable{Article: art, Creator: creator, Access: articleAccess(me.Staff, creator, art.Status)}
	return ed, ed.Access.check(store.ActionSave)
}
