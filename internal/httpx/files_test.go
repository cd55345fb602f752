package httpx

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestServeContentManyRanges: a Range header of hundreds of tiny ranges
// gets the whole file once, not a multipart answer many times its size.
func TestServeContentManyRanges(t *testing.T) {
	file := strings.Repeat("narration bytes ", 64) // 1 KiB
	serve := func(rng string) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodGet, "/media/x.mp3", nil)
		r.Header.Set("Range", rng)
		w := httptest.NewRecorder()
		ServeContent(w, r, "x.mp3", time.Unix(0, 0), strings.NewReader(file))
		return w
	}
	if w := serve("bytes=0-99"); w.Code != http.StatusPartialContent || w.Body.Len() != 100 {
		t.Fatalf("one range: %d, %d bytes", w.Code, w.Body.Len())
	}
	if w := serve("bytes=0-0"); w.Code != http.StatusPartialContent || w.Body.String() != "n" {
		t.Fatalf("the first byte: %d, %q", w.Code, w.Body.String())
	}
	if w := serve("bytes=-0"); w.Code != http.StatusRequestedRangeNotSatisfiable {
		t.Fatalf("a suffix of nothing: %d", w.Code)
	}
	if w := serve("bytes=0-1,10-11,20-21"); w.Code != http.StatusPartialContent {
		t.Fatalf("three ranges: %d", w.Code)
	}
	var many []string
	for i := 0; i < 500; i++ {
		many = append(many, "0-0")
	}
	w := serve("bytes=" + strings.Join(many, ","))
	if w.Code != http.StatusOK || w.Body.String() != file {
		t.Fatalf("500 ranges: %d, %d bytes; want the whole file (200, %d bytes)", w.Code, w.Body.Len(), len(file))
	}
}

// readerFromRecorder is a ResponseWriter that, like net/http's own,
// takes a file through ReadFrom (sendfile on a TCP connection).
type readerFromRecorder struct {
	*httptest.ResponseRecorder
	readFrom int64
}

func (w *readerFromRecorder) ReadFrom(r io.Reader) (int64, error) {
	n, err := io.Copy(w.ResponseRecorder, r)
	w.readFrom += n
	return n, err
}

// TestFileReachesSendfile: a file served behind the request log and
// ServeContent's wrapper still reaches the connection's ReadFrom, where
// net/http uses sendfile(2) (without it every byte was copied through a
// buffer: most of the audio URL's cost, issue 10), and the log still
// counts the bytes sent.
func TestFileReachesSendfile(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "narration.mp3")
	data := bytes.Repeat([]byte("0123456789abcdef"), 8192) // 128 KiB
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	var logs strings.Builder
	log := slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelInfo}))
	h := Observe(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f, err := os.Open(path)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		ServeContent(w, r, "narration.mp3", time.Now(), f)
	}), log, nil, nil, LogPolicy{Sample: 1})
	for _, c := range []struct{ rng, want string }{{"bytes=100-65635", string(data[100:65636])}, {"", string(data)}} {
		logs.Reset()
		w := &readerFromRecorder{ResponseRecorder: httptest.NewRecorder()}
		req := httptest.NewRequest("GET", "/audio.mp3", nil)
		if c.rng != "" {
			req.Header.Set("Range", c.rng)
		}
		h.ServeHTTP(w, req)
		if w.Body.String() != c.want {
			t.Fatalf("Range %q: %d bytes, want %d", c.rng, w.Body.Len(), len(c.want))
		}
		if w.readFrom != int64(len(c.want)) {
			t.Errorf("Range %q: %d of %d bytes went through ReadFrom", c.rng, w.readFrom, len(c.want))
		}
		if want := fmt.Sprintf("bytes=%d ", len(c.want)); !strings.Contains(logs.String(), want) {
			t.Errorf("Range %q: the log says %q, want %s", c.rng, logs.String(), want)
		}
	}
}

// deadlineWriter records the write deadline a handler sets.
type deadlineWriter struct {
	*httptest.ResponseRecorder
	deadline time.Time
}

func (w *deadlineWriter) SetWriteDeadline(t time.Time) error { w.deadline = t; return nil }

// TestServeContentMovesTheWriteDeadline: a large file is given the time
// a slow connection needs, not the minute pages get, so a podcast
// episode is not cut off halfway.
func TestServeContentMovesTheWriteDeadline(t *testing.T) {
	episode := bytes.Repeat([]byte{0xff}, 28<<20) // an hour at 64 kbit/s
	w := &deadlineWriter{ResponseRecorder: httptest.NewRecorder()}
	start := time.Now()
	ServeContent(w, httptest.NewRequest("GET", "/episode.mp3", nil), "episode.mp3", start, bytes.NewReader(episode))
	if w.Code != http.StatusOK || w.Body.Len() != len(episode) {
		t.Fatalf("status %d, %d bytes", w.Code, w.Body.Len())
	}
	if got := w.deadline.Sub(start); got < 25*time.Minute || got > 3*time.Hour+time.Second {
		t.Errorf("a 28 MB file may take %v to send, want the half hour a 16 KiB/s line needs", got)
	}
}
