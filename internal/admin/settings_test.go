package admin

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

func settingsForm() url.Values {
	return url.Values{"name": {"The Northwind Review"}, "tagline": {"Slow news"}, "locale": {"en-GB"}, "time_zone": {"Europe/London"},
		"preview_paragraphs": {"2"}, "meter_articles": {"3"}, "support_email": {"Help@Northwind.example"}}
}

func TestSettingsPage(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	admin := e.session(e.staff[magazine.RoleAdmin])

	for _, tt := range []struct {
		field, value, msg string
	}{
		{"name", " ", "The publication needs a name."},
		{"locale", "not a language!", "is not a language tag"},
		{"time_zone", "Mars/Olympus", "is not a time zone name"},
		{"preview_paragraphs", "three", "whole number of paragraphs"},
		{"preview_paragraphs", "0", "between 1 and 20"},
		{"meter_articles", "-1", "between 0 (meter off) and 100"},
		{"support_email", "help at example", "is not an e-mail address"},
	} {
		form := settingsForm()
		form.Set(tt.field, tt.value)
		w := e.do(http.MethodPost, "/admin/settings", form, admin)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="`+tt.field+`-error">`) || !strings.Contains(body, tt.msg) ||
			!strings.Contains(body, `value="Slow news"`) {
			t.Errorf("%s=%q: status %d; want %q next to the field and the form as typed\n%s", tt.field, tt.value, w.Code, tt.msg, body)
		}
	}
	if pub, _ := e.store.Publication(context.Background()); pub.Name != magazine.DefaultPublication().Name {
		t.Fatalf("a refused form changed the settings: %+v", pub)
	}

	// Requiring two-step sign-in needs it on one's own account first.
	form := settingsForm()
	form.Set("require_admin_totp", "on")
	w := e.do(http.MethodPost, "/admin/settings", form, admin)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), `id="require_admin_totp-error">Turn on two-step sign-in for your own account first`) {
		t.Fatalf("requiring TOTP without having it: status %d\n%s", w.Code, w.Body)
	}
	if err := e.store.SetTOTPSecret(context.Background(), store.CommandLine(), e.staff[magazine.RoleAdmin].ID, "JBSWY3DPEHPK3PXPJBSWY3DP"); err != nil {
		t.Fatal(err)
	}
	w = e.do(http.MethodPost, "/admin/settings", form, admin)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("save: status %d\n%s", w.Code, w.Body)
	}
	page := e.do(http.MethodGet, w.Header().Get("Location"), nil, admin).Body.String()
	for _, want := range []string{"The settings were saved", `value="The Northwind Review"`, `value="help@northwind.example"`, `name="require_admin_totp" value="on" checked`} {
		if !strings.Contains(page, want) {
			t.Errorf("settings page after saving lacks %q", want)
		}
	}
	pub, _ := e.store.Publication(context.Background())
	if pub.MeterArticles != 3 || pub.PreviewParagraphs != 2 || pub.Locale != "en-GB" || !pub.RequireAdminTOTP {
		t.Errorf("saved settings: %+v", pub)
	}
	audit := e.do(http.MethodGet, "/admin/audit", nil, admin).Body.String()
	if !strings.Contains(audit, "admin@example.com</td><td>settings.publication</td><td>The Northwind Review</td><td>changed Name, Tagline, Locale") {
		t.Errorf("the audit log does not record the change:\n%s", audit)
	}
}

// TestRequiredTOTPKeepsAdminsToTheirAccount turns the requirement on and
// follows an admin without a second factor: every page but the account
// page sends them there with the reason, until they set TOTP up.
func TestRequiredTOTPKeepsAdminsToTheirAccount(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	pub := magazine.DefaultPublication()
	pub.RequireAdminTOTP = true
	if err := e.store.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}

	// Editors are not concerned.
	if w := e.do(http.MethodGet, "/admin/issues", nil, e.session(e.staff[magazine.RoleEditor])); w.Code != http.StatusOK {
		t.Errorf("editor on issues: status %d, want 200", w.Code)
	}

	for _, role := range []magazine.Role{magazine.RoleAdmin, magazine.RoleOwner} {
		c := e.sessionCookie(e.signIn(string(role)+"@example.com", testPassword, nil))
		if c == nil {
			t.Fatalf("%s cannot sign in", role)
		}
		for _, req := range []struct{ method, path string }{{"GET", "/admin/"}, {"GET", "/admin/staff"}, {"GET", "/admin/settings"}, {"POST", "/admin/settings"}} {
			var form url.Values
			if req.method == "POST" {
				form = settingsForm()
			}
			w := e.do(req.method, req.path, form, c)
			if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/account?done=needtotp" {
				t.Errorf("%s %s %s: status %d to %q; want a redirect to the account page", role, req.method, req.path, w.Code, w.Header().Get("Location"))
			}
		}
		if p, _ := e.store.Publication(ctx); p.Name != pub.Name {
			t.Fatalf("a blocked POST changed the settings")
		}
		w := e.do(http.MethodGet, "/admin/account?done=needtotp", nil, c)
		if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "This magazine requires two-step sign-in for admins") {
			t.Errorf("%s account page: status %d without the explanation\n%s", role, w.Code, w.Body)
		}
		if role == magazine.RoleOwner {
			// Signing out still works.
			if w := e.do(http.MethodPost, "/admin/sign-out", url.Values{}, c); w.Code != http.StatusSeeOther || e.signedIn(c) {
				t.Errorf("sign-out: status %d", w.Code)
			}
			continue
		}

		// Setting up TOTP opens the rest of the admin.
		m := regexp.MustCompile(`<code id="totp-secret">([A-Z2-7]+)</code>`).FindStringSubmatch(w.Body.String())
		if m == nil {
			t.Fatalf("no TOTP key on the account page\n%s", w.Body)
		}
		secret := m[1]
		code, err := auth.TOTPCode(secret, e.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if w := e.do(http.MethodPost, "/admin/account/totp", url.Values{"secret": {secret}, "code": {code}}, c); w.Code != http.StatusSeeOther ||
			w.Header().Get("Location") != "/admin/account?done=totp-on" {
			t.Fatalf("enable TOTP: status %d to %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		e.clock.Add(30 * time.Second)
		if w := e.do(http.MethodGet, "/admin/staff", nil, c); w.Code != http.StatusOK {
			t.Errorf("admin with TOTP on the staff page: status %d", w.Code)
		}
	}
}
