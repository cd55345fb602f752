package audio_test

import (
	"context"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

var paragraphs = []string{
	"The council met on Tuesday to discuss the ferry route.",
	"Residents of the northern towns say the crossing is their only road to the hospital.",
	"The harbour master, Ada Quill, said the boats would run until the spring.",
	"Nobody on the council would say what happens after that.",
}

type narration struct {
	st    *store.Store
	files *media.Disk
	eng   *counting
	n     *audio.Narrator
	a     magazine.Article
	in    magazine.ArticleInput
}

func newNarration(t testing.TB) *narration {
	t.Helper()
	needTool(t, "espeak-ng")
	needTool(t, "ffmpeg")
	ctx := context.Background()
	st := storetest.SQLite(t)
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	sec, err := st.CreateSection(ctx, magazine.Section{Name: "Politics"})
	if err != nil {
		t.Fatal(err)
	}
	au, err := st.CreateAuthor(ctx, magazine.Author{Name: "Ben Okafor"})
	if err != nil {
		t.Fatal(err)
	}
	in := magazine.ArticleInput{Headline: "The ferry question", SectionID: sec.ID, AuthorIDs: []int64{au.ID}, Status: magazine.StatusPublished,
		Visibility: magazine.VisibilitySubscribers, BodyMarkdown: strings.Join(paragraphs, "\n\n"), PublishedAt: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	a, err := st.CreateArticle(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	eng := &counting{Engine: &audio.Espeak{}}
	pub := magazine.DefaultPublication()
	pub.AudioEngine = audio.EngineEspeak
	if err := st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	n := &audio.Narrator{Store: st, Files: files, Engine: func(audio.Settings) audio.Engine { return eng }}
	return &narration{st: st, files: files, eng: eng, n: n, a: a, in: in}
}

func (x *narration) file(t *testing.T, res store.ArticleAudio) string {
	t.Helper()
	f, err := x.files.Open(context.Background(), res.FileKey)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	b, _ := io.ReadAll(f)
	path := filepath.Join(t.TempDir(), "a.mp3")
	os.WriteFile(path, b, 0o600)
	return path
}

// TestNarrationSegments: an article's narration is one segment per block;
// its MP3 lasts as long as its segments (and about as long as the words
// take to say); editing one paragraph re-renders exactly that segment, and
// a pronunciation change only the segments with the word.
func TestNarrationSegments(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := newNarration(t)

	res, err := x.n.Render(ctx, x.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Headline, byline and the four paragraphs.
	if res.State != store.AudioReady || len(res.Segments) != 6 || res.Rendered != 6 {
		t.Fatalf("first narration: state %s, %d segments, %d rendered", res.State, len(res.Segments), res.Rendered)
	}
	got := probeDuration(t, x.file(t, res))
	if math.Abs(got-res.Duration.Seconds()) > 0.5 {
		t.Errorf("the file lasts %.1fs, its segments %.1fs", got, res.Duration.Seconds())
	}
	words := len(strings.Fields(strings.Join(paragraphs, " "))) + 6
	if perWord := got / float64(words); perWord < 0.2 || perWord > 0.8 {
		t.Errorf("%d words in %.1fs: %.2fs a word", words, got, perWord)
	}
	x.eng.spoken()

	// Nothing changed: nothing is spoken again.
	if res, err = x.n.Render(ctx, x.a.ID); err != nil || res.Rendered != 0 {
		t.Fatalf("unchanged article: %d rendered, %v", res.Rendered, err)
	}

	// One paragraph edited.
	edited := append([]string(nil), paragraphs...)
	edited[2] = "The harbour master said the boats would run until the autumn."
	x.in.BodyMarkdown = strings.Join(edited, "\n\n")
	if _, err := x.st.UpdateArticle(ctx, x.a.ID, x.in); err != nil {
		t.Fatal(err)
	}
	if res, err = x.n.Render(ctx, x.a.ID); err != nil {
		t.Fatal(err)
	}
	if spoken := x.eng.spoken(); res.Rendered != 1 || len(spoken) != 1 || !strings.Contains(spoken[0], "autumn") {
		t.Fatalf("after one edit: %d segments rendered, engine asked for %q", res.Rendered, spoken)
	}

	// A pronunciation for a word in one paragraph.
	if err := x.st.SaveLexicon(ctx, []store.LexiconEntry{{Word: "hospital", Say: "hoss pittle"}}); err != nil {
		t.Fatal(err)
	}
	if res, err = x.n.Render(ctx, x.a.ID); err != nil {
		t.Fatal(err)
	}
	if spoken := x.eng.spoken(); res.Rendered != 1 || len(spoken) != 1 || !strings.Contains(spoken[0], "hoss pittle") {
		t.Fatalf("after a lexicon change: %d segments rendered, engine asked for %q", res.Rendered, spoken)
	}
}

// TestNarrationSentences: editing one sentence of a paragraph speaks that
// sentence alone; the paragraph's other sentences are cut from its old
// segment, and the file made of old and new frames decodes without an
// error and lasts as long as before, give or take the edit.
func TestNarrationSentences(t *testing.T) {
	t.Parallel()
	needTool(t, "ffprobe")
	ctx := context.Background()
	x := newNarration(t)
	three := []string{"The ferry left at dawn.", "It carried forty cars and a brass band.", "Nobody on board had slept."}
	// render narrates the article with three as its first paragraph.
	render := func() store.ArticleAudio {
		x.in.BodyMarkdown = strings.Join(append([]string{strings.Join(three, " ")}, paragraphs[1:]...), "\n\n")
		if _, err := x.st.UpdateArticle(ctx, x.a.ID, x.in); err != nil {
			t.Fatal(err)
		}
		res, err := x.n.Render(ctx, x.a.ID)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	before := render()
	x.eng.spoken()
	three[1] = "It carried forty lorries and a brass band."
	after := render()
	if spoken := x.eng.spoken(); after.Rendered != 1 || len(spoken) != 1 || !strings.Contains(spoken[0], "lorries") {
		t.Fatalf("after editing one sentence: %d segments rendered, the engine was asked for %q", after.Rendered, spoken)
	}
	path := x.file(t, after)
	if out, err := exec.Command("ffmpeg", "-v", "error", "-xerror", "-i", path, "-f", "null", "-").CombinedOutput(); err != nil {
		t.Fatalf("the file joined from old and new sentences does not decode cleanly: %v: %s", err, out)
	}
	if d := probeDuration(t, path) - probeDuration(t, x.file(t, before)); math.Abs(d) > 0.6 {
		t.Errorf("the narration changed length by %.2fs for one word", d)
	}
}

// TestNarrationStream: a first play hears the segments as they are made,
// and the finished file is kept.
func TestNarrationStream(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := newNarration(t)
	var got []byte
	writes := 0
	err := x.n.Stream(ctx, x.a.ID, writerFunc(func(p []byte) (int, error) { got = append(got, p...); writes++; return len(p), nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	if writes != 6 {
		t.Errorf("%d writes, want one per segment (6)", writes)
	}
	res, err := x.st.ArticleAudio(ctx, x.a.ID)
	if err != nil || res.State != store.AudioReady {
		t.Fatalf("after streaming: %+v, %v", res, err)
	}
	path := filepath.Join(t.TempDir(), "streamed.mp3")
	os.WriteFile(path, got, 0o600)
	if d := probeDuration(t, path); math.Abs(d-res.Duration.Seconds()) > 1 {
		t.Errorf("the stream lasts %.1fs, the narration %.1fs", d, res.Duration.Seconds())
	}
}

// TestNarrationFailure: an engine that fails leaves the reason for the
// admin.
func TestNarrationFailure(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	x := newNarration(t)
	x.n.Engine = func(audio.Settings) audio.Engine { return &audio.Espeak{Binary: "/bin/false"} }
	if _, err := x.n.Render(ctx, x.a.ID); err == nil {
		t.Fatal("a failing engine rendered")
	}
	res, err := x.st.ArticleAudio(ctx, x.a.ID)
	if err != nil || res.State != store.AudioFailed || !strings.Contains(res.Reason, "espeak-ng failed") {
		t.Fatalf("state %q reason %q (%v)", res.State, res.Reason, err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestNarrationStreamListenerLeaves: a listener who stops after the first
// segment does not stop the narration: it is finished and kept.
func TestNarrationStreamListenerLeaves(t *testing.T) {
	t.Parallel()
	x := newNarration(t)
	ctx, cancel := context.WithCancel(context.Background())
	writes := 0
	err := x.n.Stream(ctx, x.a.ID, writerFunc(func(p []byte) (int, error) { writes++; cancel(); return len(p), nil }), nil)
	if err != nil {
		t.Fatal(err)
	}
	if writes != 1 {
		t.Errorf("%d writes after the listener left, want 1", writes)
	}
	res, err := x.st.ArticleAudio(context.Background(), x.a.ID)
	if err != nil || res.State != store.AudioReady || len(res.Segments) != 6 {
		t.Fatalf("after the listener left: %+v, %v", res, err)
	}
}

// cueStarts marks each paragraph of page 0 with its start, as the text
// of the paragraph → start.
func cueStarts(t *testing.T, c audio.Cues, a magazine.Article) map[string]time.Duration {
	t.Helper()
	out := map[string]time.Duration{}
	c.Mark(0, a.Pages[0], func(el *xhtml.Node, start time.Duration) {
		out[el.FirstChild.Data] = start
	})
	return out
}

// TestNarrationCues: every paragraph starts where the segments before it
// end in the joined file; after an edit the narration has not caught up
// with, the edited paragraph has no start and the others keep theirs
// (their speech is still where it was in the file).
func TestNarrationCues(t *testing.T) {
	t.Parallel()
	x := newNarration(t)
	ctx := context.Background()
	if c, err := x.n.Cues(ctx, x.a); err != nil || c.Len() != 0 {
		t.Fatalf("before any narration: %d cues, %v", c.Len(), err)
	}
	res, err := x.n.Render(ctx, x.a.ID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x.n.Cues(ctx, x.a)
	if err != nil {
		t.Fatal(err)
	}
	before := cueStarts(t, c, x.a)
	if len(before) != len(paragraphs) || len(res.Starts) != len(res.Segments) {
		t.Fatalf("%d cues for %d paragraphs, %d starts for %d segments", len(before), len(paragraphs), len(res.Starts), len(res.Segments))
	}
	// Headline and byline first: the first paragraph is the third segment.
	for i, p := range paragraphs {
		if before[p] != res.Starts[i+2].Truncate(time.Millisecond) {
			t.Errorf("paragraph %d starts at %v, its segment at %v", i, before[p], res.Starts[i+2])
		}
	}
	if d := probeDuration(t, x.file(t, res)) - res.Starts[len(res.Starts)-1].Seconds(); d < 1 || d > 10 {
		t.Errorf("the last segment starts %.2f s before the end of the file", d)
	}

	x.in.BodyMarkdown = strings.Replace(x.in.BodyMarkdown, "only road", "one road", 1)
	edited, err := x.st.UpdateArticle(ctx, x.a.ID, x.in)
	if err != nil {
		t.Fatal(err)
	}
	c, err = x.n.Cues(ctx, edited)
	if err != nil {
		t.Fatal(err)
	}
	after := cueStarts(t, c, edited)
	if _, ok := after[strings.Replace(paragraphs[1], "only road", "one road", 1)]; ok || len(after) != len(paragraphs)-1 {
		t.Errorf("after the edit: %v; want every paragraph but the edited one", after)
	}
	for _, i := range []int{0, 2, 3} {
		if after[paragraphs[i]] != before[paragraphs[i]] {
			t.Errorf("paragraph %d moved from %v to %v", i, before[paragraphs[i]], after[paragraphs[i]])
		}
	}
}

// TestNarratorKeepsItsEngine: while the settings stay, every render gets
// the same engine (so Festival's process serves them all); new settings
// get a new one.
func TestNarratorKeepsItsEngine(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := storetest.SQLite(t)
	pub := magazine.DefaultPublication()
	pub.AudioEngine = audio.EngineFestival
	if err := st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	n := &audio.Narrator{Store: st}
	first, _, err := n.Current(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if again, _, _ := n.Current(ctx); again != first {
		t.Error("a second render got another engine")
	}
	pub.AudioVoice = "cmu_us_awb_cg"
	if err := st.SetPublication(ctx, pub); err != nil {
		t.Fatal(err)
	}
	if other, _, _ := n.Current(ctx); other == first || other.Voice() != "cmu_us_awb_cg" {
		t.Errorf("after a change of voice: %v", other.Voice())
	}
}
