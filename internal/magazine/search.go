package magazine

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on what a reader may type into the search box.
const (
	MaxSearchQuery = 200 // characters; the rest is cut
	MaxSearchTerms = 20  // more are refused
)

// SearchTerm is one part of a search: a word, a phrase of several words
// in order, or a prefix, possibly excluded.
type SearchTerm struct {
	Words   []string // lower-case letters and digits only
	Prefix  bool     // the last word matches any word it begins
	Exclude bool
}

// SearchQuery is a reader's search, parsed. Every term that is not
// excluded must match; no excluded one may.
type SearchQuery struct {
	Text  string // as typed, cut to MaxSearchQuery
	Terms []SearchTerm
}

// Empty reports whether there is nothing to search for.
func (q SearchQuery) Empty() bool { return len(q.Terms) == 0 }

// ParseSearch reads the search box: words (all must match), "exact
// phrases", -excluded words or phrases, and prefix* words. Syntax it
// cannot make sense of (a lone quote, an operator alone) is read as
// plain words, so that no query is an error except one with more than
// MaxSearchTerms terms. Only letters and digits reach the database:
// everything else separates words, as the index's tokenizer does.
func ParseSearch(s string) (SearchQuery, error) {
	if utf8.RuneCountInString(s) > MaxSearchQuery {
		s = string([]rune(s)[:MaxSearchQuery])
	}
	s = strings.ToValidUTF8(s, " ")
	q := SearchQuery{Text: strings.TrimSpace(s)}
	// A lone quote is not a phrase: it is read as a space.
	if strings.Count(s, `"`)%2 == 1 {
		i := strings.LastIndex(s, `"`)
		s = s[:i] + " " + s[i+1:]
	}
	rest := s
	for rest != "" {
		rest = strings.TrimLeftFunc(rest, unicode.IsSpace)
		if rest == "" {
			break
		}
		exclude := false
		if rest[0] == '-' && len(rest) > 1 && !unicode.IsSpace(rune(rest[1])) {
			exclude, rest = true, rest[1:]
		}
		var raw string
		phrase := false
		if rest[0] == '"' {
			end := strings.IndexByte(rest[1:], '"')
			raw, rest, phrase = rest[1:1+end], rest[2+end:], true
		} else {
			end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || r == '"' })
			if end < 0 {
				end = len(rest)
			}
			raw, rest = rest[:end], rest[end:]
		}
		words := searchWords(raw)
		if len(words) == 0 {
			continue
		}
		prefix := !phrase && strings.HasSuffix(raw, "*")
		if !phrase && len(words) > 1 {
			// "e-mail" or "co2/h2o" is one term in the box but several
			// words: a phrase, as the index sees them.
			prefix = false
		}
		q.Terms = append(q.Terms, SearchTerm{Words: words, Prefix: prefix, Exclude: exclude})
	}
	// A search of only exclusions excludes from nothing: read it as words.
	positive := false
	for _, t := range q.Terms {
		positive = positive || !t.Exclude
	}
	if !positive {
		for i := range q.Terms {
			q.Terms[i].Exclude = false
		}
	}
	n := 0
	for _, t := range q.Terms {
		n += len(t.Words)
	}
	if n > MaxSearchTerms {
		return q, &Error{Code: EINVALID, Message: "That search has too many words: use at most 20."}
	}
	return q, nil
}

// searchWords splits s into lower-case runs of letters and digits.
func searchWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r)
	})
}

// SearchScope is what a viewer's search may look into: the visibilities
// whose whole text they may search (for the others, only the public part:
// headline, dek, preview, authors and tags), and whether drafts count.
type SearchScope struct {
	FullText []Visibility
	Drafts   bool
}

// Visibilities lists every visibility, least restricted first.
var Visibilities = []Visibility{VisibilityPublic, VisibilityRegistered, VisibilitySubscribers}

// ScopeOf asks Decide, for each visibility, whether v may read a
// published article's whole text: search obeys the paywall through the
// same rules as the article page. The meter is not counted: a search
// result opens nothing, so it must not show what opening would cost.
func ScopeOf(v Viewer) SearchScope {
	v.MeterLeft, v.MeterOpened = 0, false
	scope := SearchScope{Drafts: v.Staff}
	for _, vis := range Visibilities {
		if Decide(v, Article{Status: StatusPublished, Visibility: vis}).Access == AccessFull {
			scope.FullText = append(scope.FullText, vis)
		}
	}
	return scope
}
