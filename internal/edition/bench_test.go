package edition_test

import (
	"context"
	"testing"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/store"
)

// BenchmarkEPUB40 builds the EPUB of a 40-article demo issue (with its
// pictures), as the job does on publish. bench/edition.sh runs it.
func BenchmarkEPUB40(b *testing.B) {
	ctx := context.Background()
	builder, st := demoBuilder(b, 1, 40)
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := builder.Build(ctx, is.ID, store.FormatEPUB, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPDF40 is the same issue's PDF through WeasyPrint.
func BenchmarkPDF40(b *testing.B) {
	ctx := context.Background()
	builder, st := demoBuilder(b, 1, 40)
	conv, err := edition.FindPDFConverter()
	if err != nil {
		b.Skip(err)
	}
	builder.PDF = conv
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := builder.Build(ctx, is.ID, store.FormatPDF, ""); err != nil {
			b.Fatal(err)
		}
	}
}
