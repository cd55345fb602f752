package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/admin"
)

// signInOverHTTP signs in through the real form of a running server and
// returns the dashboard's HTML.
func signInOverHTTP(t *testing.T, base, email, password string) (int, string) {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar}
	req, _ := http.NewRequest(http.MethodPost, base+"/admin/sign-in",
		strings.NewReader(url.Values{"email": {email}, "password": {password}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", base)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestUserCreateFirstOwner(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	vars := map[string]string{"MASTHEAD_DATA": data}
	var stdout, stderr strings.Builder
	err := run(context.Background(), []string{"masthead", "user", "create", "--email", "Olive@Example.com", "--name", "Olive", "--role", "owner", "--generate-password"},
		env(vars), &stdout, &stderr)
	if err != nil {
		t.Fatalf("user create: %v\n%s", err, stderr.String())
	}
	m := regexp.MustCompile(`Password \(shown once; keep it somewhere safe\): (\S+)`).FindStringSubmatch(stdout.String())
	if m == nil || !strings.Contains(stdout.String(), "Created owner olive@example.com") {
		t.Fatalf("output does not show the owner and the password:\n%s", stdout.String())
	}

	// A second owner is refused, with a way forward.
	stdout.Reset()
	err = run(context.Background(), []string{"masthead", "user", "create", "--email", "other@example.com", "--role", "owner", "--generate-password"}, env(vars), &stdout, &stderr)
	if err == nil || !strings.Contains(err.Error(), "already has an owner") || exitCode(err) != 1 {
		t.Errorf("second owner: err = %v, want a refusal", err)
	}
	for _, args := range [][]string{
		{"--email", "x@example.com", "--role", "chief", "--generate-password"},
		{"--email", "not-an-address", "--role", "editor", "--generate-password"},
	} {
		err := run(context.Background(), append([]string{"masthead", "user", "create"}, args...), env(vars), &stdout, &stderr)
		if exitCode(err) != 2 || !strings.HasPrefix(err.Error(), "--") {
			t.Errorf("%v: err = %v, want a usage error naming the flag", args, err)
		}
	}

	// The owner signs in to the admin of the running server.
	base, _, stop := startServe(t, map[string]string{"MASTHEAD_DATA": data, "MASTHEAD_LOG_LEVEL": "warn"})
	status, body := signInOverHTTP(t, base, "olive@example.com", m[1])
	if status != http.StatusOK || !strings.Contains(body, "<h1>Dashboard</h1>") || !strings.Contains(body, "Olive (owner)") {
		t.Fatalf("sign-in with the generated password: %d\n%s", status, body)
	}
	if err := stop(); err != nil {
		t.Error(err)
	}
}

func TestUserCreateReadsPassword(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"MASTHEAD_DATA": t.TempDir()}
	create := func(stdin string) (string, error) {
		var stdout strings.Builder
		err := userCmd(context.Background(), []string{"create", "--email", "ed@example.com", "--role", "editor"}, env(vars), strings.NewReader(stdin), &stdout, io.Discard)
		return stdout.String(), err
	}
	if _, err := create("Password2024!\n"); err == nil || !strings.Contains(err.Error(), "among the first an attacker would try") {
		t.Errorf("a common password: err = %v, want refused", err)
	}
	if _, err := create(""); err == nil || !strings.Contains(err.Error(), "--generate-password") {
		t.Errorf("no password: err = %v, want a hint", err)
	}
	long := strings.Repeat("a long pass phrase of many words ", 4)[:128]
	out, err := create(long + "\n")
	if err != nil || strings.Contains(out, long) {
		t.Fatalf("a 128-character password: %v\n%s", err, out)
	}
	base, _, _ := startServe(t, map[string]string{"MASTHEAD_DATA": vars["MASTHEAD_DATA"], "MASTHEAD_LOG_LEVEL": "warn"})
	if status, body := signInOverHTTP(t, base, "ed@example.com", long); status != http.StatusOK || !strings.Contains(body, "(editor)") {
		t.Errorf("sign-in with the password read from stdin: %d", status)
	}
}

// TestServeDemoStaff: `serve --demo` prints how to sign in, and each demo
// account does.
func TestServeDemoStaff(t *testing.T) {
	t.Parallel()
	base, stdout, _ := startServe(t, map[string]string{"MASTHEAD_DATA": t.TempDir(), "MASTHEAD_LOG_LEVEL": "warn"}, "--demo")
	out := stdout.String()
	if !strings.Contains(out, "DEMO ONLY") || !strings.Contains(out, admin.DemoPassword) {
		t.Fatalf("serve --demo does not print the demo password as DEMO ONLY:\n%s", out)
	}
	for _, role := range []string{"owner", "admin", "editor", "author", "contributor"} {
		m := regexp.MustCompile(`(?m)^\s+` + role + `\s+(\S+@\S+)$`).FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no demo %s printed", role)
			continue
		}
		status, body := signInOverHTTP(t, base, m[1], admin.DemoPassword)
		if status != http.StatusOK || !strings.Contains(body, "("+role+")") {
			t.Errorf("demo %s %s cannot sign in: %d", role, m[1], status)
		}
		if role == "editor" && !regexp.MustCompile(`<strong id="count-published">[1-9]\d*</strong>`).MatchString(body) {
			t.Errorf("the dashboard of the demo shows no published articles:\n%s", body)
		}
	}
}
