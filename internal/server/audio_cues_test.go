package server_test

import (
	"context"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	xhtml "golang.org/x/net/html"

	"github.com/masthead-press/masthead/internal/audio"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
)

// playControl is one "Play from here" button of a page: where it seeks
// to and the text of the paragraph it stands before.
type playControl struct {
	start float64
	text  string
}

// playControls reads a page's play controls, in order.
func playControls(t *testing.T, page string) []playControl {
	t.Helper()
	doc, err := xhtml.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	var out []playControl
	for n := range doc.Descendants() {
		if n.Type != xhtml.ElementNode || n.Data != "button" || attr(n, "class") != "play-from" {
			continue
		}
		if attr(n, "aria-label") != "Play from here" || attr(n, "type") != "button" {
			t.Errorf("a play control without its type or name: %+v", n.Attr)
		}
		if _, hidden := attrOK(n, "hidden"); !hidden {
			t.Error("a play control shown without the script that makes it work")
		}
		start, err := strconv.ParseFloat(attr(n, "data-start"), 64)
		if err != nil {
			t.Fatalf("data-start %q", attr(n, "data-start"))
		}
		// The paragraph is the next element, or the item the button is in.
		el := n.NextSibling
		for el != nil && el.Type != xhtml.ElementNode {
			el = el.NextSibling
		}
		if n.Parent.Data == "li" {
			el = n.Parent
		}
		var text strings.Builder
		for c := range el.Descendants() {
			if c.Type == xhtml.TextNode && c.Parent != n {
				text.WriteString(c.Data)
			}
		}
		out = append(out, playControl{start: start, text: strings.TrimSpace(strings.TrimPrefix(text.String(), "▶"))})
	}
	return out
}

func attr(n *xhtml.Node, key string) string { v, _ := attrOK(n, key); return v }

func attrOK(n *xhtml.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val, true
		}
	}
	return "", false
}

// segmentLength is how long a stored segment plays, counted from its
// MP3 frames (audio.MP3Duration, which its own test holds to ffprobe).
func (f *audioFixture) segmentLength(t *testing.T, key string) float64 {
	t.Helper()
	file, err := f.files.Open(context.Background(), key[:2]+"/"+key+media.PrivateExt)
	if err != nil {
		t.Fatal(err)
	}
	defer file.Close()
	b, err := io.ReadAll(file)
	if err != nil {
		t.Fatal(err)
	}
	d, err := audio.MP3Duration(b)
	if err != nil {
		t.Fatal(err)
	}
	return d.Seconds()
}

// TestPlayFromParagraph: each paragraph of a subscriber's page that the
// narration reads gets a "Play from here" control seeking to where its
// speech starts in the article's MP3, on every page, in order: after the
// headline, byline and dek, with nothing for a block left out of the
// audio or for the paywall marker, and each start the sum of the
// segments before it. Readers who may not hear the narration get none.
func TestPlayFromParagraph(t *testing.T) {
	t.Parallel()
	f := newAudioFixture(t)
	ctx := context.Background()
	a, err := f.st.CreateArticle(ctx, magazine.ArticleInput{
		Headline: "The ferry timetable", Dek: "What changes in spring.", SectionID: f.gated.Section.ID, AuthorIDs: []int64{f.gated.Authors[0].ID},
		Status: magazine.StatusPublished, PublishedAt: f.gated.PublishedAt.Add(time.Hour), Visibility: magazine.VisibilitySubscribers,
		BodyMarkdown: "The first paragraph anyone may read.\n\n::paywall\n\n## The northern route\n\nThe boats leave earlier from March.\n\n" +
			"::: noaudio\n| Route | Departs |\n|---|---|\n| North | 07:15 |\n\nA correction notice nobody reads aloud.\n:::\n\n" +
			"- Monday to Friday\n- Saturdays in summer\n\n::pagebreak\n\nThe second page closes it.\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	aa, err := f.narrator.Render(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	url := "/articles/" + a.Slug
	var got []playControl
	for _, page := range []string{url, url + "/2"} {
		r := f.get(t, page, "Cookie", f.listener)
		if r.status != 200 {
			t.Fatalf("%s: %d", page, r.status)
		}
		got = append(got, playControls(t, r.body)...)
	}
	want := []string{"The first paragraph anyone may read.", "The northern route", "The boats leave earlier from March.",
		"Monday to Friday", "Saturdays in summer", "The second page closes it."}
	if len(got) != len(want) {
		t.Fatalf("%d play controls %+v, want one for each of %q", len(got), got, want)
	}
	// The headline, "By Ada Quill." and the dek come first.
	if head := len(aa.Segments) - len(want); head != 3 {
		t.Fatalf("%d segments for %d paragraphs: %d before the body, want 3", len(aa.Segments), len(want), head)
	}
	var at float64
	for i, key := range aa.Segments {
		if k := i - 3; k >= 0 {
			c := got[k]
			if c.text != want[k] {
				t.Errorf("control %d stands before %q, want %q", k, c.text, want[k])
			}
			if d := c.start - at; d < -0.002 || d > 0.002 {
				t.Errorf("control %d (%q) starts at %.3f s, the segments before it last %.3f s", k, c.text, c.start, at)
			}
			if k > 0 && c.start <= got[k-1].start {
				t.Errorf("control %d starts at %.3f s, not after the one before (%.3f s)", k, c.start, got[k-1].start)
			}
		}
		at += f.segmentLength(t, key)
	}

	for _, viewer := range []struct{ name, cookie string }{{"anonymous", ""}, {"registered", f.registered}, {"subscriber without audio", f.reading}} {
		r := f.get(t, url, "Cookie", viewer.cookie)
		lacks(t, r, "play-from", "data-start", "Play from here")
	}
}
