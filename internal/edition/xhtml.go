package edition

import (
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewrite parses a sanitised article body and writes it back as XHTML
// (void elements closed, as EPUB needs), with each picture's src replaced
// by what img returns and the site's own links made absolute. srcset and
// sizes go: their files are not in the edition.
func rewrite(body string, img func(src string) (string, error), base string) (string, error) {
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(body), ctx)
	if err != nil {
		return "", fmt.Errorf("parse article body: %w", err)
	}
	var walkErr error
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := n.Attr[:0]
			for _, a := range n.Attr {
				switch {
				case a.Key == "srcset" || a.Key == "sizes" || a.Key == "loading" || a.Key == "decoding":
					continue
				case n.DataAtom == atom.Img && a.Key == "src":
					src, err := img(a.Val)
					if err != nil && walkErr == nil {
						walkErr = err
					}
					a.Val = src
				case n.DataAtom == atom.A && a.Key == "href" && strings.HasPrefix(a.Val, "/") && !strings.HasPrefix(a.Val, "//"):
					a.Val = base + a.Val
				}
				attrs = append(attrs, a)
			}
			n.Attr = attrs
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	var b strings.Builder
	for _, n := range nodes {
		walk(n)
		if err := html.Render(&b, n); err != nil {
			return "", fmt.Errorf("render article body: %w", err)
		}
	}
	if walkErr != nil {
		return "", walkErr
	}
	return b.String(), nil
}

// esc escapes text for HTML and XML alike.
func esc(s string) string { return html.EscapeString(s) }
