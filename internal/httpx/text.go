package httpx

import (
	"mime/multipart"
	"net/http"
	"net/url"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Every text a request brings in (its query string here, its form in
// CleanForm) is valid UTF-8 in Unicode form C by the time a handler reads
// it, or the request is refused with a plain message: one check at the
// boundary instead of one per field.

// CleanQuery refuses a query string that is not valid UTF-8 once decoded
// (400, written by render) and rewrites one that is not in NFC, so that
// handlers, the page cache and logs all see the normalised text.
func CleanQuery(next http.Handler, render ErrorRenderer) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if plainASCII(r.URL.RawQuery) {
			next.ServeHTTP(w, r) // the hot path: nothing to decode
			return
		}
		q, err := url.ParseQuery(r.URL.RawQuery)
		if err != nil {
			next.ServeHTTP(w, r) // malformed: the handler says so
			return
		}
		changed, err := cleanValues(q)
		if err != nil {
			render(w, r, http.StatusBadRequest, "The address has text that is not valid UTF-8. Check the link, or type the address again.")
			return
		}
		if changed {
			r2 := *r
			u := *r.URL
			u.RawQuery = q.Encode()
			r2.URL = &u
			r2.RequestURI = u.RequestURI()
			r = &r2
		}
		next.ServeHTTP(w, r)
	})
}

// plainASCII reports whether a raw query needs no check: ASCII with no
// percent-escape of a byte above 0x7F.
func plainASCII(raw string) bool {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		if c >= 0x80 || c == '+' {
			return false
		}
		if c == '%' && i+1 < len(raw) && raw[i+1] >= '8' {
			return false
		}
	}
	return true
}

// CleanForm checks and normalises a parsed form in place: r.Form,
// r.PostForm and a multipart form's values. Call it right after parsing;
// it returns an EINVALID error with a plain message when some text is not
// valid UTF-8.
func CleanForm(r *http.Request) error {
	var mf map[string][]string
	if r.MultipartForm != nil {
		mf = r.MultipartForm.Value
	}
	for _, vs := range []map[string][]string{r.Form, r.PostForm, mf} {
		if _, err := cleanValues(vs); err != nil {
			return err
		}
	}
	if r.MultipartForm != nil {
		for _, files := range r.MultipartForm.File {
			for _, fh := range files {
				if err := cleanFileName(fh); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func cleanFileName(fh *multipart.FileHeader) error {
	v, err := magazine.CleanText("file", fh.Filename)
	fh.Filename = v
	return err
}

// cleanValues normalises every key and value of vs in place and reports
// whether anything changed.
func cleanValues(vs map[string][]string) (bool, error) {
	changed := false
	for k, list := range vs {
		for i, v := range list {
			c, err := magazine.CleanText(k, v)
			if err != nil {
				return false, err
			}
			if c != v {
				list[i], changed = c, true
			}
		}
		ck, err := magazine.CleanText(k, k)
		if err != nil {
			return false, err
		}
		if ck != k {
			delete(vs, k)
			vs[ck] = append(vs[ck], list...)
			changed = true
		}
	}
	return changed, nil
}
