package media_test

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/s3test"
)

// TestS3Link: a presigned URL gets the file straight from the bucket, with
// the headers asked for, until it expires; without the signature the
// bucket refuses.
func TestS3Link(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := s3test.Storage(t)
	data := []byte("%PDF-1.7 an issue")
	key, _ := media.Key(data, "application/pdf")
	if err := s.Put(ctx, key, data); err != nil {
		t.Fatal(err)
	}
	link, err := s.Link(ctx, key, time.Minute, media.LinkOptions{ContentType: "application/pdf",
		ContentDisposition: `attachment; filename="issue.pdf"`, CacheControl: "private, max-age=60"})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, data) {
		t.Fatalf("GET the presigned URL: %d %q", resp.StatusCode, body)
	}
	for name, want := range map[string]string{"Content-Type": "application/pdf", "Content-Disposition": `attachment; filename="issue.pdf"`, "Cache-Control": "private, max-age=60"} {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("%s: %q, want %q", name, got, want)
		}
	}

	unsigned, _, _ := strings.Cut(link, "?")
	if resp, err := http.Get(unsigned); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode == http.StatusOK {
		t.Error("the bucket served the file without a signature")
	}

	short, err := s.Link(ctx, key, time.Second, media.LinkOptions{})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	if resp, err := http.Get(short); err != nil {
		t.Fatal(err)
	} else if resp.Body.Close(); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an expired link: %d, want 403", resp.StatusCode)
	}
}

// TestS3BadConfiguration: wrong credentials, a missing bucket or a server
// that is not there each give one line naming the server and what to
// check, from Check at start and from any later call.
func TestS3BadConfiguration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	good := s3test.Config(t)
	data := []byte("GIF89a")
	key, _ := media.Key(data, "image/gif")

	wrongKey := good
	wrongKey.SecretKey = "not-the-secret"
	noBucket := good
	noBucket.Bucket = good.Bucket + "-gone"
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	nobody := "http://" + l.Addr().String()
	l.Close()
	noServer := good
	noServer.Endpoint = nobody

	for name, tt := range map[string]struct {
		cfg  media.S3Config
		want []string
	}{
		"wrong secret": {wrongKey, []string{good.Endpoint, "credentials", "MASTHEAD_S3_SECRET_KEY"}},
		"no bucket":    {noBucket, []string{noBucket.Bucket, "does not exist", "--s3-bucket"}},
		"no server":    {noServer, []string{nobody, "cannot reach", "--s3-endpoint"}},
	} {
		s, err := media.NewS3(tt.cfg)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		start := time.Now()
		err = s.Check(ctx)
		if err == nil {
			t.Errorf("%s: Check passed", name)
			continue
		}
		msg := err.Error()
		for _, w := range tt.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: %q does not say %q", name, msg, w)
			}
		}
		if strings.Contains(msg, "\n") || time.Since(start) > 10*time.Second {
			t.Errorf("%s: not one quick line (%v): %q", name, time.Since(start), msg)
		}
		if name == "no bucket" {
			continue // HEAD on the bucket says it all; a PUT would be a 404
		}
		if err := s.Put(ctx, key, data); err == nil || magazine.IsNotFound(err) || !strings.Contains(err.Error(), tt.want[1]) {
			t.Errorf("%s: Put: %v, want the same plain error", name, err)
		}
		if _, err := s.Open(ctx, key); err == nil || magazine.IsNotFound(err) {
			t.Errorf("%s: Open: %v, want an error that is not a 404", name, err)
		}
	}

	for name, cfg := range map[string]media.S3Config{
		"no credentials": {Endpoint: good.Endpoint, Bucket: "b"},
		"no endpoint":    {Bucket: "b", AccessKey: "a", SecretKey: "s"},
		"endpoint path":  {Endpoint: good.Endpoint + "/bucket", Bucket: "b", AccessKey: "a", SecretKey: "s"},
		"no bucket name": {Endpoint: good.Endpoint, AccessKey: "a", SecretKey: "s"},
	} {
		if _, err := media.NewS3(cfg); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("%s: %v, want a plain refusal", name, err)
		}
	}
}

// TestCopyResumes: copying a media folder to a bucket copies each file
// once; run again after an interruption it copies only what is missing or
// short, and skips what is there.
func TestCopyResumes(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	disk, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for i := range 5 {
		data := bytes.Repeat([]byte{byte('a' + i)}, 1000*(i+1))
		key, _ := media.Key(data, "image/png")
		if err := disk.Put(ctx, key, data); err != nil {
			t.Fatal(err)
		}
		keys = append(keys, key)
	}
	// What an interrupted Put leaves is not copied.
	os.WriteFile(filepath.Join(disk.Dir, keys[0][:2], ".upload-123"), []byte("half"), 0o600)
	s3 := s3test.Storage(t)

	var calls int
	p, err := media.Copy(ctx, disk, s3, func(media.CopyProgress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	if p.Files != 5 || p.Copied != 5 || p.Skipped != 0 || p.Bytes != 15000 || p.DoneBytes != 15000 || calls != 5 {
		t.Fatalf("first copy: %+v (%d progress calls), want 5 files copied", p, calls)
	}

	// An interruption: one object never arrived, another is short.
	if err := s3.Delete(ctx, keys[1]); err != nil {
		t.Fatal(err)
	}
	if err := s3.PutReader(ctx, keys[3], strings.NewReader("short"), 5); err != nil {
		t.Fatal(err)
	}
	p, err = media.Copy(ctx, disk, s3, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Copied != 2 || p.Skipped != 3 || p.Done != 5 {
		t.Errorf("second copy: %+v, want 2 copied and 3 skipped", p)
	}
	for _, key := range keys {
		want, _ := os.ReadFile(filepath.Join(disk.Dir, key))
		f, err := s3.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, want) {
			t.Errorf("%s: %d bytes in the bucket, want the %d on disk", key, len(got), len(want))
		}
	}

	// A bucket that refuses: the error says so, and how far it got.
	bad := s3test.Config(t)
	bad.SecretKey = "wrong"
	refusing, _ := media.NewS3(bad)
	p, err = media.Copy(ctx, disk, refusing, nil)
	if err == nil || !strings.Contains(err.Error(), "credentials") || p.Done != 0 {
		t.Errorf("copy to a refusing bucket: %+v, %v", p, err)
	}
}
