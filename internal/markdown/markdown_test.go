package markdown

import (
	"strings"
	"testing"
)

const sample = `The council met on Tuesday. It was "late".

Second paragraph with **bold**.

::: figure
![Harbour at dawn](/media/ab/abc.jpg)
The *morning* ferry leaves at 6:10.
Credit: Northwind Wire
:::

Third paragraph.

::paywall

> A block quote.

::: pullquote
Nobody expected the vote to pass.
:::

::pagebreak

Page two <script>alert(1)</script> text.

` + "```" + `
::pagebreak
` + "```" + `
`

func TestRenderDirectives(t *testing.T) {
	res, err := New().Render(sample, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Pages) != 2 {
		t.Fatalf("pages = %d, want 2:\n%q", len(res.Pages), res.Pages)
	}
	for _, want := range []string{
		`<figure class="figure"><img src="/media/ab/abc.jpg" alt="Harbour at dawn" loading="lazy"><figcaption><span class="caption">The <em>morning</em> ferry leaves at 6:10.</span> <span class="credit">Northwind Wire</span></figcaption></figure>`,
		`<blockquote class="pullquote"><p>Nobody expected the vote to pass.</p></blockquote>`,
		"“late”",
	} {
		if !strings.Contains(res.Pages[0], want) {
			t.Errorf("page 1 lacks %s\n%s", want, res.Pages[0])
		}
	}
	if strings.Contains(res.Pages[1], "<script") || strings.Contains(res.Pages[1], "alert(1)</script>") {
		t.Errorf("script survived sanitising: %s", res.Pages[1])
	}
	if !strings.Contains(res.Pages[1], "::pagebreak") {
		t.Errorf("a directive inside a code block must stay literal: %s", res.Pages[1])
	}
	if !res.HasPaywallMarker || strings.Contains(res.Preview, "block quote") || !strings.Contains(res.Preview, "Third paragraph") {
		t.Errorf("preview should end at the marker: %s", res.Preview)
	}
	if res.WordCount < 20 {
		t.Errorf("word count = %d", res.WordCount)
	}
}

func TestPreviewFirstParagraphs(t *testing.T) {
	res, err := New().Render("One.\n\nTwo.\n\n## Heading\n\nThree.\n\nFour.\n", 3)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Preview, "Three.") || strings.Contains(res.Preview, "Four.") {
		t.Errorf("preview = %s", res.Preview)
	}
	if res.HasPaywallMarker {
		t.Error("no marker was typed")
	}
}

// BenchmarkRender renders a long article with figures, quotes and pages,
// as a save does.
func BenchmarkRender(b *testing.B) {
	src := strings.Repeat(sample+"\n\nA further paragraph of ordinary prose, with *emphasis*, a [link](https://example.com) and “quotes”.\n\n", 8)
	r := New()
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.Render(src, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// TestHostileBody: markup an author (or an import) may smuggle in never
// survives, and the internal block separator cannot be forged.
func TestHostileBody(t *testing.T) {
	src := "One \uE000 two.\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))\n\n<img src=x onerror=alert(1)>\n\n" +
		"::: figure\n![a\" onerror=\"alert(1)](javascript:alert(1))\nCaption <b onclick=x>bold</b>\nCredit: <script>x</script>\n:::\n\nLast."
	res, err := New().Render(src, 3)
	if err != nil {
		t.Fatal(err)
	}
	page := res.Pages[0]
	for _, bad := range []string{"<script", "javascript:", "onerror", "onclick", "\uE000"} {
		if strings.Contains(page, bad) || strings.Contains(res.Preview, bad) {
			t.Errorf("%q survived:\n%s", bad, page)
		}
	}
	if !strings.Contains(page, "One  two.") || !strings.Contains(page, "Last.") {
		t.Errorf("ordinary text lost:\n%s", page)
	}
}

// TestNoAudioBlock: ::: noaudio shows its Markdown on the page, marked for
// the narration to skip, and sanitised like the rest.
func TestNoAudioBlock(t *testing.T) {
	res, err := New().Render("Read this.\n\n::: noaudio\n| Route | Departs |\n|---|---|\n| North | 07:15 |\n\nSources: *the council*.<script>x</script>\n:::\n\nAnd this.", 3)
	if err != nil {
		t.Fatal(err)
	}
	page := res.Pages[0]
	for _, want := range []string{`<div class="noaudio"><table>`, "<em>the council</em>", "<p>And this.</p>"} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %q:\n%s", want, page)
		}
	}
	if strings.Contains(page, "<script") || strings.Contains(page, ":::") {
		t.Errorf("page:\n%s", page)
	}
}
