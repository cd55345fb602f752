package edition

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"strings"
	"time"

	epub "github.com/go-shiori/go-epub"
)

// epubCSS is the edition's stylesheet for e-readers: plain, so that the
// reader's own font and size settings win.
const epubCSS = `body { margin: 0 1em; line-height: 1.5; }
h1 { font-size: 1.6em; line-height: 1.2; margin: 0.5em 0; }
h2, h3 { line-height: 1.25; }
.kicker { text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8em; }
.dek { font-size: 1.15em; font-style: italic; }
.byline { font-size: 0.9em; }
figure { margin: 1em 0; }
figure img, img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85em; }
.credit { display: block; font-size: 0.8em; text-transform: uppercase; }
blockquote { margin: 1em 1.5em; font-style: italic; }
.contents li { margin: 0.4em 0; }
`

func dataURL(contentType string, b []byte) string {
	return "data:" + contentType + ";base64," + base64.StdEncoding.EncodeToString(b)
}

// EPUB builds the issue's EPUB 3: a cover, the navigation document, a
// contents page, and one chapter per article in issue order with its
// headline, dek, byline, body and pictures (resized for e-readers).
func EPUB(ctx context.Context, c Content, im *images) ([]byte, error) {
	if len(c.Articles) == 0 {
		return nil, fmt.Errorf("%s has no published articles", c.Issue.Label())
	}
	e, err := epub.NewEpub(c.Title())
	if err != nil {
		return nil, fmt.Errorf("start the EPUB: %w", err)
	}
	e.SetLang(c.Pub.Locale)
	e.SetIdentifier(c.Identifier())
	e.SetAuthor(c.Pub.Name)
	desc := "The " + c.Issue.CoverDate.Format("January 2, 2006") + " issue of " + c.Pub.Name + "."
	if c.Issue.Title != "" {
		desc = c.Issue.Title + ". " + desc
	}
	e.SetDescription(desc)
	css, err := e.AddCSS(dataURL("text/css", []byte(epubCSS)), "edition.css")
	if err != nil {
		return nil, fmt.Errorf("add the stylesheet: %w", err)
	}
	n := 0
	addImage := func(src string) (string, error) {
		b, err := im.load(ctx, src)
		if err != nil {
			return "", err
		}
		n++
		return e.AddImage(dataURL("image/jpeg", b), fmt.Sprintf("image%03d.jpg", n))
	}
	if c.Issue.CoverURL != "" {
		cover, err := addImage(c.Issue.CoverURL)
		if err != nil {
			return nil, fmt.Errorf("the cover: %w", err)
		}
		if err := e.SetCover(cover, ""); err != nil {
			return nil, fmt.Errorf("set the cover: %w", err)
		}
	}

	var toc strings.Builder
	toc.WriteString(`<h1>` + esc(c.Title()) + `</h1>`)
	if c.Issue.Title != "" {
		toc.WriteString(`<p class="dek">` + esc(c.Issue.Title) + `</p>`)
	}
	toc.WriteString(`<ol class="contents">`)
	for i, a := range c.Articles {
		fmt.Fprintf(&toc, `<li><a href="%s">%s</a>`, chapterFile(i), esc(a.Headline))
		if a.Dek != "" {
			toc.WriteString(`<br/><span class="dek">` + esc(a.Dek) + `</span>`)
		}
		toc.WriteString(`</li>`)
	}
	toc.WriteString(`</ol>`)
	if _, err := e.AddSection(toc.String(), "Contents", "contents.xhtml", css); err != nil {
		return nil, fmt.Errorf("add the contents: %w", err)
	}

	for i, a := range c.Articles {
		var b strings.Builder
		b.WriteString(`<p class="kicker">` + esc(a.Section.Name) + `</p>`)
		b.WriteString(`<h1>` + esc(a.Headline) + `</h1>`)
		if a.Dek != "" {
			b.WriteString(`<p class="dek">` + esc(a.Dek) + `</p>`)
		}
		b.WriteString(`<p class="byline">` + esc(Byline(a, c.Pub)) + `</p>`)
		if a.FeaturedURL != "" {
			src, err := addImage(a.FeaturedURL)
			if err != nil {
				return nil, fmt.Errorf("%q: featured image: %w", a.Headline, err)
			}
			fmt.Fprintf(&b, `<figure class="featured"><img src="%s" alt="%s"/></figure>`, esc(src), esc(a.FeaturedAlt))
		}
		body, err := rewrite(strings.Join(a.Pages, "\n"), addImage, c.BaseURL)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", a.Headline, err)
		}
		b.WriteString(body)
		if _, err := e.AddSection(b.String(), a.Headline, chapterFile(i), css); err != nil {
			return nil, fmt.Errorf("add %q: %w", a.Headline, err)
		}
	}
	var buf bytes.Buffer
	if _, err := e.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write the EPUB: %w", err)
	}
	return addMetadata(buf.Bytes(), c.Issue.CoverDate.Format("2006-01-02"), c.Pub.Name)
}

func chapterFile(i int) string { return fmt.Sprintf("article%03d.xhtml", i+1) }

// addMetadata puts the cover date and the publisher into the package
// document, which go-epub has no setters for, by copying the archive
// with that one file changed (the mimetype entry stays first and
// uncompressed, as the format requires).
func addMetadata(book []byte, date, publisher string) ([]byte, error) {
	zr, err := zip.NewReader(bytes.NewReader(book), int64(len(book)))
	if err != nil {
		return nil, fmt.Errorf("reopen the EPUB: %w", err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Name, err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", f.Name, err)
		}
		if strings.HasSuffix(f.Name, ".opf") {
			meta := "<dc:date>" + esc(date) + "</dc:date><dc:publisher>" + esc(publisher) + "</dc:publisher></metadata>"
			s := string(data)
			if !strings.Contains(s, "</metadata>") {
				return nil, fmt.Errorf("the package document has no metadata")
			}
			data = []byte(strings.Replace(s, "</metadata>", meta, 1))
			found = true
		}
		h := f.FileHeader
		// No extra fields (Go adds a timestamp one for Modified): the
		// format forbids them on the mimetype entry.
		h.Extra, h.Modified = nil, time.Time{}
		w, err := zw.CreateHeader(&h)
		if err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Name, err)
		}
		if _, err := w.Write(data); err != nil {
			return nil, fmt.Errorf("write %s: %w", f.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("finish the EPUB: %w", err)
	}
	if !found {
		return nil, fmt.Errorf("the EPUB has no package document")
	}
	return out.Bytes(), nil
}
