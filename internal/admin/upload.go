package admin

import (
	"encoding/json"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/markdown"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// figureFields are what the editor asks about an image besides the file.
type figureFields struct {
	Alt, Caption, Credit string
}

// uploadAnswer is the JSON answer of an upload from the editor's script.
type uploadAnswer struct {
	URL      string `json:"url,omitempty"`
	Markdown string `json:"markdown,omitempty"`
	Error    string `json:"error,omitempty"`
	Field    string `json:"field,omitempty"`
}

// upload stores an image sent by the editor's script (file picker or
// drag and drop) and answers with the figure to insert at the cursor.
func (a *Admin) upload(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ans, status := uploadAnswer{}, http.StatusOK
	url, md, err := a.uploadRequest(r)
	if err != nil {
		var e *magazine.Error
		if !errors.As(err, &e) || e.Code == magazine.EINTERNAL {
			return err
		}
		ans.Error, ans.Field, status = e.Message, e.Field, httpx.Status(err)
	} else {
		ans.URL, ans.Markdown = url, md
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(ans)
}

func (a *Admin) uploadRequest(r *http.Request) (url, markdown string, err error) {
	// The form was parsed within maxUploadRequest by limitBody.
	file, header, err := r.FormFile("file")
	if err != nil {
		return "", "", &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "Choose an image file to upload."}
	}
	defer file.Close()
	fig := figureFields{Alt: r.PostFormValue("alt"), Caption: r.PostFormValue("caption"), Credit: r.PostFormValue("credit")}
	return a.storeImage(r, file, header, fig)
}

// uploadIntoForm stores the image of an editor form sent without
// JavaScript and adds its figure at the end of the body.
func (a *Admin) uploadIntoForm(r *http.Request, f *editorForm) error {
	if r.MultipartForm == nil || len(r.MultipartForm.File["file"]) == 0 || r.MultipartForm.File["file"][0].Size == 0 {
		return &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "Choose an image file to upload."}
	}
	header := r.MultipartForm.File["file"][0]
	file, err := header.Open()
	if err != nil {
		return err
	}
	defer file.Close()
	url, md, err := a.storeImage(r, file, header, figureFields{Alt: f.Alt, Caption: f.Caption, Credit: f.Credit})
	if err != nil {
		return err
	}
	f.Body = appendBlock(f.Body, md)
	// Only when asked: an inline photo that silently became the featured
	// image too was shown twice on page 1.
	if f.MakeFeatured {
		f.FeaturedURL, f.FeaturedAlt = url, f.Alt
	}
	f.Alt, f.Caption, f.Credit, f.MakeFeatured = "", "", "", false
	return nil
}

// storeImage checks the figure's fields, ingests the image (content
// check, metadata stripped, smaller copies) and records it.
func (a *Admin) storeImage(r *http.Request, file multipart.File, header *multipart.FileHeader, fig figureFields) (url, markdown string, err error) {
	if a.files == nil {
		return "", "", &magazine.Error{Code: magazine.EINVALID, Field: "file", Message: "Image uploads are not set up on this server."}
	}
	if header.Size > media.MaxImageBytes {
		return "", "", tooLarge()
	}
	fig.Alt = oneLine(fig.Alt)
	if fig.Alt == "" {
		return "", "", magazine.FieldError("alt", "Describe the image for readers who cannot see it (alt text).")
	}
	data, err := io.ReadAll(io.LimitReader(file, media.MaxImageBytes+1))
	if err != nil {
		return "", "", err
	}
	ctx := r.Context()
	img, err := a.images.Ingest(ctx, data)
	if err != nil {
		return "", "", err
	}
	if _, err := a.store.RecordIngested(ctx, header.Filename, img); err != nil {
		return "", "", err
	}
	url = media.URL(img.Key)
	return url, figureMarkdown(url, fig), nil
}

func tooLarge() error {
	return &magazine.Error{Code: magazine.ETOOLARGE, Field: "file",
		Message: "That image is larger than 20 MB. Make it smaller (a width of 2400 pixels is plenty) and upload it again."}
}

// figureMarkdown is the ::: figure block of an uploaded image.
func figureMarkdown(url string, fig figureFields) string {
	return markdown.Figure(url, fig.Alt, fig.Caption, fig.Credit)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
