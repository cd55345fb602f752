package admin

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Creating sections, authors and issues is in the audit log: who, what,
// when.
func TestNewsroomActionsAudited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	editor := e.staff[magazine.RoleEditor]
	s := e.session(editor)
	for path, form := range map[string]url.Values{
		"/admin/sections": {"name": {"Science"}},
		"/admin/authors":  {"name": {"Rosa Lind"}},
		"/admin/issues":   {"volume": {"9"}, "number": {"1"}, "cover_date": {"2026-12-01"}, "title": {"Winter"}},
	} {
		if w := e.do("POST", path, form, s); w.Code != 303 {
			t.Fatalf("POST %s: %d\n%s", path, w.Code, w.Body)
		}
	}
	log, err := e.store.AuditLog(context.Background(), 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, en := range log {
		if en.ActorEmail == editor.Email {
			got = append(got, en.Action+" "+en.Target)
		}
	}
	all := strings.Join(got, "\n")
	for _, want := range []string{"section.create science", "author.create rosa-lind", "issue.create Vol. 9, No. 1"} {
		if !strings.Contains(all, want) {
			t.Errorf("audit log lacks %q:\n%s", want, all)
		}
	}
}
