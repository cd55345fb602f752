package magazine

import (
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CleanText returns s in Unicode normalization form C, so that text that
// looks the same is stored, compared and searched the same ("é" typed as
// one character or as e and an accent). Text that is not valid UTF-8 is
// refused: bytes such as FF FE C0 AF are no character at all, and stored
// they would be shown as garbage and break feeds and JSON. field names the
// form field in the error.
func CleanText(field, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", FieldError(field, "Some of the text sent is not valid UTF-8 (it has bytes that are no character). Type it again, or paste it from another program.")
	}
	if isASCII(s) {
		return s, nil // the common case: ASCII is already in form C
	}
	return norm.NFC.String(s), nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
