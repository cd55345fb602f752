package main

// The security regression suite: each finding of the probing in issue 9 is
// replayed against a running `masthead serve --demo` over real HTTP, with
// the demo's role logins and real uploads. The harness is here; the
// findings are in security_*_test.go, one file per area.

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/admin"
)

// secDemo is one demo magazine served on loopback for a security test.
type secDemo struct {
	Base   string // http://127.0.0.1:PORT
	Data   string // the data folder (masthead.db, media)
	Stdout *syncBuffer
	Stop   func() error
}

// startSecurityDemo serves a fresh demo magazine; extra flags (and
// MASTHEAD_* variables in vars) are added to the command line.
func startSecurityDemo(t *testing.T, vars map[string]string, args ...string) *secDemo {
	t.Helper()
	data := t.TempDir()
	all := map[string]string{"MASTHEAD_DATA": data, "MASTHEAD_LOG_LEVEL": "warn"}
	for k, v := range vars {
		all[k] = v
	}
	base, stdout, stop := startServe(t, all, append([]string{"--demo"}, args...)...)
	return &secDemo{Base: base, Data: data, Stdout: stdout, Stop: stop}
}

// secResponse is what a request got: status, headers and the whole body.
type secResponse struct {
	Status int
	Header http.Header
	Body   string
}

// secClient is a browser of its own: a cookie jar, and redirects not
// followed, so that a test sees each answer.
type secClient struct {
	t    *testing.T
	base string
	http *http.Client
}

// client returns a new browser with no cookies.
func (d *secDemo) client(t *testing.T) *secClient {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &secClient{t: t, base: d.Base, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// do sends req (a path relative to the server is resolved against it).
func (c *secClient) do(req *http.Request) secResponse {
	c.t.Helper()
	if req.URL.Host == "" {
		u, err := url.Parse(c.base + req.URL.RequestURI())
		if err != nil {
			c.t.Fatal(err)
		}
		req.URL = u
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatalf("%s %s: reading the body: %v", req.Method, req.URL, err)
	}
	return secResponse{Status: resp.StatusCode, Header: resp.Header, Body: string(body)}
}

func (c *secClient) get(path string) secResponse {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form, as a browser on the same site would.
func (c *secClient) post(path string, form url.Values) secResponse {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// staff signs a new browser in as the demo member of staff of role
// (owner, admin, editor, author, contributor) with the demo password.
func (d *secDemo) staff(t *testing.T, role string) *secClient {
	t.Helper()
	c := d.client(t)
	resp := c.post("/admin/sign-in", url.Values{"email": {role + "@demo.masthead.example"}, "password": {admin.DemoPassword}})
	if resp.Status != http.StatusSeeOther {
		t.Fatalf("demo %s could not sign in: %d\n%s", role, resp.Status, resp.Body)
	}
	return c
}
