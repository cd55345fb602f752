package admin

import (
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type staffData struct {
	List []magazine.Staff
	// Admins are who the owner can hand ownership to.
	Admins []magazine.Staff
}

// staffNotices are the confirmations after a staff action, by ?done=.
var staffNotices = map[string]string{
	"role":        "The role was changed. It applies from their next click.",
	"deactivated": "The account was deactivated and signed out everywhere.",
	"transferred": "Ownership was transferred. You are now an admin.",
	"invited":     "The invitation is on its way. Its link works once, for a week.",
}

func (a *Admin) staffPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Staff")
	p.Notice = staffNotices[r.URL.Query().Get("done")]
	p.Form["role"] = string(magazine.RoleContributor)
	p.Form["how"] = "invite"
	return a.renderStaff(w, r, http.StatusOK, p)
}

func (a *Admin) renderStaff(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.StaffList(r.Context())
	if err != nil {
		return err
	}
	d := staffData{List: list}
	for _, st := range list {
		if st.Active && st.Role == magazine.RoleAdmin {
			d.Admins = append(d.Admins, st)
		}
	}
	return a.render(w, status, "staff", p, d)
}

type staffAdded struct {
	Staff    magazine.Staff
	Password string
}

// addStaff creates an account with a generated password, shown once on the
// answer page for the admin to pass on.
func (a *Admin) addStaff(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	in := magazine.StaffInput{Email: r.PostFormValue("email"), Name: r.PostFormValue("name"), Role: magazine.Role(r.PostFormValue("role"))}
	p := a.newPage(me, "Staff")
	p.Form["email"], p.Form["name"], p.Form["role"] = in.Email, in.Name, string(in.Role)
	var err error
	if in.Role == magazine.RoleOwner {
		err = magazine.FieldError("role", "There is one owner. Add an admin; the owner can then transfer ownership.")
	}
	invite := r.PostFormValue("how") == "invite"
	p.Form["how"] = r.PostFormValue("how")
	if invite && (!a.ipLimit.Allow(httpx.ClientIP(r)) || !a.accountLimit.Allow("invite:"+me.Staff.Email)) {
		return tooMany(w)
	}
	// An invited account gets a password nobody knows until they choose
	// theirs through the link.
	password := auth.GeneratePassword()
	var st magazine.Staff
	if err == nil {
		var hash string
		if hash, err = auth.Hash(password, a.params); err != nil {
			return err
		}
		if invite {
			st, err = a.invite(r, me, in, hash)
		} else {
			st, err = a.store.CreateStaff(r.Context(), actor(me, r), in, hash)
		}
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderStaff(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	if invite {
		return &httpx.Redirect{URL: "/admin/staff?done=invited", Status: http.StatusSeeOther}
	}
	return a.render(w, http.StatusOK, "staff_added", a.newPage(me, "Staff member added"), staffAdded{Staff: st, Password: password})
}

// invite creates the account and mails the link to choose a password.
func (a *Admin) invite(r *http.Request, me *store.Session, in magazine.StaffInput, hash string) (magazine.Staff, error) {
	in = in.Normalize()
	if err := in.Validate(); err != nil {
		return magazine.Staff{}, err
	}
	tok, m, err := a.newLink(r, magazine.Staff{Email: in.Email, Name: in.Name, Role: in.Role}, store.TokenInvite, "staff_invite", me)
	if err != nil {
		return magazine.Staff{}, err
	}
	return a.store.InviteStaff(r.Context(), actor(me, r), in, hash, tok, m)
}

// target reads the member of staff named by the {id} of the path.
func (a *Admin) target(r *http.Request) (magazine.Staff, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id < 1 {
		return magazine.Staff{}, httpx.NotFound
	}
	return a.store.StaffByID(r.Context(), id)
}

// rowError shows err next to the staff member's row.
func (a *Admin) rowError(w http.ResponseWriter, r *http.Request, me *store.Session, id int64, err error) error {
	p := a.newPage(me, "Staff")
	if !formError(&p, err) {
		return err
	}
	status := http.StatusUnprocessableEntity
	if magazine.ErrorCode(err) == magazine.EFORBIDDEN {
		status = http.StatusForbidden
	}
	for field, msg := range p.Errors {
		delete(p.Errors, field)
		p.Errors["staff-"+strconv.FormatInt(id, 10)] = msg
	}
	p.Form["role"] = string(magazine.RoleContributor)
	return a.renderStaff(w, r, status, p)
}

func (a *Admin) changeRole(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	target, err := a.target(r)
	if err != nil {
		return err
	}
	to := magazine.Role(r.PostFormValue("role"))
	if err := magazine.CheckRoleChange(me.Staff, target, to); err != nil {
		return a.rowError(w, r, me, target.ID, err)
	}
	if err := a.store.SetStaffRole(r.Context(), actor(me, r), target.ID, to); err != nil {
		return a.rowError(w, r, me, target.ID, err)
	}
	return &httpx.Redirect{URL: "/admin/staff?done=role", Status: http.StatusSeeOther}
}

func (a *Admin) deactivate(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	target, err := a.target(r)
	if err != nil {
		return err
	}
	if err := magazine.CheckDeactivate(me.Staff, target); err != nil {
		return a.rowError(w, r, me, target.ID, err)
	}
	if err := a.store.DeactivateStaff(r.Context(), actor(me, r), target.ID); err != nil {
		return a.rowError(w, r, me, target.ID, err)
	}
	return &httpx.Redirect{URL: "/admin/staff?done=deactivated", Status: http.StatusSeeOther}
}

// transferOwnership hands the magazine to an admin; the owner confirms with
// their password, since it cannot be undone without the new owner.
func (a *Admin) transferOwnership(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	p := a.newPage(me, "Staff")
	p.Form["new_owner"] = r.PostFormValue("new_owner")
	p.Form["role"] = string(magazine.RoleContributor)
	id, _ := strconv.ParseInt(r.PostFormValue("new_owner"), 10, 64)
	target, err := a.store.StaffByID(ctx, id)
	if magazine.IsNotFound(err) {
		err = magazine.FieldError("new_owner", "Choose the admin who becomes the owner.")
	}
	if err == nil {
		err = magazine.CheckTransferOwnership(me.Staff, target)
	}
	if err == nil {
		err = a.checkPassword(r, me, r.PostFormValue("password"))
	}
	if err == nil {
		err = a.store.TransferOwnership(ctx, actor(me, r), me.Staff.ID, target.ID)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderStaff(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	return &httpx.Redirect{URL: "/admin/staff?done=transferred", Status: http.StatusSeeOther}
}

// checkPassword confirms a sensitive action with the signed-in member's
// password.
func (a *Admin) checkPassword(r *http.Request, me *store.Session, password string) error {
	cred, err := a.store.StaffCredentials(r.Context(), me.Staff.ID)
	if err != nil {
		return err
	}
	ok, _, err := auth.Verify(password, cred.PasswordHash, a.params)
	if err != nil {
		return err
	}
	if !ok {
		return magazine.FieldError("password", "That is not your current password.")
	}
	return nil
}
