package importer

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/JohannesKaufmann/html-to-markdown/v2/converter"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/base"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/commonmark"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/strikethrough"
	"github.com/JohannesKaufmann/html-to-markdown/v2/plugin/table"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/masthead-press/masthead/internal/markdown"
)

// Markers the HTML is given where our own blocks go; the converter keeps
// such plain words as they are, and they are swapped for the blocks after.
const (
	markPageBreak = "MASTHEADPAGEBREAKX"
	markPaywall   = "MASTHEADPAYWALLX"
	markFigure    = "MASTHEADFIGURE"
)

// toMarkdown turns a post's HTML into our Markdown: figures (an <img> in a
// <figure> or alone in a paragraph) become ::: figure blocks with caption
// and credit, the page-break and paywall markers placed by a format's own
// reader become ::pagebreak and ::paywall. It returns the figures' image
// addresses. The Markdown is rendered and sanitised like any save later.
func toMarkdown(body string) (string, []string, error) {
	nodes, err := html.ParseFragment(strings.NewReader(body), &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body})
	if err != nil {
		return "", nil, fmt.Errorf("read the HTML: %w", err)
	}
	root := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	var figs []string
	var images []string
	var walk func(n *html.Node) error
	walk = func(n *html.Node) error {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if src, alt, caption, ok := figureOf(c); ok {
				capMD, credit, err := captionOf(caption)
				if err != nil {
					return err
				}
				figs = append(figs, markdown.Figure(src, alt, capMD, credit))
				images = append(images, src)
				p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
				p.AppendChild(&html.Node{Type: html.TextNode, Data: markFigure + strconv.Itoa(len(figs)-1) + "X"})
				n.InsertBefore(p, c)
				n.RemoveChild(c)
			} else if err := walk(c); err != nil {
				return err
			}
			c = next
		}
		return nil
	}
	if err := walk(root); err != nil {
		return "", nil, err
	}
	out, err := newConverter().ConvertNode(root)
	if err != nil {
		return "", nil, fmt.Errorf("convert the HTML: %w", err)
	}
	lines := strings.Split(string(out), "\n")
	for i, l := range lines {
		switch t := strings.TrimSpace(l); {
		case t == markPageBreak:
			lines[i] = "::pagebreak"
		case t == markPaywall:
			lines[i] = "::paywall"
		case strings.HasPrefix(t, markFigure) && strings.HasSuffix(t, "X"):
			if k, err := strconv.Atoi(t[len(markFigure) : len(t)-1]); err == nil && k < len(figs) {
				lines[i] = figs[k]
			}
		}
	}
	md := strings.TrimSpace(strings.Join(lines, "\n"))
	// Markers the converter could not keep alone on a line are dropped
	// rather than shown to readers.
	md = strings.NewReplacer(markPageBreak, "", markPaywall, "").Replace(md)
	return md + "\n", images, nil
}

func newConverter() *converter.Converter {
	return converter.NewConverter(converter.WithPlugins(
		base.NewBasePlugin(),
		commonmark.NewCommonmarkPlugin(commonmark.WithListEndComment(false)),
		table.NewTablePlugin(),
		strikethrough.NewStrikethroughPlugin(),
	))
}

// figureOf reads n as a figure: a <figure> holding an image, or a
// paragraph that holds nothing but one (perhaps inside a link).
func figureOf(n *html.Node) (src, alt string, caption *html.Node, ok bool) {
	if n.Type != html.ElementNode {
		return "", "", nil, false
	}
	switch n.DataAtom {
	case atom.Figure:
		img := find(n, atom.Img)
		if img == nil {
			return "", "", nil, false
		}
		return attr(img, "src"), attr(img, "alt"), find(n, atom.Figcaption), attr(img, "src") != ""
	case atom.P:
		var img *html.Node
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
			case c.Type == html.ElementNode && c.DataAtom == atom.Img && img == nil:
				img = c
			case c.Type == html.ElementNode && c.DataAtom == atom.A && img == nil && onlyImage(c) != nil:
				img = onlyImage(c)
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
			default:
				return "", "", nil, false
			}
		}
		if img == nil || attr(img, "src") == "" {
			return "", "", nil, false
		}
		return attr(img, "src"), attr(img, "alt"), nil, true
	}
	return "", "", nil, false
}

func onlyImage(a *html.Node) *html.Node {
	var img *html.Node
	for c := a.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.TextNode && strings.TrimSpace(c.Data) == "":
		case c.Type == html.ElementNode && c.DataAtom == atom.Img && img == nil:
			img = c
		default:
			return nil
		}
	}
	return img
}

func find(n *html.Node, a atom.Atom) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == a {
			return c
		}
		if f := find(c, a); f != nil {
			return f
		}
	}
	return nil
}

func attr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return strings.TrimSpace(a.Val)
		}
	}
	return ""
}

// creditLead is how captions commonly name the photographer or agency at
// their end: "Photo: Northwind Wire", "Credit: …", "(Photograph by …)".
var creditLead = regexp.MustCompile(`(?i)^\(?\s*(?:credit|photo(?:graph)?(?:\s+by)?|image|picture)\s*(?::|by\b)\s*(.+?)\)?\.?$`)

// captionOf is a figcaption as caption Markdown and credit: an element
// marked as the credit (class "credit", <cite>, <small>) or a last
// sentence that reads like one.
func captionOf(fc *html.Node) (caption, credit string, err error) {
	if fc == nil {
		return "", "", nil
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; {
			next := c.NextSibling
			if c.Type == html.ElementNode && credit == "" &&
				(c.DataAtom == atom.Cite || c.DataAtom == atom.Small || strings.Contains(" "+attr(c, "class")+" ", " credit ")) {
				credit = strings.Join(strings.Fields(textOf(c)), " ")
				n.RemoveChild(c)
			} else {
				walk(c)
			}
			c = next
		}
	}
	walk(fc)
	out, err := newConverter().ConvertNode(fc)
	if err != nil {
		return "", "", fmt.Errorf("convert a caption: %w", err)
	}
	caption = strings.TrimSpace(string(out))
	if credit == "" {
		caption, credit = splitCredit(caption)
	}
	return caption, strings.TrimSpace(strings.TrimPrefix(credit, "Credit:")), nil
}

// splitCredit takes a credit off the end of a caption's text.
func splitCredit(caption string) (string, string) {
	lines := strings.Split(caption, "\n")
	last := strings.TrimSpace(lines[len(lines)-1])
	if m := creditLead.FindStringSubmatch(last); m != nil && len(lines) > 1 {
		return strings.TrimSpace(strings.Join(lines[:len(lines)-1], "\n")), m[1]
	}
	// The last sentence of a one-line caption.
	for _, sep := range []string{". ", " — ", " / "} {
		if i := strings.LastIndex(last, sep); i > 0 {
			if m := creditLead.FindStringSubmatch(strings.TrimSpace(last[i+len(sep):])); m != nil {
				head := strings.Join(append(lines[:len(lines)-1], strings.TrimSpace(last[:i+len(sep)])), "\n")
				return strings.TrimSpace(head), m[1]
			}
		}
	}
	if m := creditLead.FindStringSubmatch(last); m != nil {
		return strings.TrimSpace(strings.Join(lines[:len(lines)-1], "\n")), m[1]
	}
	return caption, ""
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return b.String()
}
