package markdown

import "strings"

// Figure is the ::: figure block of an image (see docs/WRITING.md): the
// image line, the caption lines, the credit. It is what the editor's
// upload inserts and what imports write, so both read alike.
func Figure(src, alt, caption, credit string) string {
	alt = strings.NewReplacer(`\`, `\\`, `[`, `\[`, `]`, `\]`).Replace(oneLine(alt))
	// The image line's address may not hold spaces or parentheses.
	src = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29").Replace(strings.TrimSpace(src))
	var b strings.Builder
	b.WriteString("::: figure\n![" + alt + "](" + src + ")\n")
	for line := range strings.SplitSeq(strings.ReplaceAll(caption, "\r\n", "\n"), "\n") {
		// A caption line that closes the block or looks like the credit
		// would change the figure's meaning.
		if line = strings.TrimSpace(line); line != "" && line != ":::" && !strings.HasPrefix(line, "Credit:") {
			b.WriteString(line + "\n")
		}
	}
	if credit := oneLine(credit); credit != "" {
		b.WriteString("Credit: " + credit + "\n")
	}
	b.WriteString(":::")
	return b.String()
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
