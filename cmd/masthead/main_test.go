package main

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"sync"
	"testing"
	"time"

	_ "modernc.org/sqlite"
)

// syncBuffer is a bytes.Buffer safe for the server goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// startServe runs `masthead serve` as main would and returns its base URL.
func startServe(t *testing.T, vars map[string]string, args ...string) (string, *syncBuffer, func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr := &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, append([]string{"masthead", "serve", "--addr", "127.0.0.1:0"}, args...), env(vars), stdout, stderr)
	}()
	addr := regexp.MustCompile(`Open (http://\S+)/`)
	// Generous: on a shared CI machine running every package's tests at once,
	// a start has been seen to take over a minute. This bounds a hang; it is
	// not a speed check.
	deadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(deadline) {
		select {
		case err := <-done:
			cancel()
			t.Fatalf("serve exited early: %v\nstdout: %s\nstderr: %s", err, stdout, stderr)
		default:
		}
		if m := addr.FindStringSubmatch(stdout.String()); m != nil {
			// Ask the listener's real port, printed as "on 127.0.0.1:PORT".
			port := regexp.MustCompile(`on (127\.0\.0\.1:\d+)`).FindStringSubmatch(stdout.String())
			stop := sync.OnceValue(func() error {
				cancel()
				select {
				case err := <-done:
					return err
				case <-time.After(15 * time.Second):
					return errors.New("serve did not stop within 15 s")
				}
			})
			t.Cleanup(func() { stop() })
			return "http://" + port[1], stdout, stop
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	t.Fatalf("serve did not start\nstdout: %s\nstderr: %s", stdout, stderr)
	return "", nil, nil
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServeDemo is the README's first command: an empty data folder, the
// demo magazine, a multi-page article with its byline on every page.
func TestServeDemo(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	base, stdout, stop := startServe(t, map[string]string{"MASTHEAD_DATA": data, "MASTHEAD_LOG_LEVEL": "warn"}, "--demo", "--memory-limit-mb", "300")
	if !strings.Contains(stdout.String(), "Demo magazine ready") {
		t.Errorf("no seeding summary in %s", stdout)
	}
	if got := debug.SetMemoryLimit(-1); got != 300<<20 {
		t.Errorf("--memory-limit-mb 300 set a limit of %d bytes", got)
	}
	status, home := get(t, base+"/")
	if status != 200 || !strings.Contains(home, "Politics") || !strings.Contains(home, "Foreign Affairs") {
		t.Fatalf("home: %d", status)
	}
	if status, _ := get(t, base+"/healthz"); status != 200 {
		t.Errorf("healthz: %d", status)
	}
	// Find a multi-page public article through the API and open each page.
	db, err := sql.Open("sqlite", filepath.Join(data, "masthead.db")+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var slug string
	var pages int
	err = db.QueryRow(`SELECT slug, page_count FROM articles WHERE status = 'published' AND visibility = 'public'
		AND page_count > 1 AND body_md LIKE '%Credit:%' ORDER BY id LIMIT 1`).Scan(&slug, &pages)
	if err != nil {
		t.Fatalf("the demo has no public multi-page article with a figure: %v", err)
	}
	for n := 1; n <= pages; n++ {
		path := "/articles/" + slug
		if n > 1 {
			path += "/" + string(rune('0'+n))
		}
		status, body := get(t, base+path)
		if status != 200 {
			t.Fatalf("%s: %d", path, status)
		}
		if !regexp.MustCompile(`Written by <a href="/authors/[a-z0-9-]+" rel="author">[^<]+</a>.* on <time datetime="[^"]+">[A-Z][a-z]+ \d+, \d{4}</time>`).MatchString(body) {
			t.Errorf("%s: no byline with author link and date", path)
		}
		if !strings.Contains(body, "Page "+string(rune('0'+n))+" of "+string(rune('0'+pages))) {
			t.Errorf("%s: no page %d of %d", path, n, pages)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("graceful stop: %v", err)
	}

	// A second start on the same folder keeps the content and does not
	// seed again.
	_, stdout2, stop2 := startServe(t, map[string]string{"MASTHEAD_DATA": data, "MASTHEAD_LOG_LEVEL": "warn"}, "--demo")
	if !strings.Contains(stdout2.String(), "already has content") {
		t.Errorf("second start: %s", stdout2)
	}
	stop2()
}

func TestBadStart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "plain-file")
	os.WriteFile(file, []byte("x"), 0o644)
	corrupt := filepath.Join(dir, "corrupt")
	os.MkdirAll(corrupt, 0o755)
	os.WriteFile(filepath.Join(corrupt, "masthead.db"), bytes.Repeat([]byte("not a database "), 400), 0o644)
	tests := []struct {
		name string
		args []string
		want string
		code int
	}{
		{"unwritable data folder", []string{"masthead", "migrate", "--data", filepath.Join(file, "sub")}, filepath.Join(file, "sub"), 1},
		{"corrupt database", []string{"masthead", "migrate", "--data", corrupt}, "restore it from a backup", 1},
		{"unknown command", []string{"masthead", "publish"}, `unknown command "publish"`, 2},
		{"bad flag", []string{"masthead", "serve", "--port", "80"}, "flag provided but not defined", 2},
		{"stray argument", []string{"masthead", "migrate", "now"}, `unexpected argument "now"`, 2},
		{"bad base url", []string{"masthead", "serve", "--data", t.TempDir(), "--base-url", "example.com"}, "must start with http", 2},
		{"memory limit below the cache", []string{"masthead", "serve", "--data", t.TempDir(), "--memory-limit-mb", "40"}, "at least 80", 2},
		{"bad CDN purge style", []string{"masthead", "serve", "--data", t.TempDir(), "--cdn-purge-url", "https://api.cdn.example/purge", "--cdn-purge-style", "akamai"}, "not one of fastly or cloudflare", 2},
		{"negative memory limit", []string{"masthead", "serve", "--data", t.TempDir(), "--memory-limit-mb", "-1"}, "--memory-limit-mb -1", 2},
		{"bad log level", []string{"masthead", "migrate", "--data", t.TempDir(), "--log-level", "loud"}, "--log-level", 2},
		{"bad env number", []string{"masthead", "demo", "--data", t.TempDir()}, "MASTHEAD_ARTICLES", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(context.Background(), tt.args, env(map[string]string{"MASTHEAD_ARTICLES": "many"}), &out, &errOut)
			if err == nil {
				t.Fatalf("no error; stdout %s", out.String())
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not mention %q", err, tt.want)
			}
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d", got, tt.code)
			}
			if strings.Count(err.Error(), "\n") > 0 {
				t.Errorf("error is not one line: %q", err)
			}
		})
	}
}

func TestNewerDatabaseRefused(t *testing.T) {
	t.Parallel()
	data := t.TempDir()
	var out bytes.Buffer
	if err := run(context.Background(), []string{"masthead", "migrate", "--data", data}, env(nil), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "schema version") {
		t.Errorf("migrate said %q", out.String())
	}
	db, err := sql.Open("sqlite", filepath.Join(data, "masthead.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, '9999_future.sql', 0)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	err = run(context.Background(), []string{"masthead", "serve", "--data", data, "--addr", "127.0.0.1:0"}, env(nil), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "newer masthead binary") {
		t.Errorf("serve on a newer database: %v", err)
	}
}

func TestHelpAndVersion(t *testing.T) {
	t.Parallel()
	for _, args := range [][]string{{"masthead"}, {"masthead", "help"}, {"masthead", "help", "serve"}, {"masthead", "serve", "--help"}, {"masthead", "version"}} {
		var out bytes.Buffer
		if err := run(context.Background(), args, env(nil), &out, io.Discard); err != nil {
			t.Errorf("%v: %v", args, err)
		}
		if out.Len() == 0 {
			t.Errorf("%v printed nothing", args)
		}
	}
	var out bytes.Buffer
	run(context.Background(), []string{"masthead", "help", "serve"}, env(nil), &out, io.Discard)
	for _, flag := range []string{"--addr", "MASTHEAD_ADDR", "--data", "--database", "--base-url", "MASTHEAD_BASE_URL", "--demo"} {
		if !strings.Contains(out.String(), flag) {
			t.Errorf("serve help lacks %s", flag)
		}
	}
}
