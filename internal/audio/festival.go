package audio

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Festival speaks with Festival and the CMU SLT HTS voice: clearly more
// natural than espeak-ng, about 27 times faster than real time. Loading the
// voice costs a third of a second of CPU, so a batch of texts is spoken by
// one festival process running a generated script.
type Festival struct {
	VoiceName string        // a Festival voice function without "voice_"; cmu_us_slt_arctic_hts when empty
	Binary    string        // "festival" when empty
	Timeout   time.Duration // per batch: this plus 20 s per text; 30 s when zero
}

func (f *Festival) Name() string  { return EngineFestival }
func (f *Festival) Voice() string { return cmp.Or(f.VoiceName, "cmu_us_slt_arctic_hts") }

// MaxInput keeps each utterance to a few sentences: HTS works on whole
// utterances at once.
func (f *Festival) MaxInput() int { return 1500 }

// Check speaks one word with the voice.
func (f *Festival) Check(ctx context.Context) error {
	if _, err := exec.LookPath(cmp.Or(f.Binary, "festival")); err != nil {
		return unavailable("festival is not installed (Debian/Ubuntu: apt-get install --no-install-recommends festival festvox-us-slt-hts; macOS: brew install festival, then a voice)")
	}
	_, err := f.Synthesize(ctx, []string{"ready"})
	return err
}

// Synthesize writes one Scheme script that speaks every text into its own
// WAV file in a temporary folder, runs it, and reads the files back.
func (f *Festival) Synthesize(ctx context.Context, texts []string) ([]PCM, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	if !validVoice(f.Voice()) {
		return nil, fmt.Errorf("festival: %q is not a voice name", f.Voice())
	}
	dir, err := os.MkdirTemp("", "masthead-festival-*")
	if err != nil {
		return nil, fmt.Errorf("festival: %w", err)
	}
	defer os.RemoveAll(dir)
	var script strings.Builder
	fmt.Fprintf(&script, "(voice_%s)\n", f.Voice())
	for i, t := range texts {
		if len(t) > f.MaxInput() {
			return nil, fmt.Errorf("festival: a text of %d bytes is over the limit of %d", len(t), f.MaxInput())
		}
		fmt.Fprintf(&script, "(utt.save.wave (utt.synth (Utterance Text %s)) %s 'riff)\n", schemeString(t), schemeString(filepath.Join(dir, fmt.Sprintf("%05d.wav", i))))
	}
	path := filepath.Join(dir, "say.scm")
	if err := os.WriteFile(path, []byte(script.String()), 0o600); err != nil {
		return nil, fmt.Errorf("festival: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(f.Timeout, 30*time.Second)+time.Duration(len(texts))*20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, cmp.Or(f.Binary, "festival"), "-b", path)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limitedBuffer{max: 4096, b: &stderr}, &limitedBuffer{max: 4096, b: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("festival did not finish within its time limit")
		}
		return nil, engineError("festival", err, stderr.String())
	}
	out := make([]PCM, len(texts))
	for i := range texts {
		b, err := os.ReadFile(filepath.Join(dir, fmt.Sprintf("%05d.wav", i)))
		if err != nil {
			// Festival reports a bad script on stdout and exits 0.
			return nil, fmt.Errorf("festival produced no audio for %q: %s", clip(texts[i]), lastLine(stderr.String()))
		}
		if out[i], err = ParseWAV(b); err != nil {
			return nil, fmt.Errorf("festival returned no usable audio: %w", err)
		}
	}
	return out, nil
}

// schemeString quotes s for Festival's Scheme reader: backslashes and
// double quotes escaped, control characters made spaces.
func schemeString(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r < ' ' || r == 0x7f:
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

func validVoice(v string) bool {
	for _, r := range v {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') {
			return false
		}
	}
	return v != ""
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}
