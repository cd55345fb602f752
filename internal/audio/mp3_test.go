package audio_test

import (
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
func tone(ms int) audio.PCM {
	p := audio.PCM{Rate: audio.SampleRate, Samples: make([]int16, audio.SampleRate*ms/1000)}
	for i := range p.Samples {
		p.Samples[i] = int16(8000 * math.Sin(2*math.Pi*440*float64(i)/audio.SampleRate))
	}
	return p
}

// TestMP3Duration: the length counted from the frame headers of what the
// encoder makes is the length ffprobe finds by reading every frame, to
// the sample, for one segment and for segments cut from one stream.
func TestMP3Duration(t *testing.T) {
	t.Parallel()
	needTool(t, "ffmpeg")
	needTool(t, "ffprobe")
	ctx := context.Background()
	enc := audio.Encoder{}
	one, err := enc.MP3(ctx, tone(1300))
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
			t.Fatalf("ffprobe read %q", out)
		}
		want := time.Duration(n) * 576 * time.Second / time.Duration(hz)
		got, err := audio.MP3Duration(b)
		if err != nil || got != want {
			t.Errorf("segment %d: %v %v, want %v (%d frames)", i, got, err, want, n)
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
