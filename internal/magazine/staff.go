package magazine

import (
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"
)

// EFORBIDDEN is the code of an action the signed-in member of staff may not
// take. The admin answers it with 403.
const EFORBIDDEN = "forbidden"

// Role is a member of staff's place in the newsroom.
type Role string

const (
	RoleContributor Role = "contributor" // writes and edits own drafts, cannot publish
	RoleAuthor      Role = "author"      // publishes own articles
	RoleEditor      Role = "editor"      // edits and publishes anyone's; issues, sections, tags, authors
	RoleAdmin       Role = "admin"       // all of that, plus staff, settings, plans and billing
	RoleOwner       Role = "owner"       // one per magazine; an admin nobody else can demote or remove
)

// Roles lists the roles from least to most powerful.
func Roles() []Role {
	return []Role{RoleContributor, RoleAuthor, RoleEditor, RoleAdmin, RoleOwner}
}

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	for _, known := range Roles() {
		if r == known {
			return true
		}
	}
	return false
}

// Permission is something a role may do.
type Permission string

const (
	PermViewAdmin         Permission = "view_admin"         // the dashboard, one's own account
	PermWriteOwn          Permission = "write_own"          // create and edit one's own drafts
	PermPublishOwn        Permission = "publish_own"        // publish, schedule, unpublish one's own articles
	PermEditAny           Permission = "edit_any"           // edit anyone's articles
	PermPublishAny        Permission = "publish_any"        // publish anyone's articles
	PermManageIssues      Permission = "manage_issues"      // assemble and publish issues
	PermManageTaxonomy    Permission = "manage_taxonomy"    // sections, tags and authors
	PermManageStaff       Permission = "manage_staff"       // add staff, change roles, deactivate
	PermManageSettings    Permission = "manage_settings"    // publication settings
	PermManageBilling     Permission = "manage_billing"     // plans, prices, refunds
	PermViewAudit         Permission = "view_audit"         // the audit log of staff actions
	PermTransferOwnership Permission = "transfer_ownership" // hand the magazine to another admin
)

// permissions is the permission matrix, written once: each role has what the
// role below it has, plus its own line.
func permissions(r Role) []Permission {
	switch r {
	case RoleContributor:
		return []Permission{PermViewAdmin, PermWriteOwn}
	case RoleAuthor:
		return append(permissions(RoleContributor), PermPublishOwn)
	case RoleEditor:
		return append(permissions(RoleAuthor), PermEditAny, PermPublishAny, PermManageIssues, PermManageTaxonomy)
	case RoleAdmin:
		return append(permissions(RoleEditor), PermManageStaff, PermManageSettings, PermManageBilling, PermViewAudit)
	case RoleOwner:
		return append(permissions(RoleAdmin), PermTransferOwnership)
	}
	return nil
}

// Can reports whether the role has permission p.
func (r Role) Can(p Permission) bool {
	for _, have := range permissions(r) {
		if have == p {
			return true
		}
	}
	return false
}

// Staff is a member of the newsroom who signs in to the admin.
type Staff struct {
	ID          int64
	Email       string
	Name        string
	Role        Role
	Active      bool
	TOTPEnabled bool
	CreatedAt   time.Time
	LastSignIn  time.Time // zero until the first sign-in
}

// Can reports whether s may do p: an inactive account may do nothing.
func (s Staff) Can(p Permission) bool { return s.Active && s.Role.Can(p) }

// DisplayName is the name, or the e-mail address when there is none.
func (s Staff) DisplayName() string {
	if s.Name != "" {
		return s.Name
	}
	return s.Email
}

// StaffInput is what an admin (or `masthead user create`) submits to add a
// member of staff.
type StaffInput struct {
	Email string
	Name  string
	Role  Role
}

// NormalizeEmail trims an address and lowercases it, so that one person
// cannot hold two accounts by changing case.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Normalize returns the input with the e-mail address normalised and the
// name trimmed.
func (in StaffInput) Normalize() StaffInput {
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	return in
}

// Validate checks a normalised StaffInput.
func (in StaffInput) Validate() error {
	if err := ValidateEmail(in.Email); err != nil {
		return err
	}
	if utf8.RuneCountInString(in.Name) > 100 {
		return FieldError("name", "The name can be at most 100 characters long.")
	}
	if !in.Role.Valid() {
		return FieldError("role", "Choose a role: contributor, author, editor, admin or owner.")
	}
	return nil
}

// ValidateEmail checks that email is one plain address.
func ValidateEmail(email string) error {
	if email == "" {
		return FieldError("email", "Enter an e-mail address.")
	}
	addr, err := mail.ParseAddress(email)
	if err != nil || addr.Address != email || len(email) > 254 {
		return FieldError("email", "%q is not an e-mail address such as name@example.com.", email)
	}
	return nil
}

// CheckRoleChange says whether actor may give target the role to. Ownership
// moves only by transfer, so nobody is made or unmade owner here.
func CheckRoleChange(actor, target Staff, to Role) error {
	if !actor.Can(PermManageStaff) {
		return Errorf(EFORBIDDEN, "Only admins can change roles.")
	}
	if !to.Valid() {
		return FieldError("role", "Choose a role: contributor, author, editor or admin.")
	}
	if target.Role == RoleOwner {
		return Errorf(EFORBIDDEN, "The owner's role cannot be changed. The owner can transfer ownership to an admin.")
	}
	if to == RoleOwner {
		return FieldError("role", "There is one owner; the owner can transfer ownership from the staff page.")
	}
	if actor.ID == target.ID {
		return Errorf(EFORBIDDEN, "You cannot change your own role; ask another admin.")
	}
	return nil
}

// CheckDeactivate says whether actor may deactivate target.
func CheckDeactivate(actor, target Staff) error {
	if !actor.Can(PermManageStaff) {
		return Errorf(EFORBIDDEN, "Only admins can deactivate staff.")
	}
	if target.Role == RoleOwner {
		return Errorf(EFORBIDDEN, "The owner cannot be deactivated. The owner can transfer ownership first.")
	}
	if actor.ID == target.ID {
		return Errorf(EFORBIDDEN, "You cannot deactivate your own account; ask another admin.")
	}
	return nil
}

// CheckTransferOwnership says whether actor may hand ownership to target.
func CheckTransferOwnership(actor, target Staff) error {
	if !actor.Can(PermTransferOwnership) {
		return Errorf(EFORBIDDEN, "Only the owner can transfer ownership.")
	}
	if actor.ID == target.ID {
		return FieldError("new_owner", "You are already the owner.")
	}
	if !target.Active || target.Role != RoleAdmin {
		return FieldError("new_owner", "Ownership can go only to an active admin; make them an admin first.")
	}
	return nil
}
