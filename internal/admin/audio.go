package admin

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/doctor"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

var audioPages = []string{"audio", "audio_lexicon", "audio_feeds"}

func (a *Admin) parseAudioTemplates() error {
	for _, name := range audioPages {
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name+".html")
		if err != nil {
			return fmt.Errorf("parse admin template %s: %w", name, err)
		}
		a.pages[name] = t
	}
	return nil
}

type audioRow struct {
	Article  magazine.Article
	State    string
	Reason   string
	Voice    string
	Length   string
	Listen   string
	Rendered int
}

type audioData struct {
	Engine  string
	Problem string          // why narration cannot be made here, or ""
	Tools   []doctor.Result // what is installed, when something is missing
	Counts  map[string]int
	Rows    []audioRow
}

// audioPage lists the newest articles with the state of their narration.
func (a *Admin) audioPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	p := a.newPage(me, "Audio")
	switch r.URL.Query().Get("done") {
	case "queued":
		p.Notice = "The article is queued for narration; this page shows when it is ready."
	}
	var d audioData
	if a.audio == nil {
		d.Problem = "Narration is not set up on this server."
	} else if e, _, err := a.audio.Current(ctx); errors.Is(err, audio.ErrOff) {
		d.Problem = "Narration is turned off (Settings, Audio)."
	} else if err != nil {
		return err
	} else {
		d.Engine = e.Name() + " (" + e.Voice() + ")"
		if err := a.audio.Available(ctx); err != nil {
			d.Problem = "Narration cannot be made here: " + err.Error()
			d.Tools = doctor.Run(ctx, doctor.Tools(), 10*time.Second)
		}
	}
	var err error
	if d.Counts, err = a.store.AudioCounts(ctx); err != nil {
		return err
	}
	list, _, err := a.store.Articles(ctx, store.ArticleFilter{Limit: 50})
	if err != nil {
		return err
	}
	ids := make([]int64, len(list))
	for i, art := range list {
		ids[i] = art.ID
	}
	states, err := a.store.ArticleAudios(ctx, ids)
	if err != nil {
		return err
	}
	for _, art := range list {
		row := audioRow{Article: art, State: store.AudioNone}
		if aa, ok := states[art.ID]; ok {
			row.State, row.Reason, row.Voice, row.Rendered = aa.State, aa.Reason, aa.Voice, aa.Rendered
			if aa.FileKey != "" {
				row.Length = aa.Duration.Round(time.Second).String()
				row.Listen = "/admin/audio/articles/" + strconv.FormatInt(art.ID, 10) + "/listen"
			}
		}
		d.Rows = append(d.Rows, row)
	}
	return a.render(w, http.StatusOK, "audio", p, d)
}

// listenAudio plays an article's finished narration to staff.
func (a *Admin) listenAudio(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	aa, err := a.store.ArticleAudio(r.Context(), id)
	if err != nil {
		return err
	}
	if aa.FileKey == "" || a.files == nil {
		return magazine.Errorf(magazine.ENOTFOUND, "This article has no finished narration yet.")
	}
	f, err := a.files.Open(r.Context(), aa.FileKey)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "audio/mpeg")
	httpx.ServeContent(w, r, "", f.ModTime(), f)
	return nil
}

// renderAgain queues an article's narration at once.
func (a *Admin) renderAgain(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	if _, err := a.store.ArticleByID(r.Context(), id); err != nil {
		return err
	}
	if a.narrate == nil {
		return magazine.Errorf(magazine.EINVALID, "Narration is not set up on this server.")
	}
	if err := a.narrate(r.Context(), id, 1); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/audio?done=queued", Status: http.StatusSeeOther}
}

// lexiconPage shows the pronunciation dictionary and its form.
func (a *Admin) lexiconPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Pronunciation")
	switch r.URL.Query().Get("done") {
	case "saved":
		p.Notice = "Saved. Narrations that use the word are made again; no other paragraph is."
	case "imported":
		p.Notice = "Imported. Narrations that use the words are made again."
	case "deleted":
		p.Notice = "Deleted."
	}
	return a.showLexicon(w, r, http.StatusOK, p)
}

func (a *Admin) showLexicon(w http.ResponseWriter, r *http.Request, status int, p page) error {
	list, err := a.store.Lexicon(r.Context())
	if err != nil {
		return err
	}
	return a.render(w, status, "audio_lexicon", p, list)
}

// checkPronunciation has the engine say the entry; an engine that rejects
// it refuses the entry with the engine's own message.
func (a *Admin) checkPronunciation(r *http.Request, e store.LexiconEntry) error {
	if a.audio == nil {
		return nil
	}
	_, err := a.audio.Say(r.Context(), e.Word, audio.Entry{Word: e.Word, Say: e.Say, CaseSensitive: e.CaseSensitive})
	if errors.Is(err, audio.ErrOff) || errors.Is(err, audio.ErrUnavailable) {
		return nil // nothing to check with; the entry is kept
	} else if err != nil {
		return magazine.FieldError("say", "The speech engine refused this: %s", err.Error())
	}
	return nil
}

// saveLexicon adds or changes one entry.
func (a *Admin) saveLexicon(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Pronunciation")
	for _, k := range []string{"word", "say", "case_sensitive"} {
		p.Form[k] = r.PostFormValue(k)
	}
	e := store.LexiconEntry{Word: p.Form["word"], Say: p.Form["say"], CaseSensitive: p.Form["case_sensitive"] != ""}
	err := e.Validate()
	if err == nil {
		err = a.checkPronunciation(r, e)
	}
	if err == nil {
		err = a.store.SaveLexicon(r.Context(), []store.LexiconEntry{e})
	}
	if err != nil {
		if formError(&p, err) {
			return a.showLexicon(w, r, http.StatusUnprocessableEntity, p)
		}
		return err
	}
	a.renarrate(r, e.Word)
	return &httpx.Redirect{URL: "/admin/audio/lexicon?done=saved", Status: http.StatusSeeOther}
}

// renarrate queues the narrations of the articles that use word: only
// their segments with it are spoken again.
func (a *Admin) renarrate(r *http.Request, words ...string) {
	if a.narrate == nil {
		return
	}
	seen := map[int64]bool{}
	for _, word := range words {
		ids, err := a.store.ArticlesMentioning(r.Context(), word)
		if err != nil {
			a.log.WarnContext(r.Context(), "find narrations to make again", "word", word, "err", err)
			continue
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				if err := a.narrate(r.Context(), id, 2); err != nil {
					a.log.WarnContext(r.Context(), "queue a narration", "article", id, "err", err)
				}
			}
		}
	}
}

func (a *Admin) deleteLexicon(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return httpx.NotFound
	}
	list, err := a.store.Lexicon(r.Context())
	if err != nil {
		return err
	}
	if err := a.store.DeleteLexiconEntry(r.Context(), id); err != nil {
		return err
	}
	for _, e := range list {
		if e.ID == id {
			a.renarrate(r, e.Word)
		}
	}
	return &httpx.Redirect{URL: "/admin/audio/lexicon?done=deleted", Status: http.StatusSeeOther}
}

// hearLexicon says a word as the entry typed in the form would have it
// said: "hear it" before saving.
func (a *Admin) hearLexicon(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	if a.audio == nil {
		return magazine.Errorf(magazine.ENOTFOUND, "Narration is not set up on this server.")
	}
	q := r.URL.Query()
	e := store.LexiconEntry{Word: q.Get("word"), Say: q.Get("say"), CaseSensitive: q.Get("case_sensitive") != ""}
	if e.Say == "" {
		e.Say = e.Word
	}
	if err := e.Validate(); err != nil {
		return err
	}
	mp3, err := a.audio.Say(r.Context(), e.Word, audio.Entry{Word: e.Word, Say: e.Say, CaseSensitive: e.CaseSensitive})
	if err != nil {
		if magazine.ErrorCode(err) != magazine.EINTERNAL {
			return err
		}
		return magazine.Errorf(magazine.EINVALID, "The speech engine could not say it: %s", err.Error())
	}
	w.Header().Set("Content-Type", "audio/mpeg")
	_, err = w.Write(mp3)
	return err
}

// exportLexicon sends the dictionary as CSV: word, say, case_sensitive.
func (a *Admin) exportLexicon(w http.ResponseWriter, r *http.Request, _ *store.Session) error {
	list, err := a.store.Lexicon(r.Context())
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	cw.Write([]string{"word", "say", "case_sensitive"})
	for _, e := range list {
		cw.Write([]string{e.Word, e.Say, strconv.FormatBool(e.CaseSensitive)})
	}
	cw.Flush()
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="pronunciation.csv"`)
	_, err = w.Write(buf.Bytes())
	return err
}

// maxLexiconCSV bounds an import: ten thousand entries fit easily.
const maxLexiconCSV = 1 << 20

// importLexicon reads a CSV (word, say, case_sensitive; a header line is
// optional) and saves every entry or, at the first bad line, none.
func (a *Admin) importLexicon(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Pronunciation")
	r.Body = http.MaxBytesReader(w, r.Body, maxLexiconCSV+64<<10)
	file, _, err := r.FormFile("csv")
	if err != nil {
		p.Errors["csv"] = "Choose a CSV file of at most 1 MB."
		return a.showLexicon(w, r, http.StatusUnprocessableEntity, p)
	}
	defer file.Close()
	entries, err := parseLexiconCSV(io.LimitReader(file, maxLexiconCSV))
	if err == nil {
		err = a.store.SaveLexicon(r.Context(), entries)
	}
	if err != nil {
		p.Errors["csv"] = magazine.ErrorMessage(err)
		if magazine.ErrorCode(err) == magazine.EINTERNAL {
			return err
		}
		return a.showLexicon(w, r, http.StatusUnprocessableEntity, p)
	}
	words := make([]string, len(entries))
	for i, e := range entries {
		words[i] = e.Word
	}
	a.renarrate(r, words...)
	return &httpx.Redirect{URL: "/admin/audio/lexicon?done=imported", Status: http.StatusSeeOther}
}

func parseLexiconCSV(rd io.Reader) ([]store.LexiconEntry, error) {
	cr := csv.NewReader(rd)
	cr.FieldsPerRecord = -1
	var out []store.LexiconEntry
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, magazine.Errorf(magazine.EINVALID, "Line %d of the CSV cannot be read; nothing was imported.", line)
		}
		if line == 1 && len(rec) > 0 && strings.EqualFold(strings.TrimSpace(rec[0]), "word") {
			continue
		}
		if len(rec) < 2 || len(rec) > 3 {
			return nil, magazine.Errorf(magazine.EINVALID, "Line %d needs a word and how to say it (and optionally true for case-sensitive); nothing was imported.", line)
		}
		e := store.LexiconEntry{Word: rec[0], Say: rec[1]}
		if len(rec) == 3 {
			e.CaseSensitive, _ = strconv.ParseBool(strings.TrimSpace(rec[2]))
		}
		if err := e.Validate(); err != nil {
			return nil, magazine.Errorf(magazine.EINVALID, "Line %d: %s Nothing was imported.", line, magazine.ErrorMessage(err))
		}
		out = append(out, e)
		if len(out) > 10_000 {
			return nil, magazine.Errorf(magazine.ETOOLARGE, "At most 10,000 entries at a time; nothing was imported.")
		}
	}
	if len(out) == 0 {
		return nil, magazine.Errorf(magazine.EINVALID, "The CSV has no entries.")
	}
	return out, nil
}

// feedsPage shows, per private podcast feed, how many addresses used it in
// the last week: a feed passed around shows dozens.
func (a *Admin) feedsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	use, err := a.store.PodcastFeedUse(r.Context(), a.now().AddDate(0, 0, -7))
	if err != nil {
		return err
	}
	return a.render(w, http.StatusOK, "audio_feeds", a.newPage(me, "Podcast feeds"), use)
}
