package httpx

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// ServeContent serves a file as http.ServeContent does (conditional and
// range requests), with three answers to odd Range headers made what RFC
// 9110 §14 asks, which net/http does not (found by FuzzRange):
//   - a range unit other than bytes (compared without case) is ignored
//     and the whole file served, where net/http answers 416;
//   - a suffix range of zero bytes ("-0") selects nothing, where net/http
//     sends a part "bytes 5000-4999/5000"; a set of only those is 416;
//   - every 416 says the file's size ("Content-Range: bytes */5000").
func ServeContent(w http.ResponseWriter, r *http.Request, name string, modtime time.Time, content io.ReadSeeker) {
	size, err := content.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = content.Seek(0, io.SeekStart)
	}
	if err != nil {
		http.Error(w, "The file could not be read.", http.StatusInternalServerError)
		return
	}
	if raw := r.Header.Get("Range"); raw != "" {
		r = r.Clone(r.Context())
		unit, set, ok := strings.Cut(raw, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
			r.Header.Del("Range")
		} else {
			var keep []string
			for spec := range strings.SplitSeq(set, ",") {
				if s := strings.TrimSpace(spec); s != "" && strings.Trim(s, "0") != "-" {
					keep = append(keep, s)
				}
			}
			if len(keep) == 0 && strings.TrimSpace(set) != "" {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
				http.Error(w, "The range asked for is not in the file.", http.StatusRequestedRangeNotSatisfiable)
				return
			}
			r.Header.Set("Range", "bytes="+strings.Join(keep, ","))
		}
	}
	http.ServeContent(&rangeWriter{ResponseWriter: w, size: size}, r, name, modtime, content)
}

// rangeWriter adds the file's size to net/http's 416 answers, which give
// it only when no range overlapped the file, not when one was malformed.
type rangeWriter struct {
	http.ResponseWriter
	size int64
}

func (w *rangeWriter) WriteHeader(status int) {
	if status == http.StatusRequestedRangeNotSatisfiable && w.Header().Get("Content-Range") == "" {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", w.size))
	}
	w.ResponseWriter.WriteHeader(status)
}

func (w *rangeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
