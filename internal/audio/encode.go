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

// Encoder makes MP3 with ffmpeg (libmp3lame): mono, 64 kbps, 22.05 kHz,
// what podcast apps and browsers all play.
type Encoder struct {
	Binary  string        // "ffmpeg" when empty
	Timeout time.Duration // per call; 60 s when zero
}

// SampleRate is the rate of every MP3 Masthead makes: segments joined by
// stream copy must share it.
const SampleRate = 22050

// Check reports whether ffmpeg runs and has an MP3 encoder.
func (e Encoder) Check(ctx context.Context) error {
	if _, err := exec.LookPath(cmp.Or(e.Binary, "ffmpeg")); err != nil {
		return unavailable("ffmpeg is not installed (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)")
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
	return e.run(ctx, bytes.NewReader(Normalize(p).WAV()),
		"-f", "wav", "-i", "pipe:0", "-ac", "1", "-ar", fmt.Sprint(SampleRate),
		"-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7",
		"-write_xing", "0", "-id3v2_version", "0", "-f", "mp3", "pipe:1")
}

// MP3s encodes several pieces of audio of one rate, each normalised on
// its own, with one ffmpeg process: the pieces are played back to back into
// one encoder and the segment muxer cuts the MP3 where each piece ends (at
// the nearest 52 ms frame). Starting ffmpeg once per paragraph cost more
// CPU than espeak-ng's whole narration.
func (e Encoder) MP3s(ctx context.Context, pieces []PCM) ([][]byte, error) {
	if len(pieces) == 1 {
		b, err := e.MP3(ctx, pieces[0])
		return [][]byte{b}, err
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
		"-c:a", "libmp3lame", "-b:a", "64k", "-compression_level", "7",
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

func (e Encoder) run(ctx context.Context, stdin *bytes.Reader, args ...string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(e.Timeout, 60*time.Second))
	defer cancel()
	head := []string{"-hide_banner", "-loglevel", "error"}
	if stdin == nil {
		head = append(head, "-nostdin") // never wait on a terminal
	}
	cmd := exec.CommandContext(ctx, cmp.Or(e.Binary, "ffmpeg"), append(head, args...)...)
	if stdin != nil {
		cmd.Stdin = stdin
	}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &limitedBuffer{max: 4096, b: &stderr}
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("ffmpeg did not finish within its time limit")
		}
		if _, lookErr := exec.LookPath(cmp.Or(e.Binary, "ffmpeg")); lookErr != nil {
			return nil, unavailable("ffmpeg is not installed (Debian/Ubuntu: apt-get install ffmpeg; macOS: brew install ffmpeg)")
		}
		return nil, engineError("ffmpeg", err, stderr.String())
	}
	return stdout.Bytes(), nil
}
