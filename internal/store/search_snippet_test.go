package store

import (
	"strings"
	"testing"
)

// TestCutSnippet: the snippet is the run of words with the most matches,
// a few words of context before its first, cut with "…", and a phrase
// cut in the middle still reads as a match.
func TestCutSnippet(t *testing.T) {
	words := func(from, n int) []string {
		var out []string
		for i := range n {
			out = append(out, "w"+strings.Repeat("x", (from+i)%5))
		}
		return out
	}
	mark := func(s string) string { return markOpen + s + markClose }
	long := append(append(words(0, 50), mark("one"), "a", mark("two")), words(0, 50)...)
	single := append(append(words(0, 40), mark("alone")), words(0, 40)...)
	phrase := append(append(words(0, 3), markOpen+"the", "numbers", "are", "stark"+markClose), words(0, 60)...)
	tests := []struct {
		name, text   string
		matches      []string
		prefix, tail bool // cut before, after
	}{
		{"short text whole", "a " + mark("b") + " c", []string{"b"}, false, false},
		{"the run with most matches", strings.Join(append(append(words(0, 20), mark("lonely")), long...), " "), []string{"one", "two"}, true, true},
		{"context before the match", strings.Join(single, " "), []string{"alone"}, true, true},
		{"a phrase near the start", strings.Join(phrase, " "), []string{"the numbers are stark"}, false, true},
		{"no match: the opening", strings.Join(words(0, 80), " "), nil, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cut := cutSnippet(tt.text)
			if n := len(strings.Fields(strings.Trim(cut, "… "))); n > snippetWords {
				t.Errorf("%d words, want at most %d", n, snippetWords)
			}
			var got []string
			for _, p := range snippetParts(cut) {
				if p.Match {
					got = append(got, p.Text)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.matches, "|") {
				t.Errorf("matches %q, want %q in %q", got, tt.matches, cut)
			}
			if strings.HasPrefix(cut, "… ") != tt.prefix || strings.HasSuffix(cut, " …") != tt.tail {
				t.Errorf("cut %q: want a cut before %v, after %v", cut, tt.prefix, tt.tail)
			}
			if i := strings.Index(cut, markOpen); i >= 0 && strings.Index(cut, markClose) < i {
				t.Errorf("unbalanced markers in %q", cut)
			}
		})
	}
	// A match longer than the snippet, cut at its end, still closes as one.
	cut := cutSnippet(strings.Join(append(append(words(0, 40), markOpen+"a"), append(words(0, 40), "b"+markClose)...), " "))
	parts := snippetParts(cut)
	if len(parts) != 3 || !parts[1].Match || !strings.HasPrefix(parts[1].Text, "a ") || parts[2].Text != " …" {
		t.Errorf("a cut inside a long match lost it: %q", cut)
	}
}
