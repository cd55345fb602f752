package fulfilment_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/magazine"
)

func TestZZMeasureLabels(t *testing.T) {
	conv, _ := edition.FindPDFConverter()
	conv.Timeout = time.Hour
	for _, n := range []int{2000, 8000, 2000} {
		var list strings.Builder
		list.WriteString(strings.Join(fulfilment.Header, ",") + "\n")
		for i := 1; i <= n; i++ {
			fmt.Fprintf(&list, "M%07d,Reader %d,%d Main St,,Springfield,IL,627%02d,US,1,Print,Vol. 1 No. 7\n", i, i, i, i%100)
		}
		start := time.Now()
		pdf, _, err := fulfilment.LabelsPDF(context.Background(), conv, strings.NewReader(list.String()), fulfilment.Papers["letter"], magazine.Issue{Volume: 1, Number: 7})
		t.Logf("%d labels: %s, %d bytes, %v", n, time.Since(start), len(pdf), err)
	}
}
