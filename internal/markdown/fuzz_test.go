package markdown

import (
	"strings"
	"testing"

	xhtml "golang.org/x/net/html"
)

// FuzzRender renders any body and checks what the sanitiser promises:
// no script, no event handler, no script URL, in any page or the
// preview, and no panic.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{
		sample,
		"<script>alert(1)</script>",
		"<img src=x onerror=alert(1)>",
		"[click](javascript:alert(1))",
		"[click](JaVaScRiPt:alert(1))",
		"[x](&#106;avascript:alert(1))",
		"![a](javascript:alert(1))",
		"<a href=\"vbscript:msgbox(1)\">x</a>",
		"<svg onload=alert(1)>",
		"<iframe src=//evil.example></iframe>",
		"::: figure\n![a\" onerror=\"alert(1)](/media/ab/" + strings.Repeat("a", 64) + ".jpg)\n<b onclick=x>cap</b>\nCredit: <script>x</script>\n:::",
		"::: pullquote\n<style>body{}</style>\n:::",
		"```\n::paywall\n```\n::pagebreak\n::pagebreak\n",
		"\uE000<script>\uE000</script>",
		"&#xE000;",
		"<a href=\"/x\" style=\"background:url(javascript:alert(1))\">x</a>",
		"| a | b |\n|---|---|\n| <script>1</script> | [x](javascript:1) |",
		"www.example.com/<script>",
		"[0](0#jAvAsCript:)",
		"[0](/x?javascript:1)",
	} {
		f.Add(seed, 2)
	}
	r := New()
	key := "/media/ab/" + strings.Repeat("a", 64) + ".jpg"
	r.Images = func(src string) (ImageInfo, bool) {
		return ImageInfo{Width: 800, Height: 600, Srcset: key + " 480w"}, src == key
	}
	f.Fuzz(func(t *testing.T, src string, previewParagraphs int) {
		res, err := r.Render(src, previewParagraphs%8)
		if err != nil {
			t.Fatalf("Render refused a body: %v", err)
		}
		for _, out := range append(res.Pages, res.Preview) {
			if bad := unsafeHTML(out); bad != "" {
				t.Fatalf("%s in the output:\n%s", bad, out)
			}
		}
	})
}

// unsafeHTML names the first thing in fragment that could run script,
// or returns "".
func unsafeHTML(fragment string) string {
	if strings.Contains(strings.ToLower(fragment), "<script") {
		return "<script"
	}
	z := xhtml.NewTokenizer(strings.NewReader(fragment))
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return ""
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			tok := z.Token()
			switch tok.Data {
			case "script", "style", "iframe", "object", "embed", "svg", "math", "form", "base", "meta", "link":
				return "a <" + tok.Data + "> element"
			}
			for _, a := range tok.Attr {
				name := strings.ToLower(a.Key)
				if strings.HasPrefix(name, "on") || name == "style" || name == "formaction" {
					return "the attribute " + name
				}
				if name == "href" || name == "src" || name == "srcset" || name == "action" {
					urls := []string{a.Val}
					if name == "srcset" {
						urls = nil
						for _, candidate := range strings.Split(a.Val, ",") {
							if f := strings.Fields(candidate); len(f) > 0 {
								urls = append(urls, f[0])
							}
						}
					}
					for _, u := range urls {
						if scriptURL(u) {
							return name + "=" + a.Val
						}
					}
				}
			}
		}
	}
}

// scriptURL reports whether a browser would run u as script: its scheme,
// read as a browser reads it (controls and spaces dropped, any case), is
// javascript:, vbscript: or an HTML data: URL. A relative URL whose path
// or fragment merely contains "javascript:" is not one.
func scriptURL(u string) bool {
	v := strings.ToLower(strings.Map(func(r rune) rune {
		if r <= ' ' {
			return -1 // browsers ignore controls and spaces in schemes
		}
		return r
	}, u))
	for _, scheme := range []string{"javascript:", "vbscript:", "data:text/html"} {
		if strings.HasPrefix(v, scheme) {
			return true
		}
	}
	return false
}

// TestScriptURL pins the fuzz check itself: it must catch every way a
// browser would read a script scheme and let a relative URL through.
func TestScriptURL(t *testing.T) {
	for u, want := range map[string]bool{
		"javascript:alert(1)":    true,
		" JaVa\tScRiPt:alert(1)": true,
		"vbscript:msgbox(1)":     true,
		"data:text/html,<b>x":    true,
		"0#jAvAsCript:":          false,
		"/x?javascript:1":        false,
		"https://example.com/":   false,
	} {
		if got := scriptURL(u); got != want {
			t.Errorf("scriptURL(%q) = %v, want %v", u, got, want)
		}
	}
}
