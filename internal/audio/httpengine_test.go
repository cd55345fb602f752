package audio_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
)

// speechServer follows OpenAI's POST /v1/audio/speech: JSON in (model,
// input, voice, response_format), audio out, errors as
// {"error": {"message": ...}}.
func speechServer(t *testing.T, key string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/v1/audio/speech" {
			http.NotFound(w, r)
			return
		}
		fail := func(status int, msg string) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(status)
			json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"message": msg, "type": "invalid_request_error"}})
		}
		if r.Header.Get("Authorization") != "Bearer "+key {
			fail(http.StatusUnauthorized, "Incorrect API key provided.")
			return
		}
		var req struct {
			Model, Input, Voice string
			ResponseFormat      string `json:"response_format"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Input == "" || req.Model == "" {
			fail(http.StatusBadRequest, "input and model are required")
			return
		}
		switch {
		case req.Voice != "alloy" && req.Voice != "nova":
			fail(http.StatusBadRequest, "Invalid voice: "+req.Voice)
		case req.Input == "hang":
			time.Sleep(2 * time.Second)
		case req.Input == "garbage":
			w.Write([]byte("ID3 this is not a wave"))
		case req.ResponseFormat != "wav":
			fail(http.StatusBadRequest, "this test server speaks only wav")
		default:
			// A tone as long as the text: 50 ms a character at 24 kHz.
			n := 24000 * len(req.Input) / 20
			p := audio.PCM{Rate: 24000, Samples: make([]int16, n)}
			for i := range p.Samples {
				p.Samples[i] = int16(4000 * ((i/30)%2*2 - 1))
			}
			w.Header().Set("Content-Type", "audio/wav")
			w.Write(p.WAV())
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPEngine(t *testing.T) {
	t.Parallel()
	srv := speechServer(t, "sk-test")
	ctx := context.Background()
	e := &audio.HTTP{URL: srv.URL, Key: "sk-test", Timeout: 500 * time.Millisecond}
	pcms, err := e.Synthesize(ctx, []string{"twenty characters!!!", "forty characters of text, forty of them."})
	if err != nil {
		t.Fatal(err)
	}
	if len(pcms) != 2 || pcms[0].Duration() != time.Second || pcms[1].Duration() != 2*time.Second {
		t.Fatalf("durations %v, want 1s and 2s", []time.Duration{pcms[0].Duration(), pcms[1].Duration()})
	}
	// The endpoint given in full works as well as the base URL.
	if _, err := (&audio.HTTP{URL: srv.URL + "/v1/audio/speech", Key: "sk-test"}).Synthesize(ctx, []string{"hello"}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		e    *audio.HTTP
		text string
		want string
	}{
		{"wrong key", &audio.HTTP{URL: srv.URL, Key: "sk-wrong"}, "hello", "401: Incorrect API key provided."},
		{"bad voice", &audio.HTTP{URL: srv.URL, Key: "sk-test", VoiceName: "robot"}, "hello", "400: Invalid voice: robot"},
		{"timeout", &audio.HTTP{URL: srv.URL, Key: "sk-test", Timeout: 100 * time.Millisecond}, "hang", "did not answer within 100ms"},
		{"garbage", &audio.HTTP{URL: srv.URL, Key: "sk-test"}, "garbage", "no usable audio"},
		{"no server", &audio.HTTP{URL: "http://127.0.0.1:1", Key: "sk-test"}, "hello", "cannot be reached"},
		{"not a URL", &audio.HTTP{URL: "ftp://x"}, "hello", "not an http(s) URL"},
		{"too long", &audio.HTTP{URL: srv.URL, Key: "sk-test"}, strings.Repeat("a", 5000), "over the limit"},
	} {
		_, err := c.e.Synthesize(ctx, []string{c.text})
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if err := (&audio.HTTP{URL: srv.URL, Key: "sk-wrong"}).Check(ctx); err == nil {
		t.Error("Check passed with a wrong key")
	}
}
