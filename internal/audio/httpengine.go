package audio

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// HTTP speaks through an OpenAI-compatible speech endpoint
// (POST /v1/audio/speech): OpenAI, Azure OpenAI, and the self-hosted
// neural servers that follow the same API (Kokoro or Piper front ends).
// It asks for WAV so that loudness and encoding are done here, the same
// for every engine.
type HTTP struct {
	// URL is the server's base URL ("https://api.openai.com") or the full
	// endpoint ending in /audio/speech.
	URL       string
	Key       string // sent as a bearer token when set
	VoiceName string // "alloy" when empty
	Model     string // "tts-1" when empty
	Client    *http.Client
	Timeout   time.Duration // per text; 60 s when zero
}

// maxSpeechBytes bounds one response: an hour of 24 kHz WAV is 170 MB, a
// paragraph far less.
const maxSpeechBytes = 64 << 20

func (h *HTTP) Name() string  { return EngineHTTP }
func (h *HTTP) Voice() string { return cmp.Or(h.VoiceName, "alloy") }
func (h *HTTP) MaxInput() int { return 4096 } // OpenAI's limit per request

// Check asks the server to speak one word.
func (h *HTTP) Check(ctx context.Context) error {
	if h.URL == "" {
		return unavailable("no speech server URL is set (Settings, Audio)")
	}
	_, err := h.Synthesize(ctx, []string{"ready"})
	return err
}

func (h *HTTP) endpoint() (string, error) {
	u, err := url.Parse(h.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("speech server: %q is not an http(s) URL", h.URL)
	}
	if strings.HasSuffix(u.Path, "/audio/speech") {
		return u.String(), nil
	}
	u.Path = strings.TrimRight(u.Path, "/")
	if !strings.HasSuffix(u.Path, "/v1") {
		u.Path += "/v1"
	}
	u.Path += "/audio/speech"
	return u.String(), nil
}

// Synthesize sends one request per text.
func (h *HTTP) Synthesize(ctx context.Context, texts []string) ([]PCM, error) {
	endpoint, err := h.endpoint()
	if err != nil {
		return nil, err
	}
	out := make([]PCM, 0, len(texts))
	for _, t := range texts {
		if len(t) > h.MaxInput() {
			return nil, fmt.Errorf("speech server: a text of %d bytes is over the limit of %d", len(t), h.MaxInput())
		}
		p, err := h.say(ctx, endpoint, t)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

func (h *HTTP) say(ctx context.Context, endpoint, text string) (PCM, error) {
	ctx, cancel := context.WithTimeout(ctx, cmp.Or(h.Timeout, 60*time.Second))
	defer cancel()
	body, _ := json.Marshal(map[string]any{"model": cmp.Or(h.Model, "tts-1"), "input": text, "voice": h.Voice(), "response_format": "wav"})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return PCM{}, fmt.Errorf("speech server: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if h.Key != "" {
		req.Header.Set("Authorization", "Bearer "+h.Key)
	}
	client := h.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return PCM{}, fmt.Errorf("speech server did not answer within %s", cmp.Or(h.Timeout, 60*time.Second))
		}
		// The URL may carry credentials: say where, not the whole error.
		return PCM{}, fmt.Errorf("speech server at %s cannot be reached", req.URL.Host)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxSpeechBytes+1))
	if err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return PCM{}, fmt.Errorf("speech server did not finish its answer within %s", cmp.Or(h.Timeout, 60*time.Second))
		}
		return PCM{}, fmt.Errorf("speech server: reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return PCM{}, fmt.Errorf("speech server answered %d: %s", resp.StatusCode, apiMessage(data))
	}
	if len(data) > maxSpeechBytes {
		return PCM{}, fmt.Errorf("speech server sent more than %d MB for one paragraph", maxSpeechBytes>>20)
	}
	p, err := ParseWAV(data)
	if err != nil {
		return PCM{}, fmt.Errorf("speech server returned no usable audio: %w (is response_format \"wav\" supported?)", err)
	}
	if len(p.Samples) == 0 {
		return PCM{}, fmt.Errorf("speech server returned no audio for %q", clip(text))
	}
	return p, nil
}

// apiMessage is the error message of an OpenAI-style error body
// ({"error": {"message": ...}}), or the start of whatever was sent.
func apiMessage(body []byte) string {
	var e struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
		Detail string `json:"detail"`
	}
	if json.Unmarshal(body, &e) == nil {
		if m := cmp.Or(e.Error.Message, e.Detail); m != "" {
			return clip200(m)
		}
	}
	return clip200(strings.TrimSpace(string(body)))
}

func clip200(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
