package main

import (
	"context"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// masthead reader comp gives a subscription; masthead reader link prints a
// link that signs the reader in on the running site, once.
func TestReaderCompAndLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	_, vars := dataWithPlans(t)
	var out, errs strings.Builder
	call := func(args ...string) error {
		out.Reset()
		return run(ctx, append([]string{"masthead", "reader"}, args...), env(vars), &out, &errs)
	}
	if err := call("comp", "--email", "Guest@Example.com", "--plan", "digital", "--until", "2099-01-31"); err != nil {
		t.Fatalf("comp: %v", err)
	}
	if !strings.Contains(out.String(), "guest@example.com has Digital, complimentary, until the end of January 31, 2099") {
		t.Errorf("comp says %q", out.String())
	}
	for _, bad := range [][]string{
		{"comp", "--email", "guest@example.com", "--plan", "gold", "--until", "2099-01-31"},
		{"comp", "--email", "guest@example.com", "--plan", "digital", "--until", "31/01/2099"},
		{"comp", "--email", "guest@example.com", "--plan", "digital", "--until", "2001-01-31"},
		{"comp", "--email", "not an address", "--plan", "digital", "--until", "2099-01-31"},
		{"link", "--email", "nobody@example.com"},
		{"sing"},
	} {
		if err := call(bad...); exitCode(err) != 2 {
			t.Errorf("%v: err = %v, want a usage error", bad, err)
		}
	}

	base, _, stop := startServe(t, vars)
	defer stop()
	if err := call("link", "--email", "guest@example.com", "--base-url", base); err != nil {
		t.Fatal(err)
	}
	link := strings.TrimSpace(out.String())
	if !regexp.MustCompile(`^` + regexp.QuoteMeta(base) + `/sign-in/link/[A-Za-z0-9_-]{43}$`).MatchString(link) {
		t.Fatalf("link = %q", link)
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for i, want := range []int{http.StatusSeeOther, http.StatusGone} {
		resp, err := client.Post(link, "application/x-www-form-urlencoded", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("use %d of the link: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
}
