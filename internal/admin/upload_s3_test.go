package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/s3test"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestUploadWhenBucketFails: an upload while the object store refuses is
// a 503 with a plain message (no S3 error text), and records nothing; the
// same upload goes through once the bucket answers.
func TestUploadWhenBucketFails(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	cfg := s3test.Config(t)
	good := cfg
	cfg.SecretKey = "wrong"
	broken, err := media.NewS3(cfg)
	if err != nil {
		t.Fatal(err)
	}
	n.admin.files, n.admin.images = broken, media.NewIngester(broken, media.Limits{})
	contributor := n.session(n.staff[magazine.RoleContributor])
	img := pngImage(t, 40, 30)

	w := n.uploadForm("/admin/articles/upload", url.Values{"alt": {"A lighthouse"}}, img, contributor)
	var ans uploadAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusServiceUnavailable ||
		!strings.Contains(ans.Error, "file store did not answer") || strings.Contains(w.Body.String(), "Signature") || ans.URL != "" {
		t.Errorf("upload with the bucket refusing: %d %s", w.Code, w.Body)
	}
	key, _ := media.Key(img, "image/png")
	if _, err := n.store.MediaByKey(context.Background(), key); !magazine.IsNotFound(err) {
		t.Errorf("the failed upload was recorded: %v", err)
	}

	working, err := media.NewS3(good)
	if err != nil {
		t.Fatal(err)
	}
	n.admin.files, n.admin.images = working, media.NewIngester(working, media.Limits{})
	w = n.uploadForm("/admin/articles/upload", url.Values{"alt": {"A lighthouse"}}, img, contributor)
	ans = uploadAnswer{}
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusOK || !strings.HasPrefix(ans.URL, "/media/") {
		t.Fatalf("upload with the bucket answering: %d %s", w.Code, w.Body)
	}
	if _, err := working.Size(context.Background(), strings.TrimPrefix(ans.URL, "/media/")); err != nil {
		t.Errorf("the upload is not in the bucket: %v", err)
	}
}
