package main

import (
	"bytes"
	"context"
	"io"
	"maps"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/s3test"
)

// s3Vars is the environment that points the commands at a fresh bucket of
// the test S3 server.
func s3Vars(t *testing.T) (map[string]string, media.S3Config) {
	cfg := s3test.Config(t)
	return map[string]string{
		"MASTHEAD_S3_BUCKET": cfg.Bucket, "MASTHEAD_S3_ENDPOINT": cfg.Endpoint, "MASTHEAD_S3_PATH_STYLE": "true",
		"MASTHEAD_S3_REGION": cfg.Region, "MASTHEAD_S3_ACCESS_KEY": cfg.AccessKey, "MASTHEAD_S3_SECRET_KEY": cfg.SecretKey,
	}, cfg
}

// TestMediaMigrateThenServe is the move of a one-machine magazine to
// object storage: the demo's media folder is copied into a bucket (run
// twice, the second run copies nothing), the folder is put away, and
// serve then shows the images from the bucket, or redirects to them.
func TestMediaMigrateThenServe(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data := t.TempDir()
	var out bytes.Buffer
	if err := run(ctx, []string{"masthead", "demo", "--data", data}, env(nil), &out, io.Discard); err != nil {
		t.Fatalf("demo: %v\n%s", err, out.String())
	}
	files, err := (&media.Disk{Dir: filepath.Join(data, "media")}).List(ctx)
	if err != nil || len(files) == 0 {
		t.Fatalf("the demo stored no media: %v", err)
	}
	vars, _ := s3Vars(t)
	out.Reset()
	if err := run(ctx, []string{"masthead", "media", "migrate", "--to", "s3", "--data", data}, env(vars), &out, io.Discard); err != nil {
		t.Fatalf("migrate: %v\n%s", err, out.String())
	}
	n := len(files)
	if s := out.String(); !strings.Contains(s, "100%  "+strconv.Itoa(n)+"/"+strconv.Itoa(n)) || !strings.Contains(s, strconv.Itoa(n)+" copied, 0 already") {
		t.Errorf("migrate's output does not show %d files copied with a progress bar:\n%s", n, s)
	}
	out.Reset()
	if err := run(ctx, []string{"masthead", "media", "migrate", "--to", "s3", "--data", data}, env(vars), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "0 copied, "+strconv.Itoa(n)+" already in the bucket") {
		t.Errorf("the second run copied again:\n%s", out.String())
	}
	if err := os.Rename(filepath.Join(data, "media"), filepath.Join(data, "media.moved")); err != nil {
		t.Fatal(err)
	}

	vars["MASTHEAD_DATA"], vars["MASTHEAD_LOG_LEVEL"] = data, "warn"
	base, _, stop := startServe(t, vars)
	_, home := get(t, base+"/")
	image := regexp.MustCompile(`/media/[0-9a-f]{2}/[0-9a-f]{64}\.(?:jpg|png|webp|gif)`).FindString(home)
	if image == "" {
		t.Fatal("the home page shows no image")
	}
	want, err := os.ReadFile(filepath.Join(data, "media.moved", strings.TrimPrefix(image, "/media/")))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest("GET", base+image, nil)
	req.Header.Set("Range", "bytes=100-299")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusPartialContent || !bytes.Equal(got, want[100:300]) {
		t.Errorf("a range of %s from the bucket: %d, %d bytes", image, resp.StatusCode, len(got))
	}
	if _, err := os.Stat(filepath.Join(data, "media")); err == nil {
		t.Error("serve on S3 made a media folder")
	}
	stop()

	base, _, _ = startServe(t, vars, "--s3-redirect", "public")
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err = noFollow.Get(base + image)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || !strings.HasPrefix(loc, vars["MASTHEAD_S3_ENDPOINT"]+"/") {
		t.Errorf("with --s3-redirect public: %d to %q, want a 302 to the bucket", resp.StatusCode, loc)
	}
	if _, body := get(t, base+image); body != string(want) {
		t.Error("the redirect does not lead to the image")
	}
}

// TestBadS3Start: a bucket that cannot be used stops serve at once with
// one line naming the server and what to check; so do flags that do not
// go together.
func TestBadS3Start(t *testing.T) {
	t.Parallel()
	good, _ := s3Vars(t)
	with := func(changes ...string) map[string]string {
		v := maps.Clone(good)
		for i := 0; i+1 < len(changes); i += 2 {
			v[changes[i]] = changes[i+1]
		}
		return v
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "http://" + l.Addr().String()
	l.Close()
	tests := []struct {
		name string
		vars map[string]string
		args []string
		want []string
		code int
	}{
		{"wrong secret", with("MASTHEAD_S3_SECRET_KEY", "wrong"), nil, []string{good["MASTHEAD_S3_ENDPOINT"], "refused the credentials", "MASTHEAD_S3_SECRET_KEY"}, 1},
		{"no such bucket", with("MASTHEAD_S3_BUCKET", "no-such-bucket"), nil, []string{`"no-such-bucket"`, "does not exist"}, 1},
		{"no server", with("MASTHEAD_S3_ENDPOINT", nobody), nil, []string{nobody, "cannot reach", "--s3-endpoint"}, 1},
		{"no credentials", with("MASTHEAD_S3_ACCESS_KEY", "", "MASTHEAD_S3_SECRET_KEY", ""), nil, []string{"MASTHEAD_S3_ACCESS_KEY", "AWS_ACCESS_KEY_ID"}, 2},
		{"endpoint without bucket", with("MASTHEAD_S3_BUCKET", ""), nil, []string{"--s3-bucket"}, 2},
		{"bad path style", with("MASTHEAD_S3_PATH_STYLE", "sometimes"), nil, []string{"MASTHEAD_S3_PATH_STYLE", "true, false or auto"}, 2},
		{"redirect on disk", map[string]string{}, []string{"--s3-redirect", "all"}, []string{"--s3-redirect", "--s3-bucket"}, 2},
		{"bad redirect", good, []string{"--s3-redirect", "images"}, []string{"none, public or all"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"masthead", "serve", "--addr", "127.0.0.1:0", "--data", t.TempDir()}, tt.args...)
			var out bytes.Buffer
			err := run(context.Background(), args, env(tt.vars), &out, io.Discard)
			if err == nil {
				t.Fatalf("serve started; stdout %s", out.String())
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("%q does not say %q", err, w)
				}
			}
			if got := exitCode(err); got != tt.code {
				t.Errorf("exit code %d, want %d", got, tt.code)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("not one line: %q", err)
			}
		})
	}
}

// TestDoctorChecksBucket: doctor says whether the bucket answers, with the
// standard AWS variables too.
func TestDoctorChecksBucket(t *testing.T) {
	t.Parallel()
	vars, cfg := s3Vars(t)
	delete(vars, "MASTHEAD_S3_ACCESS_KEY")
	delete(vars, "MASTHEAD_S3_SECRET_KEY")
	vars["AWS_ACCESS_KEY_ID"], vars["AWS_SECRET_ACCESS_KEY"] = cfg.AccessKey, cfg.SecretKey
	var out bytes.Buffer
	if err := run(context.Background(), []string{"masthead", "doctor"}, env(vars), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`ok +S3 +media storage\n +bucket "` + cfg.Bucket + `" at ` + regexp.QuoteMeta(cfg.Endpoint) + ` is reachable`).MatchString(out.String()) {
		t.Errorf("doctor does not report the bucket reachable:\n%s", out.String())
	}
	vars["AWS_SECRET_ACCESS_KEY"] = "wrong"
	out.Reset()
	if err := run(context.Background(), []string{"masthead", "doctor"}, env(vars), &out, io.Discard); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "BROKEN   S3") || !strings.Contains(out.String(), "refused the credentials") {
		t.Errorf("doctor does not report the bad secret:\n%s", out.String())
	}
}
