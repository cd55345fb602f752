package fulfilment_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
)

// TestLabels: 31 addresses make two sheets of 3 × 10, each label with
// its account number and address, escaped.
func TestLabels(t *testing.T) {
	var list strings.Builder
	list.WriteString(strings.Join(fulfilment.Header, ",") + "\n")
	for i := 1; i <= 31; i++ {
		fmt.Fprintf(&list, "M%07d,Reader <%d>,%d Main St,,Springfield,IL,627%02d,US,1,Print,Vol. 1 No. 7\n", i, i, i, i)
	}
	var html bytes.Buffer
	n, err := fulfilment.WriteLabelsHTML(strings.NewReader(list.String()), fulfilment.Papers["letter"], "Labels", &html)
	if err != nil || n != 31 {
		t.Fatalf("%d labels, %v", n, err)
	}
	out := html.String()
	if got, rows := strings.Count(out, `<table class="sheet">`), strings.Count(out, "<tr>"); got != 2 || rows != 11 {
		t.Errorf("%d sheets and %d rows for 31 labels, want 2 and 11", got, rows)
	}
	if !strings.Contains(out, "Reader &lt;31&gt;") || strings.Contains(out, "<31>") {
		t.Error("a name is not escaped")
	}
	if !regexp.MustCompile(`M0000031</div>Reader &lt;31&gt;<br>31 Main St<br>Springfield IL 62731<br>US`).MatchString(out) {
		t.Errorf("label 31 reads wrong:\n%s", out[strings.LastIndex(out, `<div class="label">`):])
	}
	conv, err := edition.FindPDFConverter()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("WeasyPrint is not installed (apt-get install weasyprint): %v", err)
		}
		t.Skip("no WeasyPrint")
	}
	for _, paper := range []string{"letter", "a4"} {
		start := time.Now()
		pdf, _, err := fulfilment.LabelsPDF(context.Background(), conv, strings.NewReader(list.String()), fulfilment.Papers[paper], magazine.Issue{Volume: 1, Number: 7})
		if err != nil || !bytes.Contains(pdf, []byte("/Count 2")) {
			t.Errorf("%s labels PDF: %v, pages %q, want two", paper, err, regexp.MustCompile(`/Count \d+`).FindAll(pdf, -1))
		}
		t.Logf("31 labels on %s as a PDF in %s", paper, time.Since(start).Round(time.Millisecond))
	}
}
