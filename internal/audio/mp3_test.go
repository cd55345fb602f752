package audio_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
)

// tone is a second-and-a-bit of a quiet 440 Hz tone.
func tone(ms int) audio.PCM { return toneAt(audio.SampleRate, ms) }

// toneAt is tone at another sample rate: Festival's HTS voice speaks at
// 32 kHz.
func toneAt(rate, ms int) audio.PCM {
	p := audio.PCM{Rate: rate, Samples: make([]int16, rate*ms/1000)}
	for i := range p.Samples {
		p.Samples[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/float64(rate)))
	}
	return p
}

// encoders are the two ways Encoder makes MP3: lame where it is
// installed, ffmpeg where it is not.
func encoders(t testing.TB) map[string]audio.Encoder {
	needTool(t, "ffmpeg")
	needTool(t, "lame")
	return map[string]audio.Encoder{"lame": {}, "ffmpeg": {NoLame: true}}
}

// TestLameIsFFmpeg: lame and ffmpeg make the same MP3 of a piece at the
// encoder's rate, to the byte; from another rate (each resamples its own
// way) the same length, rate and frames. A missing lame falls back to
// ffmpeg, and with neither the check says what to install.
func TestLameIsFFmpeg(t *testing.T) {
	t.Parallel()
	encs := encoders(t)
	ctx := context.Background()
	for _, p := range []audio.PCM{tone(1900), toneAt(32000, 1900)} {
		a, err := encs["lame"].MP3(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		b, err := encs["ffmpeg"].MP3(ctx, p)
		if err != nil {
			t.Fatal(err)
		}
		da, _ := audio.MP3Duration(a)
		db, _ := audio.MP3Duration(b)
		if p.Rate == audio.SampleRate && !bytes.Equal(a, b) {
			t.Errorf("at %d Hz lame made %d bytes, ffmpeg %d, not the same", p.Rate, len(a), len(b))
		}
		if da != db || len(a) != len(b) || da < p.Duration() {
			t.Errorf("at %d Hz lame made %v (%d bytes), ffmpeg %v (%d bytes), of %v", p.Rate, da, len(a), db, len(b), p.Duration())
		}
	}
	fallback := audio.Encoder{Lame: "no-such-lame"}
	if b, err := fallback.MP3(ctx, tone(300)); err != nil || len(b) == 0 {
		t.Errorf("without lame: %d bytes, %v", len(b), err)
	}
	if err := (audio.Encoder{Binary: "no-such-ffmpeg", Lame: "no-such-lame"}).Check(ctx); err == nil || !strings.Contains(err.Error(), "apt-get install") {
		t.Errorf("with no encoder the check says %v", err)
	}
}

// TestMP3Duration: the length counted from the frame headers of what the
// encoder makes is the length ffprobe finds by reading every frame, to
// the sample, for one segment and for segments cut from one stream.
func TestMP3Duration(t *testing.T) {
	t.Parallel()
	needTool(t, "ffmpeg")
	needTool(t, "ffprobe")
	ctx := context.Background()
	for name, enc := range encoders(t) {
		mp3Durations(ctx, t, name, enc)
	}
}

func mp3Durations(ctx context.Context, t *testing.T, name string, enc audio.Encoder) {
	one, err := enc.MP3(ctx, toneAt(32000, 1300))
	if err != nil {
		t.Fatal(err)
	}
	many, err := enc.MP3s(ctx, []audio.PCM{tone(700), tone(2100), tone(400)})
	if err != nil {
		t.Fatal(err)
	}
	for i, b := range append([][]byte{one}, many...) {
		path := filepath.Join(t.TempDir(), "seg.mp3")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command("ffprobe", "-v", "error", "-count_packets", "-show_entries", "stream=nb_read_packets,sample_rate", "-of", "csv=p=0", path).Output()
		if err != nil {
			t.Fatalf("ffprobe: %v", err)
		}
		rate, frames, _ := strings.Cut(strings.TrimSpace(string(out)), ",")
		hz, _ := strconv.Atoi(rate)
		n, _ := strconv.Atoi(frames)
		if hz != audio.SampleRate || n == 0 {
			t.Fatalf("%s: ffprobe read %q", name, out)
		}
		want := time.Duration(n) * 576 * time.Second / time.Duration(hz)
		got, err := audio.MP3Duration(b)
		if err != nil || got != want {
			t.Errorf("%s: segment %d: %v %v, want %v (%d frames)", name, i, got, err, want, n)
		}
	}
	for _, bad := range [][]byte{nil, []byte("ID3\x04not frames"), one[:len(one)-7]} {
		if d, err := audio.MP3Duration(bad); err == nil {
			t.Errorf("%d bytes of no (whole) MP3 read as %v", len(bad), d)
		}
	}
}

// TestJoinMP3: segments joined in-process make a file ffmpeg reads as one
// stream: the length from the header frame it wrote (not estimated from
// the bitrate), every frame of the segments decoded and the header frame
// skipped, as long as the segments' frames add up to. A segment that is
// not bare frames (an ID3 tag) is still joined, by ffmpeg.
func TestJoinMP3(t *testing.T) {
	t.Parallel()
	needTool(t, "ffmpeg")
	needTool(t, "ffprobe")
	ctx := context.Background()
	segs, err := audio.Encoder{}.MP3s(ctx, []audio.PCM{tone(700), tone(2100), tone(400)})
	if err != nil {
		t.Fatal(err)
	}
	var want time.Duration
	for _, s := range segs {
		d, _ := audio.MP3Duration(s)
		want += d
	}
	joined, err := audio.JoinMP3(segs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "joined.mp3")
	if err := os.WriteFile(path, joined, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffprobe", "-v", "warning", "-show_entries", "format=duration", "-of", "csv=p=0", path).CombinedOutput()
	if err != nil || strings.Contains(string(out), "Estimating") {
		t.Fatalf("ffprobe: %v: %s", err, out)
	}
	if d, _ := strconv.ParseFloat(strings.TrimSpace(string(out)), 64); math.Abs(d-want.Seconds()) > 0.001 {
		t.Errorf("ffprobe reads %.4f s, the segments' frames make %.4f s", d, want.Seconds())
	}
	pcm, err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "s16le", "-ac", "1", "-").Output()
	if err != nil {
		t.Fatalf("ffmpeg decoding the joined file: %v", err)
	}
	if got, frames := len(pcm)/2, int(math.Round(want.Seconds()*audio.SampleRate)); got != frames {
		t.Errorf("decoded %d samples, the segments' frames hold %d", got, frames)
	}

	tagged := append([]byte("ID3\x04\x00\x00\x00\x00\x00\x00"), segs[1]...)
	if _, err := audio.JoinMP3([][]byte{segs[0], tagged}); err == nil {
		t.Error("JoinMP3 took an ID3 tag for frames")
	}
	both, err := audio.Encoder{}.Concat(ctx, [][]byte{segs[0], tagged})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, both, 0o600); err != nil {
		t.Fatal(err)
	}
	d0, _ := audio.MP3Duration(segs[0])
	d1, _ := audio.MP3Duration(segs[1])
	if d := probeDuration(t, path); math.Abs(d-(d0+d1).Seconds()) > 0.05 {
		t.Errorf("a tagged segment joined by ffmpeg lasts %.3f s, want %.3f", d, (d0 + d1).Seconds())
	}
}
