// Package api is Masthead's read-only JSON API, version 1. Articles that
// the viewer may not read whole appear with their metadata and preview
// only.
package api

import (
	"bytes"
	"cmp"
	"encoding/json"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// API serves /api/v1.
type API struct {
	store   *store.Store
	baseURL string
	surface *httpx.Surface
	// searchLimit bounds each address's searches.
	searchLimit *auth.Limiter
}

// Config is what the API needs.
type Config struct {
	Store     *store.Store
	Log       *slog.Logger
	BaseURL   string
	Cache     *httpx.Cache
	Anonymous func(*http.Request) bool
	// SearchesPerMinute bounds each address's searches; 0 means 60.
	SearchesPerMinute int
}

// New returns the API.
func New(cfg Config) *API {
	a := &API{store: cfg.Store, baseURL: cfg.BaseURL}
	perMinute := cmp.Or(cfg.SearchesPerMinute, 60)
	a.searchLimit = auth.NewLimiter(perMinute, time.Minute/time.Duration(perMinute), 100_000, time.Now)
	anonymous := cfg.Anonymous
	if anonymous == nil {
		anonymous = func(*http.Request) bool { return true }
	}
	a.surface = &httpx.Surface{
		Log: cfg.Log, Error: writeError, Cache: cfg.Cache, Anonymous: anonymous,
		LastModified: func() time.Time { return time.Unix(0, cfg.Store.Version()) },
		Query:        queryParams,
	}
	return a
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

var statusCodes = map[int]string{
	http.StatusBadRequest:            "bad_request",
	http.StatusNotFound:              "not_found",
	http.StatusRequestEntityTooLarge: "too_large",
	http.StatusConflict:              "conflict",
	http.StatusTooManyRequests:       "too_many_requests",
	http.StatusInternalServerError:   "internal",
}

func writeError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	var body errorBody
	body.Error.Code = statusCodes[status]
	if body.Error.Code == "" {
		body.Error.Code = "error"
	}
	body.Error.Message = msg
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func writeJSON(w http.ResponseWriter, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, err := w.Write(buf.Bytes())
	return err
}

// Section is a section as the API shows it.
type Section struct {
	Slug        string `json:"slug"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
	URL         string `json:"url"`
}

// Author is an author as the API shows it.
type Author struct {
	Slug     string `json:"slug"`
	Name     string `json:"name"`
	Bio      string `json:"bio,omitempty"`
	PhotoURL string `json:"photo_url,omitempty"`
	URL      string `json:"url"`
}

// IssueRef names the issue an article belongs to.
type IssueRef struct {
	ID     int64  `json:"id"`
	Volume int    `json:"volume"`
	Number int    `json:"number"`
	URL    string `json:"url"`
}

// Article is an article as the API shows it. Pages is present only for
// readers who may read the whole article; everybody gets PreviewHTML.
type Article struct {
	ID            int64     `json:"id"`
	Slug          string    `json:"slug"`
	URL           string    `json:"url"`
	Headline      string    `json:"headline"`
	Dek           string    `json:"dek,omitempty"`
	Description   string    `json:"description"`
	Section       Section   `json:"section"`
	Authors       []Author  `json:"authors"`
	Tags          []string  `json:"tags,omitempty"`
	Visibility    string    `json:"visibility"`
	PublishedAt   time.Time `json:"published_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	FeaturedImage string    `json:"featured_image,omitempty"`
	FeaturedAlt   string    `json:"featured_alt,omitempty"`
	WordCount     int       `json:"word_count"`
	Issue         *IssueRef `json:"issue,omitempty"`
	IssuePosition int       `json:"issue_position,omitempty"`
	Accessible    *bool     `json:"accessible,omitempty"`
	PreviewHTML   string    `json:"preview_html,omitempty"`
	Pages         []string  `json:"pages,omitempty"`
}

func (a *API) abs(p string) string {
	if p == "" {
		return ""
	}
	return a.baseURL + p
}

func (a *API) section(s magazine.Section) Section {
	return Section{Slug: s.Slug, Name: s.Name, Description: s.Description, URL: a.abs("/sections/" + s.Slug)}
}

func (a *API) author(u magazine.Author) Author {
	return Author{Slug: u.Slug, Name: u.Name, Bio: u.Bio, PhotoURL: a.abs(u.PhotoURL), URL: a.abs("/authors/" + u.Slug)}
}

func (a *API) article(x magazine.Article, issues map[int64]magazine.Issue) Article {
	out := Article{
		ID: x.ID, Slug: x.Slug, URL: a.abs("/articles/" + x.Slug), Headline: x.Headline, Dek: x.Dek,
		Description: x.Description, Section: a.section(x.Section), Visibility: string(x.Visibility),
		PublishedAt: x.PublishedAt, UpdatedAt: x.UpdatedAt, FeaturedImage: a.abs(x.FeaturedURL), FeaturedAlt: x.FeaturedAlt,
		WordCount: x.WordCount, Authors: []Author{},
	}
	for _, u := range x.Authors {
		out.Authors = append(out.Authors, a.author(u))
	}
	for _, t := range x.Tags {
		out.Tags = append(out.Tags, t.Name)
	}
	if x.IssueID != 0 {
		if is, ok := issues[x.IssueID]; ok {
			out.Issue = &IssueRef{ID: is.ID, Volume: is.Volume, Number: is.Number,
				URL: a.abs("/issues/" + strconv.Itoa(is.Volume) + "/" + strconv.Itoa(is.Number))}
			out.IssuePosition = x.IssuePosition
		}
	}
	return out
}

// viewer is who is asking, as the paywall sees them. Until reader accounts
// exist every viewer is anonymous.
func viewer(r *http.Request) magazine.Viewer { return magazine.Viewer{} }
