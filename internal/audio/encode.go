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

// Encoder makes MP3 with libmp3lame: mono, 64 kbps, 22.05 kHz, what
// podcast apps and browsers all play, with no bit reservoir, so that every
// frame decodes on its own: segments and sentences cut apart and joined
// again, or played from the middle, never start with a broken frame. It runs the lame command where it
// is installed and ffmpeg otherwise. Both drive the same libmp3lame with
// the same settings and make the same bytes from audio at 22.05 kHz (from
// another rate each resamples its own way: TestLameIsFFmpeg), but lame
// links 13 libraries and ffmpeg 216: lame encodes a paragraph in about
// 0.03 s of CPU, ffmpeg in 0.13 s, most of it its own start, which was
// most of a re-render after a one-paragraph edit (docs/BENCHMARKS.md).
type Encoder struct {
	Binary  string        // "ffmpeg" when empty
	Lame    string        // "lame" when empty
	NoLame  bool          // encode with ffmpeg even where lame is installed
	Timeout time.Duration // per call; 60 s when zero
}

// lameBatch is the most pieces MP3s encodes with one lame process each
// rather than one ffmpeg for all: ffmpeg's start costs about what four
// lame runs do.
const lameBatch = 4

// lame returns the lame command to run, or "" to use ffmpeg.
func (e Encoder) lame() string {
	if e.NoLame {
		return ""
	}
	path, err := exec.LookPath(cmp.Or(e.Lame, "lame"))
	if err != nil {
		return ""
	}
	return path
}

// SampleRate is the rate of every MP3 Masthead makes: segments joined by
// stream copy must share it.
const SampleRate = 22050

// Check reports whether lame, or else ffmpeg, runs and makes MP3.
func (e Encoder) Check(ctx context.Context) error {
	if _, err := exec.LookPath(cmp.Or(e.Binary, "ffmpeg")); err != nil && e.lame() == "" {
		return unavailable(noEncoder)
	}
	_, err := e.MP3(ctx, PCM{Rate: SampleRate, Samples: make([]int16, SampleRate/10)})
	return err
}

// MP3 normalises p's loudness (see Normalize) and encodes it. The result is
// bare MP3 frames, with no ID3 or Xing header, so that segments can be
// sent one after another while an article is still rendering.
func (e Encoder) MP3(ctx context.Context, p PCM) ([]byte, error) {
	if len(p.Samples) == 0 {
		return nil, fmt.Errorf("ffmpeg: no audio to encode")
	}
	if lame := e.lame(); lame != "" {
		// -t: no Xing/LAME header frame, as -write_xing 0; lame writes
		// no ID3 tag unless given one.
		return e.command(ctx, lame, bytes.NewReader(Normalize(p).WAV()),
			"--quiet", "--noreplaygain", "-m", "m", "-b", "64", "--cbr", "-q", "7", "--nores", "-t",
			"--resample", fmt.Sprintf("%g", SampleRate/1000.0), "-", "-")
	}
	return e.run(ctx, bytes.NewReader(Normalize(p).WAV()),
		"-f", "wav", "-i", "pipe:0", "-ac", "1", "-ar", fmt.Sprint(SampleRate),
		"-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7", "-reservoir", "0",
		"-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1")
}

// MP3s encodes several pieces of audio of one rate, each normalised on
// its own, with one ffmpeg process: the pieces are played back to back into
// one encoder and the segment muxer cuts the MP3 where each piece ends (at
// the nearest 52 ms frame). Starting ffmpeg once per paragraph cost more
// CPU than espeak-ng's whole narration. A few pieces (an edit's) are
// encoded one by one with lame where it is installed: its start is cheap,
// but adds up over the sixty sentences of an article.
func (e Encoder) MP3s(ctx context.Context, pieces []PCM) ([][]byte, error) {
	if len(pieces) == 1 || len(pieces) <= lameBatch && e.lame() != "" {
		out := make([][]byte, len(pieces))
		for i, p := range pieces {
			var err error
			if out[i], err = e.MP3(ctx, p); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	all := PCM{Rate: pieces[0].Rate}
	var cuts []string
	for i, p := range pieces {
		if p.Rate != all.Rate || len(p.Samples) == 0 {
			return nil, fmt.Errorf("ffmpeg: piece %d is empty or at another rate", i)
		}
		all.Samples = append(all.Samples, Normalize(p).Samples...)
		if i < len(pieces)-1 {
			cuts = append(cuts, fmt.Sprintf("%.4f", float64(len(all.Samples))/float64(all.Rate)))
		}
	}
	dir, err := os.MkdirTemp("", "masthead-encode-*")
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	defer os.RemoveAll(dir)
	if _, err := e.run(ctx, bytes.NewReader(all.WAV()),
		"-f", "wav", "-i", "pipe:0", "-ac", "1", "-ar", fmt.Sprint(SampleRate),
		"-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7", "-reservoir", "0",
		"-f", "segment", "-segment_times", strings.Join(cuts, ","), "-segment_format", "mp3",
		"-segment_format_options", "write_xing=0:id3v2_version=0", "-y", filepath.Join(dir, "%05d.mp3")); err != nil {
		return nil, err
	}
	out := make([][]byte, len(pieces))
	for i := range pieces {
		if out[i], err = os.ReadFile(filepath.Join(dir, fmt.Sprintf("%05d.mp3", i))); err != nil {
			return nil, fmt.Errorf("ffmpeg made %d segments for %d pieces", i, len(pieces))
		}
	}
	return out, nil
}

// Concat joins MP3 segments into one file with the Xing header that lets
// players show the length and seek at once. Segments as Encoder makes
// them are joined in-process (JoinMP3: ffmpeg's start alone cost a tenth
// of a second of CPU, a fifth of a re-render after a one-paragraph edit);
// anything else, such as a segment with an ID3 tag, with ffmpeg's concat
// demuxer and stream copy.
func (e Encoder) Concat(ctx context.Context, segments [][]byte) ([]byte, error) {
	if len(segments) == 0 {
		return nil, fmt.Errorf("ffmpeg: no segments to join")
	}
	if b, err := JoinMP3(segments); err == nil {
		return b, nil
	}
	dir, err := os.MkdirTemp("", "masthead-concat-*")
	if err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	defer os.RemoveAll(dir)
	var list strings.Builder
	for i, s := range segments {
		name := filepath.Join(dir, fmt.Sprintf("%05d.mp3", i))
		if err := os.WriteFile(name, s, 0o600); err != nil {
			return nil, fmt.Errorf("ffmpeg: %w", err)
		}
		fmt.Fprintf(&list, "file '%s'\n", name)
	}
	listPath, out := filepath.Join(dir, "list.txt"), filepath.Join(dir, "out.mp3")
	if err := os.WriteFile(listPath, []byte(list.String()), 0o600); err != nil {
		return nil, fmt.Errorf("ffmpeg: %w", err)
	}
	// The output is a file, not a pipe: the Xing header is written last,
	// at the start of a seekable file.
	if _, err := e.run(ctx, nil, "-f", "concat", "-safe", "0", "-i", listPath, "-c", "copy", "-id3v2_version", "0", "-f", "mp3", "-y", out); err != nil {
		return nil, err
	}
	return os.ReadFile(out)
}

const noEncoder = "ffmpeg is not installed (Debian/Ubuntu: apt-get install ffmpeg lame; macOS: brew install ffmpeg lame)"

// run runs ffmpeg with args.
func (e Encoder) run(ctx context.Context, stdin *bytes.Reader, args ...string) ([]byte, error) {
	head := []string{"-hide_banner", "-loglevel", "error"}
	if stdin == nil {
		head = append(head, "-nostdin") // never wait on a terminal
	}
	return e.command(ctx, cmp.Or(e.Binary, "ffmpeg"), stdin, append(head, args...)...)
}

// command runs an encoder and returns what it wrote to its output.
func (e Encoder) command(ctx context.Context, name string, stdin *bytes.Reader, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(e.Timeout, 60*time.Second))
	defer cancel()
	tool := filepath.Base(name)
	cmd := exec.CommandContext(ctx, name, args...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedBuffer{max: 4096, b: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("%s did not finish within its time limit", tool)
		}
		if _, lookErr := exec.LookPath(name); lookErr != nil {
			return nil, unavailable(noEncoder)
		}
		return nil, engineError(tool, err, stderr.String())
	}
	return stdout.Bytes(), nil
}
