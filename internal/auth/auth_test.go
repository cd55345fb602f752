package auth

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// cheap are parameters fast enough for tests that hash many times.
var cheap = Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func TestDefaultParamsMeetTheMinimum(t *testing.T) {
	t.Parallel()
	p := DefaultParams
	if p.Memory < 19*1024 || p.Time < 2 || p.Threads != 1 {
		t.Fatalf("DefaultParams = %+v, want at least m=19 MiB, t=2, p=1", p)
	}
	hash, err := Hash("correct horse battery staple", p)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %q does not carry its parameters in PHC form", hash)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("Wörter und Zahlen 42 ", 7)[:128]
	for _, pw := range []string{"correct horse battery staple", long, "пароль-для-журнала", strings.Repeat("x", MaxPasswordLen)} {
		hash, err := Hash(pw, cheap)
		if err != nil {
			t.Fatal(err)
		}
		if ok, rehash, err := Verify(pw, hash, cheap); !ok || rehash || err != nil {
			t.Errorf("Verify(right password of %d bytes) = %v, %v, %v", len(pw), ok, rehash, err)
		}
		if ok, _, _ := Verify(pw+"x", hash, cheap); ok {
			t.Errorf("a wrong password of %d bytes was accepted", len(pw)+1)
		}
	}
	weak, _ := Hash("some password here", cheap)
	stronger := cheap
	stronger.Time = 2
	if ok, rehash, _ := Verify("some password here", weak, stronger); !ok || !rehash {
		t.Errorf("a hash weaker than wanted: ok=%v rehash=%v, want both true", ok, rehash)
	}
	if _, _, err := Verify("x", "$2a$10$bcrypt", cheap); err == nil {
		t.Error("a hash of another kind was not refused")
	}
}

func TestCommonPasswords(t *testing.T) {
	t.Parallel()
	c := NewCommonPasswords()
	if len(c.words) < 300 {
		t.Errorf("the list has %d entries, want a few hundred", len(c.words))
	}
	refused := []string{"password", "Password2024!", "P@ssw0rd1", "12345678901", "qwertyuiop", "QWERTYUIOP!!",
		"asdfghjkl;", "1qaz2wsx3edc", "aaaaaaaaaaaa", "abcabcabcabc", "abcdefghijk", "9876543210",
		"letmein12345", "iloveyou!!", "adminadmin1", "northwind2026", "NorthWind Review!", "ada.lovelace99", "short"}
	for _, pw := range refused {
		if err := c.Check(pw, "ada.lovelace@example.com", "ada.lovelace", "Northwind Review"); magazine.ErrorCode(err) != magazine.EINVALID {
			t.Errorf("%q was accepted", pw)
		}
	}
	allowed := []string{"correct horse battery staple", "tangerine-orbit-slowly-87", "Zq7!vR2#mP9@", "7381 4420 9915 6627",
		"the northwind review is where I write", strings.Repeat("ab1", 40) + "xyz!0000"}
	for _, pw := range allowed {
		if err := c.Check(pw, "ada.lovelace@example.com", "ada.lovelace", "Northwind Review"); err != nil {
			t.Errorf("%q was refused: %v", pw, err)
		}
	}
	for i := 0; i < 20; i++ {
		if pw := GeneratePassword(); c.Check(pw) != nil {
			t.Errorf("a generated password %q is refused", pw)
		}
	}
}

func TestTOTPStep(t *testing.T) {
	t.Parallel()
	key, err := NewTOTPKey("The Northwind Review", "ed@example.com")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 0, 10, 0, time.UTC)
	code, err := TOTPCode(key.Secret(), at)
	if err != nil {
		t.Fatal(err)
	}
	step, ok := TOTPStep(key.Secret(), code, at)
	if !ok || step != at.Unix()/30 {
		t.Fatalf("TOTPStep(current code) = %d, %v; want step %d", step, ok, at.Unix()/30)
	}
	if s, ok := TOTPStep(key.Secret(), code[:3]+" "+code[3:], at.Add(30*time.Second)); !ok || s != step {
		t.Errorf("the code of the previous step, typed with a space, = %d, %v; want accepted as step %d", s, ok, step)
	}
	if _, ok := TOTPStep(key.Secret(), code, at.Add(2*time.Minute)); ok {
		t.Error("a code two minutes old was accepted")
	}
	if _, ok := TOTPStep(key.Secret(), "000000", at); ok && code != "000000" {
		t.Error("a wrong code was accepted")
	}
}

func TestLimiter(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l := NewLimiter(3, time.Minute, 100, func() time.Time { return now })
	for i := 0; i < 3; i++ {
		if !l.Allow("a") {
			t.Fatalf("attempt %d of a burst of 3 was refused", i+1)
		}
	}
	if l.Allow("a") {
		t.Fatal("a fourth attempt in a burst of 3 was allowed")
	}
	if !l.Allow("b") {
		t.Fatal("another key was limited by the first")
	}
	now = now.Add(time.Minute)
	if !l.Allow("a") || l.Allow("a") {
		t.Fatal("after a minute exactly one more attempt must be allowed")
	}

	// Memory stays bounded however many keys come, and a key that is
	// being limited survives a flood of new ones when it is the newest.
	for i := 0; i < 1000; i++ {
		l.Allow(fmt.Sprint("ip-", i))
		if l.Len() > 100 {
			t.Fatalf("the limiter holds %d keys, more than its bound of 100", l.Len())
		}
	}
}

func TestCookies(t *testing.T) {
	t.Parallel()
	id, hash := NewSessionID()
	id2, _ := NewSessionID()
	if len(id) != 43 || id == id2 || hash != HashSessionID(id) || strings.Contains(hash, id) {
		t.Fatalf("session id %q / hash %q: want 256 random bits and a hash that is not the id", id, hash)
	}
	for _, tt := range []struct {
		https bool
		want  string
	}{
		{false, "masthead_session=" + id + "; Path=/; Max-Age=3600; HttpOnly"},
		{true, "__Host-masthead_session=" + id + "; Path=/; Max-Age=3600; HttpOnly"},
	} {
		w := httptest.NewRecorder()
		c := Cookies{HTTPS: tt.https}
		c.Set(w, id, time.Hour)
		got := w.Header().Get("Set-Cookie")
		if !strings.HasPrefix(got, tt.want) || !strings.Contains(got, "HttpOnly") || !strings.Contains(got, "SameSite=Lax") ||
			strings.Contains(got, "Domain=") || strings.Contains(got, "Secure") != tt.https {
			t.Errorf("https=%v: Set-Cookie = %q", tt.https, got)
		}
		r := httptest.NewRequest(http.MethodGet, "/admin/", nil)
		r.Header.Set("Cookie", strings.SplitN(got, ";", 2)[0])
		if c.Read(r) != id {
			t.Errorf("https=%v: the cookie set is not read back", tt.https)
		}
	}
}
