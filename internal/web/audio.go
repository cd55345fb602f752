package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"time"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// audioPlayer is what the article page shows about the narration: the
// player for a reader who may hear it, else what it is and a prompt.
type audioPlayer struct {
	Entitled    bool
	URL         string // the MP3 (streamed while it renders on a first play)
	PositionURL string // where the player reads and saves the reader's place
	Title       string
	Artist      string
	Album       string
}

// articleAudio decides the article page's audio block. No block when
// narration is off or cannot be made here (no engine installed).
func (s *Site) articleAudio(ctx context.Context, v magazine.Viewer, a magazine.Article, pub magazine.Publication) *audioPlayer {
	if s.audio == nil || s.audio.Available(ctx) != nil {
		return nil
	}
	p := &audioPlayer{Entitled: magazine.MayHear(v, a), Title: a.Headline, Album: pub.Name}
	if len(a.Authors) > 0 {
		p.Artist = a.Authors[0].Name
	}
	if p.Entitled {
		p.URL = ArticleURL(a.Slug) + "/audio.mp3"
		p.PositionURL = ArticleURL(a.Slug) + "/audio/position"
	}
	return p
}

// playControls puts a "Play from here" button before each paragraph of
// the page (from 0) whose speech is in the article's narration file,
// carrying where it starts there. Only a reader who may hear the
// narration gets them (the start times say how long each paragraph is).
// They are hidden until audio.js, which seeks the player, shows them:
// without it a button would do nothing, and a link to the MP3 at the time
// would take the reader away from the page to a bare player. A page whose
// cues cannot be worked out is shown without them.
func (s *Site) playControls(ctx context.Context, a magazine.Article, page int, body template.HTML) template.HTML {
	cues, err := s.audio.Cues(ctx, a)
	if err != nil {
		s.log.WarnContext(ctx, "cannot place the play controls", "article", a.ID, "err", err)
		return body
	}
	return template.HTML(cues.Mark(page, string(body), func(el *xhtml.Node, start time.Duration) {
		b := &xhtml.Node{Type: xhtml.ElementNode, Data: "button", DataAtom: atom.Button, Attr: []xhtml.Attribute{
			{Key: "type", Val: "button"}, {Key: "class", Val: "play-from"}, {Key: "hidden"},
			{Key: "data-start", Val: strconv.FormatFloat(start.Seconds(), 'f', 3, 64)},
			{Key: "aria-label", Val: "Play from here"}, {Key: "title", Val: "Play from here"},
		}}
		b.AppendChild(&xhtml.Node{Type: xhtml.TextNode, Data: "▶"})
		switch {
		case el.DataAtom == atom.Li || el.DataAtom == atom.Span || el.Parent == nil:
			// Inside: a list holds only items, a caption is inline.
			el.InsertBefore(b, el.FirstChild)
		default:
			el.Parent.InsertBefore(b, el)
		}
	}))
}

// forbidden answers 403 with a short text and never a byte of audio.
func forbidden(w http.ResponseWriter, msg string) error {
	h := w.Header()
	h.Set("Content-Type", "text/plain; charset=utf-8")
	h.Set("Cache-Control", "private, no-store")
	w.WriteHeader(http.StatusForbidden)
	fmt.Fprintln(w, msg)
	return nil
}

// hearable returns the article at the slug if the request may hear it.
// The article is the one kept for the content version (see
// listenArticle); who is asking, and so the decision, is worked out anew
// on every request.
func (s *Site) hearable(r *http.Request) (magazine.Article, *store.ReaderSession, bool, error) {
	slug := r.PathValue("slug")
	if !magazine.ValidSlug(slug) || s.audio == nil {
		return magazine.Article{}, nil, false, httpx.NotFound
	}
	a, err := s.listenArticle(r.Context(), slug)
	if err != nil {
		return a, nil, false, err
	}
	v, rs, err := s.viewer(r, a.ID)
	if err != nil {
		return a, nil, false, err
	}
	if magazine.Decide(v, a).Access == magazine.AccessNone {
		return a, nil, false, httpx.NotFound
	}
	return a, rs, magazine.MayHear(v, a), nil
}

// listenArticle is the article at slug as the paywall needs it, without
// its text: a player seeking asks for a range every few seconds, and
// reading the whole article each time was most of the cost of answering.
// It is kept until the content version moves (any edit, publication or
// change of visibility moves it).
func (s *Site) listenArticle(ctx context.Context, slug string) (magazine.Article, error) {
	version := s.store.Version()
	if a, ok := s.listenArticles.get(version, slug); ok {
		return a, nil
	}
	a, err := s.store.ArticleBySlug(ctx, slug)
	var moved *store.Moved
	if errors.As(err, &moved) || magazine.IsNotFound(err) {
		return a, httpx.NotFound
	} else if err != nil {
		return a, err
	}
	a.BodyMarkdown, a.Pages, a.PreviewHTML, a.Description = "", nil, "", ""
	s.listenArticles.put(version, slug, a)
	return a, nil
}

// audioFile serves an article's narration to a reader who may hear it,
// checked on every request (a seek is a new request). A finished file is
// served with Range and ETag; an article never narrated is narrated now
// and streamed paragraph by paragraph as it renders.
func (s *Site) audioFile(w http.ResponseWriter, r *http.Request) error {
	a, _, ok, err := s.hearable(r)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden(w, "The narration is for subscribers with audio.")
	}
	return s.serveNarration(w, r, a.ID)
}

// serveNarration sends an article's narration (access already checked).
func (s *Site) serveNarration(w http.ResponseWriter, r *http.Request, articleID int64) error {
	ctx := r.Context()
	h := w.Header()
	h.Set("Cache-Control", "private, no-cache")
	h.Set("Content-Type", "audio/mpeg")
	fileKey, err := s.narrationFile(ctx, articleID)
	if err != nil {
		return err
	}
	if fileKey != "" {
		if linked, err := s.linkTo(w, r, fileKey, true, media.LinkOptions{ContentType: "audio/mpeg", CacheControl: "private, max-age=600"}); linked || err != nil {
			return err
		}
		f, err := s.files.Open(ctx, fileKey)
		if err == nil {
			defer f.Close()
			// The key is the hash of the bytes: a strong validator.
			h.Set("ETag", `"`+fileKey[3:3+32]+`"`)
			httpx.ServeContent(w, r, "", f.ModTime(), f)
			return nil
		} else if !magazine.IsNotFound(err) {
			return err
		}
	}
	if err := s.audio.Available(ctx); err != nil {
		return magazine.Errorf(magazine.ENOTFOUND, "The narration is not ready yet.")
	}
	// First play: narrate now. Each segment is flushed as it is made; the
	// write deadline moves with it, so a long article is not cut off by
	// the server's write timeout.
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	err = s.audio.Stream(ctx, articleID, w, func() {
		rc.Flush()
		rc.SetWriteDeadline(time.Now().Add(2 * time.Minute))
	})
	if err != nil && ctx.Err() == nil {
		s.log.WarnContext(ctx, "narrating on first play failed", "article", articleID, "err", err)
	}
	return nil
}

// narrationFile is the media key of an article's finished narration, ""
// when there is none yet, kept until the content version moves (a
// narration that finishes moves it: store.FinishAudio).
func (s *Site) narrationFile(ctx context.Context, articleID int64) (string, error) {
	version := s.store.Version()
	if key, ok := s.narrationFiles.get(version, articleID); ok {
		return key, nil
	}
	aa, err := s.store.ArticleAudio(ctx, articleID)
	if err != nil && !magazine.IsNotFound(err) {
		return "", err
	}
	s.narrationFiles.put(version, articleID, aa.FileKey)
	return aa.FileKey, nil
}

// audioPosition reads (GET) or saves (POST seconds=N) where the reader
// stopped listening.
func (s *Site) audioPosition(w http.ResponseWriter, r *http.Request) error {
	a, rs, ok, err := s.hearable(r)
	if err != nil {
		return err
	}
	if !ok {
		return forbidden(w, "The narration is for subscribers with audio.")
	}
	w.Header().Set("Cache-Control", "private, no-store")
	if rs == nil { // staff listen without a remembered place
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	if r.Method == http.MethodPost {
		sec, err := strconv.ParseFloat(r.PostFormValue("seconds"), 64)
		if err != nil {
			return magazine.Errorf(magazine.EINVALID, "seconds is a number.")
		}
		if err := s.store.SetAudioPosition(r.Context(), rs.Reader.ID, a.ID, sec); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	sec, err := s.store.AudioPosition(r.Context(), rs.Reader.ID, a.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	return json.NewEncoder(w).Encode(map[string]float64{"seconds": sec})
}
