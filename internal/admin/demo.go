package admin

import (
	"context"
	"fmt"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// DemoPassword signs in every demo member of staff. DEMO ONLY: it is
// printed by `serve --demo` and must never guard a real magazine.
const DemoPassword = "demo-only-not-a-secret"

// DemoLogin is one demo account.
type DemoLogin struct {
	Email string
	Role  magazine.Role
}

// SeedDemoStaff creates one member of staff of each role, all with
// DemoPassword, unless the magazine already has staff.
func SeedDemoStaff(ctx context.Context, st *store.Store) ([]DemoLogin, error) {
	existing, err := st.StaffList(ctx)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 {
		return nil, nil
	}
	hash, err := auth.Hash(DemoPassword, auth.DefaultParams)
	if err != nil {
		return nil, err
	}
	names := map[magazine.Role]string{
		magazine.RoleOwner: "Olive Owner", magazine.RoleAdmin: "Adrian Admin", magazine.RoleEditor: "Edith Editor",
		magazine.RoleAuthor: "Arthur Author", magazine.RoleContributor: "Connie Contributor",
	}
	var logins []DemoLogin
	roles := magazine.Roles()
	for i := len(roles) - 1; i >= 0; i-- {
		role := roles[i]
		email := string(role) + "@demo.masthead.example"
		if _, err := st.CreateStaff(ctx, store.CommandLine(), magazine.StaffInput{Email: email, Name: names[role], Role: role}, hash); err != nil {
			return nil, fmt.Errorf("create demo %s: %w", role, err)
		}
		logins = append(logins, DemoLogin{Email: email, Role: role})
	}
	return logins, nil
}
