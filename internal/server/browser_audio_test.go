package server_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/browsertest"
)

// TestBrowserListen: a subscriber with audio plays an article in Chromium,
// skips forward, changes the speed, leaves, and on reloading the page the
// player resumes where they stopped (the place is kept on the server);
// the "Play from here" control of a paragraph seeks the player there; an
// anonymous reader sees what the audio is and a Subscribe prompt.
func TestBrowserListen(t *testing.T) {
	t.Parallel()
	ctx := browsertest.Start(t)
	f := newAudioFixtureAt(t, "http://mag.example")
	if _, err := f.narrator.Render(context.Background(), f.gated.ID); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(f.h)
	t.Cleanup(srv.Close)
	step, read := browsertest.Driver(t, ctx)
	article := srv.URL + "/articles/" + f.gated.Slug
	name, value, _ := strings.Cut(f.listener, "=")
	if _, err := chromedp.Call(ctx, network.SetCookie, network.SetCookieParams{Name: name, Value: value, URL: srv.URL}); err != nil {
		t.Fatal(err)
	}

	js := func(expr string) string {
		t.Helper()
		return read(chromedp.Evaluate[string](fmt.Sprintf("String(%s)", expr)))
	}
	waitFor := func(what, expr string) {
		t.Helper()
		step(what, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingTimeout(10*time.Second)))
	}
	step("open the article", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("section.listen .listen-controls button")))
	step("play", chromedp.Click(chromedp.CSS(`button[data-skip="-15"]`)), chromedp.Evaluate[chromedp.Void](`document.querySelector("#narration").play().then(() => ({}))`, chromedp.EvalAwaitPromise))
	waitFor("it plays", `document.querySelector("#narration").currentTime > 0.3`)
	step("skip 15 s", chromedp.Click(chromedp.CSS(`button[data-skip="15"]`)))
	waitFor("it skipped", `document.querySelector("#narration").currentTime >= 15`)
	step("speed 1.5×", chromedp.SetValue(chromedp.CSS("select[data-speed]"), "1.5"),
		chromedp.Evaluate[chromedp.Void](`document.querySelector("select[data-speed]").dispatchEvent(new Event("change")), ({})`))
	if rate := js(`document.querySelector("#narration").playbackRate`); rate != "1.5" {
		t.Errorf("playback rate %s after choosing 1.5×", rate)
	}
	step("pause", chromedp.Evaluate[chromedp.Void](`document.querySelector("#narration").pause(), ({})`))
	deadline := time.Now().Add(10 * time.Second)
	for {
		sec, err := f.st.AudioPosition(context.Background(), f.listenerID, f.gated.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sec >= 15 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the server kept %.0f s as the place, want at least 15", sec)
		}
		time.Sleep(100 * time.Millisecond)
	}
	step("reload", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("section.listen .listen-controls button")))
	waitFor("it resumes where it stopped", `document.querySelector("#narration").currentTime >= 15`)

	// Play from a paragraph, by keyboard: the player jumps back to where
	// the second paragraph's speech starts, and plays.
	second := chromedp.JSPath(`document.querySelectorAll(".article-body button.play-from")[1]`)
	step("the paragraphs' controls show", chromedp.WaitVisible(second))
	if name := js(`document.querySelectorAll(".article-body button.play-from")[1].getAttribute("aria-label")`); name != "Play from here" {
		t.Errorf("the control is named %q", name)
	}
	start, err := strconv.ParseFloat(js(`document.querySelectorAll(".article-body button.play-from")[1].dataset.start`), 64)
	if err != nil || start <= 0 || start >= 14 {
		t.Fatalf("the second paragraph starts at %v (%v); the test wants it well before the resumed place", start, err)
	}
	step("play from the second paragraph", chromedp.Focus(second), chromedp.KeyEvent(kb.Enter))
	waitFor("it jumped to the paragraph and plays", fmt.Sprintf(`(a => !a.paused && a.currentTime >= %f && a.currentTime < %f)(document.querySelector("#narration"))`, start, start+2))
	step("pause again", chromedp.Evaluate[chromedp.Void](`document.querySelector("#narration").pause(), ({})`))

	if _, err := chromedp.Call(ctx, network.ClearBrowserCookies, cdp.Empty{}); err != nil {
		t.Fatal(err)
	}
	step("anonymous", chromedp.Navigate(article), chromedp.WaitVisible(chromedp.CSS("aside.listen-prompt")))
	if n := js(`document.querySelectorAll("audio").length`); n != "0" {
		t.Errorf("an anonymous reader gets %s audio elements", n)
	}
	if text := read(chromedp.Text(chromedp.CSS("aside.listen-prompt"))); !strings.Contains(text, "Subscribe") {
		t.Errorf("the prompt says %q", text)
	}
}
