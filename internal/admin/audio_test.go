package admin

import (
	"bytes"
	"context"
	"errors"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// pickyEngine speaks a tone, and rejects any text with "xq" in it the way
// a speech server rejects bad phonemes.
type pickyEngine struct{}

func (pickyEngine) Name() string                    { return "http" }
func (pickyEngine) Voice() string                   { return "test" }
func (pickyEngine) MaxInput() int                   { return 1000 }
func (pickyEngine) Check(ctx context.Context) error { return nil }
func (pickyEngine) Synthesize(ctx context.Context, texts []string) ([]audio.PCM, error) {
	var out []audio.PCM
	for _, t := range texts {
		if strings.Contains(t, "xq") {
			return nil, errors.New(`speech server answered 400: Invalid phoneme "xq"`)
		}
		p := audio.PCM{Rate: 22050, Samples: make([]int16, 22050/2)}
		for i := range p.Samples {
			p.Samples[i] = int16(3000 * ((i/25)%2*2 - 1))
		}
		out = append(out, p)
	}
	return out, nil
}

func newAudioEnv(t *testing.T) (*env, *http.Cookie, *[]int64) {
	t.Helper()
	e := newEnv(t, "http://masthead.test")
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.admin.files = files
	e.admin.audio = &audio.Narrator{Store: e.store, Files: files, Engine: func(audio.Settings) audio.Engine { return pickyEngine{} }}
	queued := &[]int64{}
	e.admin.narrate = func(ctx context.Context, id int64, priority int) error { *queued = append(*queued, id); return nil }
	return e, e.session(e.staff[magazine.RoleAdmin]), queued
}

// TestLexiconForm: an entry the engine rejects is refused in the form with
// the engine's message; a good one is saved and narrates again the
// articles that use the word; CSV export and import round-trip.
func TestLexiconForm(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ffmpeg is not installed; CI installs it")
		}
		t.Skip(err)
	}
	e, admin, queued := newAudioEnv(t)
	ctx := context.Background()
	sec, _ := e.store.CreateSection(ctx, magazine.Section{Name: "Politics"})
	au, _ := e.store.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	art, err := e.store.CreateArticle(ctx, magazine.ArticleInput{AuthorIDs: []int64{au.ID}, Headline: "Masthead news", SectionID: sec.ID, Status: magazine.StatusPublished,
		PublishedAt: e.clock.Now(), BodyMarkdown: "Masthead is a magazine."})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.FinishAudio(ctx, store.ArticleAudio{ArticleID: art.ID}); err != nil {
		t.Fatal(err)
	}

	w := e.do("POST", "/admin/audio/lexicon", url.Values{"word": {"Masthead"}, "say": {"mxqst"}}, admin)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Invalid phoneme &#34;xq&#34;") {
		t.Fatalf("rejected entry: %d, body lacks the engine's message", w.Code)
	}
	if list, _ := e.store.Lexicon(ctx); len(list) != 0 {
		t.Fatalf("a rejected entry was saved: %+v", list)
	}
	w = e.do("POST", "/admin/audio/lexicon", url.Values{"word": {"Masthead"}, "say": {"MAST hed"}}, admin)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("good entry: %d %s", w.Code, w.Body)
	}
	if len(*queued) != 1 || (*queued)[0] != art.ID {
		t.Errorf("narrations queued after the change: %v, want the article with the word", *queued)
	}
	if w := e.do("GET", "/admin/audio/lexicon/hear?word=Masthead&say=MAST+hed", nil, admin); w.Code != 200 || w.Header().Get("Content-Type") != "audio/mpeg" {
		t.Errorf("hear it: %d %s", w.Code, w.Header().Get("Content-Type"))
	}

	w = e.do("GET", "/admin/audio/lexicon.csv", nil, admin)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "Masthead,MAST hed,false") {
		t.Fatalf("export: %d %q", w.Code, w.Body)
	}
	w = upload(e, "POST", "/admin/audio/lexicon.csv", "word,say,case_sensitive\nNATO,nay toe,true\n\"Quill, Ada\",ada quill\n", admin)
	if w.Code != http.StatusSeeOther {
		t.Fatalf("import: %d %s", w.Code, w.Body)
	}
	w = upload(e, "POST", "/admin/audio/lexicon.csv", "Good,fine\nbad line with one field\n", admin)
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body.String(), "Line 2") {
		t.Fatalf("bad import: %d", w.Code)
	}
	list, _ := e.store.Lexicon(ctx)
	if len(list) != 3 || list[0].Word != "Masthead" || list[1].Word != "NATO" || !list[1].CaseSensitive || list[2].Word != "Quill, Ada" {
		t.Errorf("after the imports: %+v (a bad file must import nothing)", list)
	}
}

// TestAudioPage: the admin sees each article's narration state, with the
// reason of a failure, and can render it again.
func TestAudioPage(t *testing.T) {
	t.Parallel()
	e, admin, queued := newAudioEnv(t)
	ctx := context.Background()
	sec, _ := e.store.CreateSection(ctx, magazine.Section{Name: "Politics"})
	au, _ := e.store.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	art, err := e.store.CreateArticle(ctx, magazine.ArticleInput{AuthorIDs: []int64{au.ID}, Headline: "The ferry question", SectionID: sec.ID, Status: magazine.StatusPublished,
		PublishedAt: e.clock.Now(), BodyMarkdown: "Text."})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetAudioState(ctx, art.ID, store.AudioFailed, "festival did not finish within its time limit"); err != nil {
		t.Fatal(err)
	}
	w := e.do("GET", "/admin/audio", nil, admin)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "failed: festival did not finish within its time limit") {
		t.Fatalf("audio page: %d, no failure reason", w.Code)
	}
	if w := e.do("POST", "/admin/audio/articles/"+itoa64(art.ID)+"/render", url.Values{}, admin); w.Code != http.StatusSeeOther || len(*queued) != 1 {
		t.Fatalf("render again: %d, queued %v", w.Code, *queued)
	}
}

// upload posts csv as the import form's file.
func upload(e *env, method, path, csv string, cookie *http.Cookie) *httptest.ResponseRecorder {
	e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("csv", "p.csv")
	fw.Write([]byte(csv))
	mw.Close()
	r := httptest.NewRequest(method, "http://masthead.test"+path, &body)
	r.Header.Set("Content-Type", mw.FormDataContentType())
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	r.AddCookie(cookie)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}
