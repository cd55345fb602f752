package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func TestSignInAndOut(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, "http://masthead.test")
		// A session id the browser already had, valid or planted, is
		// never the one it holds after signing in.
		before := e.session(e.staff[magazine.RoleEditor])
		w := e.signIn("EDITOR@example.com", testPassword, before)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/" {
			t.Fatalf("sign-in: status %d, Location %q\n%s", w.Code, w.Header().Get("Location"), w.Body)
		}
		after := e.sessionCookie(w)
		if after == nil || after.Value == before.Value {
			t.Fatalf("the session id did not change at sign-in: before %q, after %v", before.Value, after)
		}
		if !after.HttpOnly || after.SameSite != http.SameSiteLaxMode || after.Path != "/" || after.Name != "masthead_session" {
			t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, named masthead_session over http", after)
		}
		if e.signedIn(before) {
			t.Error("the session the browser had before signing in still works")
		}
		if !e.signedIn(after) {
			t.Fatal("the new session does not open the dashboard")
		}
		if !strings.Contains(e.do(http.MethodGet, "/admin/", nil, after).Body.String(), "Test editor (editor)") {
			t.Error("the dashboard does not say who is signed in")
		}

		w = e.do(http.MethodPost, "/admin/sign-out", url.Values{}, after)
		if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/admin/sign-in" {
			t.Fatalf("sign-out: status %d, Location %q", w.Code, w.Header().Get("Location"))
		}
		if c := w.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
			t.Errorf("sign-out did not clear the cookie: %v", c)
		}
		// A browser that ignores the cleared cookie still gets nowhere:
		// the session is gone on the server.
		if e.signedIn(after) {
			t.Error("the old cookie still works after sign-out")
		}
		if _, err := st.SessionByHash(context.Background(), auth.HashSessionID(after.Value)); !magazine.IsNotFound(err) {
			t.Errorf("the session row survived sign-out: %v", err)
		}
	})
}

func TestSignOutEverywhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	laptop := e.sessionCookie(e.signIn("author@example.com", testPassword, nil))
	phone := e.sessionCookie(e.signIn("author@example.com", testPassword, nil))
	other := e.session(e.staff[magazine.RoleEditor])
	if !e.signedIn(laptop) || !e.signedIn(phone) {
		t.Fatal("two sign-ins should give two working sessions")
	}
	if w := e.do(http.MethodPost, "/admin/sign-out-everywhere", url.Values{}, phone); w.Code != http.StatusSeeOther {
		t.Fatalf("sign out everywhere: status %d", w.Code)
	}
	if e.signedIn(laptop) || e.signedIn(phone) {
		t.Error("a session survived sign out everywhere")
	}
	if !e.signedIn(other) {
		t.Error("sign out everywhere ended someone else's session")
	}
}

func TestSecureCookieOverHTTPS(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "https://magazine.example")
	c := e.sessionCookie(e.signIn("editor@example.com", testPassword, nil))
	if c == nil || c.Name != "__Host-masthead_session" || !c.Secure || c.Domain != "" || c.Path != "/" {
		t.Fatalf("cookie over https = %+v; want __Host-masthead_session, Secure, no Domain, Path=/", c)
	}
}

func TestCrossSitePostIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	admin := e.session(e.staff[magazine.RoleAdmin])
	form := url.Values{"email": {"intruder@example.com"}, "role": {"admin"}}
	for _, h := range [][]string{
		{"Sec-Fetch-Site", "cross-site"},
		{"Sec-Fetch-Site", "same-site"},
		{"Sec-Fetch-Site", "", "Origin", "https://evil.example"},
	} {
		w := e.do(http.MethodPost, "/admin/staff", form, admin, h...)
		if w.Code != http.StatusForbidden || !strings.Contains(w.Body.String(), "sent from another site") {
			t.Errorf("POST with %v: status %d, want 403 with an explanation\n%s", h, w.Code, w.Body)
		}
	}
	if _, _, err := e.store.StaffByEmail(context.Background(), "intruder@example.com"); !magazine.IsNotFound(err) {
		t.Fatalf("a cross-site POST created a staff account (err %v)", err)
	}
	// Signing in is a state change too (login CSRF).
	w := e.do(http.MethodPost, "/admin/sign-in", url.Values{"email": {"editor@example.com"}, "password": {testPassword}}, nil, "Sec-Fetch-Site", "cross-site")
	if w.Code != http.StatusForbidden || e.sessionCookie(w) != nil {
		t.Errorf("cross-site sign-in: status %d, want 403 and no session", w.Code)
	}
	// The same form from the admin itself goes through.
	if w := e.do(http.MethodPost, "/admin/staff", form, admin, "Origin", "http://masthead.test"); w.Code != http.StatusOK {
		t.Fatalf("same-origin POST: status %d\n%s", w.Code, w.Body)
	}
	if _, _, err := e.store.StaffByEmail(context.Background(), "intruder@example.com"); err != nil {
		t.Fatalf("the same-origin POST did not create the account: %v", err)
	}
}

func TestSameAnswerForKnownAndUnknownAddresses(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	inactive := e.addStaff("gone@example.com", magazine.RoleEditor, testPassword)
	if err := e.store.DeactivateStaff(context.Background(), store.CommandLine(), inactive.ID); err != nil {
		t.Fatal(err)
	}
	// The form echoes the address typed, so each is replaced by the same
	// placeholder before comparing.
	answer := func(email, password string) string {
		w := e.signIn(email, password, nil)
		var b strings.Builder
		b.WriteString(http.StatusText(w.Code) + "\n")
		for _, k := range []string{"Content-Type", "Cache-Control", "Set-Cookie", "Location"} {
			b.WriteString(k + ": " + w.Header().Get(k) + "\n")
		}
		b.WriteString(strings.ReplaceAll(w.Body.String(), email, "EMAIL"))
		return b.String()
	}
	known := answer("editor@example.com", "not the password")
	for _, tt := range []struct{ email, password string }{
		{"nobody@example.com", "not the password"},
		{"gone@example.com", testPassword},
	} {
		if got := answer(tt.email, tt.password); got != known {
			t.Errorf("the answer for %s differs from a known address with a wrong password:\n--- known\n%s\n--- %s\n%s", tt.email, known, tt.email, got)
		}
	}
	if !strings.Contains(known, wrongCredentials) || !strings.Contains(known, `value="EMAIL"`) {
		t.Errorf("the refusal must say what went wrong and keep the address typed:\n%s", known)
	}
}

func TestSignInRateLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	// Per account: ten tries, then 429 even with the right password from
	// a browser that has not signed in before (TestOwnerGetsInWhileStrangersGuess
	// has the one that has).
	for i := 0; i < 10; i++ {
		if w := e.signIn("author@example.com", "wrong password", nil); w.Code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: status %d", i+1, w.Code)
		}
	}
	w := e.signIn("author@example.com", testPassword, nil)
	if w.Code != http.StatusTooManyRequests || !strings.Contains(w.Body.String(), "many failed sign-in attempts") || e.sessionCookie(w) != nil {
		t.Fatalf("11th attempt: status %d, body %q; want 429 with the reason and no session", w.Code, w.Body)
	}
	// An unknown address is limited the same way, so the limit tells
	// nothing about which addresses exist.
	for i := 0; i < 10; i++ {
		e.signIn("nobody@example.com", "wrong password", nil)
	}
	if w := e.signIn("nobody@example.com", "wrong password", nil); w.Code != http.StatusTooManyRequests {
		t.Errorf("unknown address, 11th attempt: status %d, want 429", w.Code)
	}
	// Time heals: a minute later one more attempt is allowed.
	e.clock.Add(time.Minute)
	if w := e.signIn("author@example.com", testPassword, nil); w.Code != http.StatusSeeOther {
		t.Errorf("a minute later: status %d, want a successful sign-in", w.Code)
	}

	// Per IP address: a burst over many addresses from one place.
	e2 := newEnv(t, "http://masthead.test")
	limited := false
	for i := 0; i < 40 && !limited; i++ {
		limited = e2.signIn("user"+strings.Repeat("x", i)+"@example.com", "wrong password", nil).Code == http.StatusTooManyRequests
	}
	if !limited {
		t.Error("40 attempts on 40 addresses from one IP were never limited")
	}
}

func TestLongPasswordsWork(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	long := strings.Repeat("a long pass phrase of many words ", 4)[:128]
	e.addStaff("long@example.com", magazine.RoleAuthor, long)
	c := e.sessionCookie(e.signIn("long@example.com", long, nil))
	if c == nil || !e.signedIn(c) {
		t.Fatal("a 128-character password does not sign in")
	}
	if w := e.signIn("long@example.com", long[:127], nil); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("the password less its last character: status %d, want refused", w.Code)
	}
	// And one can be chosen through the account page; the change signs
	// out every other session, not this one.
	elsewhere := e.sessionCookie(e.signIn("long@example.com", long, nil))
	longer := strings.Repeat("another long pass phrase, quite different ", 4)[:128]
	w := e.do(http.MethodPost, "/admin/account/password", url.Values{"current_password": {long}, "new_password": {longer}, "confirm_password": {longer}}, c)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("changing to a 128-character password: status %d\n%s", w.Code, w.Body)
	}
	if !e.signedIn(c) || e.signedIn(elsewhere) {
		t.Error("after a password change this session must go on and the others end")
	}
	if c := e.sessionCookie(e.signIn("long@example.com", longer, nil)); c == nil {
		t.Error("the new 128-character password does not sign in")
	}
}

func TestCommonPasswordIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	c := e.session(e.staff[magazine.RoleEditor])
	w := e.do(http.MethodPost, "/admin/account/password", url.Values{"current_password": {testPassword},
		"new_password": {"Password2024!"}, "confirm_password": {"Password2024!"}}, c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "among the first an attacker would try") {
		t.Fatalf("status %d; want the form again with the reason\n%s", w.Code, w.Body)
	}
	if e.sessionCookie(e.signIn("editor@example.com", "Password2024!", nil)) != nil {
		t.Error("the refused password was saved")
	}
	w = e.do(http.MethodPost, "/admin/account/password", url.Values{"current_password": {"wrong guess"},
		"new_password": {"a fine new pass phrase"}, "confirm_password": {"a fine new pass phrase"}}, c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "not your current password") {
		t.Errorf("wrong current password: status %d", w.Code)
	}
}

func TestTOTPCodeWorksOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ed := e.staff[magazine.RoleEditor]
	c := e.session(ed)

	// Turning it on: the account page offers a key; a wrong code keeps it.
	key, err := auth.NewTOTPKey("Masthead", ed.Email)
	if err != nil {
		t.Fatal(err)
	}
	w := e.do(http.MethodPost, "/admin/account/totp", url.Values{"secret": {key.Secret()}, "code": {"000000"}}, c)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), key.Secret()) {
		t.Fatalf("wrong code at set-up: status %d; want the form again with the same key", w.Code)
	}
	code, _ := auth.TOTPCode(key.Secret(), e.clock.Now())
	if w := e.do(http.MethodPost, "/admin/account/totp", url.Values{"secret": {key.Secret()}, "code": {code}}, c); w.Code != http.StatusSeeOther {
		t.Fatalf("turning TOTP on: status %d\n%s", w.Code, w.Body)
	}

	// Signing in now takes two steps; the half-way session opens nothing.
	e.clock.Add(30 * time.Second)
	w = e.signIn(ed.Email, testPassword, nil)
	pending := e.sessionCookie(w)
	if w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/admin/sign-in/code") || pending == nil {
		t.Fatalf("password step: status %d, Location %q", w.Code, w.Header().Get("Location"))
	}
	if e.signedIn(pending) {
		t.Fatal("the session between password and code opens the dashboard")
	}
	code, _ = auth.TOTPCode(key.Secret(), e.clock.Now())
	w = e.do(http.MethodPost, "/admin/sign-in/code", url.Values{"code": {code}}, pending)
	full := e.sessionCookie(w)
	if w.Code != http.StatusSeeOther || full == nil || full.Value == pending.Value || !e.signedIn(full) {
		t.Fatalf("code step: status %d, cookie %v; want a new, working session", w.Code, full)
	}

	// The same code, within its step, from another browser: refused.
	pending2 := e.sessionCookie(e.signIn(ed.Email, testPassword, nil))
	w = e.do(http.MethodPost, "/admin/sign-in/code", url.Values{"code": {code}}, pending2)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "used already") || e.sessionCookie(w) != nil {
		t.Fatalf("reused code: status %d; want refused\n%s", w.Code, w.Body)
	}
	// The next step's code works.
	e.clock.Add(30 * time.Second)
	code, _ = auth.TOTPCode(key.Secret(), e.clock.Now())
	if w := e.do(http.MethodPost, "/admin/sign-in/code", url.Values{"code": {code}}, pending2); w.Code != http.StatusSeeOther {
		t.Errorf("a fresh code: status %d", w.Code)
	}
}

func TestPasswordHashIsUpgradedAtSignIn(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	weak := auth.Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}
	hash, err := auth.Hash(testPassword, weak)
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.store.CreateStaff(context.Background(), store.CommandLine(), magazine.StaffInput{Email: "old@example.com", Role: magazine.RoleAuthor}, hash)
	if err != nil {
		t.Fatal(err)
	}
	if e.sessionCookie(e.signIn("old@example.com", testPassword, nil)) == nil {
		t.Fatal("sign-in with an old hash failed")
	}
	cred, err := e.store.StaffCredentials(context.Background(), st.ID)
	if err != nil {
		t.Fatal(err)
	}
	p, _, _, err := auth.Decode(cred.PasswordHash)
	if err != nil || p.Memory != testParams.Memory || p.Time != testParams.Time {
		t.Fatalf("stored hash %q after sign-in: want today's parameters m=%d,t=%d", cred.PasswordHash, testParams.Memory, testParams.Time)
	}
	if e.sessionCookie(e.signIn("old@example.com", testPassword, nil)) == nil {
		t.Fatal("the upgraded hash does not verify")
	}
}
