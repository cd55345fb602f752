package audio

import (
	"strings"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/masthead-press/masthead/internal/magazine"
)

// Kind is what a block of the narration is.
type Kind int

const (
	KindParagraph Kind = iota
	KindHeading        // read as a heading: a longer pause after it
)

// Block is one thing the narration says: the headline, the byline, the
// dek, a heading, a paragraph, a caption. Each becomes one segment.
type Block struct {
	Kind Kind
	Text string // as written; the lexicon and NormalizeText come later
}

// Script is what is read of an article, in order: the headline, "By
// AUTHOR", the dek, then the body paragraph by paragraph across its pages.
// Headings are read as headings; figure captions as "Image: caption" when
// captions is set, else skipped. Never read: image credits, pull quotes
// (they repeat the text), footnote markers (<sup>), code, tables, and any
// block an editor wrapped in ::: noaudio. The paywall marker is not in
// the pages at all.
func Script(a magazine.Article, captions bool) []Block {
	out := []Block{{Kind: KindHeading, Text: a.Headline}}
	if len(a.Authors) > 0 {
		names := make([]string, len(a.Authors))
		for i, au := range a.Authors {
			names[i] = au.Name
		}
		by := names[0]
		if len(names) > 1 {
			by = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		out = append(out, Block{Kind: KindParagraph, Text: "By " + by + "."})
	}
	if d := strings.TrimSpace(a.Dek); d != "" {
		out = append(out, Block{Kind: KindParagraph, Text: d})
	}
	for _, page := range a.Pages {
		out = append(out, bodyBlocks(page, captions)...)
	}
	return out
}

func bodyBlocks(fragment string, captions bool) []Block {
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		return nil
	}
	var out []Block
	add := func(k Kind, text string) {
		if text = strings.Join(strings.Fields(footnote.ReplaceAllString(text, "")), " "); text != "" {
			out = append(out, Block{Kind: k, Text: text})
		}
	}
	var walk func(n *xhtml.Node)
	walk = func(n *xhtml.Node) {
		if n.Type != xhtml.ElementNode {
			if n.Type == xhtml.TextNode {
				add(KindParagraph, n.Data)
			}
			return
		}
		switch n.DataAtom {
		case atom.P:
			add(KindParagraph, spoken(n))
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			add(KindHeading, spoken(n))
		case atom.Li:
			add(KindParagraph, spoken(n))
		case atom.Ul, atom.Ol:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		case atom.Blockquote:
			if hasClass(n, "pullquote") {
				return
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		case atom.Figure:
			if !captions {
				return
			}
			for c := range n.Descendants() {
				if c.Type == xhtml.ElementNode && c.DataAtom == atom.Span && hasClass(c, "caption") {
					if t := strings.TrimSpace(spoken(c)); t != "" {
						add(KindParagraph, "Image: "+t)
					}
				}
			}
		case atom.Div:
			if hasClass(n, "noaudio") {
				return
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		// pre, table, hr, img and anything else: not read.
	}
	for _, n := range nodes {
		walk(n)
	}
	return out
}

// spoken is the text of n without footnote markers (sup) or line-break
// run-ons.
func spoken(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
		case n.Type == xhtml.ElementNode && (n.DataAtom == atom.Sup || hasClass(n, "credit")):
			return
		case n.Type == xhtml.ElementNode && n.DataAtom == atom.Br:
			b.WriteByte(' ')
		default:
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

func hasClass(n *xhtml.Node, class string) bool {
	for _, a := range n.Attr {
		if a.Key == "class" {
			for _, c := range strings.Fields(a.Val) {
				if c == class {
					return true
				}
			}
		}
	}
	return false
}
