package adminapi

import (
	"io"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/markdown"
	"github.com/masthead-press/masthead/internal/media"
)

// maxUpload bounds an image upload: the image at its limit and the figure's
// fields.
const maxUpload = media.MaxImageBytes + 64<<10

type image struct {
	URL      string `json:"url"`
	Width    int    `json:"width"`
	Height   int    `json:"height"`
	Markdown string `json:"markdown"`
}

// uploadImage stores an image as the editor's upload does: the Ingester
// checks its content and pixels, strips its metadata and makes smaller
// copies. The answer holds the figure block to put in an article's body.
func (a *API) uploadImage(w http.ResponseWriter, r *http.Request, k magazine.APIKey) error {
	if a.images == nil {
		return magazine.Errorf(magazine.EUNAVAILABLE, "Image uploads are not set up on this server.")
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		return magazine.Errorf(magazine.EINVALID, "Send the image as multipart/form-data, in the field \"file\", with \"alt\".")
	}
	if err := httpx.ParseForm(w, r, maxUpload); err != nil {
		return err
	}
	file, header, err := r.FormFile("file")
	if err != nil {
		return magazine.FieldError("file", "Send the image in the field \"file\".")
	}
	defer file.Close()
	if header.Size > media.MaxImageBytes {
		return httpx.TooLarge("image", media.MaxImageBytes)
	}
	alt := strings.Join(strings.Fields(r.PostFormValue("alt")), " ")
	if alt == "" {
		return magazine.FieldError("alt", "Describe the image for readers who cannot see it, in the field \"alt\".")
	}
	data, err := io.ReadAll(io.LimitReader(file, media.MaxImageBytes+1))
	if err != nil {
		return err
	}
	ctx := r.Context()
	img, err := a.images.Ingest(ctx, data)
	if err != nil {
		return err
	}
	if _, err := a.store.RecordIngested(ctx, header.Filename, img); err != nil {
		return err
	}
	url := media.URL(img.Key)
	if err := a.store.RecordAudit(ctx, actor(k, r), "media.upload", url, header.Filename); err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, image{URL: url, Width: img.Width, Height: img.Height,
		Markdown: markdown.Figure(url, alt, r.PostFormValue("caption"), r.PostFormValue("credit"))})
}
