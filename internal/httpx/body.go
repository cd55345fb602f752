package httpx

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// maxURLEncoded is net/http's own cap on a urlencoded form (ParseForm
// reads at most 10 MB of one and refuses more with an unexported error),
// so a larger limit is lowered to it for such forms.
const maxURLEncoded = 10 << 20

// formMemory is how much of a multipart form is held in memory; larger
// files go to temporary files, which RemoveAll deletes after the request.
const formMemory = 8 << 20

// ParseForm reads r's form, urlencoded or multipart, from a body of at
// most limit bytes, before a handler looks at any field. A body over the
// limit is an ETOOLARGE error that says the limit (413), refused before a
// byte is read when Content-Length already tells. Any other unreadable
// body is an EINVALID error, and so is text that is not valid UTF-8
// (CleanForm, which also puts it in Unicode form C). Calling it again, or
// ParseMultipartForm after it, reads nothing more.
func ParseForm(w http.ResponseWriter, r *http.Request, limit int64) error {
	multi := strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data")
	if !multi && limit > maxURLEncoded {
		limit = maxURLEncoded
	}
	if r.ContentLength > limit {
		return TooLarge("form", limit)
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	var err error
	if multi {
		err = r.ParseMultipartForm(formMemory)
	} else {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case err == nil:
		return CleanForm(r)
	case errors.As(err, &tooBig), errors.Is(err, multipart.ErrMessageTooLarge):
		return TooLarge("form", limit)
	}
	return magazine.Errorf(magazine.EINVALID, "The form could not be read. Go back and send it again.")
}

// LimitForm parses the form with ParseForm before h runs, so that an
// oversized body is a plain 413 and never a half-read form.
func LimitForm(limit int64, h Handler) Handler {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := ParseForm(w, r, limit); err != nil {
			return err
		}
		return h(w, r)
	}
}

// ReadBody reads all of r's body, at most limit bytes, with the same
// errors as ParseForm: for webhooks and JSON.
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, TooLarge("request", limit)
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return nil, TooLarge("request", limit)
	} else if err != nil {
		return nil, magazine.Errorf(magazine.EINVALID, "The request body could not be read.")
	}
	return body, nil
}

// TooLarge is the error of a body past its limit: "That form is too
// large: the limit is 16 KB."
func TooLarge(what string, limit int64) error {
	return magazine.Errorf(magazine.ETOOLARGE, "That %s is too large: the limit is %s.", what, Bytes(limit))
}

// Bytes writes a size for people: 16 KB, 20 MB, 1.5 MB (units of 1024).
func Bytes(n int64) string {
	switch {
	case n >= 1<<20:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<20))) + " MB"
	case n >= 1<<10:
		return trimZero(fmt.Sprintf("%.1f", float64(n)/(1<<10))) + " KB"
	}
	return fmt.Sprintf("%d bytes", n)
}

func trimZero(s string) string { return strings.TrimSuffix(s, ".0") }
