package edition_test

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/store"
)

func TestPDFBuild(t *testing.T) {
	t.Parallel()
	conv, err := edition.FindPDFConverter()
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("WeasyPrint is not installed (apt-get install weasyprint): %v", err)
		}
		t.Skip(err)
	}
	ctx := context.Background()
	b, st := demoBuilder(t, 1, 4)
	b.PDF = conv
	if n, err := b.BuildStale(ctx); err != nil || n != 2 {
		t.Fatalf("BuildStale = %d, %v; want the EPUB and the PDF", n, err)
	}
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	eds, _ := st.Editions(ctx, is.ID)
	e := eds[store.FormatPDF]
	if !e.Ready() {
		t.Fatalf("no PDF: %+v", e)
	}
	f, err := b.Files.Open(ctx, e.Key)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(f)
	f.Close()
	if !edition.IsPDF(data) {
		t.Fatalf("the stored PDF is not a PDF (%d bytes)", len(data))
	}
	t.Logf("PDF of %d articles: %d bytes in %.2f s", 4, e.Size, e.Seconds)
	// Nothing changed: a second run builds nothing.
	if n, err := b.BuildStale(ctx); err != nil || n != 0 {
		t.Errorf("a second BuildStale = %d, %v; want nothing to build", n, err)
	}
}

// fakeConverter is a "weasyprint" that misbehaves as script says.
func fakeConverter(t *testing.T, script string) *edition.PDFConverter {
	t.Helper()
	path := filepath.Join(t.TempDir(), "weasyprint")
	if err := os.WriteFile(path, []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	return &edition.PDFConverter{Path: path, Timeout: 2 * time.Second}
}

// TestPDFConverterRunsNiced: the converter runs below the server's
// priority, so that building a back catalogue's PDFs does not slow the
// pages readers are waiting for.
func TestPDFConverterRunsNiced(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, st := demoBuilder(t, 1, 2)
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := filepath.Join(t.TempDir(), "nice")
	b.PDF = fakeConverter(t, `nice > '`+seen+`'; printf '%%PDF-1.7 fake\n%%%%EOF\n' > "$3"`)
	if err := st.RetryEdition(ctx, is.ID, store.FormatPDF); err != nil {
		t.Fatal(err)
	}
	b.BuildStale(ctx)
	got, err := os.ReadFile(seen)
	if err != nil {
		t.Fatalf("the converter did not run: %v", err)
	}
	// 15 below this process (a suite run under nice starts lower), at
	// most 19.
	own, err := exec.Command("nice").Output()
	if err != nil {
		t.Fatal(err)
	}
	base, _ := strconv.Atoi(strings.TrimSpace(string(own)))
	if n, want := strings.TrimSpace(string(got)), strconv.Itoa(min(base+15, 19)); n != want {
		t.Errorf("the converter ran at niceness %s, want %s", n, want)
	}
}

// TestPDFBuildFailures: a converter that hangs, crashes or writes half a
// file leaves a reason for the admin and no PDF on offer; a later good
// build after a retry replaces nothing good with anything broken.
func TestPDFBuildFailures(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	b, st := demoBuilder(t, 1, 2)
	is, err := st.CurrentIssue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, script, reason string }{
		{"hangs", "exec sleep 30", "did not finish"},
		{"crashes", "echo 'Segmentation fault' >&2; exit 139", "Segmentation fault"},
		{"half a file", `printf '%%PDF-1.7 half' > "$3"`, "not a whole PDF"},
	} {
		b.PDF = fakeConverter(t, tt.script)
		if err := st.RetryEdition(ctx, is.ID, store.FormatPDF); err != nil {
			t.Fatal(err)
		}
		b.BuildStale(ctx)
		eds, err := st.Editions(ctx, is.ID)
		if err != nil {
			t.Fatal(err)
		}
		e := eds[store.FormatPDF]
		if e.Ready() || !strings.Contains(e.Error, tt.reason) || e.FailedAt.IsZero() {
			t.Errorf("converter %s: edition %+v; want no file and a reason with %q", tt.name, e, tt.reason)
		}
		// A failed build is not tried again and again on the same content.
		if n, _ := b.BuildStale(ctx); n != 0 {
			t.Errorf("converter %s: the failed build was retried without a change", tt.name)
		}
	}
}
