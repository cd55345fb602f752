package admin

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// setIssueCover sets the cover from an uploaded file (field "file") or,
// without one, from an image uploaded before (field "key").
func (a *Admin) setIssueCover(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	key, err := a.coverKey(w, r)
	if err == nil {
		err = a.store.SetIssueCover(r.Context(), issue.ID, media.URL(key))
	}
	if err != nil {
		return a.issueError(w, r, me, issue, a.newPage(me, issue.Label()), renameField(err, "file", "cover"))
	}
	if err := a.audit(r, me, "issue.cover", issue.Label(), ""); err != nil {
		return err
	}
	return done(issue.ID, "cover")
}

// coverKey stores an uploaded image and returns its key, or checks that
// the chosen key is an image already stored.
func (a *Admin) coverKey(w http.ResponseWriter, r *http.Request) (string, error) {
	ctx := r.Context()
	// The form was parsed within maxUploadRequest by limitBody.
	file, header, err := r.FormFile("file")
	if errors.Is(err, http.ErrMissingFile) || errors.Is(err, http.ErrNotMultipart) {
		key := strings.TrimSpace(r.PostFormValue("key"))
		if key == "" {
			return "", magazine.FieldError("cover", "Choose an image file to upload, or one of the images below.")
		}
		m, err := a.store.MediaByKey(ctx, key)
		if magazine.IsNotFound(err) || (err == nil && (m.Width == 0 || m.VariantOf != "")) {
			return "", magazine.FieldError("cover", "That image is no longer stored. Choose another or upload one.")
		}
		return key, err
	} else if err != nil {
		return "", magazine.FieldError("cover", "The upload was interrupted. Try again.")
	}
	defer file.Close()
	if header.Size > media.MaxImageBytes {
		return "", &magazine.Error{Code: magazine.ETOOLARGE, Field: "cover", Message: "The image is larger than the 20 MB limit. Make it smaller and upload it again."}
	}
	if a.files == nil {
		return "", magazine.FieldError("cover", "Uploads are not set up on this server. Choose one of the images below.")
	}
	data, err := io.ReadAll(file)
	if err != nil {
		return "", magazine.FieldError("cover", "The upload was interrupted. Try again.")
	}
	img, err := a.images.Ingest(ctx, data)
	if err != nil {
		return "", err
	}
	variants := make([]store.Media, len(img.Variants))
	for i, v := range img.Variants {
		variants[i] = store.Media{Key: v.Key, ContentType: img.ContentType, Size: int64(v.Size), Width: v.Width, Height: v.Width * img.Height / img.Width}
		if img.ContentType == "image/gif" {
			variants[i].ContentType = "image/png" // Ingest makes stills of GIFs
		}
	}
	_, err = a.store.RecordImage(ctx, store.Media{Key: img.Key, Name: header.Filename, ContentType: img.ContentType,
		Size: int64(img.Size), Width: img.Width, Height: img.Height}, variants)
	return img.Key, err
}
