package media

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media/mediatest"
)

// TestIngestWaitsForASlot: with every decoder slot taken, an ingest waits
// no longer than its deadline, says so plainly and stores nothing.
func TestIngestWaitsForASlot(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, _ := NewDisk(dir)
	in := NewIngester(files, Limits{Timeout: 10 * time.Millisecond, Decoders: 1})
	in.slots <- struct{}{} // another image is being decoded, for ever
	_, err := in.Ingest(context.Background(), mediatest.GIFBomb(10, 10, 1))
	if magazine.ErrorCode(err) != magazine.ETOOLARGE || !strings.Contains(magazine.ErrorMessage(err), "took longer than 10ms") {
		t.Fatalf("got %v, want the plain timeout message", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("stored %d entries", len(entries))
	}
}

// TestIngestStopsWhenTheClientLeaves: a cancelled request stops decoding
// at the next read and is not reported as the user's fault.
func TestIngestStopsWhenTheClientLeaves(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	files, _ := NewDisk(dir)
	in := NewIngester(files, Limits{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := in.Ingest(ctx, mediatest.GIFBomb(10, 10, 1))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want the cancellation", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("stored %d entries", len(entries))
	}
}
