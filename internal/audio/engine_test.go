package audio_test

import (
	"context"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
)

// TestOfflineEnginesSpeak: each installed engine turns a sentence into
// audio about as long as a person takes to say it.
func TestOfflineEnginesSpeak(t *testing.T) {
	t.Parallel()
	for _, e := range []audio.Engine{&audio.Espeak{}, &audio.Festival{}} {
		t.Run(e.Name(), func(t *testing.T) {
			needTool(t, map[string]string{"espeak-ng": "espeak-ng", "festival": "festival"}[e.Name()])
			pcms, err := e.Synthesize(context.Background(), []string{"The ferry leaves the harbour at nine.", `He said "no" \ twice.`})
			if err != nil {
				t.Fatal(err)
			}
			if len(pcms) != 2 {
				t.Fatalf("%d pieces for 2 texts", len(pcms))
			}
			// Seven words: one to four seconds at any reading speed.
			if d := pcms[0].Duration(); d < time.Second || d > 4*time.Second {
				t.Errorf("seven words lasted %s", d)
			}
			if pcms[1].Duration() < 500*time.Millisecond {
				t.Errorf("quotes and a backslash gave %s of audio", pcms[1].Duration())
			}
		})
	}
}

// TestEngineMissing: an engine whose program is not installed says so and
// what to install, and nothing hangs.
func TestEngineMissing(t *testing.T) {
	t.Parallel()
	for _, e := range []audio.Engine{&audio.Espeak{Binary: "no-such-espeak"}, &audio.Festival{Binary: "no-such-festival"}} {
		err := e.Check(context.Background())
		if err == nil || !regexp.MustCompile(`apt-get install`).MatchString(err.Error()) {
			t.Errorf("%s: %v, want what to install", e.Name(), err)
		}
	}
	if err := (audio.Encoder{Binary: "no-such-ffmpeg", Lame: "no-such-lame"}).Check(context.Background()); err == nil {
		t.Error("a missing ffmpeg passed its check")
	}
}

// TestEngineHangs: an engine that never finishes is stopped by its time
// limit.
func TestEngineHangs(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	slow := filepath.Join(dir, "espeak-ng")
	if err := os.WriteFile(slow, []byte("#!/bin/sh\nexec sleep 30\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	e := &audio.Espeak{Binary: slow, Timeout: 200 * time.Millisecond}
	_, err := e.Synthesize(context.Background(), []string{"hello"})
	if err == nil || !regexp.MustCompile(`time limit`).MatchString(err.Error()) {
		t.Fatalf("got %v, want a time-limit error", err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.WriteFile(garbage, []byte("#!/bin/sh\necho not audio\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := (&audio.Espeak{Binary: garbage}).Synthesize(context.Background(), []string{"hello"}); err == nil {
		t.Fatal("garbage was taken for audio")
	}
	if _, err := (&audio.Espeak{}).Synthesize(context.Background(), []string{string(make([]byte, 5000))}); err == nil {
		t.Fatal("a text over the engine's limit was sent")
	}
}

// TestEncodeLoudness: the MP3 is mono, 64 kbps, and at about -16 LUFS as
// ffmpeg's own EBU R128 meter measures it, whatever the engine's level.
func TestEncodeLoudness(t *testing.T) {
	t.Parallel()
	needTool(t, "ffmpeg")
	needTool(t, "espeak-ng")
	pcms, err := (&audio.Espeak{}).Synthesize(context.Background(), []string{
		"The council met on Tuesday to discuss the ferry route, the bridge and the budget for the coming year, which residents say is far too high."})
	if err != nil {
		t.Fatal(err)
	}
	quiet := pcms[0]
	for i := range quiet.Samples {
		quiet.Samples[i] /= 8 // 18 dB quieter than espeak speaks
	}
	mp3, err := audio.Encoder{}.MP3(context.Background(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "a.mp3")
	if err := os.WriteFile(path, mp3, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("ffmpeg", "-nostats", "-i", path, "-af", "ebur128", "-f", "null", "-").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`I:\s+(-?[\d.]+) LUFS`).FindAllSubmatch(out, -1)
	if m == nil {
		t.Fatalf("no loudness in %s", out)
	}
	lufs, _ := strconv.ParseFloat(string(m[len(m)-1][1]), 64)
	if math.Abs(lufs-audio.TargetLUFS) > 1.5 {
		t.Errorf("loudness %.1f LUFS, want about %.0f", lufs, audio.TargetLUFS)
	}
	info, err := exec.Command("ffprobe", "-v", "error", "-show_entries", "stream=channels,bit_rate,codec_name", "-of", "csv=p=0", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	if got := string(regexp.MustCompile(`\s+`).ReplaceAll(info, nil)); got != "mp3,1,64000" {
		t.Errorf("stream %q, want mp3, mono, 64 kbps", got)
	}
	if d := probeDuration(t, path); math.Abs(d-quiet.Duration().Seconds()) > 0.2 {
		t.Errorf("MP3 lasts %.2fs, the speech %.2fs", d, quiet.Duration().Seconds())
	}
}
