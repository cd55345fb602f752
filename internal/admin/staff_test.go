package admin

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

func TestAddStaffMember(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	admin := e.session(e.staff[magazine.RoleAdmin])

	// A refused form comes back as typed, the message beside the field.
	w := e.do(http.MethodPost, "/admin/staff", url.Values{"email": {"editor@EXAMPLE.com"}, "name": {"Second Editor"}, "role": {"editor"}}, admin)
	body := w.Body.String()
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, "already has a staff account") ||
		!strings.Contains(body, `value="editor@EXAMPLE.com"`) || !strings.Contains(body, `value="Second Editor"`) ||
		!strings.Contains(body, `<option value="editor" selected>`) {
		t.Fatalf("duplicate address: status %d; want the form as typed with the error\n%s", w.Code, body)
	}
	w = e.do(http.MethodPost, "/admin/staff", url.Values{"email": {"boss@example.com"}, "role": {"owner"}}, admin)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "There is one owner") {
		t.Errorf("adding a second owner: status %d", w.Code)
	}

	w = e.do(http.MethodPost, "/admin/staff", url.Values{"email": {"new.writer@example.com"}, "name": {"New Writer"}, "role": {"author"}}, admin)
	m := regexp.MustCompile(`<code id="one-time-password" class="secret">([^<]+)</code>`).FindStringSubmatch(w.Body.String())
	if w.Code != http.StatusOK || m == nil {
		t.Fatalf("add staff: status %d; want the page with the generated password\n%s", w.Code, w.Body)
	}
	c := e.sessionCookie(e.signIn("new.writer@example.com", m[1], nil))
	if c == nil || !e.signedIn(c) {
		t.Fatal("the generated password does not sign in")
	}
	list := e.do(http.MethodGet, "/admin/staff", nil, admin).Body.String()
	if strings.Contains(list, m[1]) {
		t.Error("the staff page shows the one-time password again")
	}
	audit := e.do(http.MethodGet, "/admin/audit", nil, admin).Body.String()
	if !strings.Contains(audit, "admin@example.com</td><td>staff.create</td><td>new.writer@example.com") {
		t.Errorf("the audit log does not say the admin added the writer:\n%s", audit)
	}
}

func TestOwnerIsProtected(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	owner, admin := e.staff[magazine.RoleOwner], e.staff[magazine.RoleAdmin]
	adminC := e.session(admin)
	ownerID := strconv.FormatInt(owner.ID, 10)

	for _, path := range []string{"/admin/staff/" + ownerID + "/role", "/admin/staff/" + ownerID + "/deactivate"} {
		w := e.do(http.MethodPost, path, url.Values{"role": {"contributor"}}, adminC)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "owner") {
			t.Errorf("admin POST %s: status %d, want 403 explaining the owner is protected", path, w.Code)
		}
	}
	// Nobody makes themselves owner by a role change either.
	ed := strconv.FormatInt(e.staff[magazine.RoleEditor].ID, 10)
	if w := e.do(http.MethodPost, "/admin/staff/"+ed+"/role", url.Values{"role": {"owner"}}, adminC); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("role change to owner: status %d, want refused", w.Code)
	}
	// An admin cannot lock themselves out.
	self := "/admin/staff/" + strconv.FormatInt(admin.ID, 10) + "/deactivate"
	if w := e.do(http.MethodPost, self, url.Values{}, adminC); w.Code != http.StatusForbidden {
		t.Errorf("admin deactivating themselves: status %d, want 403", w.Code)
	}
	if st, _ := e.store.StaffByID(context.Background(), owner.ID); st.Role != magazine.RoleOwner || !st.Active {
		t.Fatalf("the owner was changed: %+v", st)
	}

	// The owner hands over, confirming with their password.
	ownerC := e.session(owner)
	form := url.Values{"new_owner": {strconv.FormatInt(admin.ID, 10)}, "password": {"wrong password"}}
	if w := e.do(http.MethodPost, "/admin/staff/transfer-ownership", form, ownerC); w.Code != http.StatusUnprocessableEntity ||
		!strings.Contains(w.Body.String(), "not your current password") {
		t.Fatalf("transfer with a wrong password: status %d", w.Code)
	}
	form.Set("password", testPassword)
	if w := e.do(http.MethodPost, "/admin/staff/transfer-ownership", form, ownerC); w.Code != http.StatusSeeOther {
		t.Fatalf("transfer: status %d\n%s", w.Code, w.Body)
	}
	for id, want := range map[int64]magazine.Role{owner.ID: magazine.RoleAdmin, admin.ID: magazine.RoleOwner} {
		if st, _ := e.store.StaffByID(context.Background(), id); st.Role != want {
			t.Errorf("after the transfer staff %d is %s, want %s", id, st.Role, want)
		}
	}
	// The former owner, now an admin, can no longer transfer.
	if w := e.do(http.MethodPost, "/admin/staff/transfer-ownership", form, ownerC); w.Code != http.StatusForbidden {
		t.Errorf("former owner transferring again: status %d, want 403", w.Code)
	}
}

func TestDeactivateEndsSessions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	author := e.staff[magazine.RoleAuthor]
	authorC := e.session(author)
	w := e.do(http.MethodPost, "/admin/staff/"+strconv.FormatInt(author.ID, 10)+"/deactivate", url.Values{}, e.session(e.staff[magazine.RoleAdmin]))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("deactivate: status %d", w.Code)
	}
	if e.signedIn(authorC) {
		t.Error("a deactivated author's session still works")
	}
	if e.sessionCookie(e.signIn(author.Email, testPassword, nil)) != nil {
		t.Error("a deactivated author can sign in")
	}
}

func TestRoleChangeAppliesAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.staff[magazine.RoleEditor]
	edC := e.session(ed)
	if w := e.do(http.MethodGet, "/admin/staff", nil, edC); w.Code != http.StatusForbidden {
		t.Fatalf("editor on the staff page: %d", w.Code)
	}
	w := e.do(http.MethodPost, "/admin/staff/"+strconv.FormatInt(ed.ID, 10)+"/role", url.Values{"role": {"admin"}}, e.session(e.staff[magazine.RoleOwner]))
	if w.Code != http.StatusSeeOther {
		t.Fatalf("promote: status %d\n%s", w.Code, w.Body)
	}
	if w := e.do(http.MethodGet, "/admin/staff", nil, edC); w.Code != http.StatusOK {
		t.Errorf("promoted editor on the staff page: %d, want 200 without signing in again", w.Code)
	}
}
