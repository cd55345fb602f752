package magazine

import (
	"slices"
	"strings"
	"time"
)

// APIScope is what an Admin API key may do (docs/API.md).
type APIScope string

// The scopes of Admin API keys. Every key may read; the write scopes add
// changes to content (articles, images, issues) or to readers and comps.
const (
	ScopeRead         APIScope = "read"
	ScopeContentWrite APIScope = "content:write"
	ScopeReadersWrite APIScope = "readers:write"
)

// APIScopes lists the scopes in the admin's order.
var APIScopes = []APIScope{ScopeContentWrite, ScopeReadersWrite, ScopeRead}

// MaxAPIKeyName bounds the name of a key, which the audit log shows.
const MaxAPIKeyName = 100

// APIKey is a key of the Admin API. Its secret is shown once when it is
// made and kept only as a hash; Prefix, its first characters, names it.
type APIKey struct {
	ID         int64
	Name       string
	Scopes     []APIScope
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero until first used
	RevokedAt  time.Time // zero while the key works
}

// Revoked reports whether the key no longer works.
func (k APIKey) Revoked() bool { return !k.RevokedAt.IsZero() }

// Allows reports whether the key may do what scope s covers. Every key
// may read.
func (k APIKey) Allows(s APIScope) bool {
	return s == ScopeRead || slices.Contains(k.Scopes, s)
}

// CleanAPIKey checks a new key's name and scopes, and returns the scopes
// in the admin's order without repeats.
func CleanAPIKey(name string, scopes []string) (string, []APIScope, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" {
		return "", nil, FieldError("name", "Name the key after what uses it, such as \"CMS import\".")
	}
	if len([]rune(name)) > MaxAPIKeyName {
		return "", nil, FieldError("name", "The name is too long: at most %d characters.", MaxAPIKeyName)
	}
	var out []APIScope
	for _, s := range APIScopes {
		if slices.Contains(scopes, string(s)) {
			out = append(out, s)
		}
	}
	for _, s := range scopes {
		if !slices.Contains(APIScopes, APIScope(s)) {
			return "", nil, FieldError("scopes", "There is no scope %q.", s)
		}
	}
	if len(out) == 0 {
		return "", nil, FieldError("scopes", "Choose what the key may do: at least read only.")
	}
	return name, out, nil
}
