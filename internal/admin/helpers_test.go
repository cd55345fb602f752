package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

// testParams keep hashing fast in tests; the production parameters are
// checked in package auth.
var testParams = auth.Params{Memory: 256, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}

const testPassword = "tangerine-orbit-slowly-87"

// clock is a settable clock shared by the admin and the store.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an admin on a fresh store, its handler, and the staff of each role.
type env struct {
	t     *testing.T
	store *store.Store
	admin *Admin
	h     http.Handler
	clock *clock
	staff map[magazine.Role]magazine.Staff
}

func newEnv(t *testing.T, baseURL string) *env {
	t.Helper()
	return newEnvOn(t, storetest.SQLite(t), baseURL)
}

func newEnvOn(t *testing.T, st *store.Store, baseURL string) *env {
	t.Helper()
	c := &clock{t: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	st.Now = c.Now
	a, err := New(Config{Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: baseURL, Now: c.Now, HashParams: testParams})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	a.Register(mux)
	e := &env{t: t, store: st, admin: a, h: mux, clock: c, staff: map[magazine.Role]magazine.Staff{}}
	for _, role := range magazine.Roles() {
		e.staff[role] = e.addStaff(string(role)+"@example.com", role, testPassword)
	}
	return e
}

func (e *env) addStaff(email string, role magazine.Role, password string) magazine.Staff {
	e.t.Helper()
	hash, err := auth.Hash(password, testParams)
	if err != nil {
		e.t.Fatal(err)
	}
	st, err := e.store.CreateStaff(context.Background(), store.CommandLine(), magazine.StaffInput{Email: email, Name: "Test " + string(role), Role: role}, hash)
	if err != nil {
		e.t.Fatal(err)
	}
	return st
}

// session opens a signed-in session for st straight in the store and
// returns the cookie the browser would hold.
func (e *env) session(st magazine.Staff) *http.Cookie {
	e.t.Helper()
	id, hash := auth.NewSessionID()
	if err := e.store.CreateSession(context.Background(), store.NewSession{IDHash: hash, StaffID: st.ID, Stage: store.StageFull,
		ExpiresAt: e.clock.Now().Add(time.Hour)}); err != nil {
		e.t.Fatal(err)
	}
	return &http.Cookie{Name: e.admin.cookies.Name(), Value: id}
}

// do sends a request as a browser on the admin's own site would: POSTs
// carry Sec-Fetch-Site: same-origin.
func (e *env) do(method, path string, form url.Values, cookie *http.Cookie, header ...string) *httptest.ResponseRecorder {
	e.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r := httptest.NewRequest(method, "http://masthead.test"+path, body)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if method == http.MethodPost {
		r.Header.Set("Sec-Fetch-Site", "same-origin")
	}
	for i := 0; i+1 < len(header); i += 2 {
		if header[i] == "RemoteAddr" { // not a header: the client's address
			r.RemoteAddr = header[i+1]
			continue
		}
		r.Header.Set(header[i], header[i+1])
	}
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

// signIn posts the sign-in form and returns the response.
func (e *env) signIn(email, password string, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.do(http.MethodPost, "/admin/sign-in", url.Values{"email": {email}, "password": {password}, "next": {"/admin/"}}, cookie)
}

// sessionCookie returns the session cookie a response set, or nil.
func (e *env) sessionCookie(w *httptest.ResponseRecorder) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == e.admin.cookies.Name() && c.MaxAge >= 0 && c.Value != "" {
			return c
		}
	}
	return nil
}

// signedIn reports whether cookie opens the dashboard.
func (e *env) signedIn(cookie *http.Cookie) bool {
	e.t.Helper()
	w := e.do(http.MethodGet, "/admin/", nil, cookie)
	switch w.Code {
	case http.StatusOK:
		return true
	case http.StatusSeeOther:
		if !strings.HasPrefix(w.Header().Get("Location"), "/admin/sign-in") {
			e.t.Fatalf("GET /admin/ redirected to %q", w.Header().Get("Location"))
		}
		return false
	}
	e.t.Fatalf("GET /admin/: status %d\n%s", w.Code, w.Body)
	return false
}

// addAd puts an ad tag in the inventory, running this month everywhere.
func (e *env) addAd() magazine.Ad {
	e.t.Helper()
	now := e.clock.Now()
	ad := magazine.Ad{Name: "Network", Kind: magazine.AdTag, TagHTML: `<div id="ad"></div>`, Weight: 1, Slots: magazine.AdSlots(),
		Starts: now.AddDate(0, 0, -1).Truncate(24 * time.Hour), Ends: now.AddDate(0, 1, 0).Truncate(24 * time.Hour)}
	if err := e.store.CreateAd(context.Background(), store.Actor{}, &ad); err != nil {
		e.t.Fatal(err)
	}
	return ad
}
