// Package cdn tells a CDN in front of the site which pages to drop when
// content changes: the pages carry surrogate keys (httpx.SurrogateKeys),
// and a purge names the keys an edit touched, in the request shape of
// Fastly's or Cloudflare's purge-by-tag API.
package cdn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Styles of purge request.
const (
	// Fastly: POST URL with the keys in a Surrogate-Key header, space-
	// separated, and the token in Fastly-Key
	// (https://api.fastly.com/service/ID/purge).
	Fastly = "fastly"
	// Cloudflare: POST URL with {"tags": [...]} and the token as a
	// bearer (https://api.cloudflare.com/client/v4/zones/ID/purge_cache).
	Cloudflare = "cloudflare"
)

// Timeout bounds one purge request.
const Timeout = 10 * time.Second

// maxKeys is how many keys go in one request: Cloudflare takes 30 tags a
// call on its smaller plans, and Fastly 256 keys.
const maxKeys = 30

// Purger sends purges. Its zero value, or a nil one, sends nothing.
type Purger struct {
	URL    string
	Style  string // Fastly or Cloudflare
	Token  string
	Client *http.Client
	Log    *slog.Logger
	// Done, when set, is told each purge's keys and outcome (tests).
	Done func(keys []string, err error)
}

// New checks a purge configuration; url "" is none (nil, nil).
func New(url, style, token string, log *slog.Logger) (*Purger, error) {
	if url == "" {
		return nil, nil
	}
	if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
		return nil, fmt.Errorf("the CDN purge URL %q must start with https://", url)
	}
	if style != Fastly && style != Cloudflare {
		return nil, fmt.Errorf("the CDN purge style %q is not one of %s or %s", style, Fastly, Cloudflare)
	}
	return &Purger{URL: url, Style: style, Token: token, Log: log}, nil
}

// Purge drops the pages carrying any of keys, in the background: an
// editor's save does not wait for the CDN, and a purge that fails is
// logged (the CDN's lifetime still bounds how long a page is stale).
func (p *Purger) Purge(ctx context.Context, keys ...string) {
	if p == nil || len(keys) == 0 {
		return
	}
	ctx = context.WithoutCancel(ctx)
	go func() {
		err := p.PurgeNow(ctx, keys...)
		if err != nil && p.Log != nil {
			p.Log.Warn("CDN purge failed; the pages expire on their own", "keys", strings.Join(keys, " "), "err", err)
		}
		if p.Done != nil {
			p.Done(keys, err)
		}
	}()
}

// PurgeNow drops the pages carrying any of keys and waits for the CDN's
// answer.
func (p *Purger) PurgeNow(ctx context.Context, keys ...string) error {
	var errs []error
	for len(keys) > 0 {
		n := min(len(keys), maxKeys)
		errs = append(errs, p.send(ctx, keys[:n]))
		keys = keys[n:]
	}
	return errors.Join(errs...)
}

func (p *Purger) send(ctx context.Context, keys []string) error {
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var body io.Reader = http.NoBody
	if p.Style == Cloudflare {
		b, err := json.Marshal(map[string][]string{"tags": keys})
		if err != nil {
			return err
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.URL, body)
	if err != nil {
		return err
	}
	switch p.Style {
	case Fastly:
		req.Header.Set("Surrogate-Key", strings.Join(keys, " "))
		req.Header.Set("Fastly-Key", p.Token)
		req.Header.Set("Accept", "application/json")
	case Cloudflare:
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+p.Token)
	}
	client := p.Client
	if client == nil {
		client = &http.Client{Timeout: Timeout}
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("purge %s: %w", strings.Join(keys, " "), err)
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("purge %s: the CDN answered %s", strings.Join(keys, " "), resp.Status)
	}
	return nil
}
