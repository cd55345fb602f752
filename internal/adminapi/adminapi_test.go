package adminapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/mail"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/webhook"
)

// env is the whole server on a test store, with billing in TEST MODE and a
// webhook endpoint whose deliveries are recorded (no queue sends them).
type env struct {
	st      *store.Store
	h       http.Handler
	section magazine.Section
	author  int64
	plan    magazine.Plan
	hook    magazine.WebhookEndpoint
}

func newEnv(t *testing.T, perMinute int) *env {
	t.Helper()
	return newEnvOn(t, storetest.SQLite(t), perMinute)
}

func newEnvOn(t *testing.T, st *store.Store, perMinute int) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{st: st}
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if e.section, err = e.st.CreateSection(ctx, magazine.Section{Name: "Politics", Position: 1}); err != nil {
		t.Fatal(err)
	}
	au, err := e.st.CreateAuthor(ctx, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		t.Fatal(err)
	}
	e.author = au.ID
	e.plan = magazine.Plan{Name: "Digital", MonthlyPrice: 800, Currency: "USD", RefundWindowDays: 60, Active: true,
		Entitlements: []magazine.Entitlement{magazine.EntSubscriberContent}}
	if err := e.st.CreatePlan(ctx, &e.plan); err != nil {
		t.Fatal(err)
	}
	e.hook = magazine.WebhookEndpoint{URL: "https://hooks.example/in", Events: magazine.WebhookEvents, Secret: webhook.NewSecret()}
	if err := e.st.CreateWebhookEndpoint(ctx, store.CommandLine(), &e.hook); err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	hooks := &webhook.Emitter{Store: e.st, Log: log, BaseURL: "https://mag.example"}
	tmpl, err := mail.LoadTemplates()
	if err != nil {
		t.Fatal(err)
	}
	svc := billing.New(e.st, billing.NewTestMode(), tmpl, billing.Options{Publication: "Demo", BaseURL: "https://mag.example", Webhooks: hooks})
	e.h, err = server.New(server.Config{Store: e.st, Files: files, Log: log, BaseURL: "https://mag.example", Billing: svc, Mail: tmpl,
		Webhooks: hooks, AdminAPIRequestsPerMinute: perMinute})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// key makes an API key with scopes and returns its secret.
func (e *env) key(t *testing.T, name string, scopes ...string) (string, magazine.APIKey) {
	t.Helper()
	secret, prefix, hash := auth.NewAPIKey()
	k, err := e.st.CreateAPIKey(context.Background(), store.Actor{Email: "owner@example.com"}, name, scopes, prefix, hash)
	if err != nil {
		t.Fatal(err)
	}
	return secret, k
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// errorCode is the code of a JSON error answer, and its field.
func (a answer) errorCode(t *testing.T) (code, field string) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message, Field string }
	}
	if err := json.Unmarshal(a.body, &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("status %d, body %q: not a JSON error with a code and a message", a.status, a.body)
	}
	return body.Error.Code, body.Error.Field
}

func (a answer) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(a.body, v); err != nil {
		t.Fatalf("status %d, body %q: %v", a.status, a.body, err)
	}
}

func (e *env) send(t *testing.T, method, path, key, contentType string, body io.Reader) answer {
	t.Helper()
	req := httptest.NewRequest(method, path, body)
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return answer{rec.Code, rec.Header(), rec.Body.Bytes()}
}

func (e *env) call(t *testing.T, method, path, key string, body any) answer {
	t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		r, ct = strings.NewReader(b), "application/json"
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r, ct = bytes.NewReader(j), "application/json"
	}
	return e.send(t, method, path, key, ct, r)
}

func want(t *testing.T, a answer, status int, code string) {
	t.Helper()
	if a.status != status {
		t.Fatalf("status %d, want %d\n%s", a.status, status, a.body)
	}
	if code != "" {
		if got, _ := a.errorCode(t); got != code {
			t.Fatalf("error code %q, want %q\n%s", got, code, a.body)
		}
	}
}

type articleOut struct {
	ID          int64
	Slug        string
	Headline    string
	Status      string
	Revision    int
	URL         string
	PublishedAt *time.Time `json:"published_at"`
}

func TestKeysAndScopes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	readOnly, _ := e.key(t, "Dashboard", "read")
	writer, wk := e.key(t, "CMS import", "content:write")
	body := map[string]any{"headline": "Quiet harbour", "section_id": e.section.ID, "author_ids": []int64{e.author}}

	t.Run("no key", func(t *testing.T) {
		a := e.call(t, "GET", "/api/admin/v1/articles", "", nil)
		want(t, a, http.StatusUnauthorized, "unauthorized")
		if a.header.Get("WWW-Authenticate") == "" {
			t.Error("a 401 without WWW-Authenticate")
		}
	})
	t.Run("unknown key", func(t *testing.T) {
		want(t, e.call(t, "GET", "/api/admin/v1/articles", "mh_"+strings.Repeat("A", 43), nil), http.StatusUnauthorized, "unauthorized")
		want(t, e.call(t, "GET", "/api/admin/v1/articles", "not a key", nil), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("read-only key cannot write", func(t *testing.T) {
		want(t, e.call(t, "GET", "/api/admin/v1/articles", readOnly, nil), http.StatusOK, "")
		want(t, e.call(t, "POST", "/api/admin/v1/articles", readOnly, body), http.StatusForbidden, "forbidden")
		want(t, e.call(t, "POST", "/api/admin/v1/readers", readOnly, map[string]any{"email": "r@example.com"}), http.StatusForbidden, "forbidden")
	})
	t.Run("content key cannot touch readers", func(t *testing.T) {
		want(t, e.call(t, "POST", "/api/admin/v1/readers", writer, map[string]any{"email": "r@example.com"}), http.StatusForbidden, "forbidden")
		want(t, e.call(t, "POST", "/api/admin/v1/articles", writer, body), http.StatusCreated, "")
	})
	t.Run("last use is shown", func(t *testing.T) {
		list, err := e.st.APIKeys(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range list {
			if k.ID == wk.ID && k.LastUsedAt.IsZero() {
				t.Error("the key was used but has no last use")
			}
		}
	})
	t.Run("created published at once", func(t *testing.T) {
		a := e.call(t, "POST", "/api/admin/v1/articles", writer, map[string]any{"headline": "Straight out", "section_id": e.section.ID,
			"author_ids": []int64{e.author}, "body_markdown": "Now.", "status": "published"})
		want(t, a, http.StatusCreated, "")
		var art articleOut
		a.decode(t, &art)
		if art.Status != "published" {
			t.Fatalf("created %+v, want it published", art)
		}
		want(t, e.call(t, "GET", "/api/v1/articles/"+art.Slug, "", nil), http.StatusOK, "")
	})
	t.Run("scheme in lower case", func(t *testing.T) {
		req := httptest.NewRequest("GET", "/api/admin/v1/issues", nil)
		req.Header.Set("Authorization", "bearer "+readOnly)
		rec := httptest.NewRecorder()
		e.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d\n%s", rec.Code, rec.Body)
		}
	})
	t.Run("revoked key", func(t *testing.T) {
		if err := e.st.RevokeAPIKey(context.Background(), store.CommandLine(), wk.ID); err != nil {
			t.Fatal(err)
		}
		want(t, e.call(t, "GET", "/api/admin/v1/articles", writer, nil), http.StatusUnauthorized, "unauthorized")
	})
	t.Run("unknown address", func(t *testing.T) {
		want(t, e.call(t, "GET", "/api/admin/v1/nothing", readOnly, nil), http.StatusNotFound, "not_found")
	})
}

func TestBadBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	k, _ := e.key(t, "CMS", "content:write")
	for _, tt := range []struct {
		name, body  string
		status      int
		code, field string
	}{
		{"malformed", `{"headline": `, http.StatusBadRequest, "invalid", ""},
		{"unknown field", `{"headline": "H", "colour": "red"}`, http.StatusBadRequest, "invalid", "colour"},
		{"wrong type", `{"headline": 12}`, http.StatusBadRequest, "invalid", "headline"},
		{"two objects", `{"headline": "H"} {}`, http.StatusBadRequest, "invalid", ""},
		{"breaks a rule", `{"headline": "H", "visibility": "friends"}`, http.StatusBadRequest, "invalid", "visibility"},
		{"oversized", `{"body_markdown": "` + strings.Repeat("x", 5<<20) + `"}`, http.StatusRequestEntityTooLarge, "too_large", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := e.call(t, "POST", "/api/admin/v1/articles", k, tt.body)
			want(t, a, tt.status, tt.code)
			if _, field := a.errorCode(t); field != tt.field {
				t.Errorf("field %q, want %q\n%s", field, tt.field, a.body)
			}
			if bytes.Contains(a.body, []byte("json:")) {
				t.Errorf("the decoder's own text reached the client: %s", a.body)
			}
		})
	}
}

func pngImage(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := range 40 {
		img.Set(x, x%30, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func (e *env) upload(t *testing.T, key string, data []byte, alt string) answer {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, _ := mw.CreateFormFile("file", "photo.png")
	fw.Write(data)
	mw.WriteField("alt", alt)
	mw.WriteField("caption", "The quay at dawn.")
	mw.Close()
	return e.send(t, "POST", "/api/admin/v1/images", key, mw.FormDataContentType(), &buf)
}

// TestArticleThroughTheAPI creates an article with a figure of an uploaded
// image, publishes it, reads it from the public API, edits it, and
// schedules another, with a content key; the audit log names the key.
func TestArticleThroughTheAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, 0)
		k, _ := e.key(t, "CMS import", "content:write")
		ctx := context.Background()

		want(t, e.upload(t, k, []byte("GIF89a but not really an image at all"), "A photo"), http.StatusBadRequest, "invalid")
		if a := e.upload(t, k, pngImage(t), ""); a.status != http.StatusBadRequest {
			t.Fatalf("an upload without alt text: %d", a.status)
		}
		want(t, e.upload(t, k, make([]byte, media.MaxImageBytes+1), "Too big"), http.StatusRequestEntityTooLarge, "too_large")
		up := e.upload(t, k, pngImage(t), "The quay")
		want(t, up, http.StatusCreated, "")
		var img struct{ URL, Markdown string }
		up.decode(t, &img)
		if !strings.HasPrefix(img.URL, "/media/") || !strings.Contains(img.Markdown, img.URL) {
			t.Fatalf("upload answered %+v, want a /media/ URL and its figure", img)
		}

		a := e.call(t, "POST", "/api/admin/v1/articles", k, map[string]any{
			"headline": "The ferry returns", "dek": "After ten years.", "section_id": e.section.ID, "author_ids": []int64{e.author}, "tags": []string{"Transport"},
			"body_markdown": "The boat came back on Monday.\n\n" + img.Markdown + "\n\nEveryone waved.",
		})
		want(t, a, http.StatusCreated, "")
		var art articleOut
		a.decode(t, &art)
		if art.Status != "draft" || art.Slug != "the-ferry-returns" || art.Revision != 1 {
			t.Fatalf("created %+v, want a draft with a slug from the headline, revision 1", art)
		}
		id := strconv.FormatInt(art.ID, 10)
		if p := e.call(t, "GET", "/api/v1/articles/"+art.Slug, "", nil); p.status != http.StatusNotFound {
			t.Fatalf("a draft on the public API: %d", p.status)
		}

		a = e.call(t, "POST", "/api/admin/v1/articles/"+id+"/publish", k, nil)
		want(t, a, http.StatusOK, "")
		a.decode(t, &art)
		if art.Status != "published" || art.PublishedAt == nil || art.URL != "https://mag.example/articles/the-ferry-returns" {
			t.Fatalf("published %+v", art)
		}
		p := e.call(t, "GET", "/api/v1/articles/"+art.Slug, "", nil)
		want(t, p, http.StatusOK, "")
		var pub struct {
			Headline string
			Pages    []string
		}
		p.decode(t, &pub)
		if pub.Headline != "The ferry returns" || len(pub.Pages) == 0 || !strings.Contains(pub.Pages[0], img.URL) || !strings.Contains(pub.Pages[0], "<figure") {
			t.Fatalf("public API: %+v, want the article with its figure", pub)
		}

		// An edit: only the fields sent change.
		a = e.call(t, "PATCH", "/api/admin/v1/articles/"+id, k, map[string]any{"headline": "The ferry is back", "revision": art.Revision})
		want(t, a, http.StatusOK, "")
		a.decode(t, &art)
		if art.Headline != "The ferry is back" || art.Status != "published" || art.Slug != "the-ferry-returns" {
			t.Fatalf("edited %+v, want the new headline on the live article with its slug kept", art)
		}
		got, err := e.st.ArticleByID(ctx, art.ID)
		if err != nil || !strings.Contains(got.BodyMarkdown, "Everyone waved.") {
			t.Fatalf("the body after a headline edit: %q, %v", got.BodyMarkdown, err)
		}
		// Based on an old revision: refused, nothing overwritten.
		want(t, e.call(t, "PATCH", "/api/admin/v1/articles/"+id, k, map[string]any{"headline": "Stale", "revision": 1}), http.StatusConflict, "conflict")

		// Schedule a second one.
		a = e.call(t, "POST", "/api/admin/v1/articles", k, map[string]any{"headline": "Tomorrow's tide", "section_id": e.section.ID, "author_ids": []int64{e.author}, "body_markdown": "Later."})
		want(t, a, http.StatusCreated, "")
		var second articleOut
		a.decode(t, &second)
		sid := strconv.FormatInt(second.ID, 10)
		want(t, e.call(t, "POST", "/api/admin/v1/articles/"+sid+"/schedule", k, map[string]any{"publish_at": "2001-01-01T00:00:00Z"}), http.StatusBadRequest, "invalid")
		when := time.Now().Add(48 * time.Hour).UTC().Truncate(time.Second)
		a = e.call(t, "POST", "/api/admin/v1/articles/"+sid+"/schedule", k, map[string]any{"publish_at": when})
		want(t, a, http.StatusOK, "")
		a.decode(t, &second)
		if second.Status != "scheduled" || second.PublishedAt == nil || !second.PublishedAt.Equal(when) {
			t.Fatalf("scheduled %+v, want scheduled at %v", second, when)
		}

		log, err := e.st.AuditLog(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		actions := map[string]bool{}
		for _, en := range log {
			if strings.Contains(en.ActorEmail, "CMS import") {
				actions[en.Action] = true
			}
		}
		for _, want := range []string{"media.upload", "article.created", "article.published", "article.saved", "article.scheduled"} {
			if !actions[want] {
				t.Errorf("no %s in the audit log under the key's name; have %v", want, actions)
			}
		}
		if !e.delivered(t, magazine.EventArticlePublished) {
			t.Error("publishing through the API emitted no article.published")
		}
	})
}

func (e *env) delivered(t *testing.T, event string) bool {
	t.Helper()
	list, err := e.st.WebhookDeliveries(context.Background(), e.hook.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range list {
		if d.Event == event {
			return true
		}
	}
	return false
}

func TestIssuesThroughTheAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, 0)
		k, _ := e.key(t, "Issue tool", "content:write")
		a := e.call(t, "POST", "/api/admin/v1/articles", k, map[string]any{"headline": "Cover story", "section_id": e.section.ID, "author_ids": []int64{e.author}, "body_markdown": "Text."})
		want(t, a, http.StatusCreated, "")
		var art articleOut
		a.decode(t, &art)

		want(t, e.call(t, "POST", "/api/admin/v1/issues", k, map[string]any{"volume": 0, "number": 1}), http.StatusBadRequest, "invalid")
		a = e.call(t, "POST", "/api/admin/v1/issues", k, map[string]any{"volume": 4, "number": 2, "cover_date": "2026-06-01", "title": "Summer"})
		want(t, a, http.StatusCreated, "")
		var is struct {
			ID        int64
			Published bool
			Articles  []articleOut
		}
		a.decode(t, &is)
		if is.ID == 0 || is.Published {
			t.Fatalf("created %+v, want an issue in preparation", is)
		}
		iid := strconv.FormatInt(is.ID, 10)
		want(t, e.call(t, "POST", "/api/admin/v1/issues/"+iid+"/articles", k, map[string]any{"article_id": art.ID}), http.StatusOK, "")
		want(t, e.call(t, "POST", "/api/admin/v1/issues/999999/articles", k, map[string]any{"article_id": art.ID}), http.StatusNotFound, "not_found")
		a = e.call(t, "GET", "/api/admin/v1/issues/"+iid, k, nil)
		want(t, a, http.StatusOK, "")
		a.decode(t, &is)
		if len(is.Articles) != 1 || is.Articles[0].ID != art.ID {
			t.Fatalf("issue contents %+v, want the article", is.Articles)
		}
		a = e.call(t, "GET", "/api/admin/v1/issues", k, nil)
		want(t, a, http.StatusOK, "")
		if !bytes.Contains(a.body, []byte(`"title":"Summer"`)) {
			t.Errorf("issue list %s lacks the new issue", a.body)
		}
	})
}

func TestReadersThroughTheAPI(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, st *store.Store) {
		e := newEnvOn(t, st, 0)
		k, _ := e.key(t, "Signup form", "readers:write")
		want(t, e.call(t, "POST", "/api/admin/v1/readers", k, map[string]any{"email": "not an address"}), http.StatusBadRequest, "invalid")
		a := e.call(t, "POST", "/api/admin/v1/readers", k, map[string]any{"email": "Rita@Example.com", "name": "Rita"})
		want(t, a, http.StatusCreated, "")
		var rd struct {
			ID    int64
			Email string
		}
		a.decode(t, &rd)
		if rd.Email != "rita@example.com" {
			t.Fatalf("created %+v", rd)
		}
		want(t, e.call(t, "POST", "/api/admin/v1/readers", k, map[string]any{"email": "rita@example.com"}), http.StatusConflict, "conflict")
		rid := strconv.FormatInt(rd.ID, 10)
		want(t, e.call(t, "GET", "/api/admin/v1/readers/"+rid, k, nil), http.StatusOK, "")
		if a := e.call(t, "GET", "/api/admin/v1/readers?email=RITA@example.com", k, nil); !bytes.Contains(a.body, []byte(`"email":"rita@example.com"`)) {
			t.Errorf("find by address: %d %s", a.status, a.body)
		}

		until := time.Now().AddDate(0, 3, 0).Format(time.DateOnly)
		want(t, e.call(t, "POST", "/api/admin/v1/readers/"+rid+"/comps", k, map[string]any{"plan_id": 999999, "until": until}), http.StatusBadRequest, "invalid")
		want(t, e.call(t, "POST", "/api/admin/v1/readers/"+rid+"/comps", k, map[string]any{"plan_id": e.plan.ID, "until": "2001-01-01"}), http.StatusBadRequest, "invalid")
		a = e.call(t, "POST", "/api/admin/v1/readers/"+rid+"/comps", k, map[string]any{"plan_id": e.plan.ID, "until": until})
		want(t, a, http.StatusCreated, "")
		var comp struct {
			SubscriptionID int64 `json:"subscription_id"`
		}
		a.decode(t, &comp)
		sub, err := e.st.Subscription(context.Background(), comp.SubscriptionID)
		if err != nil || sub.ReaderID != rd.ID || sub.PlanID != e.plan.ID {
			t.Fatalf("comp subscription %+v, %v", sub, err)
		}

		log, err := e.st.AuditLog(context.Background(), 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, en := range log {
			if en.ActorEmail == `API key "Signup form"` {
				seen[en.Action] = true
			}
		}
		if !seen["reader.create"] || !seen["subscription.comp"] {
			t.Errorf("audit entries under the key's name: %v, want reader.create and subscription.comp", seen)
		}
		if !e.delivered(t, magazine.EventReaderCreated) {
			t.Error("creating a reader through the API emitted no reader.created")
		}
	})
}

func TestRateLimitPerKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 3)
	k1, _ := e.key(t, "Busy", "read")
	k2, _ := e.key(t, "Quiet", "read")
	for i := range 3 {
		want(t, e.call(t, "GET", "/api/admin/v1/issues", k1, nil), http.StatusOK, "")
		_ = i
	}
	a := e.call(t, "GET", "/api/admin/v1/issues", k1, nil)
	want(t, a, http.StatusTooManyRequests, "rate_limited")
	if a.header.Get("Retry-After") == "" {
		t.Error("a 429 without Retry-After")
	}
	want(t, e.call(t, "GET", "/api/admin/v1/issues", k2, nil), http.StatusOK, "")
}

func TestOpenAPIServed(t *testing.T) {
	t.Parallel()
	e := newEnv(t, 0)
	a := e.call(t, "GET", "/api/openapi.json", "", nil)
	want(t, a, http.StatusOK, "")
	var doc struct{ OpenAPI string }
	a.decode(t, &doc)
	if doc.OpenAPI != "3.1.0" {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
}
