package magazine

import "testing"

// Articles from any source (editor, import) are valid UTF-8 in NFC.
func TestArticleTextIsCleaned(t *testing.T) {
	in := ArticleInput{Headline: "Cafe\u0301 society", SectionID: 1, AuthorIDs: []int64{1}, Tags: []string{"Zo\u0308e"}, BodyMarkdown: "Body."}
	if err := in.Normalize(); err != nil {
		t.Fatal(err)
	}
	if in.Headline != "Caf\u00e9 society" || in.Tags[0] != "Z\u00f6e" {
		t.Errorf("not in NFC: %q %q", in.Headline, in.Tags)
	}
	bad := ArticleInput{Headline: "ok", SectionID: 1, AuthorIDs: []int64{1}, BodyMarkdown: "\xff\xfe\xc0\xaf"}
	if err := bad.Normalize(); ErrorCode(err) != EINVALID {
		t.Errorf("invalid UTF-8 body: %v", err)
	}
}
