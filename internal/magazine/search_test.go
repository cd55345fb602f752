package magazine

import (
	"reflect"
	"strings"
	"testing"
	"unicode"
)

func TestParseSearch(t *testing.T) {
	w := func(words ...string) SearchTerm { return SearchTerm{Words: words} }
	tests := []struct {
		in   string
		want []SearchTerm
	}{
		{"Budget  debate", []SearchTerm{w("budget"), w("debate")}},
		{`"exact phrase" word`, []SearchTerm{w("exact", "phrase"), w("word")}},
		{"budget -orbán", []SearchTerm{w("budget"), {Words: []string{"orbán"}, Exclude: true}}},
		{`budget -"prime minister"`, []SearchTerm{w("budget"), {Words: []string{"prime", "minister"}, Exclude: true}}},
		{"elect*", []SearchTerm{{Words: []string{"elect"}, Prefix: true}}},
		{`"lone quote`, []SearchTerm{w("lone"), w("quote")}},
		{`- * "" -`, nil},
		{"-only -exclusions", []SearchTerm{w("only"), w("exclusions")}},
		{"e-mail co2/h2o", []SearchTerm{w("e", "mail"), w("co2", "h2o")}},
		{"NEAR(a b) OR c:d", []SearchTerm{w("near", "a"), w("b"), w("or"), w("c", "d")}},
	}
	for _, tt := range tests {
		q, err := ParseSearch(tt.in)
		if err != nil {
			t.Fatalf("%q: %v", tt.in, err)
		}
		if !reflect.DeepEqual(q.Terms, tt.want) {
			t.Errorf("%q:\nwant %+v\n got %+v", tt.in, tt.want, q.Terms)
		}
	}
	if _, err := ParseSearch(strings.Repeat("w ", MaxSearchTerms+1)); ErrorCode(err) != EINVALID {
		t.Errorf("%d words: %v, want a plain refusal", MaxSearchTerms+1, err)
	}
	if q, _ := ParseSearch(strings.Repeat("é", 500)); len([]rune(q.Text)) != MaxSearchQuery {
		t.Errorf("a long query is kept at %d characters, want %d", len([]rune(q.Text)), MaxSearchQuery)
	}
}

func TestScopeOf(t *testing.T) {
	sub := map[Entitlement]bool{EntSubscriberContent: true}
	tests := []struct {
		name string
		v    Viewer
		want []Visibility
	}{
		{"anonymous", Viewer{}, []Visibility{VisibilityPublic}},
		{"registered", Viewer{Registered: true}, []Visibility{VisibilityPublic, VisibilityRegistered}},
		{"registered on the meter", Viewer{Registered: true, MeterLeft: 3, MeterOpened: true}, []Visibility{VisibilityPublic, VisibilityRegistered}},
		{"subscriber", Viewer{Registered: true, Entitlements: sub}, Visibilities},
		{"staff", Viewer{Staff: true}, Visibilities},
	}
	for _, tt := range tests {
		if got := ScopeOf(tt.v); !reflect.DeepEqual(got.FullText, tt.want) || got.Drafts != tt.v.Staff {
			t.Errorf("%s: %+v, want full text of %v", tt.name, got, tt.want)
		}
	}
}

// FuzzParseSearch: any input is a query or a plain refusal, and only
// letters and digits reach the database.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{"budget", `"a b" -c d*`, `"`, "-", "*", "ü\x00\xff", strings.Repeat("x ", 30)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseSearch(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		n := 0
		for _, term := range q.Terms {
			if len(term.Words) == 0 {
				t.Fatalf("%q: an empty term", s)
			}
			for _, w := range term.Words {
				n++
				for _, r := range w {
					if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.Is(unicode.Mn, r) {
						t.Fatalf("%q: word %q has %q", s, w, r)
					}
				}
			}
		}
		if n > MaxSearchTerms {
			t.Fatalf("%q: %d words accepted", s, n)
		}
	})
}
