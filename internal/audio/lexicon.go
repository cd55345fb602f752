package audio

import (
	"crypto/sha256"
	"encoding/hex"
	"regexp"
	"slices"
	"strings"
)

// Entry is one line of the pronunciation dictionary: wherever Word appears
// as a whole word (or phrase), the engine is given Say instead.
type Entry struct {
	Word          string
	Say           string // a respelling ("MAS-thed"), or espeak-ng phonemes in [[...]]
	CaseSensitive bool
}

// Lexicon applies the dictionary. The zero Lexicon changes nothing.
type Lexicon struct {
	entries []Entry
	pattern *regexp.Regexp // every word, longest first, one alternation
}

// NewLexicon compiles entries. Longer words win over shorter ones they
// contain ("New York Times" before "New York").
func NewLexicon(entries []Entry) *Lexicon {
	l := &Lexicon{entries: slices.Clone(entries)}
	slices.SortFunc(l.entries, func(a, b Entry) int { return len(b.Word) - len(a.Word) })
	var alts []string
	for _, e := range l.entries {
		w := regexp.QuoteMeta(e.Word)
		if !e.CaseSensitive {
			w = "(?i:" + w + ")"
		}
		alts = append(alts, w)
	}
	if len(alts) > 0 {
		l.pattern = regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`)
	}
	return l
}

// find returns the entry a match stands for.
func (l *Lexicon) find(m string) (Entry, bool) {
	for _, e := range l.entries {
		if e.Word == m || (!e.CaseSensitive && strings.EqualFold(e.Word, m)) {
			return e, true
		}
	}
	return Entry{}, false
}

// Apply returns text with every entry's word replaced by how to say it,
// and a version naming the entries that matched: a segment's key carries
// it, so changing an entry re-renders only the segments that contain its
// word.
func (l *Lexicon) Apply(text string) (string, string) {
	if l == nil || l.pattern == nil {
		return text, ""
	}
	h := sha256.New()
	used := false
	out := l.pattern.ReplaceAllStringFunc(text, func(m string) string {
		e, ok := l.find(m)
		if !ok {
			return m
		}
		used = true
		h.Write([]byte(e.Word + "\x00" + e.Say + "\x00"))
		return e.Say
	})
	if !used {
		return out, ""
	}
	return out, hex.EncodeToString(h.Sum(nil))[:16]
}
