package audio

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// Espeak speaks with espeak-ng, one process per text (it starts in a few
// milliseconds). Robotic, but several hundred times faster than real time.
type Espeak struct {
	VoiceName string        // an espeak-ng voice such as "en-us"; "en-us" when empty
	Binary    string        // "espeak-ng" when empty
	Timeout   time.Duration // per text; 30 s when zero
}

func (e *Espeak) Name() string  { return EngineEspeak }
func (e *Espeak) Voice() string { return cmp.Or(e.VoiceName, "en-us") }
func (e *Espeak) MaxInput() int { return 4000 }

// Check runs espeak-ng on one word.
func (e *Espeak) Check(ctx context.Context) error {
	if _, err := exec.LookPath(cmp.Or(e.Binary, "espeak-ng")); err != nil {
		return unavailable("espeak-ng is not installed (Debian/Ubuntu: apt-get install espeak-ng; macOS: brew install espeak-ng)")
	}
	_, err := e.Synthesize(ctx, []string{"ready"})
	return err
}

// Synthesize speaks each text. The text goes on stdin, so nothing in it can
// be taken for an option.
func (e *Espeak) Synthesize(ctx context.Context, texts []string) ([]PCM, error) {
	out := make([]PCM, 0, len(texts))
	for _, t := range texts {
		if len(t) > e.MaxInput() {
			return nil, fmt.Errorf("espeak-ng: a text of %d bytes is over the limit of %d", len(t), e.MaxInput())
		}
		p, err := e.say(ctx, t)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (e *Espeak) say(ctx context.Context, text string) (PCM, error) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(e.Timeout, 30*time.Second))
	defer cancel()
	cmd := exec.CommandContext(ctx, cmp.Or(e.Binary, "espeak-ng"), "-v", e.Voice(), "-s", "165", "--stdout")
	cmd.Stdin = strings.NewReader(text)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedBuffer{max: 4096, b: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return PCM{}, fmt.Errorf("espeak-ng did not finish within its time limit")
		}
		return PCM{}, engineError("espeak-ng", err, stderr.String())
	}
	p, err := ParseWAV(stdout.Bytes())
	if err != nil {
		return PCM{}, fmt.Errorf("espeak-ng returned no usable audio: %w (%s)", err, strings.TrimSpace(stderr.String()))
	}
	if len(p.Samples) == 0 {
		return PCM{}, fmt.Errorf("espeak-ng returned no audio for %q: %s", clip(text), strings.TrimSpace(stderr.String()))
	}
	return p, nil
}

// limitedBuffer keeps the first max bytes a tool prints on stderr, so a
// tool that floods it cannot fill memory.
type limitedBuffer struct {
	max int
	b   *bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	if room := l.max - l.b.Len(); room > 0 {
		l.b.Write(p[:min(room, len(p))])
	}
	return len(p), nil
}

// clip shortens a text for an error message.
func clip(s string) string {
	if len(s) > 60 {
		return s[:60] + "…"
	}
	return s
}
