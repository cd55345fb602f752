package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// SignedLinkTTL is how long a signed download link works: long enough
// for an e-reader app to fetch what the catalogue lists, short enough
// that a shared link soon stops working.
const SignedLinkTTL = time.Hour

func signature(secret []byte, i magazine.Issue, format string, readerID, expires int64) string {
	m := hmac.New(sha256.New, secret)
	fmt.Fprintf(m, "edition/%d/%d/%s/%d/%d", i.Volume, i.Number, format, readerID, expires)
	return hex.EncodeToString(m.Sum(nil))
}

// signedDownloadURL is a download link for one reader that works without
// a session until it expires.
func (s *Site) signedDownloadURL(r *http.Request, i magazine.Issue, format string, readerID int64) (string, error) {
	secret, err := s.store.EditionSecret(r.Context())
	if err != nil {
		return "", err
	}
	exp := s.now().Add(SignedLinkTTL).Unix()
	q := url.Values{"reader": {strconv.FormatInt(readerID, 10)}, "expires": {strconv.FormatInt(exp, 10)},
		"sig": {signature(secret, i, format, readerID, exp)}}
	return s.abs(downloadURL(i, format) + "?" + q.Encode()), nil
}

// checkSigned verifies a signed download link and returns its reader.
func (s *Site) checkSigned(r *http.Request, i magazine.Issue, format string) (int64, bool) {
	q := r.URL.Query()
	readerID, err1 := strconv.ParseInt(q.Get("reader"), 10, 64)
	exp, err2 := strconv.ParseInt(q.Get("expires"), 10, 64)
	if err1 != nil || err2 != nil || readerID < 1 || s.now().Unix() > exp {
		return 0, false
	}
	secret, err := s.store.EditionSecret(r.Context())
	if err != nil {
		return 0, false
	}
	want := signature(secret, i, format, readerID, exp)
	return readerID, hmac.Equal([]byte(want), []byte(q.Get("sig")))
}
