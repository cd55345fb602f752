package edition

import (
	"encoding/xml"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestRewrite(t *testing.T) {
	body := `<p>A <a href="/articles/x">link</a> and <a href="https://example.com/">another</a><br>line</p>` +
		`<figure class="figure"><img src="/media/ab/cd.jpg" srcset="/media/x 320w" sizes="100vw" alt="A &amp; B" loading="lazy">` +
		`<figcaption><span class="caption">Caption</span><span class="credit">Wire</span></figcaption></figure>`
	out, err := rewrite(body, func(src string) (string, error) { return "../images/image001.jpg", nil }, "https://mag.example")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`href="https://mag.example/articles/x"`, `href="https://example.com/"`, `<br/>`, `src="../images/image001.jpg"`, `alt="A &amp; B"/>`} {
		if !strings.Contains(out, want) {
			t.Errorf("rewrite lacks %s:\n%s", want, out)
		}
	}
	if strings.Contains(out, "srcset") || strings.Contains(out, "sizes=") || strings.Contains(out, "loading") {
		t.Errorf("rewrite keeps attributes whose files are not in the edition:\n%s", out)
	}
	// Well-formed XML, as EPUB's XHTML must be.
	d := xml.NewDecoder(strings.NewReader("<div>" + out + "</div>"))
	for {
		if _, err := d.Token(); err != nil {
			if err.Error() != "EOF" {
				t.Fatalf("not well-formed: %v\n%s", err, out)
			}
			break
		}
	}
}

// FuzzRewrite: whatever the body, rewriting it neither panics nor lets a
// picture through without asking for it.
func FuzzRewrite(f *testing.F) {
	f.Add(`<p>Text <img src="/media/ab/cd.jpg"> <a href="/x">y</a></p>`)
	f.Add(`<figure><img src=x srcset=y><figcaption>c</figcaption></figure><br><hr>`)
	f.Add(`<<p>>&amp;&#0;<img`)
	f.Fuzz(func(t *testing.T, body string) {
		out, err := rewrite(body, func(string) (string, error) { return "img.jpg", nil }, "https://mag.example")
		if err != nil {
			return
		}
		nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
		if err != nil {
			t.Fatal(err)
		}
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.DataAtom == atom.Img {
				for _, a := range n.Attr {
					if a.Key == "src" && a.Val != "img.jpg" || a.Key == "srcset" {
						t.Errorf("a picture kept its own %s %q:\n%s", a.Key, a.Val, out)
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		for _, n := range nodes {
			walk(n)
		}
	})
}
