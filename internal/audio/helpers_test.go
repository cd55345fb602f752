package audio_test

import (
	"context"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/masthead-press/masthead/internal/audio"
)

// needTool skips a test whose system tool is missing, except under CI,
// where .ci/run installs it and its absence is a failure.
func needTool(t testing.TB, name string) {
	t.Helper()
	if _, err := exec.LookPath(name); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not installed; CI installs it (see .ci/run)", name)
		}
		t.Skipf("%s is not installed", name)
	}
}

// probeDuration is the length of an audio file as ffprobe reads it, in
// seconds.
func probeDuration(t testing.TB, path string) float64 {
	t.Helper()
	out, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatalf("ffprobe %s: %v", path, err)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
	if err != nil {
		t.Fatalf("ffprobe %s: %q", path, out)
	}
	return d
}

// counting wraps an engine and counts the texts it was asked to speak and
// which.
type counting struct {
	audio.Engine
	mu    sync.Mutex
	texts []string
}

func (c *counting) Synthesize(ctx context.Context, texts []string) ([]audio.PCM, error) {
	c.mu.Lock()
	c.texts = append(c.texts, texts...)
	c.mu.Unlock()
	return c.Engine.Synthesize(ctx, texts)
}

func (c *counting) spoken() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.texts
	c.texts = nil
	return out
}
