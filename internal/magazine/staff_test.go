package magazine

import "testing"

// TestPermissionMatrix spells the matrix out role by role, so that a change
// to permissions() shows here as a changed line.
func TestPermissionMatrix(t *testing.T) {
	t.Parallel()
	all := []Permission{PermViewAdmin, PermWriteOwn, PermPublishOwn, PermEditAny, PermPublishAny, PermManageIssues,
		PermManageTaxonomy, PermManageStaff, PermManageSettings, PermManageBilling, PermViewAudit, PermTransferOwnership}
	want := map[Role]string{
		//                 view write pubown editany pubany issues taxo staff settings billing audit transfer
		RoleContributor: "XX..........",
		RoleAuthor:      "XXX.........",
		RoleEditor:      "XXXXXXX.....",
		RoleAdmin:       "XXXXXXXXXXX.",
		RoleOwner:       "XXXXXXXXXXXX",
		Role("chief"):   "............",
	}
	for role, row := range want {
		for i, p := range all {
			if got := role.Can(p); got != (row[i] == 'X') {
				t.Errorf("%s can %s = %v, want %v", role, p, got, !got)
			}
		}
	}
	if (Staff{Role: RoleOwner, Active: false}).Can(PermViewAdmin) {
		t.Error("an inactive account may do something")
	}
}

func TestStaffRules(t *testing.T) {
	t.Parallel()
	owner := Staff{ID: 1, Role: RoleOwner, Active: true}
	admin := Staff{ID: 2, Role: RoleAdmin, Active: true}
	editor := Staff{ID: 3, Role: RoleEditor, Active: true}
	oldAdmin := Staff{ID: 4, Role: RoleAdmin, Active: false}
	for _, tt := range []struct {
		name string
		err  error
		code string
	}{
		{"admin promotes editor", CheckRoleChange(admin, editor, RoleAdmin), ""},
		{"admin demotes owner", CheckRoleChange(admin, owner, RoleAdmin), EFORBIDDEN},
		{"owner demotes self", CheckRoleChange(owner, owner, RoleAdmin), EFORBIDDEN},
		{"admin makes an owner", CheckRoleChange(admin, editor, RoleOwner), EINVALID},
		{"editor promotes self", CheckRoleChange(editor, editor, RoleAdmin), EFORBIDDEN},
		{"admin to unknown role", CheckRoleChange(admin, editor, "chief"), EINVALID},
		{"admin deactivates editor", CheckDeactivate(admin, editor), ""},
		{"admin deactivates owner", CheckDeactivate(admin, owner), EFORBIDDEN},
		{"admin deactivates self", CheckDeactivate(admin, admin), EFORBIDDEN},
		{"owner transfers to admin", CheckTransferOwnership(owner, admin), ""},
		{"owner transfers to editor", CheckTransferOwnership(owner, editor), EINVALID},
		{"owner transfers to inactive admin", CheckTransferOwnership(owner, oldAdmin), EINVALID},
		{"admin transfers", CheckTransferOwnership(admin, admin), EFORBIDDEN},
	} {
		if got := ErrorCode(tt.err); got != tt.code {
			t.Errorf("%s: code %q (%v), want %q", tt.name, got, tt.err, tt.code)
		}
	}
	in := StaffInput{Email: "  Ada@Example.COM ", Name: " Ada ", Role: RoleEditor}.Normalize()
	if in.Email != "ada@example.com" || in.Name != "Ada" || in.Validate() != nil {
		t.Errorf("normalised input %+v: %v", in, in.Validate())
	}
	for _, bad := range []string{"", "ada", "Ada <ada@example.com>", "ada@example.com, bo@example.com"} {
		if err := (StaffInput{Email: bad, Role: RoleEditor}).Validate(); err == nil {
			t.Errorf("e-mail %q was accepted", bad)
		}
	}
}
