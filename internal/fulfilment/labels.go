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
	// The page and one label, in CSS lengths; Side is the page's left
	// and right margin less one Gap, the space between two columns.
	Page, Width, Height, Top, Side, Gap string
}

// Papers are the sheets labels are printed on: US Letter with 1" × 2⅝"
// labels (the common 30-up sheet) and A4 with 70 × 29.7 mm labels, made
// a hair shorter so that rounding never pushes the tenth row onto a
// page of its own.
var Papers = map[string]Paper{
	"letter": {Name: "letter", Page: "8.5in 11in", Width: "2.625in", Height: "1in", Top: "0.5in", Side: "0.0625in", Gap: "0.125in"},
	"a4":     {Name: "a4", Page: "210mm 297mm", Width: "70mm", Height: "29.65mm", Top: "0mm", Side: "0mm", Gap: "0mm"},
}

// LabelsPerPage is how many labels a sheet holds.
const LabelsPerPage = 30

// A sheet is a table: the converter lays tables out the same everywhere
// (older WeasyPrint has no CSS grid).
var labelsTemplate = template.Must(template.New("labels").Parse(`{{define "head"}}<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>{{.Title}}</title><style>
@page { size: {{.Paper.Page}}; margin: {{.Paper.Top}} {{.Paper.Side}} 0 {{.Paper.Side}}; }
body { margin: 0; font: 9pt/1.25 "DejaVu Sans", Helvetica, Arial, sans-serif; }
table.sheet { border-collapse: separate; border-spacing: {{.Paper.Gap}} 0; table-layout: fixed; break-after: page; }
td { width: {{.Paper.Width}}; height: {{.Paper.Height}}; padding: 0; vertical-align: top; }
.label { box-sizing: border-box; width: {{.Paper.Width}}; height: {{.Paper.Height}}; padding: 0.08in 0.12in; overflow: hidden; }
.account { font-size: 7pt; }
</style></head><body>
{{end}}{{define "label"}}<td><div class="label"><div class="account">{{index . 0}}</div>{{index . 1}}<br>{{index . 2}}<br>{{with index . 3}}{{.}}<br>{{end}}{{index . 4}}{{with index . 5}} {{.}}{{end}} {{index . 6}}<br>{{index . 7}}</div></td>
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
		switch {
		case labels == 0:
			bw.WriteString("<table class=\"sheet\"><tr>\n")
		case labels%LabelsPerPage == 0:
			bw.WriteString("</tr></table>\n<table class=\"sheet\"><tr>\n")
		case labels%3 == 0:
			bw.WriteString("</tr><tr>\n")
		}
		if err := labelsTemplate.ExecuteTemplate(bw, "label", rec); err != nil {
			return labels, err
		}
		labels++
	}
	if labels > 0 {
		bw.WriteString("</tr></table>\n")
	}
	bw.WriteString("</body></html>\n")
	return labels, bw.Flush()
}

// LabelsPDF makes the labels of a mailing list as a PDF with the
// converter (WeasyPrint, at low priority, with its timeout), and how
// many labels it holds.
func LabelsPDF(ctx context.Context, conv *edition.PDFConverter, list io.Reader, paper Paper, issue magazine.Issue) (pdf []byte, labels int, err error) {
	dir, err := os.MkdirTemp("", "masthead-labels-*")
	if err != nil {
		return nil, 0, fmt.Errorf("make a folder for the labels: %w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels.html")
	f, err := os.Create(path)
	if err != nil {
		return nil, 0, fmt.Errorf("write the labels: %w", err)
	}
	n, err := WriteLabelsHTML(list, paper, "Mailing labels, "+issue.Label(), f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, magazine.Errorf(magazine.EINVALID, "The mailing list of %s is empty: there are no labels to print.", issue.Label())
	}
	pdf, err = conv.ConvertFile(ctx, path)
	return pdf, n, err
}
