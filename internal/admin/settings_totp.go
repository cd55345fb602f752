package admin

import (
	"net/http"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// totpSetupRoutes are what an admin without a second factor can still
// reach when the publication requires one: the account page to set it up
// (and change the password), and signing out.
var totpSetupRoutes = map[string]bool{
	"GET /admin/account":              true,
	"POST /admin/account/password":    true,
	"POST /admin/account/totp":        true,
	"POST /admin/sign-out":            true,
	"POST /admin/sign-out-everywhere": true,
}

// needsTOTP reports whether the publication requires a second factor of
// this admin or owner, who has none, for a route other than setting it up.
// The setting is read only for them, so other staff pay nothing for it.
func (a *Admin) needsTOTP(r *http.Request, ses store.Session) (bool, error) {
	st := ses.Staff
	if st.TOTPEnabled || (st.Role != magazine.RoleAdmin && st.Role != magazine.RoleOwner) || totpSetupRoutes[r.Pattern] {
		return false, nil
	}
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return false, err
	}
	return pub.RequireAdminTOTP, nil
}
