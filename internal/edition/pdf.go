package edition

import (
	"bytes"
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// NoConverter is what the admin says when WeasyPrint is not installed.
const NoConverter = "No PDF converter is installed (WeasyPrint, found on the PATH as weasyprint; on Debian: apt-get install weasyprint), so no PDF is built or offered. Uploaded replica PDFs are still offered."

// DefaultPDFTimeout bounds one conversion: a converter that hangs is
// stopped and the build recorded as failed.
const DefaultPDFTimeout = 3 * time.Minute

// PDFConverter runs WeasyPrint as a subprocess.
type PDFConverter struct {
	Path    string
	Timeout time.Duration
}

// converterNice is the scheduling priority the converter runs at (as
// `nice -n`): below the server's, which answers readers.
const converterNice = 15

// FindPDFConverter looks for WeasyPrint on the PATH. The error says what
// to install; without it, Masthead simply offers no PDF.
func FindPDFConverter() (*PDFConverter, error) {
	path, err := exec.LookPath("weasyprint")
	if err != nil {
		return nil, errors.New(NoConverter)
	}
	return &PDFConverter{Path: path, Timeout: DefaultPDFTimeout}, nil
}

// CheckPDFConverter reports the converter and its version, or why there
// is none: the check `masthead doctor` shows for editions.
func CheckPDFConverter(ctx context.Context) (string, error) {
	c, err := FindPDFConverter()
	if err != nil {
		return "", err
	}
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, c.Path, "--version").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("%s does not run (%v): reinstall WeasyPrint; until then no PDF is offered", c.Path, err)
	}
	return strings.TrimSpace(string(out)) + " at " + c.Path, nil
}

//go:embed print.html print.css
var printFS embed.FS

var printTemplate = template.Must(template.New("print.html").ParseFS(printFS, "print.html"))

type printArticle struct {
	magazine.Article
	ID       string
	Byline   string
	Featured string
	Body     template.HTML
}

type printPage struct {
	Content
	Lang     string
	CSS      template.CSS
	Cover    string
	Articles []printArticle
	Date     string
}

// printHTML writes the print edition's HTML into dir, with its pictures
// as files beside it, and returns its path.
func printHTML(ctx context.Context, c Content, im *images, dir string) (string, error) {
	n := 0
	addImage := func(src string) (string, error) {
		b, err := im.load(ctx, src)
		if err != nil {
			return "", err
		}
		n++
		name := fmt.Sprintf("image%03d.jpg", n)
		return name, os.WriteFile(filepath.Join(dir, name), b, 0o600)
	}
	css, err := printFS.ReadFile("print.css")
	if err != nil {
		return "", err
	}
	p := printPage{Content: c, Lang: c.Pub.Locale, CSS: template.CSS(css), Date: c.Issue.CoverDate.Format("January 2, 2006")}
	if c.Issue.CoverURL != "" {
		if p.Cover, err = addImage(c.Issue.CoverURL); err != nil {
			return "", fmt.Errorf("the cover: %w", err)
		}
	}
	for i, a := range c.Articles {
		pa := printArticle{Article: a, ID: fmt.Sprintf("a%d", i+1), Byline: Byline(a, c.Pub)}
		if a.FeaturedURL != "" {
			if pa.Featured, err = addImage(a.FeaturedURL); err != nil {
				return "", fmt.Errorf("%q: featured image: %w", a.Headline, err)
			}
		}
		body, err := rewrite(strings.Join(a.Pages, "\n"), addImage, c.BaseURL)
		if err != nil {
			return "", fmt.Errorf("%q: %w", a.Headline, err)
		}
		pa.Body = template.HTML(body)
		p.Articles = append(p.Articles, pa)
	}
	var buf bytes.Buffer
	if err := printTemplate.Execute(&buf, p); err != nil {
		return "", fmt.Errorf("render the print edition: %w", err)
	}
	path := filepath.Join(dir, "edition.html")
	return path, os.WriteFile(path, buf.Bytes(), 0o600)
}

// Convert makes the issue's PDF. The converter gets a timeout; its output
// is accepted only if it is a whole PDF.
func (c *PDFConverter) Convert(ctx context.Context, content Content, im *images) ([]byte, error) {
	if len(content.Articles) == 0 {
		return nil, fmt.Errorf("%s has no published articles", content.Issue.Label())
	}
	dir, err := os.MkdirTemp("", "masthead-pdf-*")
	if err != nil {
		return nil, fmt.Errorf("make a folder for the PDF: %w", err)
	}
	defer os.RemoveAll(dir)
	in, err := printHTML(ctx, content, im, dir)
	if err != nil {
		return nil, err
	}
	return c.ConvertFile(ctx, in)
}

// ConvertFile makes a PDF of the HTML file at in (its pictures beside
// it), with the converter's timeout, at low priority: the labels of a
// mailing list use it too. Its output is accepted only if it is a whole
// PDF.
func (c *PDFConverter) ConvertFile(ctx context.Context, in string) ([]byte, error) {
	dir := filepath.Dir(in)
	out := strings.TrimSuffix(in, filepath.Ext(in)) + ".pdf"
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultPDFTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name, args := c.Path, []string{"--quiet", in, out}
	if nice, err := exec.LookPath("nice"); err == nil {
		// A PDF costs seconds of CPU and nobody waits for it, while a
		// server with a back catalogue builds many: readers' pages first.
		name, args = nice, append([]string{"-n", strconv.Itoa(converterNice), c.Path}, args...)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	cmd.WaitDelay = 5 * time.Second
	var stderr bytes.Buffer
	cmd.Stderr = &limited{w: &stderr, n: 4000}
	if err := cmd.Run(); err != nil {
		if ctx.Err() == context.DeadlineExceeded {
			return nil, fmt.Errorf("the PDF converter did not finish within %s and was stopped", timeout)
		}
		return nil, fmt.Errorf("the PDF converter failed (%v): %s", err, strings.TrimSpace(stderr.String()))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, fmt.Errorf("the PDF converter wrote no file: %w", err)
	}
	if !IsPDF(data) {
		return nil, errors.New("the PDF converter wrote a file that is not a whole PDF")
	}
	return data, nil
}

// IsPDF reports whether data looks like a whole PDF: the header at the
// start and the end-of-file marker near the end.
func IsPDF(data []byte) bool {
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return false
	}
	tail := data[max(0, len(data)-1024):]
	return bytes.Contains(tail, []byte("%%EOF"))
}

// limited keeps the first n bytes written to it.
type limited struct {
	w interface{ Write([]byte) (int, error) }
	n int
}

func (l *limited) Write(p []byte) (int, error) {
	if l.n > 0 {
		k := min(len(p), l.n)
		l.w.Write(p[:k])
		l.n -= k
	}
	return len(p), nil
}
