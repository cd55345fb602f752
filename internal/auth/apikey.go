package auth

import "strings"

// apiKeyMark starts every Admin API key, so that a leaked one is easy to
// recognise (secret scanners look for such marks).
const apiKeyMark = "mh_"

// apiKeyPrefixLen is how many characters of the random part name the key
// and find its row; the rest stays secret.
const apiKeyPrefixLen = 8

// NewAPIKey returns a new Admin API key (256 random bits), the prefix that
// names it and the hash the database keeps.
func NewAPIKey() (key, prefix, hash string) {
	token, _ := NewToken()
	key = apiKeyMark + token
	return key, token[:apiKeyPrefixLen], HashToken(key)
}

// ParseAPIKey returns the prefix and hash of a key as sent; ok is false
// for text that cannot be a key.
func ParseAPIKey(key string) (prefix, hash string, ok bool) {
	token, found := strings.CutPrefix(key, apiKeyMark)
	if !found || len(token) != 43 {
		return "", "", false
	}
	return token[:apiKeyPrefixLen], HashToken(key), true
}
