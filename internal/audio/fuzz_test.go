package audio_test

import (
	"testing"
	"unicode/utf8"

	"github.com/masthead-press/masthead/internal/audio"
)

// FuzzParseWAV: whatever an engine or a speech server sends, parsing never
// panics, and what parses has a sane rate.
func FuzzParseWAV(f *testing.F) {
	f.Add(audio.PCM{Rate: 22050, Samples: []int16{1, -2, 3}}.WAV())
	f.Add([]byte("RIFF\xff\xff\xff\x7fWAVEfmt \x10\x00\x00\x00\x01\x00\x02\x00\x22\x56\x00\x00\x44\xac\x00\x00\x02\x00\x10\x00data\xff\xff\xff\x7f\x01\x02"))
	f.Add([]byte("ID3 not a wave"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := audio.ParseWAV(b)
		if err == nil && (p.Rate <= 0 || p.Rate > 192000) {
			t.Fatalf("parsed a rate of %d", p.Rate)
		}
	})
}

// FuzzNormalizeText: normalising any text terminates, keeps it valid
// UTF-8, and never grows it without bound.
func FuzzNormalizeText(f *testing.F) {
	for _, s := range []string{"$4.5m in 1984", "2026-03-04 at 9:05 a.m.", "£12.50, 3%, the 21st", "No. 5 — e.g. [^1]", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) || len(s) > 2000 {
			return
		}
		out := audio.NormalizeText(s)
		if !utf8.ValidString(out) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		if len(out) > 40*len(s)+100 {
			t.Fatalf("%d bytes became %d", len(s), len(out))
		}
	})
}
