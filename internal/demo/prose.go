package demo

import (
	"math/rand/v2"
	"strconv"
)

// writer turns templates into text for one article (or one bio, or one
// caption) of one section. It appends to a byte buffer: an article is
// built without regular expressions or intermediate strings, which keeps
// a 150,000-article magazine cheap to write.
type writer struct {
	r       *rand.Rand
	bt      *beat
	year    int // the year the text is dated, for {y}
	buf     []byte
	capNext bool
	title   bool     // title-case the topics, actors and places
	quotes  []string // quotes used so far, for a pull quote
	bio     bioFields
	vocab   vocabulary

	// An article draws actions, facts and quotes from shuffled decks, so
	// that none repeats before the others have been used, and a fact
	// told twice gives the same figures both times.
	actions, facts, quoteDeck, subjects, templates, asides deck
	factText                                               []string
}

// deck deals the indexes of a list in a shuffled order, over and over.
type deck struct {
	order []int
	next  int
}

func (d *deck) draw(r *rand.Rand, n int) int {
	if len(d.order) != n {
		d.order, d.next = r.Perm(n), 0
	}
	i := d.order[d.next%n]
	d.next++
	return i
}

type bioFields struct{ name, first, paper string }

func newWriter(r *rand.Rand, bt *beat, year int) *writer {
	return &writer{r: r, bt: bt, year: year, buf: make([]byte, 0, 4096), vocab: newVocabulary(r)}
}

// sentence writes one template as a sentence: capitalized, expanded.
func (w *writer) sentence(t string) {
	w.capNext = true
	w.expand(t)
}

// text returns what has been written since mark, and keeps it.
func (w *writer) text(mark int) string { return string(w.buf[mark:]) }

func (w *writer) str(s string) {
	for i := 0; i < len(s); i++ {
		w.put(s[i])
	}
}

func (w *writer) put(ch byte) {
	if w.capNext {
		switch {
		case ch >= 'a' && ch <= 'z':
			ch -= 'a' - 'A'
			w.capNext = false
		case ch >= 'A' && ch <= 'Z', ch >= '0' && ch <= '9':
			w.capNext = false
		}
	}
	w.buf = append(w.buf, ch)
}

func (w *writer) expand(t string) {
	for i := 0; i < len(t); i++ {
		switch ch := t[i]; {
		case ch == '^':
			w.capNext = true
		case ch == '{' && i+2 < len(t) && t[i+2] == '}':
			w.slot(t[i+1])
			i += 2
		default:
			w.put(ch)
		}
	}
}

func (w *writer) pick(list []string) { w.expand(list[w.r.IntN(len(list))]) }

func (w *writer) number(n int) { w.buf = strconv.AppendInt(w.buf, int64(n), 10); w.capNext = false }

// titled expands list with every word title-cased, when writing a title.
func (w *writer) titled(list []string) {
	start := len(w.buf)
	w.pick(list)
	if w.title {
		titleCase(w.buf[start:], start == 0)
	}
}

func (w *writer) slot(k byte) {
	bt, r := w.bt, w.r
	switch k {
	case 'S':
		w.expand(bt.subjects[w.subjects.draw(r, len(bt.subjects))])
	case 'V':
		w.expand(bt.actions[w.actions.draw(r, len(bt.actions))])
	case 'O':
		w.pick(bt.objects)
	case 'F':
		w.fact()
	case 'C':
		w.pick(bt.consequences)
	case 'U':
		w.pick(bt.sources)
	case 'Q', 'q':
		q := bt.quotes[w.quoteDeck.draw(r, len(bt.quotes))]
		w.quotes = append(w.quotes, q)
		if k == 'q' && q[len(q)-1] == '.' {
			q = q[:len(q)-1] + ","
		}
		w.str(q)
	case 'R':
		w.personName()
		w.str(", ")
		w.pick(bt.roles)
	case 'P':
		if bt.places != nil {
			w.titled(bt.places)
		} else {
			w.titled(places)
		}
	case 'K':
		w.titled(bt.topics)
	case 'X':
		w.titled(bt.actors)
	case 'T':
		w.pick(timesOpening)
	case 'W':
		w.pick(timesClosing)
	case 'N':
		w.pick(timesFuture)
	case 'w':
		w.pick(weathers)
	case 'a':
		w.pick(weekdays)
	case 'm':
		w.pick(months)
	case 'y':
		w.number(w.year - 1 - r.IntN(12))
	case 'p':
		w.number(3 + r.IntN(66))
	case 'n':
		w.number(12 + r.IntN(940))
	case 'c':
		w.str(numberWords[3+r.IntN(7)])
	case 'd':
		w.number(1 + r.IntN(9))
		w.put('.')
		w.number(r.IntN(10))
	case 'k':
		w.number(1 + r.IntN(48))
		w.put(',')
		w.number(r.IntN(10))
		w.str("00")
	case 'b':
		w.put('$')
		w.number(1 + r.IntN(40))
		w.put('.')
		w.number(1 + r.IntN(9))
		w.str(" billion")
	case 'z':
		w.put('$')
		w.number(2 + r.IntN(94))
		w.str(" million")
	case 'L':
		w.str(topicWords[w.vocab.topics.Uint64()])
	case 'M':
		w.str(firstNames[r.IntN(len(firstNames))])
		w.put(' ')
		w.str(coinedSurnames[w.vocab.surnames.Uint64()])
	case 'H':
		w.str(coinedPlaces[w.vocab.places.Uint64()])
	case 'A':
		w.str(w.bio.name)
	case 'G':
		w.str(w.bio.first)
	case 'E':
		w.str(w.bio.paper)
	case 'B':
		w.str(bt.coverage)
	case 'D':
		w.str(lowerASCII(bt.name))
	}
}

// fact writes one of the section's facts, with the same figures each time
// it comes up in the text.
func (w *writer) fact() {
	facts := w.bt.facts
	if len(w.factText) != len(facts) {
		w.factText = make([]string, len(facts))
	}
	i := w.facts.draw(w.r, len(facts))
	if w.factText[i] == "" {
		capNext, start := w.capNext, len(w.buf)
		w.capNext = false
		w.expand(facts[i])
		w.factText[i] = string(w.buf[start:])
		w.buf, w.capNext = w.buf[:start], capNext
	}
	w.str(w.factText[i])
}

func (w *writer) personName() {
	w.str(firstNames[w.r.IntN(len(firstNames))])
	w.put(' ')
	if w.r.IntN(2) == 0 {
		w.str(coinedSurnames[w.vocab.surnames.Uint64()])
		return
	}
	w.str(lastNames[w.r.IntN(len(lastNames))])
}

// paragraph writes n sentences from the shared templates, now and then
// with a short aside among them.
func (w *writer) paragraph(n int) {
	for i := range n {
		if i > 0 {
			w.put(' ')
		}
		if i > 0 && w.r.IntN(10) == 0 {
			w.sentence(asides[w.asides.draw(w.r, len(asides))])
			continue
		}
		if w.r.IntN(4) == 0 {
			w.sentence(rareSentences[w.r.IntN(len(rareSentences))])
			continue
		}
		w.sentence(sentences[w.templates.draw(w.r, len(sentences))])
	}
}

var smallWords = map[string]bool{
	"a": true, "an": true, "the": true, "and": true, "or": true, "of": true, "for": true, "to": true,
	"in": true, "on": true, "at": true, "by": true, "with": true, "as": true,
}

// titleCase capitalizes the words of an ASCII title in place, leaving
// short function words lower-case unless they open the title.
func titleCase(b []byte, opens bool) {
	start := 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && b[i] != ' ' && b[i] != '-' {
			continue
		}
		word := b[start:i]
		if len(word) > 0 && word[0] >= 'a' && word[0] <= 'z' && (opens && start == 0 || !smallWords[string(word)]) {
			word[0] -= 'a' - 'A'
		}
		start = i + 1
	}
}

func lowerASCII(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
