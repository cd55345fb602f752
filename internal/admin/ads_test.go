package admin

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// TestAdInventoryPages: an admin adds a house ad from the media library
// and an ad tag, changes one and deletes the other; each action says what
// it did and is in the audit log. Refused input comes back with a plain
// message beside its field and everything typed still in the form. An
// editor cannot enter ads.
func TestAdInventoryPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t, "http://masthead.test")
	ctx := context.Background()
	admin := e.session(e.staff[magazine.RoleAdmin])
	img, err := e.store.RecordMedia(ctx, store.Media{Key: "ab/poster.png", Name: "poster.png", ContentType: "image/png", Size: 100, Width: 600, Height: 300})
	if err != nil {
		t.Fatal(err)
	}
	house := url.Values{"kind": {"house"}, "name": {"Spring sale"}, "key": {img.Key}, "alt": {"The spring sale: a year for the price of nine months"},
		"link_url": {"https://shop.example/spring"}, "starts": {"2026-03-01"}, "ends": {"2026-03-31"}, "weight": {"3"},
		"slots": {"home", "article-end"}}
	tag := url.Values{"kind": {"tag"}, "name": {"Network"}, "tag_html": {`<div id="n"></div><script src="https://ads.example/t.js"></script>`},
		"starts": {"2026-03-01"}, "ends": {"2026-04-30"}, "weight": {"1"}, "slots": {"article-inline"}}
	with := func(v url.Values, k, val string) url.Values {
		c := url.Values{}
		for kk, vv := range v {
			c[kk] = append([]string(nil), vv...)
		}
		c.Set(k, val)
		return c
	}

	refusals := []struct {
		name   string
		form   url.Values
		field  string
		phrase string
		kept   string
	}{
		{"tag not well-formed", with(tag, "tag_html", `<div><script src="https://ads.example/t.js"></div>`), "tag_html", "not well-formed HTML", "Network"},
		{"image without alt text", with(house, "alt", " "), "alt", "alternative text", "https://shop.example/spring"},
		{"ends before it starts", with(house, "ends", "2026-02-27"), "ends", "before the first", "The spring sale: a year"},
		{"no image", with(house, "key", ""), "image", "Choose an image", "The spring sale: a year"},
		{"no slot", with(house, "slots", ""), "slots", "at least one place", "https://shop.example/spring"},
		{"weight", with(tag, "weight", "lots"), "weight", "whole number", "Network"},
	}
	for _, tt := range refusals {
		w := e.do(http.MethodPost, "/admin/ads", tt.form, admin)
		body := w.Body.String()
		if w.Code != http.StatusUnprocessableEntity {
			t.Errorf("%s: %d, want 422", tt.name, w.Code)
			continue
		}
		if !strings.Contains(body, `id="`+tt.field+`-error"`) || !strings.Contains(body, tt.phrase) {
			t.Errorf("%s: no message %q beside %s:\n%.2000s", tt.name, tt.phrase, tt.field, body)
		}
		if !strings.Contains(body, tt.kept) {
			t.Errorf("%s: the form lost %q", tt.name, tt.kept)
		}
	}
	if list, _ := e.store.Ads(ctx, time.Time{}); len(list) != 0 {
		t.Fatalf("refused ads were saved: %+v", list)
	}

	var ids []string
	for _, form := range []url.Values{house, tag} {
		w := e.do(http.MethodPost, "/admin/ads", form, admin)
		loc := w.Header().Get("Location")
		if w.Code != http.StatusSeeOther || !strings.HasSuffix(loc, "?done=created") {
			t.Fatalf("add %s: %d %s\n%.1000s", form.Get("name"), w.Code, loc, w.Body.String())
		}
		page := e.do(http.MethodGet, loc, nil, admin).Body.String()
		if !strings.Contains(page, "The ad was added") || !strings.Contains(page, form.Get("name")) {
			t.Errorf("after adding %s the page does not say so", form.Get("name"))
		}
		ids = append(ids, strings.TrimSuffix(strings.TrimPrefix(loc, "/admin/ads/"), "?done=created"))
	}
	list := e.do(http.MethodGet, "/admin/ads", nil, admin).Body.String()
	for _, want := range []string{"Spring sale", "Network", "2026-03-01 to 2026-03-31", "article-end", "house ad", "ad tag"} {
		if !strings.Contains(list, want) {
			t.Errorf("the inventory lacks %q", want)
		}
	}
	w := e.do(http.MethodPost, "/admin/ads/"+ids[0], with(house, "weight", "5"), admin)
	if w.Code != http.StatusSeeOther || !strings.HasSuffix(w.Header().Get("Location"), "?done=saved") {
		t.Fatalf("save: %d %s", w.Code, w.Body.String())
	}
	if page := e.do(http.MethodGet, w.Header().Get("Location"), nil, admin).Body.String(); !strings.Contains(page, "The ad was saved") || !strings.Contains(page, `value="5"`) {
		t.Error("the saved ad's page does not confirm the change")
	}
	if w := e.do(http.MethodPost, "/admin/ads/"+ids[0], with(house, "alt", ""), admin); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("saving without alt text: %d", w.Code)
	}
	w = e.do(http.MethodPost, "/admin/ads/"+ids[1]+"/delete", url.Values{}, admin)
	if w.Code != http.StatusSeeOther || !strings.Contains(e.do(http.MethodGet, w.Header().Get("Location"), nil, admin).Body.String(), "The ad was deleted") {
		t.Errorf("delete: %d", w.Code)
	}

	editor := e.session(e.staff[magazine.RoleEditor])
	if w := e.do(http.MethodPost, "/admin/ads", tag, editor); w.Code != http.StatusForbidden {
		t.Errorf("an editor entered an ad tag: %d", w.Code)
	}
	log, err := e.store.AuditLog(ctx, 0, 50)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, entry := range log {
		if strings.HasPrefix(entry.Action, "ad.") {
			got = append(got, entry.Action+" "+entry.Target+" by "+entry.ActorEmail)
		}
	}
	email := e.staff[magazine.RoleAdmin].Email
	want := "ad.delete Network by " + email + ", ad.update Spring sale by " + email + ", ad.create Network by " + email + ", ad.create Spring sale by " + email
	if strings.Join(got, ", ") != want {
		t.Errorf("audit log:\n%s\nwant\n%s", strings.Join(got, ", "), want)
	}
}
