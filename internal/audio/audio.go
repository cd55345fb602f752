// Package audio narrates articles: an Engine turns text into speech (PCM),
// Encode makes podcast-ready MP3 of it, and a Narrator builds an
// article's narration from per-paragraph segments kept in media storage,
// so that no paragraph is ever spoken twice.
//
// The engines are optional system tools (espeak-ng, Festival) or an
// OpenAI-compatible HTTP endpoint. Where none is installed everything
// else keeps working: Check says what is missing and how to install it.
package audio

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/masthead-press/masthead/internal/magazine"
)

// PCM is mono signed 16-bit audio.
type PCM struct {
	Rate    int
	Samples []int16
}

// Duration is how long the audio plays.
func (p PCM) Duration() time.Duration {
	if p.Rate <= 0 {
		return 0
	}
	return time.Duration(len(p.Samples)) * time.Second / time.Duration(p.Rate)
}

// Engine speaks text.
type Engine interface {
	// Name identifies the engine in settings and segment keys:
	// "espeak-ng", "festival", "http".
	Name() string
	// Voice is the voice it speaks with; part of every segment's key.
	Voice() string
	// Synthesize speaks each text (at most MaxInput bytes) and returns
	// one PCM per text, in order. Engines that pay a start-up cost per
	// process (Festival loads its voice) speak the whole batch in one.
	Synthesize(ctx context.Context, texts []string) ([]PCM, error)
	// MaxInput is the longest text one call may carry, in bytes; longer
	// paragraphs are split at sentence boundaries first.
	MaxInput() int
	// Check reports whether the engine works here, with what to do if not.
	Check(ctx context.Context) error
}

// Engine names, as the publication's settings spell them.
const (
	EngineEspeak   = "espeak-ng"
	EngineFestival = "festival"
	EngineHTTP     = "http"
	EngineOff      = "off"
)

// DefaultEngine is the offline engine the publication starts with:
// Festival's HTS voice is clearly more natural than espeak-ng and renders
// a 1,200-word article inside the 15 s CPU target (see docs/AUDIO.md).
const DefaultEngine = EngineFestival

// ErrUnavailable marks an engine or tool that is not installed or does not
// run; its message says what to install.
var ErrUnavailable = errors.New("not available")

// unavailable is an ErrUnavailable error with a message for the admin.
func unavailable(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnavailable, fmt.Sprintf(format, args...))
}

// Settings choose and configure the engine; they come from
// magazine.Publication.
type Settings struct {
	Engine    string // one of the Engine* names; "" means DefaultEngine
	Voice     string // the engine's voice; "" for its default
	HTTPURL   string // base URL of an OpenAI-compatible server
	HTTPKey   string
	HTTPModel string
	// ReadCaptions reads figure captions as "Image: caption".
	ReadCaptions bool
}

// SettingsOf returns the audio settings of a publication.
func SettingsOf(p magazine.Publication) Settings {
	return Settings{Engine: p.AudioEngine, Voice: p.AudioVoice, HTTPURL: p.AudioHTTPURL, HTTPKey: p.AudioHTTPKey,
		HTTPModel: p.AudioHTTPModel, ReadCaptions: p.AudioCaptions}
}

// New returns the engine the settings choose, or nil when audio is off.
func New(s Settings) Engine {
	switch s.Engine {
	case EngineOff:
		return nil
	case EngineEspeak:
		return &Espeak{VoiceName: s.Voice}
	case EngineHTTP:
		return &HTTP{URL: s.HTTPURL, Key: s.HTTPKey, VoiceName: s.Voice, Model: s.HTTPModel}
	}
	return &Festival{VoiceName: s.Voice}
}

// Split cuts text into pieces of at most max bytes, at sentence ends
// where it can, else at spaces, else anywhere (on a rune boundary).
func Split(text string, max int) []string {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil
	}
	var out []string
	for len(text) > max {
		cut := lastBreak(text[:max], func(s string, i int) bool {
			return (s[i] == '.' || s[i] == '!' || s[i] == '?' || s[i] == ';') && (i+1 == len(s) || s[i+1] == ' ')
		}, 1)
		if cut <= 0 {
			cut = lastBreak(text[:max], func(s string, i int) bool { return s[i] == ' ' }, 0)
		}
		if cut <= 0 {
			cut = max
			for cut > 0 && !utf8.RuneStart(text[cut]) {
				cut--
			}
		}
		out = append(out, strings.TrimSpace(text[:cut]))
		text = strings.TrimSpace(text[cut:])
	}
	if text != "" {
		out = append(out, text)
	}
	return out
}

// lastBreak returns the index just past the last i in s where ok holds
// (plus extra), or 0.
func lastBreak(s string, ok func(string, int) bool, extra int) int {
	for i := len(s) - 1; i > 0; i-- {
		if ok(s, i) {
			return i + extra
		}
	}
	return 0
}

// Sentences cuts a paragraph into sentences, each a separate utterance for
// the engine (Festival's HTS voice slows down on very long utterances).
func Sentences(text string, max int) []string {
	var out []string
	start := 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		if (c == '.' || c == '!' || c == '?') && i+1 < len(text) && text[i+1] == ' ' && i+2 < len(text) {
			next, _ := utf8.DecodeRuneInString(text[i+2:])
			if unicode.IsUpper(next) || next == '"' || next == '“' {
				out = append(out, Split(text[start:i+1], max)...)
				start = i + 2
			}
		}
	}
	return append(out, Split(text[start:], max)...)
}

// engineError keeps the last lines of what a tool printed when it failed,
// for the admin.
func engineError(name string, err error, stderr string) error {
	stderr = strings.TrimSpace(stderr)
	if len(stderr) > 300 {
		stderr = "…" + stderr[len(stderr)-300:]
	}
	if stderr != "" {
		return fmt.Errorf("%s failed: %w: %s", name, err, stderr)
	}
	return fmt.Errorf("%s failed: %w", name, err)
}
