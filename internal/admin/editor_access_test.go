package admin

import (
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

// TestArticleAccess writes out the matrix per article: what each role may
// do with its own and someone else's article, draft or live.
func TestArticleAccess(t *testing.T) {
	t.Parallel()
	const me, other = 7, 8
	for _, tt := range []struct {
		role          magazine.Role
		creator       int64
		status        magazine.Status
		edit, publish bool
	}{
		{magazine.RoleContributor, me, magazine.StatusDraft, true, false},
		{magazine.RoleContributor, me, magazine.StatusPublished, false, false},
		{magazine.RoleContributor, me, magazine.StatusScheduled, false, false},
		{magazine.RoleContributor, other, magazine.StatusDraft, false, false},
		{magazine.RoleContributor, 0, magazine.StatusDraft, false, false},
		{magazine.RoleAuthor, me, magazine.StatusDraft, true, true},
		{magazine.RoleAuthor, me, magazine.StatusPublished, true, true},
		{magazine.RoleAuthor, other, magazine.StatusDraft, false, false},
		{magazine.RoleEditor, other, magazine.StatusPublished, true, true},
		{magazine.RoleEditor, 0, magazine.StatusDraft, true, true},
		{magazine.RoleAdmin, other, magazine.StatusScheduled, true, true},
		{magazine.RoleOwner, 0, magazine.StatusPublished, true, true},
	} {
		st := magazine.Staff{ID: me, Role: tt.role, Active: true}
		got := articleAccess(st, tt.creator, tt.status)
		if got.Edit != tt.edit || got.Publish != tt.publish {
			t.Errorf("%s, creator %d, %s: edit %v publish %v; want %v %v", tt.role, tt.creator, tt.status, got.Edit, got.Publish, tt.edit, tt.publish)
		}
	}
	// A deactivated account may do nothing, whatever its role.
	if got := articleAccess(magazine.Staff{ID: me, Role: magazine.RoleEditor}, me, magazine.StatusDraft); got.Edit || got.Publish {
		t.Errorf("inactive editor: %+v", got)
	}
}
