// Package media stores uploaded files under content-addressed keys. The
// Storage interface is what the rest of Masthead sees; Disk keeps files in
// the data folder, and an object store can take its place.
package media

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Storage keeps file bytes by key.
type Storage interface {
	// Put stores data under key. Storing the same key twice is harmless.
	Put(ctx context.Context, key string, data []byte) error
	// Open returns the file stored under key.
	Open(ctx context.Context, key string) (File, error)
}

// File is an open stored file.
type File interface {
	io.ReadSeekCloser
	ModTime() time.Time
}

// Extensions maps the content types Masthead stores to file extensions.
var Extensions = map[string]string{
	"image/jpeg":      ".jpg",
	"image/png":       ".png",
	"image/gif":       ".gif",
	"image/webp":      ".webp",
	"application/pdf": ".pdf",
	"audio/mpeg":      ".mp3",
	// Issue editions: stored like any file, served only by the edition
	// downloads (never by /media/).
	"application/epub+zip": ".epub",
}

// Key returns the content-addressed key for data of the given type:
// "ab/abcdef....jpg", where the name is the SHA-256 of the bytes.
func Key(data []byte, contentType string) (string, error) {
	ext, ok := Extensions[contentType]
	if !ok {
		return "", magazine.Errorf(magazine.EINVALID, "Files of type %s cannot be stored.", contentType)
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	return h[:2] + "/" + h + ext, nil
}

var keyPattern = regexp.MustCompile(`^[0-9a-f]{2}/[0-9a-f]{64}\.[a-z0-9]{2,4}$`)

// ValidKey reports whether key is a key that Key could have made, so that
// a request path can never reach outside the media folder.
func ValidKey(key string) bool { return keyPattern.MatchString(key) }

// PrivateExt ends the keys of narrations, which are subscribers' text
// spoken (internal/audio serves them after checking access). Uploads never
// get it: it is not in Extensions.
const PrivateExt = ".mpa"

// Private reports whether a key names a file that /media must not serve:
// a narration, or an issue's EPUB, PDF or replica, which only their
// readers get, from the edition downloads.
func Private(key string) bool {
	for _, ext := range []string{PrivateExt, ".epub", ".pdf"} {
		if strings.HasSuffix(key, ext) {
			return true
		}
	}
	return false
}

// TypeOf is the content type of the file a key or its URL names, by its
// extension; "" for none Masthead stores.
func TypeOf(key string) string {
	ext := path.Ext(key)
	for ct, e := range Extensions {
		if e == ext {
			return ct
		}
	}
	return ""
}

// URL is the public path of a stored file.
func URL(key string) string { return "/media/" + key }

// Disk stores files in a folder.
type Disk struct{ Dir string }

// NewDisk returns a Disk rooted at dir, creating it when needed.
func NewDisk(dir string) (*Disk, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, fmt.Errorf("cannot create the media folder %s: %w (check the permissions of the data folder)", dir, err)
	}
	return &Disk{Dir: dir}, nil
}

// Put writes data to a temporary file and renames it into place, so that a
// reader never sees half a file.
func (d *Disk) Put(ctx context.Context, key string, data []byte) error {
	if !ValidKey(key) {
		return magazine.Errorf(magazine.EINVALID, "Bad media key %q.", key)
	}
	path := filepath.Join(d.Dir, filepath.FromSlash(key))
	if _, err := os.Stat(path); err == nil {
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".upload-*")
	if err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("store %s: %w", key, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("store %s: %w", key, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("store %s: %w", key, err)
	}
	return nil
}

type diskFile struct {
	*os.File
	mod time.Time
}

func (f diskFile) ModTime() time.Time { return f.mod }

// Open opens a stored file.
func (d *Disk) Open(ctx context.Context, key string) (File, error) {
	if !ValidKey(key) {
		return nil, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
	}
	f, err := os.Open(filepath.Join(d.Dir, filepath.FromSlash(key)))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, magazine.Errorf(magazine.ENOTFOUND, "File not found.")
	} else if err != nil {
		return nil, fmt.Errorf("open media %s: %w", key, err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("stat media %s: %w", key, err)
	}
	return diskFile{File: f, mod: st.ModTime()}, nil
}

// Delete removes the file under key; a key with no file is no error.
func (d *Disk) Delete(ctx context.Context, key string) error {
	if !ValidKey(key) {
		return magazine.Errorf(magazine.EINVALID, "Bad media key %q.", key)
	}
	err := os.Remove(filepath.Join(d.Dir, filepath.FromSlash(key)))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("delete media %s: %w", key, err)
	}
	return nil
}

// Stored is one file in a Disk's folder.
type Stored struct {
	Key  string
	Size int64
}

// List returns every stored file, by key. What is not a key (a temporary
// file an interrupted Put left) is left out.
func (d *Disk) List(ctx context.Context) ([]Stored, error) {
	var out []Stored
	err := filepath.WalkDir(d.Dir, func(p string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if e.IsDir() {
			return nil
		}
		rel, err := filepath.Rel(d.Dir, p)
		if err != nil {
			return err
		}
		key := filepath.ToSlash(rel)
		if !ValidKey(key) || !e.Type().IsRegular() {
			return nil
		}
		info, err := e.Info()
		if err != nil {
			return err
		}
		out = append(out, Stored{Key: key, Size: info.Size()})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list the media folder %s: %w", d.Dir, err)
	}
	return out, nil
}
