// Package edition makes each issue's digital editions: an EPUB (with
// go-epub) and a print-like PDF (WeasyPrint, from the print stylesheet),
// and keeps them in media storage. A Builder, run by the job queue,
// builds an issue's files when it is published and again, debounced,
// when its content changes.
package edition

import (
	"bytes"
	"context"
	"crypto/sha1"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"strconv"
	"strings"

	"github.com/disintegration/imaging"
	_ "golang.org/x/image/webp" // covers and figures may be WebP

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

// Content is what an edition is made of: the issue and its published
// articles (bodies and authors filled), in table-of-contents order.
type Content struct {
	Pub      magazine.Publication
	Issue    magazine.Issue
	Articles []magazine.Article
	// BaseURL makes the site's own links absolute inside the files.
	BaseURL string
}

// Title is the edition's title: "MAGAZINE, Vol. V, No. N".
func (c Content) Title() string {
	return c.Pub.Name + ", " + c.Issue.Label()
}

// Identifier is the edition's stable identifier: a name-based UUID of the
// site and the issue's volume and number, the same at every rebuild.
func (c Content) Identifier() string {
	sum := sha1.Sum([]byte(c.BaseURL + "/issues/" + strconv.Itoa(c.Issue.Volume) + "/" + strconv.Itoa(c.Issue.Number)))
	sum[6] = sum[6]&0x0f | 0x50 // version 5
	sum[8] = sum[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("urn:uuid:%x-%x-%x-%x-%x", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// Byline is "Written by A and B on DATE", as the article page has it.
func Byline(a magazine.Article, pub magazine.Publication) string {
	names := make([]string, len(a.Authors))
	for i, au := range a.Authors {
		names[i] = au.Name
	}
	who := strings.Join(names, ", ")
	if n := len(names); n > 1 {
		who = strings.Join(names[:n-1], ", ") + " and " + names[n-1]
	}
	return "Written by " + who + " on " + a.PublishedAt.In(pub.Location()).Format("January 2, 2006")
}

// maxImageWidth is what e-readers and a printed column need: wider
// pictures only make the files heavier.
const (
	maxImageWidth  = 1200
	maxImageHeight = 1600
)

// images loads stored pictures for an edition, each once, resized for
// e-readers and re-encoded as JPEG.
type images struct {
	files media.Storage
	done  map[string][]byte
}

func newImages(files media.Storage) *images { return &images{files: files, done: map[string][]byte{}} }

// load returns the JPEG of the stored image at a /media/ URL. Any other
// URL, or a missing or broken file, is an error: a build never ships an
// edition with a hole where a picture should be.
func (im *images) load(ctx context.Context, url string) ([]byte, error) {
	key, ok := strings.CutPrefix(url, "/media/")
	if !ok || !media.ValidKey(key) {
		return nil, fmt.Errorf("image %q is not a stored file", url)
	}
	if b, ok := im.done[key]; ok {
		return b, nil
	}
	f, err := im.files.Open(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("image %s: %w", key, err)
	}
	raw, err := io.ReadAll(io.LimitReader(f, 64<<20))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("read image %s: %w", key, err)
	}
	img, _, err := image.Decode(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("decode image %s: %w", key, err)
	}
	if b := img.Bounds(); b.Dx() > maxImageWidth || b.Dy() > maxImageHeight {
		img = imaging.Fit(img, maxImageWidth, maxImageHeight, imaging.Lanczos)
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		return nil, fmt.Errorf("encode image %s: %w", key, err)
	}
	im.done[key] = buf.Bytes()
	return buf.Bytes(), nil
}
