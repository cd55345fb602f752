package fulfilment

import (
	"bufio"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"os"
	"path/filepath"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/magazine"
)

// Paper is a sheet of address labels, 3 × 10 to a page.
type Paper struct {
	Name string // "letter" or "a4"
	// The page and one label, in CSS lengths; the labels are laid out
	// from the top-left margin with the column gap between them.
	Page, Width, Height, Top, Left, Gap string
}

// Papers are the sheets labels are printed on: US Letter with 1" × 2⅝"
// labels (the common 30-up sheet) and A4 with 70 × 29.7 mm labels.
var Papers = map[string]Paper{
	"letter": {Name: "letter", Page: "8.5in 11in", Width: "2.625in", Height: "1in", Top: "0.5in", Left: "0.1875in", Gap: "0.125in"},
	"a4":     {Name: "a4", Page: "210mm 297mm", Width: "70mm", Height: "29.7mm", Top: "0mm", Left: "0mm", Gap: "0mm"},
}

// LabelsPerPage is how many labels a sheet holds.
const LabelsPerPage = 30

var labelsTemplate = template.Must(template.New("labels").Parse(`{{define "head"}}<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title><style>
@page { size: {{.Paper.Page}}; margin: {{.Paper.Top}} {{.Paper.Left}} 0 {{.Paper.Left}}; }
body { margin: 0; font: 9pt/1.25 "DejaVu Sans", Helvetica, Arial, sans-serif; }
.sheet { display: grid; grid-template-columns: repeat(3, {{.Paper.Width}}); grid-auto-rows: {{.Paper.Height}}; column-gap: {{.Paper.Gap}}; break-after: page; }
.label { box-sizing: border-box; padding: 0.08in 0.12in; overflow: hidden; }
.account { font-size: 7pt; }
</style></head><body>
{{end}}{{define "label"}}<div class="label"><div class="account">{{index . 0}}</div>{{index . 1}}<br>{{index . 2}}<br>{{with index . 3}}{{.}}<br>{{end}}{{index . 4}}{{with index . 5}} {{.}}{{end}} {{index . 6}}<br>{{index . 7}}</div>
{{end}}`))

// WriteLabelsHTML turns a mailing list's CSV (as Write makes it) into
// the HTML of its labels, a sheet at a time, without holding the list.
func WriteLabelsHTML(list io.Reader, paper Paper, title string, w io.Writer) (labels int, err error) {
	cr := csv.NewReader(list)
	cr.FieldsPerRecord = len(Header)
	cr.ReuseRecord = true
	if _, err := cr.Read(); err != nil {
		return 0, fmt.Errorf("read the mailing list: %w", err)
	}
	bw := bufio.NewWriter(w)
	if err := labelsTemplate.ExecuteTemplate(bw, "head", map[string]any{"Title": title, "Paper": paper}); err != nil {
		return 0, err
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return labels, fmt.Errorf("read the mailing list: %w", err)
		}
		if labels%LabelsPerPage == 0 {
			if labels > 0 {
				bw.WriteString("</div>\n")
			}
			bw.WriteString(`<div class="sheet">` + "\n")
		}
		if err := labelsTemplate.ExecuteTemplate(bw, "label", rec); err != nil {
			return labels, err
		}
		labels++
	}
	if labels > 0 {
		bw.WriteString("</div>\n")
	}
	bw.WriteString("</body></html>\n")
	return labels, bw.Flush()
}

// LabelsPDF makes the labels of a mailing list as a PDF with the
// converter (WeasyPrint, at low priority, with its timeout).
func LabelsPDF(ctx context.Context, conv *edition.PDFConverter, list io.Reader, paper Paper, issue magazine.Issue) ([]byte, error) {
	dir, err := os.MkdirTemp("", "masthead-labels-*")
	if err != nil {
		return nil, fmt.Errorf("make a folder for the labels: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels.html")
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("write the labels: %w", err)
	}
	n, err := WriteLabelsHTML(list, paper, "Mailing labels, "+issue.Label(), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, magazine.Errorf(magazine.EINVALID, "The mailing list of %s is empty: there are no labels to print.", issue.Label())
	}
	return conv.ConvertFile(ctx, path)
}
