package audio_test

import (
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/markdown"
)

func TestNormalizeText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"The bridge cost $4.5m in 1984.":          "The bridge cost four point five million dollars in nineteen eighty-four.",
		"A ticket is £12.50, up 3%.":              "A ticket is twelve pounds fifty pence, up three percent.",
		"Dr. Okafor met Mr. Quill on 2026-03-04.": "Doctor Okafor met Mister Quill on March fourth, twenty twenty-six.",
		"On March 21, 2007 at 9:05 a.m.":          "On March twenty-first, two thousand and seven at nine oh five a m",
		"12,000 people; the 3rd vote; No. 5":      "twelve thousand people; the third vote; number five",
		"In the 1990s, €1 bought a lot.":          "In the nineteen nineties, one euro bought a lot.",
		"Ferries—mostly—run, e.g. in May.[^1]":    "Ferries, mostly, run, for example in May.",
		"It’s “fine”…":                            `It's "fine"...`,
	} {
		if got := audio.NormalizeText(in); got != want {
			t.Errorf("NormalizeText(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestLexicon(t *testing.T) {
	t.Parallel()
	lex := audio.NewLexicon([]audio.Entry{{Word: "Masthead", Say: "MAST hed"}, {Word: "NATO", Say: "nay toe", CaseSensitive: true},
		{Word: "New York Times", Say: "the Times"}})
	got, v := lex.Apply("masthead, Masthead and NATO, not nato, in the New York Times.")
	if got != "MAST hed, MAST hed and nay toe, not nato, in the the Times." {
		t.Errorf("got %q", got)
	}
	if v == "" {
		t.Error("text with entries has no lexicon version")
	}
	if _, v := lex.Apply("Nothing to change here, mastheads."); v != "" {
		t.Errorf("text without entries has version %q", v)
	}
	_, v1 := lex.Apply("Masthead")
	_, v2 := audio.NewLexicon([]audio.Entry{{Word: "Masthead", Say: "MAST-hed"}}).Apply("Masthead")
	if v1 == v2 {
		t.Error("a changed respelling kept the version")
	}
}

// TestScript: what is read of an article and what never is.
func TestScript(t *testing.T) {
	t.Parallel()
	r := markdown.New()
	body := "First paragraph with a note.[^1]\n\n## A heading\n\n::: figure\n![Boats](/media/ab/x.jpg)\nBoats wait out the storm.\nCredit: Northwind Wire\n:::\n\n" +
		"::: pullquote\nA sentence worth repeating.\n:::\n\n::paywall\n\n> A quoted councillor.\n\n- one item\n- two items\n\n```\ncode()\n```\n\n" +
		"::: noaudio\nA table of timetables nobody wants read.\n:::\n\n::pagebreak\n\nSecond page."
	res, err := r.Render(body, 3)
	if err != nil {
		t.Fatal(err)
	}
	a := magazine.Article{Headline: "The ferry question", Dek: "Three towns, one bridge.", Pages: res.Pages,
		Authors: []magazine.Author{{Name: "Ada Quill"}, {Name: "Ben Okafor"}}}
	var got []string
	for _, b := range audio.Script(a, true) {
		got = append(got, b.Text)
	}
	want := []string{"The ferry question", "By Ada Quill and Ben Okafor.", "Three towns, one bridge.", "First paragraph with a note.",
		"A heading", "Image: Boats wait out the storm.", "A quoted councillor.", "one item", "two items", "Second page."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("read\n %q\nwant\n %q", got, want)
	}
	for _, b := range audio.Script(a, false) {
		if strings.HasPrefix(b.Text, "Image:") {
			t.Errorf("caption read with captions off: %q", b.Text)
		}
	}
}

func TestSplit(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("A short sentence here. ", 200)
	for _, s := range audio.Split(long, 1000) {
		if len(s) > 1000 || !strings.HasSuffix(s, ".") {
			t.Fatalf("piece of %d bytes ending %q", len(s), s[len(s)-5:])
		}
	}
	if got := audio.Sentences("One. Two! Three? no split e.g. here. Four", 100); len(got) != 4 {
		t.Errorf("sentences %q", got)
	}
	if got := audio.Split(strings.Repeat("é", 600), 1001); len(got) != 2 || !strings.HasPrefix(got[1], "é") {
		t.Errorf("split inside a rune: %q", got)
	}
}
