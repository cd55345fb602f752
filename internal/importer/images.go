package importer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Images finds a post's pictures and stores them as our own media: from
// the uploads folder given with the export when the file is there, else
// fetched from its address when Fetch is on and the address is public.
// What could be neither is left at its source address and listed in
// Missing.
type Images struct {
	Store    *store.Store
	Ingester *media.Ingester
	// Uploads is the site's uploads folder (WordPress's wp-content/uploads,
	// Ghost's content/images); "" for none.
	Uploads string
	// Fetch lets images missing from Uploads be downloaded.
	Fetch bool
	// AllowLoopback lets Fetch reach 127.0.0.0/8 and ::1: for tests only.
	AllowLoopback bool
	Missing       []string

	client *http.Client
	done   map[string]string
}

// uploadDirs are the parts of a source address after which the path in
// the uploads folder begins.
var uploadDirs = []string{"/wp-content/uploads/", "/content/images/"}

// local is the path of src inside the uploads folder, if it has one.
func (im *Images) local(src string) (string, bool) {
	if im == nil || im.Uploads == "" {
		return "", false
	}
	u, err := url.Parse(src)
	if err != nil {
		return "", false
	}
	p := u.Path
	for _, d := range uploadDirs {
		if i := strings.Index(p, d); i >= 0 {
			return path.Clean(p[i+len(d):]), true
		}
	}
	if !u.IsAbs() && !strings.HasPrefix(p, "/") && p != "" {
		return path.Clean(p), true // already relative, as Substack's are
	}
	return "", false
}

// Local reports whether src would be taken from the uploads folder.
func (im *Images) Local(src string) bool {
	rel, ok := im.local(src)
	if !ok {
		return false
	}
	root, err := os.OpenRoot(im.Uploads)
	if err != nil {
		return false
	}
	defer root.Close()
	_, err = root.Stat(rel)
	return err == nil
}

// Resolve returns the address here of the image at src, storing it the
// first time.
func (im *Images) Resolve(ctx context.Context, src string) (string, bool) {
	if strings.HasPrefix(src, media.URL("")) {
		return src, true // ours already
	}
	if url, ok := im.done[src]; ok {
		return url, url != ""
	}
	if im.done == nil {
		im.done = map[string]string{}
	}
	url, err := im.resolve(ctx, src)
	if err != nil {
		im.Missing = append(im.Missing, src+": "+err.Error())
	}
	im.done[src] = url
	return url, err == nil
}

func (im *Images) resolve(ctx context.Context, src string) (string, error) {
	var data []byte
	var err error
	if rel, ok := im.local(src); ok {
		data, err = im.read(rel)
		if err != nil && !errors.Is(err, os.ErrNotExist) {
			return "", err
		}
	}
	if data == nil {
		if !im.Fetch {
			return "", errors.New("not in the uploads folder, and fetching is off")
		}
		if data, err = im.fetch(ctx, src); err != nil {
			return "", err
		}
	}
	img, err := im.Ingester.Ingest(ctx, data)
	if err != nil {
		return "", fmt.Errorf("not an image we keep: %w", err)
	}
	if _, err := im.Store.RecordIngested(ctx, path.Base(src), img); err != nil {
		return "", err
	}
	return media.URL(img.Key), nil
}

// read takes a file from the uploads folder; the path cannot leave it.
func (im *Images) read(rel string) ([]byte, error) {
	root, err := os.OpenRoot(im.Uploads)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, err := root.Open(rel)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readLimited(f)
}

func readLimited(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, media.MaxImageBytes+1))
	if err != nil {
		return nil, err
	}
	if len(data) > media.MaxImageBytes {
		return nil, errors.New("larger than 20 MB")
	}
	return data, nil
}

func (im *Images) fetch(ctx context.Context, src string) ([]byte, error) {
	u, err := url.Parse(src)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("not a web address")
	}
	if im.client == nil {
		im.client = httpx.PublicClient(im.AllowLoopback, 30*time.Second)
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, src, nil)
	if err != nil {
		return nil, err
	}
	res, err := im.client.Do(req)
	if err != nil {
		var refused *httpx.RefusedAddr
		if errors.As(err, &refused) {
			return nil, fmt.Errorf("%w; not fetched", refused)
		}
		return nil, errors.New("could not be fetched")
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("the server answered %s", res.Status)
	}
	return readLimited(res.Body)
}
