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
	"sync"
	"time"
)

// Festival speaks with Festival and the CMU SLT HTS voice: clearly more
// natural than espeak-ng, about 27 times faster than real time. Starting
// festival and loading the voice costs about a second of CPU, most of what
// a one-paragraph edit would cost, so one festival process is kept per
// Festival (per voice: the Narrator keeps one Festival for its settings)
// and fed utterances on stdin, one caller at a time; it is stopped after
// Idle without use, so an idle server holds no Festival memory. A batch
// that times out, or a process that dies or prints what it should not, is
// killed, and the next call starts a new one.
type Festival struct {
	VoiceName string        // a Festival voice function without "voice_"; cmu_us_slt_arctic_hts when empty
	Binary    string        // "festival" when empty
	Timeout   time.Duration // per batch: this plus 20 s per text; 30 s when zero
	Idle      time.Duration // how long the process waits for the next batch; 2 minutes when zero

	mu    sync.Mutex // one utterance stream at a time; guards the rest
	proc  *festivalProc
	used  time.Time
	timer *time.Timer
}

func (f *Festival) Name() string  { return EngineFestival }
func (f *Festival) Voice() string { return cmp.Or(f.VoiceName, "cmu_us_slt_arctic_hts") }

// MaxInput keeps each utterance to a few sentences: HTS works on whole
// utterances at once.
func (f *Festival) MaxInput() int { return 1500 }

func (f *Festival) binary() string { return cmp.Or(f.Binary, "festival") }

func (f *Festival) idle() time.Duration { return cmp.Or(f.Idle, 2*time.Minute) }

// Check speaks one word with the voice: through the running process if
// there is one, else with a festival of its own that exits at once. The
// Narrator checks every five minutes, longer than a process is kept idle,
// so a check that started the long-running process would pay the same
// start and then hold its memory for nothing; and `masthead audio
// backfill` checks before it lowers its priority, which the process it
// renders with must inherit.
func (f *Festival) Check(ctx context.Context) error {
	if _, err := exec.LookPath(f.binary()); err != nil {
		return unavailable("festival is not installed (Debian/Ubuntu: apt-get install --no-install-recommends festival festvox-us-slt-hts; macOS: brew install festival, then a voice)")
	}
	f.mu.Lock()
	running := f.proc != nil
	f.mu.Unlock()
	var err error
	if running {
		_, err = f.Synthesize(ctx, []string{"ready"})
	} else {
		_, err = f.synthesizeOnce(ctx, []string{"ready"})
	}
	return err
}

// Synthesize speaks each text into its own WAV file in a temporary folder
// through the long-running process (started if need be) and reads the
// files back.
func (f *Festival) Synthesize(ctx context.Context, texts []string) ([]PCM, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	dir, err := f.prepare(texts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	paths := make([]string, len(texts))
	for i := range texts {
		paths[i] = wavPath(dir, i)
	}
	return f.speak(ctx, texts, paths)
}

// speak has the process speak each text into its path.
func (f *Festival) speak(ctx context.Context, texts, paths []string) ([]PCM, error) {
	ctx, cancel := context.WithTimeout(ctx, f.batchTimeout(len(texts)))
	defer cancel()
	f.mu.Lock()
	defer f.mu.Unlock()
	defer f.touch()
	if ctx.Err() != nil { // spent waiting for another batch: the process is not to blame
		return nil, fmt.Errorf("festival did not start within its time limit: another narration was using it")
	}
	if f.proc == nil {
		var err error
		if f.proc, err = startFestival(ctx, f.binary(), f.Voice()); err != nil {
			return nil, err
		}
	}
	out := make([]PCM, len(texts))
	for i, t := range texts {
		path := paths[i]
		said, err := f.proc.run(ctx, sayExpr(t, path))
		if err != nil {
			f.drop()
			return nil, err
		}
		if out[i], err = readWave(path, t, said); err != nil {
			if _, missing := err.(noAudioError); !missing {
				f.drop() // it wrote something that is not a WAV: not to be trusted with the next batch
			}
			return nil, err
		}
	}
	return out, nil
}

// Close stops the festival process, if one is running; the next
// Synthesize starts another.
func (f *Festival) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.timer != nil {
		f.timer.Stop()
	}
	if f.proc != nil {
		f.proc.stop()
		f.proc = nil
	}
	return nil
}

// touch notes a use and sets the idle stop. Called with f.mu held.
func (f *Festival) touch() {
	f.used = time.Now()
	if f.timer == nil {
		f.timer = time.AfterFunc(f.idle(), f.stopIdle)
	} else {
		f.timer.Reset(f.idle())
	}
}

func (f *Festival) stopIdle() {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.proc != nil && time.Since(f.used) >= f.idle() {
		f.proc.stop()
		f.proc = nil
	}
}

// drop kills the process after a failure. Called with f.mu held.
func (f *Festival) drop() {
	if f.proc != nil {
		f.proc.kill()
		f.proc = nil
	}
}

// liveCPU is read() plus the CPU time of the running process, read while
// no batch runs, so that the process cannot be reaped (its time moving to
// this process's finished children) between the two readings.
func (f *Festival) liveCPU(read func() time.Duration) time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := read()
	if f.proc != nil {
		t += processCPU(f.proc.cmd.Process.Pid)
	}
	return t
}

// prepare checks the voice and the texts and makes the batch's folder.
func (f *Festival) prepare(texts []string) (string, error) {
	if !validVoice(f.Voice()) {
		return "", fmt.Errorf("festival: %q is not a voice name", f.Voice())
	}
	for _, t := range texts {
		if len(t) > f.MaxInput() {
			return "", fmt.Errorf("festival: a text of %d bytes is over the limit of %d", len(t), f.MaxInput())
		}
	}
	dir, err := os.MkdirTemp("", "masthead-festival-*")
	if err != nil {
		return "", fmt.Errorf("festival: %w", err)
	}
	return dir, nil
}

func (f *Festival) batchTimeout(texts int) time.Duration {
	return cmp.Or(f.Timeout, 30*time.Second) + time.Duration(texts)*20*time.Second
}

// synthesizeOnce speaks a batch with a festival process of its own,
// running a generated script (see Check for when).
func (f *Festival) synthesizeOnce(ctx context.Context, texts []string) ([]PCM, error) {
	dir, err := f.prepare(texts)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	var script strings.Builder
	fmt.Fprintf(&script, "(voice_%s)\n", f.Voice())
	for i, t := range texts {
		script.WriteString(sayExpr(t, wavPath(dir, i)) + "\n")
	}
	path := filepath.Join(dir, "say.scm")
	if err := os.WriteFile(path, []byte(script.String()), 0o600); err != nil {
		return nil, fmt.Errorf("festival: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, f.batchTimeout(len(texts)))
	defer cancel()
	cmd := exec.CommandContext(ctx, f.binary(), "-b", path)
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &limitedBuffer{max: 4096, b: &stderr}, &limitedBuffer{max: 4096, b: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("festival did not finish within its time limit")
		}
		return nil, engineError("festival", err, stderr.String())
	}
	out := make([]PCM, len(texts))
	for i, t := range texts {
		// Festival reports a bad script on stdout and exits 0.
		if out[i], err = readWave(wavPath(dir, i), t, []string{lastLine(stderr.String())}); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func wavPath(dir string, i int) string { return filepath.Join(dir, fmt.Sprintf("%05d.wav", i)) }

// sayExpr is the Scheme that speaks text into a WAV file. Both are
// strings to the reader (schemeString), never code.
func sayExpr(text, path string) string {
	return fmt.Sprintf("(utt.save.wave (utt.synth (Utterance Text %s)) %s 'riff)", schemeString(text), schemeString(path))
}

// noAudioError is a text Festival wrote no file for; what it said is the
// reason.
type noAudioError struct{ text, said string }

func (e noAudioError) Error() string {
	return fmt.Sprintf("festival produced no audio for %q: %s", clip(e.text), e.said)
}

// readWave reads the WAV Festival wrote for text; said is what it printed
// meanwhile.
func readWave(path, text string, said []string) (PCM, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		last := "it said nothing"
		if len(said) > 0 && said[len(said)-1] != "" {
			last = said[len(said)-1]
		}
		return PCM{}, noAudioError{text: text, said: last}
	}
	p, err := ParseWAV(b)
	if err != nil {
		return PCM{}, fmt.Errorf("festival returned no usable audio: %w", err)
	}
	return p, nil
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
