package httpx

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
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
//
// A request for more than maxRanges ranges gets the whole file.
func ServeContent(w http.ResponseWriter, r *http.Request, name string, modtime time.Time, content io.ReadSeeker) {
	size, err := content.Seek(0, io.SeekEnd)
	if err == nil {
		_, err = content.Seek(0, io.SeekStart)
	}
	if err != nil {
		http.Error(w, "The file could not be read.", http.StatusInternalServerError)
		return
	}
	// The server's write timeout is a minute, for pages; an hour's episode
	// or an issue's PDF to a podcast app on a slow line takes longer. A
	// writer that cannot move its deadline (a test's) keeps its own.
	_ = http.NewResponseController(w).SetWriteDeadline(time.Now().Add(SendTime(size)))
	if raw := r.Header.Get("Range"); raw != "" {
		r = r.Clone(r.Context())
		unit, set, ok := strings.Cut(raw, "=")
		if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
			r.Header.Del("Range")
		} else {
			var keep []string
			for spec := range strings.SplitSeq(set, ",") {
				if s := strings.TrimSpace(spec); s != "" && !zeroSuffix(s) {
					keep = append(keep, s)
				}
			}
			if len(keep) > maxRanges {
				// Many small ranges cost more to answer than the file
				// (and net/http before Go 1.26.9 does not bound them:
				// GO-2026-6609); a server may always send the whole file.
				r.Header.Del("Range")
			} else if len(keep) == 0 && strings.TrimSpace(set) != "" {
				w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", size))
				http.Error(w, "The range asked for is not in the file.", http.StatusRequestedRangeNotSatisfiable)
				return
			} else {
				r.Header.Set("Range", "bytes="+strings.Join(keep, ","))
			}
		}
	}
	http.ServeContent(&rangeWriter{ResponseWriter: w, size: size}, r, name, modtime, content)
}

// zeroSuffix reports whether spec is a suffix range of zero bytes ("-0",
// "-000", and as net/http reads the number, "-  0" and "-+0" too), which
// selects nothing; "0-0", the first byte, is not one.
func zeroSuffix(spec string) bool {
	rest, ok := strings.CutPrefix(spec, "-")
	n, err := strconv.ParseInt(strings.TrimSpace(rest), 10, 64)
	return ok && err == nil && n == 0
}

// slowestReader is the rate a file's deadline allows for, in bytes a
// second: a poor mobile connection.
const slowestReader = 16 << 10

// SendTime is how long a file of size bytes may take to send: a minute,
// as for any page, and the time to send it at slowestReader, at most
// three hours.
func SendTime(size int64) time.Duration {
	return min(time.Minute+time.Duration(size/slowestReader)*time.Second, 3*time.Hour)
}

// maxRanges is the most ranges one request may ask for; players and
// download managers ask for one, browsers' PDF viewers a handful.
const maxRanges = 16

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

// ReadFrom passes the file on to the connection's ReadFrom (sendfile),
// as statusWriter does.
func (w *rangeWriter) ReadFrom(r io.Reader) (int64, error) { return io.Copy(w.ResponseWriter, r) }

func (w *rangeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
