package audio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// Narrator makes and keeps articles' narrations.
type Narrator struct {
	Store   *store.Store
	Files   media.Storage
	Encoder Encoder
	Log     *slog.Logger
	// Engine picks the engine for the publication's settings; New when
	// nil. Tests give a fake or a counting engine.
	Engine func(Settings) Engine

	// The last Available check: pages ask on every view, and a check runs
	// the engine (Festival takes a good part of a second).
	mu         sync.Mutex
	current    Engine // the engine for currentOf, kept: Festival keeps its process between renders
	currentOf  Settings
	checked    time.Time
	checkedOf  Settings
	checkErr   error
	refreshing bool
}

// recheck is how old an Available answer may be before it is refreshed.
const recheck = 5 * time.Minute

// Available reports whether narration can be made here now: turned on,
// and the engine and ffmpeg work. nil means yes; the error says what to
// install or set. Readers see no player while it fails. Only the first
// call (and a change of settings) waits for the check; after that an
// answer older than recheck is refreshed in the background, so no page
// view pays for running the engine.
func (n *Narrator) Available(ctx context.Context) error {
	e, s, err := n.Current(ctx)
	if err != nil {
		return err
	}
	n.mu.Lock()
	if s == n.checkedOf && !n.checked.IsZero() {
		err := n.checkErr
		if time.Since(n.checked) > recheck && !n.refreshing {
			n.refreshing = true
			go n.check(context.WithoutCancel(ctx), e, s)
		}
		n.mu.Unlock()
		return err
	}
	n.mu.Unlock()
	return n.check(ctx, e, s)
}

// check runs the engine's and ffmpeg's checks and keeps the answer.
func (n *Narrator) check(ctx context.Context, e Engine, s Settings) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := n.Encoder.Check(ctx)
	if err == nil {
		err = e.Check(ctx)
	}
	n.mu.Lock()
	n.checked, n.checkedOf, n.checkErr, n.refreshing = time.Now(), s, err, false
	n.mu.Unlock()
	return err
}

// ErrOff is returned when the publication has narration turned off.
var ErrOff = magazine.Errorf(magazine.ENOTFOUND, "Narration is turned off.")

// Pauses at the end of a segment, so that joined segments breathe like a
// reader turning from one paragraph to the next; a heading gets a longer one.
const (
	sentenceGapMS  = 250
	paragraphGapMS = 450
	headingGapMS   = 750
)

// batchSentences is how many sentences one engine call speaks in a
// background render: one ffmpeg process encodes each batch's segments.
const batchSentences = 60

// planned is one segment of an article's narration.
type planned struct {
	kind    Kind
	spoken  string // what the engine is given: lexicon applied, normalised
	lexicon string // the version of the lexicon entries it uses
	key     string
	place   Place // where the block stands in the article
}

// sentenceKey names one sentence of p as spoken with the pause after it,
// among the sentences of an article's old segments: a short hash is
// enough there.
func (p planned) sentenceKey(e Engine, sentence string, gapMS int) string {
	return SegmentKey(e.Name(), e.Voice(), p.lexicon, fmt.Sprintf("%s\x00%d", sentence, gapMS))[:16]
}

// gapAfter is the pause after p's sentence i of n.
func (p planned) gapAfter(i, n int) int {
	switch {
	case i < n-1:
		return sentenceGapMS
	case p.kind == KindHeading:
		return headingGapMS
	}
	return paragraphGapMS
}

// SegmentKey names a segment: a hash of the engine, the voice, the version
// of the lexicon entries the text uses and the text as spoken. Anything
// that would change the sound changes the key; nothing else does.
func SegmentKey(engine, voice, lexicon, spoken string) string {
	sum := sha256.Sum256([]byte(engine + "\x00" + voice + "\x00" + lexicon + "\x00" + spoken))
	return hex.EncodeToString(sum[:])
}

// segmentMedia is where a segment's MP3 lives in media storage.
func segmentMedia(key string) string { return key[:2] + "/" + key + media.PrivateExt }

// engine is the engine for s: the same one for as long as the settings
// stay, so that Festival's process serves every render. One replaced by a
// change of settings is not closed (a render may still be using it); its
// process stops when it has been idle a while.
func (n *Narrator) engine(s Settings) Engine {
	if n.Engine != nil {
		return n.Engine(s)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.current == nil || s != n.currentOf {
		n.current, n.currentOf = New(s), s
	}
	return n.current
}

func (n *Narrator) log() *slog.Logger {
	if n.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return n.Log
}

// Current returns the engine the publication's settings choose now, or
// ErrOff.
func (n *Narrator) Current(ctx context.Context) (Engine, Settings, error) {
	pub, err := n.Store.Publication(ctx)
	if err != nil {
		return nil, Settings{}, err
	}
	s := SettingsOf(pub)
	e := n.engine(s)
	if e == nil {
		return nil, s, ErrOff
	}
	return e, s, nil
}

// plan is the list of segments an article's narration is made of.
func (n *Narrator) plan(ctx context.Context, a magazine.Article, e Engine, s Settings) ([]planned, error) {
	entries, err := n.Store.Lexicon(ctx)
	if err != nil {
		return nil, err
	}
	lex := NewLexicon(lexiconEntries(entries))
	var out []planned
	for _, b := range Script(a, s.ReadCaptions) {
		applied, version := lex.Apply(b.Text)
		spoken := NormalizeText(applied)
		if spoken == "" {
			continue
		}
		if b.Kind == KindHeading && !strings.ContainsAny(spoken[len(spoken)-1:], ".!?:") {
			spoken += "."
		}
		out = append(out, planned{kind: b.Kind, spoken: spoken, lexicon: version, key: SegmentKey(e.Name(), e.Voice(), version, spoken), place: b.Place})
	}
	if len(out) == 0 {
		return nil, magazine.Errorf(magazine.EINVALID, "The article has nothing to read aloud.")
	}
	return out, nil
}

func lexiconEntries(es []store.LexiconEntry) []Entry {
	out := make([]Entry, len(es))
	for i, e := range es {
		out[i] = Entry{Word: e.Word, Say: e.Say, CaseSensitive: e.CaseSensitive}
	}
	return out
}

// Render narrates an article: segments already stored are reused, the
// others spoken (in batches) and stored, and the whole joined into the
// article's file. It records the state as it goes; a failure is recorded
// with its reason and returned.
func (n *Narrator) Render(ctx context.Context, articleID int64) (store.ArticleAudio, error) {
	res, err := n.render(ctx, articleID, nil)
	if err != nil && !errors.Is(err, ErrOff) && ctx.Err() == nil {
		if serr := n.Store.SetAudioState(context.WithoutCancel(ctx), articleID, store.AudioFailed, Reason(err)); serr != nil {
			n.log().Warn("cannot record a failed narration", "article", articleID, "err", serr)
		}
	}
	return res, err
}

// Stream narrates an article into w while it renders, segment by segment
// (bare MP3 frames play back to back), for the first play of an article
// that was never narrated; then it keeps the finished file like Render.
// flush is called after each segment. A listener who leaves early does
// not stop the narration: it is finished (within streamTimeout) and kept,
// so the next play is the whole file.
func (n *Narrator) Stream(ctx context.Context, articleID int64, w io.Writer, flush func()) error {
	listening := ctx
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), streamTimeout)
	defer cancel()
	gone := false
	_, err := n.render(ctx, articleID, func(mp3 []byte) error {
		if gone || listening.Err() != nil {
			gone = true
			return nil
		}
		if _, err := w.Write(mp3); err != nil {
			gone = true
			return nil
		}
		if flush != nil {
			flush()
		}
		return nil
	})
	if err != nil && !errors.Is(err, ErrOff) {
		if serr := n.Store.SetAudioState(ctx, articleID, store.AudioFailed, Reason(err)); serr != nil {
			n.log().Warn("cannot record a failed narration", "article", articleID, "err", serr)
		}
	}
	return err
}

// streamTimeout bounds a first play's narration, listener or not.
const streamTimeout = 15 * time.Minute

// Reason is what the admin is shown of a failed narration: the coded
// message, or the engine's own words (staff need them to fix the setup;
// the engines' errors carry no secrets, see HTTP).
func Reason(err error) string {
	msg := err.Error()
	if magazine.ErrorCode(err) != magazine.EINTERNAL {
		msg = magazine.ErrorMessage(err)
	}
	if len(msg) > 500 {
		msg = msg[:500] + "…"
	}
	return msg
}

func (n *Narrator) render(ctx context.Context, articleID int64, emit func([]byte) error) (store.ArticleAudio, error) {
	a, err := n.Store.ArticleByID(ctx, articleID)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	e, s, err := n.Current(ctx)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	if err := n.Store.SetAudioState(ctx, articleID, store.AudioRendering, ""); err != nil {
		return store.ArticleAudio{}, err
	}
	plan, err := n.plan(ctx, a, e, s)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	keys := make([]string, len(plan))
	for i, p := range plan {
		keys[i] = p.key
	}
	have, err := n.Store.Segments(ctx, keys)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	// Which segments must be spoken, in batches of about batchSentences
	// sentences; one at a time when streaming, so that the first is heard
	// at once.
	var missing []planned
	seen := map[string]bool{}
	for _, p := range plan {
		if _, ok := have[p.key]; !ok && !seen[p.key] {
			missing = append(missing, p)
			seen[p.key] = true
		}
	}
	spoken := map[string][]byte{}
	old, err := n.oldSentences(ctx, articleID, missing, seen)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	speak := func(batch []planned) error {
		made, err := n.speak(ctx, e, batch, old)
		if err != nil {
			return err
		}
		for i, p := range batch {
			spoken[p.key] = made[i].mp3
			have[p.key] = made[i].seg
		}
		return nil
	}
	segBytes := func(key string) ([]byte, error) {
		if b, ok := spoken[key]; ok {
			return b, nil
		}
		return n.readSegment(ctx, key)
	}
	parts := make([][]byte, 0, len(plan))
	if emit != nil {
		for _, p := range plan {
			if _, ok := have[p.key]; !ok {
				if err := speak([]planned{p}); err != nil {
					return store.ArticleAudio{}, err
				}
			}
			b, err := segBytes(p.key)
			if err != nil {
				return store.ArticleAudio{}, err
			}
			if err := emit(b); err != nil {
				return store.ArticleAudio{}, err
			}
			parts = append(parts, b)
		}
	} else {
		for start := 0; start < len(missing); {
			end := nextBatch(missing, start, e.MaxInput())
			if err := speak(missing[start:end]); err != nil {
				return store.ArticleAudio{}, err
			}
			start = end
		}
		for _, p := range plan {
			b, err := segBytes(p.key)
			if err != nil {
				return store.ArticleAudio{}, err
			}
			parts = append(parts, b)
		}
	}
	file, err := n.Encoder.Concat(ctx, parts)
	if err != nil {
		return store.ArticleAudio{}, err
	}
	fileKey, err := media.Key(file, "audio/mpeg")
	if err != nil {
		return store.ArticleAudio{}, err
	}
	fileKey = strings.TrimSuffix(fileKey, ".mp3") + media.PrivateExt
	if err := n.Files.Put(ctx, fileKey, file); err != nil {
		return store.ArticleAudio{}, err
	}
	res := store.ArticleAudio{ArticleID: articleID, State: store.AudioReady, Engine: e.Name(), Voice: e.Voice(), Segments: keys,
		Starts: segmentStarts(parts), FileKey: fileKey, Bytes: int64(len(file)), Rendered: len(spoken), SourceUpdatedAt: a.UpdatedAt}
	for _, k := range keys {
		res.Duration += have[k].Duration
	}
	if err := n.Store.FinishAudio(ctx, res); err != nil {
		return res, err
	}
	return res, nil
}

type madeSegment struct {
	seg store.Segment
	mp3 []byte
}

// oldSentences returns the sentences of the article's last narration
// that are in segments it no longer has (want: the keys of the segments to
// be made), by sentence key: an edited paragraph's unchanged sentences
// are cut from its old segment rather than spoken again. A segment made
// before sentences were recorded, or unreadable, gives none.
func (n *Narrator) oldSentences(ctx context.Context, articleID int64, missing []planned, want map[string]bool) (map[string][]byte, error) {
	out := map[string][]byte{}
	if len(missing) == 0 {
		return out, nil
	}
	last, err := n.Store.ArticleAudio(ctx, articleID)
	if magazine.ErrorCode(err) == magazine.ENOTFOUND {
		return out, nil
	} else if err != nil {
		return nil, err
	}
	var gone []string
	for _, k := range last.Segments {
		if !want[k] {
			gone = append(gone, k)
		}
	}
	segs, err := n.Store.Segments(ctx, gone)
	if err != nil {
		return nil, err
	}
	for _, sg := range segs {
		if len(sg.Sentences) == 0 {
			continue
		}
		b, err := n.readSegment(ctx, sg.Key)
		if err != nil {
			n.log().Warn("cannot reuse an old segment's sentences", "segment", sg.Key, "err", err)
			continue
		}
		cut := cutSentences(b, sg.Sentences)
		for k, v := range cut {
			out[k] = v
		}
	}
	return out, nil
}

// cutSentences cuts a segment's MP3 into its sentences, or returns none
// if the cuts do not add up to it.
func cutSentences(b []byte, cuts []store.SentenceCut) map[string][]byte {
	out := map[string][]byte{}
	at := 0
	for _, c := range cuts {
		if at+c.Bytes > len(b) {
			return nil
		}
		out[c.Key] = b[at : at+c.Bytes]
		at += c.Bytes
	}
	if at != len(b) {
		return nil
	}
	return out
}

// speak renders segments with one engine call, encodes and stores each;
// sentences found in old are reused, not spoken.
func (n *Narrator) speak(ctx context.Context, e Engine, batch []planned, old map[string][]byte) ([]madeSegment, error) {
	made, err := encodeSegments(ctx, e, n.Encoder, batch, old)
	if err != nil {
		return nil, err
	}
	for i, p := range batch {
		made[i].seg.Key = p.key
		if err := n.Files.Put(ctx, segmentMedia(p.key), made[i].mp3); err != nil {
			return nil, err
		}
		if err := n.Store.RecordSegment(ctx, made[i].seg); err != nil {
			return nil, err
		}
	}
	return made, nil
}

// encodeSegments speaks a batch of segments with one engine call and
// encodes each as MP3, with the pause that ends it. Each sentence (with
// the pause after it) is encoded as a piece of its own, and a segment is
// its sentences' MP3 frames one after another; a sentence found in old is
// taken from there instead of being spoken. The encoder keeps no bit
// reservoir, so frames cut apart and put back together decode cleanly.
func encodeSegments(ctx context.Context, e Engine, enc Encoder, batch []planned, old map[string][]byte) ([]madeSegment, error) {
	type sentence struct {
		key   string
		gapMS int
		mp3   []byte // reused from old, or encoded below
	}
	var texts []string
	var todo []*sentence // the sentences texts speaks, in order
	plans := make([][]sentence, len(batch))
	for i, p := range batch {
		ss := Sentences(p.spoken, e.MaxInput())
		plans[i] = make([]sentence, len(ss))
		for j, text := range ss {
			gap := p.gapAfter(j, len(ss))
			key := p.sentenceKey(e, text, gap)
			plans[i][j] = sentence{key: key, gapMS: gap, mp3: old[key]}
			if plans[i][j].mp3 == nil {
				texts = append(texts, text)
				todo = append(todo, &plans[i][j])
			}
		}
	}
	if len(texts) > 0 {
		pcms, err := e.Synthesize(ctx, texts)
		if err != nil {
			return nil, err
		}
		if len(pcms) != len(texts) {
			return nil, fmt.Errorf("%s returned %d pieces of audio for %d sentences", e.Name(), len(pcms), len(texts))
		}
		pieces := make([]PCM, len(pcms))
		for i, pcm := range pcms {
			if pcm.Rate <= 0 || pcm.Duration() < 50*time.Millisecond {
				return nil, fmt.Errorf("%s returned almost no audio for %q", e.Name(), clip(texts[i]))
			}
			if pcm.Rate != pcms[0].Rate {
				return nil, fmt.Errorf("%s: %d Hz after %d Hz", e.Name(), pcm.Rate, pcms[0].Rate)
			}
			pcm.Samples = append(pcm.Samples, make([]int16, pcm.Rate*todo[i].gapMS/1000)...)
			pieces[i] = pcm
		}
		mp3s, err := enc.MP3s(ctx, pieces)
		if err != nil {
			return nil, err
		}
		for i, b := range mp3s {
			todo[i].mp3 = b
		}
	}
	out := make([]madeSegment, len(batch))
	for i, ss := range plans {
		var mp3 []byte
		cuts := make([]store.SentenceCut, len(ss))
		for j, s := range ss {
			mp3 = append(mp3, s.mp3...)
			cuts[j] = store.SentenceCut{Key: s.key, Bytes: len(s.mp3)}
		}
		d, err := MP3Duration(mp3)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", i, err)
		}
		out[i] = madeSegment{seg: store.Segment{Duration: d, Bytes: int64(len(mp3)), Sentences: cuts}, mp3: mp3}
	}
	return out, nil
}

// Speak narrates plain paragraphs without a database: what `masthead audio
// say` and the engine measurements run. The pipeline is the Narrator's:
// normalised text, batches of sentences, one MP3 segment per paragraph,
// joined by ffmpeg.
func Speak(ctx context.Context, e Engine, enc Encoder, paragraphs []string) ([]byte, time.Duration, error) {
	var plan []planned
	for _, p := range paragraphs {
		if t := NormalizeText(p); t != "" {
			plan = append(plan, planned{kind: KindParagraph, spoken: t})
		}
	}
	if len(plan) == 0 {
		return nil, 0, magazine.Errorf(magazine.EINVALID, "There is nothing to say.")
	}
	var parts [][]byte
	var total time.Duration
	for start := 0; start < len(plan); {
		end := nextBatch(plan, start, e.MaxInput())
		made, err := encodeSegments(ctx, e, enc, plan[start:end], nil)
		if err != nil {
			return nil, 0, err
		}
		for _, m := range made {
			parts = append(parts, m.mp3)
			total += m.seg.Duration
		}
		start = end
	}
	file, err := enc.Concat(ctx, parts)
	return file, total, err
}

// nextBatch returns the end of the batch that starts at start: about
// batchSentences sentences, at least one segment.
func nextBatch(plan []planned, start, maxInput int) int {
	end, sentences := start, 0
	for end < len(plan) {
		n := len(Sentences(plan[end].spoken, maxInput))
		if end > start && sentences+n > batchSentences {
			break
		}
		sentences += n
		end++
	}
	return end
}

func (n *Narrator) readSegment(ctx context.Context, key string) ([]byte, error) {
	f, err := n.Files.Open(ctx, segmentMedia(key))
	if err != nil {
		return nil, fmt.Errorf("read segment %s: %w", key, err)
	}
	defer f.Close()
	return io.ReadAll(f)
}

// Say speaks one short text with the current engine, lexicon applied, as
// MP3: the admin's "hear it". The engine's error (a respelling it rejects)
// is returned as is, for the form.
func (n *Narrator) Say(ctx context.Context, text string, extra ...Entry) ([]byte, error) {
	e, _, err := n.Current(ctx)
	if err != nil {
		return nil, err
	}
	entries, err := n.Store.Lexicon(ctx)
	if err != nil {
		return nil, err
	}
	applied, _ := NewLexicon(append(lexiconEntries(entries), extra...)).Apply(text)
	pcms, err := e.Synthesize(ctx, Sentences(NormalizeText(applied), e.MaxInput()))
	if err != nil {
		return nil, err
	}
	pcm, err := Join(pcms, sentenceGapMS)
	if err != nil {
		return nil, err
	}
	return n.Encoder.MP3(ctx, pcm)
}
