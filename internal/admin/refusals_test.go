package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

// TestAdminRefusalsSayWhatHappened (issue 9, finding 10): every refusal
// staff can meet is a page with a message, never an empty body.
func TestAdminRefusalsSayWhatHappened(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	contributor, admin := e.session(e.staff[magazine.RoleContributor]), e.session(e.staff[magazine.RoleAdmin])
	for _, tc := range []struct {
		name, method, path string
		form               url.Values
		cookie             *http.Cookie
		header             []string
		status             int
		says               string
	}{
		{"a page the role may not open", "GET", "/admin/staff", nil, contributor, nil, http.StatusForbidden, "Your role does not allow"},
		{"no such subscriber", "GET", "/admin/subscribers/999999", nil, admin, nil, http.StatusNotFound, "not found"},
		{"no such plan", "GET", "/admin/plans/999999", nil, admin, nil, http.StatusNotFound, "not found"},
		{"a bad id", "GET", "/admin/issues/abc", nil, admin, nil, http.StatusNotFound, "not found"},
		{"the owner's role", "POST", "/admin/staff/" + itoa64(e.staff[magazine.RoleOwner].ID) + "/role", url.Values{"role": {"editor"}}, admin, nil,
			http.StatusForbidden, "owner"},
		{"a form from another site", "POST", "/admin/staff", url.Values{"email": {"x@example.com"}}, admin, []string{"Sec-Fetch-Site", "cross-site"},
			http.StatusForbidden, "sent from another site"},
	} {
		w := e.do(tc.method, tc.path, tc.form, tc.cookie, tc.header...)
		body := w.Body.String()
		if w.Code != tc.status || !strings.Contains(strings.ToLower(body), strings.ToLower(tc.says)) {
			t.Errorf("%s: %d, want %d saying %q\n%s", tc.name, w.Code, tc.status, tc.says, body)
		}
	}
}
