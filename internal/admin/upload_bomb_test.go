package admin

import (
	"context"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/mediatest"
	"github.com/masthead-press/masthead/internal/storetest"
)

// TestUploadRefusesGIFBomb is issue 9's finding 1 on every admin path
// that ingests images: the editor's upload (with and without script) and
// the issue cover refuse the 1 MB GIF of 90 frames of 4000×4000 with a
// plain message by the file field, and record nothing.
func TestUploadRefusesGIFBomb(t *testing.T) {
	t.Parallel()
	n := newEditorEnv(t, storetest.SQLite(t))
	ctx := context.Background()
	bomb := mediatest.GIFBomb(4000, 4000, 90)
	contributor := n.session(n.staff[magazine.RoleContributor])

	w := n.uploadForm("/admin/articles/upload", url.Values{"alt": {"A harmless cat"}}, bomb, contributor)
	var ans uploadAnswer
	if err := json.Unmarshal(w.Body.Bytes(), &ans); err != nil || w.Code != http.StatusBadRequest || ans.Field != "file" ||
		!strings.Contains(ans.Error, "90 frames on a 4000×4000 canvas") {
		t.Errorf("editor upload of the bomb: %d %s", w.Code, w.Body)
	}

	f := n.form("With a bomb")
	f.Set("action", "upload")
	f.Set("alt", "A harmless cat")
	w = n.uploadForm("/admin/articles", f, bomb, contributor)
	if body := w.Body.String(); w.Code != http.StatusBadRequest || !strings.Contains(body, `id="file-error" role="alert">This GIF has 90 frames`) {
		t.Errorf("editor form with the bomb: %d\n%s", w.Code, body)
	}

	e := newEnv(t, "http://masthead.test")
	e.admin.files, e.admin.images = n.admin.files, n.admin.images
	nr := e.newsroom()
	w = e.upload(nr.issue+"/cover", "cover.gif", bomb, e.session(e.staff[magazine.RoleEditor]))
	if body := w.Body.String(); w.Code != http.StatusUnprocessableEntity || !strings.Contains(body, `id="cover-error">This GIF has 90 frames`) {
		t.Errorf("cover upload of the bomb: %d\n%s", w.Code, body)
	}
	if issue, _ := e.store.IssueByID(ctx, nr.issueID); issue.CoverURL != "" {
		t.Errorf("the bomb became the cover %q", issue.CoverURL)
	}
	var files []string
	filepath.WalkDir(n.admin.files.(*media.Disk).Dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return nil
	})
	if len(files) != 0 {
		t.Errorf("the refused bomb left files: %v", files)
	}
}
