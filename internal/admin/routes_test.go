package admin

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

// TestEveryRouteForEveryRole walks every admin route as every role and
// checks who gets in. The table is written out by hand, apart from the
// code: a route added to routes.go without a line here fails the test.
func TestEveryRouteForEveryRole(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	target := e.addStaff("target@example.com", magazine.RoleContributor, testPassword)
	admin2 := e.addStaff("admin2@example.com", magazine.RoleAdmin, testPassword)
	id := strconv.FormatInt(target.ID, 10)
	e.withBilling()
	plan := strconv.FormatInt(e.addPlan("Digital", 800, 8000, magazine.EntSubscriberContent).ID, 10)
	sub := strconv.FormatInt(e.subscribe("reader@example.com", e.addPlan("Print", 1400, 0, magazine.EntPrintEdition), &magazine.Address{
		Name: "Ada Reader", Line1: "1 Main St", City: "Springfield", Region: "IL", PostalCode: "62701", Country: "US"}), 10)
	nr := e.newsroom()
	art := strconv.FormatInt(e.article(magazine.StatusDraft).ID, 10) // started by nobody: only editors and up may edit it
	ad := "/admin/ads/" + strconv.FormatInt(e.addAd().ID, 10)
	hook := "/admin/webhooks/" + strconv.FormatInt(e.addWebhook(magazine.EventReaderCreated).ID, 10)

	const (
		anyone = "anyone" // open, also to visitors who are not signed in
		staff  = "staff"  // every role
	)
	table := map[string]struct {
		minRole string // anyone, staff, or the least role allowed
		path    string
		form    url.Values
	}{
		"GET /admin/sign-in":                 {anyone, "/admin/sign-in", nil},
		"POST /admin/sign-in":                {anyone, "/admin/sign-in", url.Values{"email": {"nobody@example.com"}, "password": {"wrong password"}}},
		"GET /admin/sign-in/code":            {anyone, "/admin/sign-in/code", nil},
		"POST /admin/sign-in/code":           {anyone, "/admin/sign-in/code", url.Values{"code": {"123456"}}},
		"GET /admin/password-reset":          {anyone, "/admin/password-reset", nil},
		"POST /admin/password-reset":         {anyone, "/admin/password-reset", url.Values{"email": {"nobody@example.com"}}},
		"GET /admin/password-reset/{token}":  {anyone, "/admin/password-reset/not-a-token", nil},
		"POST /admin/password-reset/{token}": {anyone, "/admin/password-reset/not-a-token", url.Values{"new_password": {"x"}}},

		"GET /admin/{$}":                    {staff, "/admin/", nil},
		"POST /admin/sign-out":              {staff, "/admin/sign-out", url.Values{}},
		"POST /admin/sign-out-everywhere":   {staff, "/admin/sign-out-everywhere", url.Values{}},
		"GET /admin/account":                {staff, "/admin/account", nil},
		"POST /admin/account/password":      {staff, "/admin/account/password", url.Values{"current_password": {"wrong"}}},
		"POST /admin/account/totp":          {staff, "/admin/account/totp", url.Values{"code": {"1"}}},
		"POST /admin/account/totp/off":      {staff, "/admin/account/totp/off", url.Values{"password": {"wrong"}}},
		"GET /admin/staff":                  {"admin", "/admin/staff", nil},
		"POST /admin/staff":                 {"admin", "/admin/staff", url.Values{"email": {"not an address"}, "role": {"author"}}},
		"POST /admin/staff/{id}/role":       {"admin", "/admin/staff/" + id + "/role", url.Values{"role": {"author"}}},
		"POST /admin/staff/{id}/deactivate": {"admin", "/admin/staff/" + id + "/deactivate", url.Values{}},
		"POST /admin/staff/transfer-ownership": {"owner", "/admin/staff/transfer-ownership",
			url.Values{"new_owner": {strconv.FormatInt(admin2.ID, 10)}, "password": {"wrong password"}}},
		"GET /admin/audit":        {"admin", "/admin/audit", nil},
		"GET /admin/mailbox":      {"admin", "/admin/mailbox", nil},
		"GET /admin/mailbox/{id}": {"admin", "/admin/mailbox/1", nil},

		"GET /admin/plans":                                 {"admin", "/admin/plans", nil},
		"GET /admin/plans/new":                             {"admin", "/admin/plans/new", nil},
		"POST /admin/plans":                                {"admin", "/admin/plans", url.Values{"name": {""}}},
		"GET /admin/plans/{id}":                            {"admin", "/admin/plans/" + plan, nil},
		"POST /admin/plans/{id}":                           {"admin", "/admin/plans/" + plan, url.Values{"name": {""}}},
		"GET /admin/subscribers":                           {"admin", "/admin/subscribers", nil},
		"GET /admin/subscribers.csv":                       {"admin", "/admin/subscribers.csv", nil},
		"POST /admin/subscribers/comp":                     {"admin", "/admin/subscribers/comp", url.Values{"email": {"not an address"}}},
		"GET /admin/subscribers/{id}":                      {"admin", "/admin/subscribers/" + sub, nil},
		"POST /admin/subscribers/{id}/comp":                {"admin", "/admin/subscribers/" + sub + "/comp", url.Values{"plan": {plan}}},
		"POST /admin/subscribers/{id}/cancel":              {"admin", "/admin/subscribers/" + sub + "/cancel", url.Values{}},
		"POST /admin/subscribers/{id}/cancel-now":          {"admin", "/admin/subscribers/" + sub + "/cancel-now", url.Values{}},
		"POST /admin/subscribers/{id}/resume":              {"admin", "/admin/subscribers/" + sub + "/resume", url.Values{}},
		"POST /admin/subscribers/{id}/refund":              {"admin", "/admin/subscribers/" + sub + "/refund", url.Values{}},
		"POST /admin/subscribers/{id}/address":             {"admin", "/admin/subscribers/" + sub + "/address", url.Values{"ship_name": {"x"}}},
		"POST /admin/subscribers/{id}/holds":               {"admin", "/admin/subscribers/" + sub + "/holds", url.Values{"hold_start": {"2026-05-01"}, "hold_end": {"2026-04-01"}}},
		"POST /admin/subscribers/{id}/holds/{hold}/remove": {"admin", "/admin/subscribers/" + sub + "/holds/999/remove", url.Values{}},
		"GET /admin/mailing":                               {"admin", "/admin/mailing", nil},
		"POST /admin/mailing/settings":                     {"admin", "/admin/mailing/settings", url.Values{"office_copies": {"x"}}},
		"GET /admin/mailing/{id}":                          {"admin", strings.Replace(nr.issue, "/admin/issues/", "/admin/mailing/", 1), nil},
		"GET /admin/mailing/{id}/list.csv":                 {"admin", strings.Replace(nr.issue, "/admin/issues/", "/admin/mailing/", 1) + "/list.csv", nil},
		"GET /admin/mailing/{id}/labels.pdf":               {"admin", strings.Replace(nr.issue, "/admin/issues/", "/admin/mailing/", 1) + "/labels.pdf?paper=letter", nil},
		"POST /admin/mailing/{id}/labels":                  {"admin", strings.Replace(nr.issue, "/admin/issues/", "/admin/mailing/", 1) + "/labels", url.Values{"paper": {"a4"}}},
		"GET /admin/print-import":                          {"admin", "/admin/print-import", nil},
		"POST /admin/print-import":                         {"admin", "/admin/print-import", url.Values{}},

		"GET /admin/issues":                                      {"editor", "/admin/issues", nil},
		"POST /admin/issues":                                     {"editor", "/admin/issues", url.Values{"volume": {"x"}}},
		"GET /admin/issues/{id}":                                 {"editor", nr.issue, nil},
		"POST /admin/issues/{id}":                                {"editor", nr.issue, url.Values{"volume": {"0"}}},
		"POST /admin/issues/{id}/cover":                          {"editor", nr.issue + "/cover", url.Values{"key": {"no/such-key.jpg"}}},
		"POST /admin/issues/{id}/articles":                       {"editor", nr.issue + "/articles", url.Values{"article": {"0"}}},
		"POST /admin/issues/{id}/articles/{article}/move":        {"editor", nr.issue + "/articles/" + nr.article + "/move", url.Values{"direction": {"up"}}},
		"POST /admin/issues/{id}/articles/{article}/remove":      {"editor", nr.issue + "/articles/999999/remove", url.Values{}},
		"POST /admin/issues/{id}/order":                          {"editor", nr.issue + "/order", url.Values{"order": {"1,2"}}},
		"POST /admin/issues/{id}/publish":                        {"editor", nr.emptyIssue + "/publish", url.Values{}},
		"GET /admin/issues/calendar":                             {"editor", "/admin/issues/calendar", nil},
		"POST /admin/issues/planned":                             {"editor", "/admin/issues/planned", url.Values{"cover_date": {"x"}}},
		"POST /admin/issues/{id}/schedule":                       {"editor", nr.emptyIssue + "/schedule", url.Values{"publish_at": {"x"}}},
		"POST /admin/issues/{id}/unpublish":                      {"editor", nr.emptyIssue + "/unpublish", url.Values{}},
		"POST /admin/issues/{id}/editions/{format}/retry":        {"editor", nr.emptyIssue + "/editions/epub/retry", url.Values{}},
		"POST /admin/issues/{id}/replica":                        {"editor", nr.emptyIssue + "/replica", url.Values{}},
		"POST /admin/issues/{id}/replica/remove":                 {"editor", nr.emptyIssue + "/replica/remove", url.Values{}},
		"POST /admin/issues/{id}/newsletter/test":                {"editor", nr.issue + "/newsletter/test", url.Values{}},
		"GET /admin/sections":                                    {"editor", "/admin/sections", nil},
		"POST /admin/sections":                                   {"editor", "/admin/sections", url.Values{"name": {""}}},
		"GET /admin/sections/{id}":                               {"editor", nr.section, nil},
		"POST /admin/sections/{id}":                              {"editor", nr.section, url.Values{"name": {""}}},
		"POST /admin/sections/{id}/move":                         {"editor", nr.section + "/move", url.Values{"direction": {"sideways"}}},
		"POST /admin/sections/{id}/delete":                       {"editor", nr.section + "/delete", url.Values{}},
		"GET /admin/tags":                                        {"editor", "/admin/tags", nil},
		"POST /admin/tags/{id}":                                  {"editor", nr.tag, url.Values{"name": {""}}},
		"POST /admin/tags/{id}/merge":                            {"editor", nr.tag + "/merge", url.Values{"into": {"0"}}},
		"POST /admin/tags/{id}/delete":                           {"editor", "/admin/tags/999999/delete", url.Values{}},
		"GET /admin/authors":                                     {"editor", "/admin/authors", nil},
		"POST /admin/authors":                                    {"editor", "/admin/authors", url.Values{"name": {""}}},
		"GET /admin/authors/{id}":                                {"editor", nr.author, nil},
		"POST /admin/authors/{id}":                               {"editor", nr.author, url.Values{"name": {""}}},
		"GET /admin/audio":                                       {staff, "/admin/audio", nil},
		"GET /admin/audio/articles/{id}/listen":                  {staff, "/admin/audio/articles/" + art + "/listen", nil},
		"POST /admin/audio/articles/{id}/render":                 {"admin", "/admin/audio/articles/" + art + "/render", url.Values{}},
		"GET /admin/audio/feeds":                                 {"admin", "/admin/audio/feeds", nil},
		"GET /admin/audio/lexicon":                               {"admin", "/admin/audio/lexicon", nil},
		"POST /admin/audio/lexicon":                              {"admin", "/admin/audio/lexicon", url.Values{"word": {""}}},
		"POST /admin/audio/lexicon/{id}/delete":                  {"admin", "/admin/audio/lexicon/999/delete", url.Values{}},
		"GET /admin/audio/lexicon/hear":                          {"admin", "/admin/audio/lexicon/hear?word=", nil},
		"GET /admin/audio/lexicon.csv":                           {"admin", "/admin/audio/lexicon.csv", nil},
		"POST /admin/audio/lexicon.csv":                          {"admin", "/admin/audio/lexicon.csv", url.Values{}},
		"GET /admin/ads":                                         {"admin", "/admin/ads", nil},
		"GET /admin/ads/new":                                     {"admin", "/admin/ads/new?kind=tag", nil},
		"POST /admin/ads":                                        {"admin", "/admin/ads", url.Values{"kind": {"tag"}, "name": {""}}},
		"GET /admin/ads/{id}":                                    {"admin", ad, nil},
		"POST /admin/ads/{id}":                                   {"admin", ad, url.Values{"name": {""}}},
		"POST /admin/ads/{id}/delete":                            {"admin", "/admin/ads/999999/delete", url.Values{}},
		"GET /admin/api-keys":                                    {"admin", "/admin/api-keys", nil},
		"POST /admin/api-keys":                                   {"admin", "/admin/api-keys", url.Values{"name": {""}}},
		"POST /admin/api-keys/{id}/revoke":                       {"admin", "/admin/api-keys/999999/revoke", url.Values{}},
		"GET /admin/webhooks":                                    {"admin", "/admin/webhooks", nil},
		"POST /admin/webhooks":                                   {"admin", "/admin/webhooks", url.Values{"url": {"https://10.0.0.1/"}}},
		"GET /admin/webhooks/{id}":                               {"admin", hook, nil},
		"POST /admin/webhooks/{id}/test":                         {"admin", hook + "/test", url.Values{}},
		"POST /admin/webhooks/{id}/disable":                      {"admin", "/admin/webhooks/999999/disable", url.Values{}},
		"POST /admin/webhooks/{id}/enable":                       {"admin", hook + "/enable", url.Values{}},
		"POST /admin/webhooks/{id}/delete":                       {"admin", "/admin/webhooks/999999/delete", url.Values{}},
		"POST /admin/webhooks/{id}/deliveries/{delivery}/resend": {"admin", hook + "/deliveries/999999/resend", url.Values{}},
		"GET /admin/settings":                                    {"admin", "/admin/settings", nil},
		"POST /admin/settings":                                   {"admin", "/admin/settings", url.Values{"name": {""}}},
		"GET /admin/articles":                                    {staff, "/admin/articles?status=draft&q=x", nil},
		"GET /admin/articles/new":                                {"contributor", "/admin/articles/new", nil},
		"POST /admin/articles":                                   {"contributor", "/admin/articles", url.Values{"headline": {""}}},
		"GET /admin/articles/{id}":                               {"editor", "/admin/articles/" + art, nil},
		"POST /admin/articles/{id}":                              {"editor", "/admin/articles/" + art, url.Values{"headline": {""}}},
		"POST /admin/articles/autosave":                          {"contributor", "/admin/articles/autosave", url.Values{"headline": {""}}},
		"POST /admin/articles/preview":                           {"contributor", "/admin/articles/preview", url.Values{"body": {"Hello"}}},
		"POST /admin/articles/preview/page":                      {"contributor", "/admin/articles/preview/page", url.Values{"headline": {"H"}}},
		"POST /admin/articles/upload":                            {"contributor", "/admin/articles/upload", url.Values{}},
		"GET /admin/articles/{id}/revisions":                     {"editor", "/admin/articles/" + art + "/revisions", nil},
		"GET /admin/articles/{id}/revisions/diff":                {"editor", "/admin/articles/" + art + "/revisions/diff", nil},
		"POST /admin/articles/{id}/revisions/{n}/restore":        {"editor", "/admin/articles/" + art + "/revisions/1/restore", url.Values{}},
	}

	rank := map[string]int{"anonymous": -1}
	for i, r := range magazine.Roles() {
		rank[string(r)] = i
	}
	allowed := func(minRole, who string) bool {
		switch minRole {
		case anyone:
			return true
		case staff:
			return who != "anonymous"
		}
		return who != "anonymous" && rank[who] >= rank[minRole]
	}

	routes := e.admin.routes()
	if len(routes) != len(table) {
		t.Errorf("routes.go has %d routes, the table %d: every route needs a line", len(routes), len(table))
	}
	who := append([]string{"anonymous"}, rolesOf(magazine.Roles())...)
	for _, rt := range routes {
		tt, ok := table[rt.pattern]
		if !ok {
			t.Errorf("route %q has no line in the table", rt.pattern)
			continue
		}
		method := strings.Fields(rt.pattern)[0]
		for _, w := range who {
			t.Run(rt.pattern+" as "+w, func(t *testing.T) {
				var cookie *http.Cookie
				if w != "anonymous" {
					cookie = e.session(e.staff[magazine.Role(w)])
				}
				resp := e.do(method, tt.path, tt.form, cookie)
				if cc := resp.Header().Get("Cache-Control"); cc != "private, no-store" {
					t.Errorf("Cache-Control = %q, want private, no-store", cc)
				}
				loc := resp.Header().Get("Location")
				switch {
				case resp.Code >= 500:
					t.Fatalf("status %d\n%s", resp.Code, resp.Body)
				case allowed(tt.minRole, w):
					if resp.Code == http.StatusForbidden {
						t.Fatalf("403 for a role that is allowed\n%s", resp.Body)
					}
					if tt.minRole != anyone && resp.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/admin/sign-in") &&
						!strings.Contains(rt.pattern, "sign-out") {
						t.Fatalf("sent to sign in although signed in as %s", w)
					}
				case w == "anonymous":
					if resp.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/admin/sign-in") {
						t.Fatalf("status %d, Location %q; want 303 to the sign-in page", resp.Code, loc)
					}
				default:
					if resp.Code != http.StatusForbidden || !strings.Contains(resp.Body.String(), "Your role does not allow this page") {
						t.Fatalf("status %d; want the 403 page\n%s", resp.Code, resp.Body)
					}
				}
			})
		}
	}
}

func rolesOf(rs []magazine.Role) []string {
	var out []string
	for _, r := range rs {
		out = append(out, string(r))
	}
	return out
}

// TestNavigationFollowsPermissions checks that the menu offers each role
// what it may open, and nothing it may not.
func TestNavigationFollowsPermissions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	for _, role := range magazine.Roles() {
		body := e.do(http.MethodGet, "/admin/", nil, e.session(e.staff[role])).Body.String()
		for link, perm := range map[string]magazine.Permission{`href="/admin/staff"`: magazine.PermManageStaff, `href="/admin/audit"`: magazine.PermViewAudit,
			`href="/admin/issues"`: magazine.PermManageIssues, `href="/admin/sections"`: magazine.PermManageTaxonomy,
			`href="/admin/tags"`: magazine.PermManageTaxonomy, `href="/admin/authors"`: magazine.PermManageTaxonomy,
			`href="/admin/settings"`: magazine.PermManageSettings} {
			if strings.Contains(body, link) != role.Can(perm) {
				t.Errorf("%s: menu link %s shown = %v, want %v", role, link, !role.Can(perm), role.Can(perm))
			}
		}
	}
}

func TestUnknownAdminAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	if w := e.do(http.MethodGet, "/admin", nil, nil); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != "/admin/" {
		t.Errorf("GET /admin: %d to %q, want a redirect to /admin/", w.Code, w.Header().Get("Location"))
	}
	w := e.do(http.MethodGet, "/admin/no-such-page", nil, e.session(e.staff[magazine.RoleAdmin]))
	if w.Code != http.StatusNotFound || w.Header().Get("Cache-Control") != "private, no-store" {
		t.Errorf("unknown admin page: %d, Cache-Control %q", w.Code, w.Header().Get("Cache-Control"))
	}
	// State changes are never GETs.
	if w := e.do(http.MethodGet, "/admin/sign-out", nil, e.session(e.staff[magazine.RoleAdmin])); w.Code == http.StatusSeeOther {
		t.Error("GET /admin/sign-out signed out")
	}
}

func TestSignInReturnsOnlyToAdminPages(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"/admin/staff?x=1":        "/admin/staff?x=1",
		"":                        "/admin/",
		"https://evil.example/":   "/admin/",
		"//evil.example/admin/":   "/admin/",
		"/admin/\\evil":           "/admin/",
		"/articles/a":             "/admin/",
		"/admin/sign-in?next=/x":  "/admin/",
		"/admin/../../etc/passwd": "/admin/../../etc/passwd", // a path on this site: harmless
	} {
		if got := safeNext(next); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", next, got, want)
		}
	}
	e := newEnv(t, "http://masthead.test")
	w := e.do(http.MethodPost, "/admin/sign-in", url.Values{"email": {"admin@example.com"}, "password": {testPassword}, "next": {"/admin/audit"}}, nil)
	if w.Header().Get("Location") != "/admin/audit" {
		t.Errorf("after sign-in: Location %q, want the page asked for", w.Header().Get("Location"))
	}
	if w := e.do(http.MethodGet, "/admin/audit", nil, nil); w.Header().Get("Location") != "/admin/sign-in?next=%2Fadmin%2Faudit" {
		t.Errorf("a visitor on /admin/audit is sent to %q, want the sign-in page with next", w.Header().Get("Location"))
	}
}
