package media_test

import (
	"bytes"
	"context"
	"io"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/media/s3test"
)

// storage is what both kinds of storage offer: the interface and Delete.
type storage interface {
	media.Storage
	Delete(ctx context.Context, key string) error
}

// eachStorage runs fn on a fresh Disk and on a fresh bucket of the test
// S3 server, as subtests.
func eachStorage(t *testing.T, fn func(t *testing.T, files storage)) {
	t.Run("disk", func(t *testing.T) {
		t.Parallel()
		d, err := media.NewDisk(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		fn(t, d)
	})
	t.Run("s3", func(t *testing.T) {
		t.Parallel()
		fn(t, s3test.Storage(t))
	})
}

// TestStorage: what one part of Masthead stores, every other reads back
// whole, from any offset, and a key nobody stored is a plain not-found.
func TestStorage(t *testing.T) {
	t.Parallel()
	eachStorage(t, func(t *testing.T, files storage) {
		ctx := context.Background()
		data := bytes.Repeat([]byte("0123456789"), 100_000) // 1 MB: more than one read
		key, _ := media.Key(data, "audio/mpeg")
		before := time.Now().Add(-time.Minute)
		if err := files.Put(ctx, key, data); err != nil {
			t.Fatal(err)
		}
		if err := files.Put(ctx, key, data); err != nil {
			t.Fatalf("storing the same key twice: %v", err)
		}
		f, err := files.Open(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if mt := f.ModTime(); mt.Before(before) || mt.After(time.Now().Add(time.Minute)) {
			t.Errorf("ModTime %v, want about now", mt)
		}
		if size, err := f.Seek(0, io.SeekEnd); err != nil || size != int64(len(data)) {
			t.Fatalf("Seek to the end: %d, %v; want %d", size, err, len(data))
		}
		if _, err := f.Seek(654_321, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		part := make([]byte, 20)
		if _, err := io.ReadFull(f, part); err != nil || !bytes.Equal(part, data[654_321:654_341]) {
			t.Errorf("read after a seek: %q, %v; want %q", part, err, data[654_321:654_341])
		}
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			t.Fatal(err)
		}
		if all, err := io.ReadAll(f); err != nil || !bytes.Equal(all, data) {
			t.Errorf("read back %d bytes (%v), want the %d stored", len(all), err, len(data))
		}

		missing, _ := media.Key([]byte("never stored"), "image/png")
		if _, err := files.Open(ctx, missing); !magazine.IsNotFound(err) {
			t.Errorf("a key never stored: %v, want not-found", err)
		}
		if _, err := files.Open(ctx, "../../etc/passwd"); !magazine.IsNotFound(err) {
			t.Errorf("a path for a key: %v, want not-found", err)
		}
		if err := files.Put(ctx, "../x.png", data); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("storing under a path: %v, want a refusal", err)
		}

		if err := files.Delete(ctx, key); err != nil {
			t.Fatal(err)
		}
		if _, err := files.Open(ctx, key); !magazine.IsNotFound(err) {
			t.Errorf("after Delete: %v, want not-found", err)
		}
		if err := files.Delete(ctx, key); err != nil {
			t.Errorf("deleting what is gone: %v, want no error", err)
		}
	})
}
