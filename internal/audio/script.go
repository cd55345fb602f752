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
	Kind  Kind
	Text  string // as written; the lexicon and NormalizeText come later
	Place Place
}

// Place is where a block stands in the article: its page (from 0; -1 for
// the headline, byline and dek, which the page shows above the body) and
// its order among the blocks read on that page.
type Place struct{ Page, Index int }

// head is the Place of the blocks before the body.
var head = Place{Page: -1}

// Script is what is read of an article, in order: the headline, "By
// AUTHOR", the dek, then the body paragraph by paragraph across its pages.
// Headings are read as headings; figure captions as "Image: caption" when
// captions is set, else skipped. Never read: image credits, pull quotes
// (they repeat the text), footnote markers (<sup>), code, tables, and any
// block an editor wrapped in ::: noaudio. The paywall marker is not in
// the pages at all.
func Script(a magazine.Article, captions bool) []Block {
	out := []Block{{Kind: KindHeading, Text: a.Headline, Place: head}}
	if len(a.Authors) > 0 {
		names := make([]string, len(a.Authors))
		for i, au := range a.Authors {
			names[i] = au.Name
		}
		by := names[0]
		if len(names) > 1 {
			by = strings.Join(names[:len(names)-1], ", ") + " and " + names[len(names)-1]
		}
		out = append(out, Block{Kind: KindParagraph, Text: "By " + by + ".", Place: head})
	}
	if d := strings.TrimSpace(a.Dek); d != "" {
		out = append(out, Block{Kind: KindParagraph, Text: d, Place: head})
	}
	for i, page := range a.Pages {
		eachBlock(parsePage(page), i, captions, func(b Block, _ *xhtml.Node) { out = append(out, b) })
	}
	return out
}

// parsePage parses a page of an article's sanitised HTML into a tree
// under a <div>, as the page shows it.
func parsePage(fragment string) *xhtml.Node {
	root := &xhtml.Node{Type: xhtml.ElementNode, Data: "div", DataAtom: atom.Div}
	nodes, err := xhtml.ParseFragment(strings.NewReader(fragment), root)
	if err != nil {
		return root // a strings.Reader does not fail
	}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	return root
}

// eachBlock calls fn with each block of the page under root that the
// narration reads, in order, and the element it is read from (nil for
// text loose in the page). Script and Cues.Mark both walk pages with it,
// so that a page's controls and the narration's segments cannot disagree
// on what the blocks are.
func eachBlock(root *xhtml.Node, page int, captions bool, fn func(Block, *xhtml.Node)) {
	index := 0
	add := func(k Kind, text string, el *xhtml.Node) {
		if text = strings.Join(strings.Fields(footnote.ReplaceAllString(text, "")), " "); text != "" {
			fn(Block{Kind: k, Text: text, Place: Place{Page: page, Index: index}}, el)
			index++
		}
	}
	var walk func(n *xhtml.Node)
	walkChildren := func(n *xhtml.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk = func(n *xhtml.Node) {
		if n.Type != xhtml.ElementNode {
			if n.Type == xhtml.TextNode {
				add(KindParagraph, n.Data, nil)
			}
			return
		}
		switch n.DataAtom {
		case atom.P, atom.Li:
			add(KindParagraph, spoken(n), n)
		case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			add(KindHeading, spoken(n), n)
		case atom.Ul, atom.Ol:
			walkChildren(n)
		case atom.Blockquote:
			if !hasClass(n, "pullquote") {
				walkChildren(n)
			}
		case atom.Figure:
			if !captions {
				return
			}
			for c := range n.Descendants() {
				if c.Type == xhtml.ElementNode && c.DataAtom == atom.Span && hasClass(c, "caption") {
					if t := strings.TrimSpace(spoken(c)); t != "" {
						add(KindParagraph, "Image: "+t, c)
					}
				}
			}
		case atom.Div:
			if !hasClass(n, "noaudio") {
				walkChildren(n)
			}
		}
		// pre, table, hr, img and anything else: not read.
	}
	walkChildren(root)
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
