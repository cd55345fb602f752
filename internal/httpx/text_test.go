package httpx

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/magazine"
)

const (
	nfd = "Cafe\u0301 Zo\u0308e" // e and o followed by combining accents
	nfc = "Caf\u00e9 Z\u00f6e"
)

// Queries are valid UTF-8 in NFC when a handler reads them, or refused
// (issue 9, finding 6).
func TestCleanQuery(t *testing.T) {
	t.Parallel()
	var got string
	h := CleanQuery(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.URL.Query().Get("q") + "|" + r.RequestURI
	}), func(w http.ResponseWriter, r *http.Request, status int, msg string) {
		w.WriteHeader(status)
		w.Write([]byte(msg))
	})
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest("GET", "/search?q=%FF%FE%C0%AF", nil))
	if w.Code != 400 || !strings.Contains(w.Body.String(), "not valid UTF-8") {
		t.Errorf("invalid UTF-8 in a query: %d %q", w.Code, w.Body)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search?q="+url.QueryEscape(nfd), nil))
	if want := nfc + "|/search?q=" + url.QueryEscape(nfc); got != want {
		t.Errorf("decomposed query reached the handler as %q, want %q", got, want)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/search?q=plain&page=2", nil))
	if got != "plain|/search?q=plain&page=2" {
		t.Errorf("an ASCII query changed: %q", got)
	}
}

func TestCleanForm(t *testing.T) {
	t.Parallel()
	post := func(body string) *http.Request {
		r := httptest.NewRequest("POST", "/sign-up?x="+url.QueryEscape(nfd), strings.NewReader(body))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if err := r.ParseForm(); err != nil {
			t.Fatal(err)
		}
		return r
	}
	r := post("name=%FF%FE%C0%AF&email=a%40example.com")
	if err := CleanForm(r); magazine.ErrorCode(err) != magazine.EINVALID || !strings.Contains(magazine.ErrorMessage(err), "not valid UTF-8") {
		t.Errorf("a name of bytes FF FE C0 AF: %v", err)
	}
	r = post("name=" + url.QueryEscape(nfd))
	if err := CleanForm(r); err != nil {
		t.Fatal(err)
	}
	if r.PostFormValue("name") != nfc || r.FormValue("name") != nfc || r.Form.Get("x") != nfc {
		t.Errorf("not normalised: %q %q %q", r.PostFormValue("name"), r.FormValue("name"), r.Form.Get("x"))
	}
}
