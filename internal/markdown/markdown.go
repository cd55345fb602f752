// Package markdown turns an article's Markdown into the sanitised HTML the
// site serves. It runs when an article is saved, never per request.
//
// Masthead adds four things an editor can type, each on lines of its own
// (outside code blocks), documented in docs/WRITING.md:
//
//	::: figure
//	![Alt text](/media/ab/abcdef.jpg)
//	Caption, in Markdown.
//	Credit: Northwind Wire
//	:::
//
//	::: pullquote
//	A sentence worth repeating in large type.
//	:::
//
//	::pagebreak
//	::paywall
//
//	::: noaudio
//	Blocks shown on the page but never read aloud in the narration.
//	:::
//
// Goldmark parses the Markdown, bluemonday sanitises what it produces; the
// directives are split out first so that each is rendered by one small,
// escaping template rather than by raw HTML in the source.
package markdown

import (
	"bufio"
	"bytes"
	"fmt"
	"html"
	"regexp"
	"strings"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/text"
	xhtml "golang.org/x/net/html"
)

// Result is a rendered article body.
type Result struct {
	// Pages holds the HTML of each page; there is always at least one.
	Pages []string
	// Preview is the HTML a reader who may not read on is shown: every
	// block before the paywall marker, or the first paragraphs when the
	// body has no marker.
	Preview string
	// HasPaywallMarker reports whether the editor placed ::paywall.
	HasPaywallMarker bool
	// PreviewText and Text are the plain text of the preview and of the
	// whole body, for descriptions and search.
	PreviewText string
	Text        string
	WordCount   int
}

// Renderer renders article bodies. It is safe for concurrent use.
type Renderer struct {
	md     goldmark.Markdown
	policy *bluemonday.Policy
	// Images, if set, describes a figure's image so that the page can give
	// the browser its size (no layout shift) and smaller copies (srcset).
	// It must be safe for concurrent use.
	Images func(src string) (ImageInfo, bool)
}

// ImageInfo is what Render needs to know about an image.
type ImageInfo struct {
	Width, Height int
	Srcset        string
}

// figureSizes tells the browser how wide a figure is drawn: the article
// column on wide screens, the screen otherwise.
const figureSizes = "(min-width: 48rem) 40rem, 100vw"

// New returns a Renderer.
func New() *Renderer {
	md := goldmark.New(
		goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify, extension.Typographer),
	)
	p := bluemonday.UGCPolicy()
	p.AllowElements("figure", "figcaption")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^(figure|caption|credit|pullquote)$`)).OnElements("figure", "span", "blockquote")
	p.AllowAttrs("class").Matching(regexp.MustCompile(`^noaudio$`)).OnElements("div")
	p.AllowAttrs("loading").Matching(regexp.MustCompile(`^lazy$`)).OnElements("img")
	p.AllowAttrs("width", "height").Matching(bluemonday.Integer).OnElements("img")
	p.AllowAttrs("srcset").Matching(regexp.MustCompile(`^/media/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]{3,4} \d+w(, /media/[0-9a-f]{2}/[0-9a-f]{64}\.[a-z]{3,4} \d+w)*$`)).OnElements("img")
	p.AllowAttrs("sizes").Matching(regexp.MustCompile(`^[a-z0-9 :().,-]+$`)).OnElements("img")
	p.RequireNoFollowOnLinks(false)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return &Renderer{md: md, policy: p}
}

type blockKind int

const (
	kindOther blockKind = iota
	kindParagraph
)

type block struct {
	kind blockKind
	html string
}

// Render renders src. previewParagraphs is how many paragraphs the preview
// holds when there is no paywall marker.
func (r *Renderer) Render(src string, previewParagraphs int) (Result, error) {
	var (
		pages      = [][]block{nil}
		preview    []block
		hasMarker  bool
		sawMarker  bool
		textAll    strings.Builder
		markdown   strings.Builder
		directive  string
		directBody []string
		fence      string
	)
	add := func(b block) {
		pages[len(pages)-1] = append(pages[len(pages)-1], b)
		if !sawMarker {
			preview = append(preview, b)
		}
	}
	flush := func() error {
		if markdown.Len() == 0 {
			return nil
		}
		blocks, err := r.markdownBlocks(markdown.String())
		markdown.Reset()
		for _, b := range blocks {
			add(b)
		}
		return err
	}

	src = strings.ReplaceAll(src, "\r\n", "\n")
	// The block separator used while sanitising must not come from the
	// author.
	src = strings.ReplaceAll(src, blockSep, "")
	for _, line := range strings.SplitAfter(src, "\n") {
		trimmed := strings.TrimSpace(line)
		if directive != "" {
			if trimmed == ":::" {
				b, err := r.directiveBlock(directive, directBody)
				if err != nil {
					return Result{}, err
				}
				add(b)
				directive, directBody = "", nil
				continue
			}
			directBody = append(directBody, strings.TrimRight(line, "\n"))
			continue
		}
		if fence != "" {
			if strings.HasPrefix(trimmed, fence) {
				fence = ""
			}
			markdown.WriteString(line)
			continue
		}
		if strings.HasPrefix(trimmed, "```") || strings.HasPrefix(trimmed, "~~~") {
			fence = trimmed[:3]
			markdown.WriteString(line)
			continue
		}
		switch {
		case trimmed == "::pagebreak":
			if err := flush(); err != nil {
				return Result{}, err
			}
			if len(pages[len(pages)-1]) > 0 {
				pages = append(pages, nil)
			}
		case trimmed == "::paywall":
			if err := flush(); err != nil {
				return Result{}, err
			}
			hasMarker, sawMarker = true, true
		case trimmed == "::: figure" || trimmed == "::: pullquote" || trimmed == ":::figure" || trimmed == ":::pullquote" ||
			trimmed == "::: noaudio" || trimmed == ":::noaudio":
			if err := flush(); err != nil {
				return Result{}, err
			}
			directive = strings.TrimSpace(strings.TrimPrefix(trimmed, ":::"))
		default:
			markdown.WriteString(line)
		}
	}
	if directive != "" {
		// An unclosed directive keeps its text as ordinary Markdown
		// rather than swallowing the rest of the article.
		markdown.WriteString(strings.Join(directBody, "\n"))
	}
	if err := flush(); err != nil {
		return Result{}, err
	}
	if len(pages) > 1 && len(pages[len(pages)-1]) == 0 {
		pages = pages[:len(pages)-1]
	}

	if err := r.sanitize(pages, preview); err != nil {
		return Result{}, err
	}

	var res Result
	res.HasPaywallMarker = hasMarker
	for _, p := range pages {
		var b strings.Builder
		for _, blk := range p {
			b.WriteString(blk.html)
			b.WriteByte('\n')
		}
		res.Pages = append(res.Pages, b.String())
		textAll.WriteString(PlainText(b.String()))
		textAll.WriteByte('\n')
	}
	if !hasMarker {
		preview = firstParagraphs(preview, previewParagraphs)
	}
	var pv strings.Builder
	for _, blk := range preview {
		pv.WriteString(blk.html)
		pv.WriteByte('\n')
	}
	res.Preview = pv.String()
	res.PreviewText = strings.TrimSpace(PlainText(res.Preview))
	res.Text = strings.TrimSpace(textAll.String())
	res.WordCount = CountWords(res.Text)
	return res, nil
}

// blockSep separates blocks while the whole body is sanitised in one pass:
// a private-use character that Render removes from the source first.
const blockSep = "\uE000"

// sanitize runs every block through the policy in one call (bluemonday's
// per-call cost dominated rendering when it ran once per block) and puts
// the results back in pages and preview, which share the blocks.
func (r *Renderer) sanitize(pages [][]block, preview []block) error {
	var all strings.Builder
	n := 0
	for _, p := range pages {
		for _, blk := range p {
			if n > 0 {
				all.WriteString(blockSep)
			}
			all.WriteString(blk.html)
			n++
		}
	}
	if n == 0 {
		return nil
	}
	parts := strings.Split(r.policy.Sanitize(all.String()), blockSep)
	if len(parts) != n {
		// The separator came out of the author's text after all, as a
		// character reference (&#xE000;) that the sanitiser decodes:
		// sanitise block by block, slower but unambiguous.
		parts = parts[:0]
		for _, p := range pages {
			for _, blk := range p {
				parts = append(parts, r.policy.Sanitize(blk.html))
			}
		}
	}
	clean := map[string]string{}
	i := 0
	for _, p := range pages {
		for j := range p {
			clean[p[j].html] = strings.TrimSpace(parts[i])
			p[j].html = clean[p[j].html]
			i++
		}
	}
	for j := range preview {
		if c, ok := clean[preview[j].html]; ok {
			preview[j].html = c
		}
	}
	return nil
}

// firstParagraphs keeps blocks up to and including the n-th paragraph.
func firstParagraphs(blocks []block, n int) []block {
	count := 0
	for i, b := range blocks {
		if b.kind == kindParagraph {
			count++
			if count == n {
				return blocks[:i+1]
			}
		}
	}
	return blocks
}

// markdownBlocks renders each top-level block of src separately, so that
// the preview can end between any two of them. The blocks are not yet
// sanitised: Render sanitises the whole body in one pass.
func (r *Renderer) markdownBlocks(src string) ([]block, error) {
	source := []byte(src)
	doc := r.md.Parser().Parse(text.NewReader(source))
	var blocks []block
	var buf bytes.Buffer
	// goldmark wraps any writer that is not buffered in a new 4 KB
	// bufio.Writer on every call; one, reused, serves every block.
	bw := bufio.NewWriter(&buf)
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		buf.Reset()
		if err := r.md.Renderer().Render(bw, source, n); err != nil {
			return nil, fmt.Errorf("render markdown: %w", err)
		}
		if err := bw.Flush(); err != nil {
			return nil, fmt.Errorf("render markdown: %w", err)
		}
		out := strings.TrimSpace(buf.String())
		if out == "" {
			continue
		}
		kind := kindOther
		if n.Kind() == ast.KindParagraph {
			kind = kindParagraph
		}
		blocks = append(blocks, block{kind: kind, html: out})
	}
	return blocks, nil
}

var imageLine = regexp.MustCompile(`^!\[([^\]]*)\]\(\s*<?([^\s)>]+)>?(?:\s+"[^"]*")?\s*\)$`)

// directiveBlock renders a figure or a pull quote.
func (r *Renderer) directiveBlock(name string, lines []string) (block, error) {
	switch name {
	case "figure":
		var alt, src, credit string
		var caption []string
		for _, l := range lines {
			t := strings.TrimSpace(l)
			if m := imageLine.FindStringSubmatch(t); m != nil && src == "" {
				alt, src = m[1], m[2]
				continue
			}
			if rest, ok := strings.CutPrefix(t, "Credit:"); ok {
				credit = strings.TrimSpace(rest)
				continue
			}
			caption = append(caption, l)
		}
		var b strings.Builder
		b.WriteString(`<figure class="figure">`)
		if src != "" {
			fmt.Fprintf(&b, `<img src="%s" alt="%s" loading="lazy"`, html.EscapeString(src), html.EscapeString(alt))
			if r.Images != nil {
				if info, ok := r.Images(src); ok {
					fmt.Fprintf(&b, ` width="%d" height="%d"`, info.Width, info.Height)
					if info.Srcset != "" {
						fmt.Fprintf(&b, ` srcset="%s" sizes="%s"`, html.EscapeString(info.Srcset), figureSizes)
					}
				}
			}
			b.WriteString(">")
		}
		capHTML, err := r.inline(strings.Join(caption, "\n"))
		if err != nil {
			return block{}, err
		}
		if capHTML != "" || credit != "" {
			b.WriteString("<figcaption>")
			if capHTML != "" {
				fmt.Fprintf(&b, `<span class="caption">%s</span>`, capHTML)
			}
			if credit != "" {
				if capHTML != "" {
					b.WriteByte(' ')
				}
				fmt.Fprintf(&b, `<span class="credit">%s</span>`, html.EscapeString(credit))
			}
			b.WriteString("</figcaption>")
		}
		b.WriteString("</figure>")
		return block{kind: kindOther, html: b.String()}, nil
	case "noaudio":
		// Ordinary Markdown, marked so that the narration skips it
		// (internal/audio).
		blocks, err := r.markdownBlocks(strings.Join(lines, "\n"))
		if err != nil {
			return block{}, err
		}
		var b strings.Builder
		b.WriteString(`<div class="noaudio">`)
		for _, blk := range blocks {
			b.WriteString(blk.html)
		}
		b.WriteString("</div>")
		return block{kind: kindOther, html: b.String()}, nil
	default: // pullquote
		inner, err := r.inline(strings.Join(lines, "\n"))
		if err != nil {
			return block{}, err
		}
		return block{kind: kindOther, html: `<blockquote class="pullquote"><p>` + inner + `</p></blockquote>`}, nil
	}
}

// inline renders a short Markdown text without its enclosing paragraph.
func (r *Renderer) inline(src string) (string, error) {
	src = strings.TrimSpace(src)
	if src == "" {
		return "", nil
	}
	var buf bytes.Buffer
	if err := r.md.Convert([]byte(src), &buf); err != nil {
		return "", fmt.Errorf("render inline markdown: %w", err)
	}
	out := strings.TrimSpace(buf.String())
	out = strings.TrimPrefix(out, "<p>")
	out = strings.TrimSuffix(out, "</p>")
	out = strings.ReplaceAll(out, "</p>\n<p>", " ")
	return out, nil
}

// PlainText returns the text of an HTML fragment, tags removed and
// entities decoded.
func PlainText(fragment string) string {
	var b strings.Builder
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			b.Write(z.Text())
		case xhtml.StartTagToken, xhtml.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "p", "br", "li", "figcaption", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th":
				b.WriteByte(' ')
			}
		}
	}
}

// CountWords counts runs of letters and digits.
func CountWords(s string) int {
	n, in := 0, false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’'
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// Summary returns up to max bytes of s cut at a word boundary, with an
// ellipsis when it was cut. Descriptions in meta tags use it.
func Summary(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) <= max {
		return s
	}
	cut := strings.LastIndexByte(s[:max], ' ')
	if cut <= 0 {
		cut = max
	}
	return strings.TrimRight(s[:cut], ",;:.-–— ") + "…"
}
