package auth

import (
	_ "embed"
	"strings"
	"unicode"

	"github.com/masthead-press/masthead/internal/magazine"
)

//go:embed common-passwords.txt
var commonPasswordsText string

// CommonPasswords refuses passwords that the first guesses of an attacker
// would find. It is read-only once made; one is enough for the process.
type CommonPasswords struct {
	words map[string]bool
}

// NewCommonPasswords reads the embedded list.
func NewCommonPasswords() *CommonPasswords {
	c := &CommonPasswords{words: map[string]bool{}}
	for _, line := range strings.Split(commonPasswordsText, "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			c.words[line] = true
		}
	}
	return c
}

// keyboard holds the rows of common layouts and the digit row, forwards;
// a password that is a run along one of them is a keyboard walk.
const keyboard = "12345678901234567890 qwertyuiop asdfghjkl zxcvbnm qwertzuiop yxcvbnm azertyuiop wxcvbn 1qaz2wsx3edc4rfv5tgb6yhn7ujm"

// leet undoes the substitutions people think make a word safe.
var leet = strings.NewReplacer("0", "o", "1", "i", "3", "e", "4", "a", "5", "s", "7", "t", "@", "a", "$", "s", "!", "i", "+", "t")

// Check refuses a password that is too short, too long or too easy to
// guess: a common word with decorations, a keyboard walk, a run or
// repetition of characters, or the user's own e-mail address or the
// magazine's name with little added. personal lists those words.
func (c *CommonPasswords) Check(password string, personal ...string) error {
	if err := CheckLength(password); err != nil {
		return err
	}
	if c.common(password, personal) {
		return magazine.FieldError("password", "This password is among the first an attacker would try. Choose another: a few unrelated words make a strong one.")
	}
	return nil
}

func (c *CommonPasswords) common(password string, personal []string) bool {
	lower := strings.ToLower(password)
	compact := compactForm(lower)
	if c.words[compact] || walk(compact) || repetitive(compact) {
		return true
	}
	// Strip what people add at either end ("Password2024!", "!!letmein"),
	// then undo leetspeak ("p@ssw0rd").
	core := strings.TrimFunc(compact, func(r rune) bool { return !unicode.IsLetter(r) })
	for _, w := range []string{core, leet.Replace(compact), strings.TrimFunc(leet.Replace(compact), func(r rune) bool { return !unicode.IsLetter(r) })} {
		if w == "" {
			continue // no letters: digits alone were judged above
		}
		if c.words[w] || walk(w) || repetitive(w) {
			return true
		}
		if len(w) <= 12 && c.twoWords(w) {
			return true
		}
	}
	for _, p := range personalWords(personal) {
		for _, w := range []string{compact, leet.Replace(compact)} {
			if strings.Contains(w, p) && len([]rune(w))-len([]rune(p)) < 6 {
				return true
			}
		}
	}
	return false
}

// compactForm drops the separators people put between words.
func compactForm(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || r == '-' || r == '_' || r == '.' {
			return -1
		}
		return r
	}, strings.ToLower(s))
}

// personalWords are the forms of the user's address and the magazine's
// name a password must not be built on: each whole, and each word of four
// letters or more.
func personalWords(personal []string) []string {
	var out []string
	for _, p := range personal {
		if c := compactForm(p); len(c) >= 4 {
			out = append(out, c)
		}
		for _, w := range strings.FieldsFunc(strings.ToLower(p), func(r rune) bool { return !unicode.IsLetter(r) }) {
			if len(w) >= 4 {
				out = append(out, w)
			}
		}
	}
	return out
}

// twoWords catches two short list words run together ("iloveyou" is in the
// list, "adminadmin" and "loveyoumonkey" are caught here).
func (c *CommonPasswords) twoWords(w string) bool {
	for i := 3; i <= len(w)-3; i++ {
		if c.words[w[:i]] && (c.words[w[i:]] || w[i:] == w[:i]) {
			return true
		}
	}
	return false
}

// walk reports whether s is a run along a keyboard row or the digits,
// forwards or backwards.
func walk(s string) bool {
	if len(s) < 4 {
		return false
	}
	return strings.Contains(keyboard, s) || strings.Contains(keyboard, reverse(s))
}

// repetitive reports whether s is one short unit repeated ("aaaaaaaa",
// "abcabcabc") or a run of consecutive characters ("abcdefgh", "98765432").
func repetitive(s string) bool {
	r := []rune(s)
	if len(r) < 2 {
		return true
	}
	for unit := 1; unit <= 4 && unit < len(r); unit++ {
		same := true
		for i := unit; i < len(r); i++ {
			if r[i] != r[i-unit] {
				same = false
				break
			}
		}
		if same {
			return true
		}
	}
	step := r[1] - r[0]
	if step != 1 && step != -1 {
		return false
	}
	for i := 2; i < len(r); i++ {
		if r[i]-r[i-1] != step {
			return false
		}
	}
	return true
}

func reverse(s string) string {
	r := []rune(s)
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
	return string(r)
}
