package admin_test

import (
	"context"
	"io"
	"log/slog"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/server"
	"github.com/masthead-press/masthead/internal/storetest"
)

// dragLastToTop drags the last article of the contents above the first,
// with the events a browser sends for a mouse drag (headless Chromium does
// not turn synthetic mouse moves into HTML drag and drop).
const dragLastToTop = `(() => {
  const items = [...document.querySelectorAll('#contents li[data-id]')];
  const src = items[items.length - 1], dst = items[0];
  const dt = new DataTransfer();
  const y = dst.getBoundingClientRect().top + 1;
  src.dispatchEvent(new DragEvent('dragstart', {bubbles: true, dataTransfer: dt}));
  dst.dispatchEvent(new DragEvent('dragover', {bubbles: true, cancelable: true, dataTransfer: dt, clientY: y}));
  dst.dispatchEvent(new DragEvent('drop', {bubbles: true, cancelable: true, dataTransfer: dt, clientY: y}));
  src.dispatchEvent(new DragEvent('dragend', {bubbles: true, dataTransfer: dt}));
  return items.length;
})()`

// TestBrowserReorderIssue reorders an issue's contents in Chromium, once by
// drag and drop (the script, under the real CSP) and once with the
// keyboard on a Down button, and checks the order the store keeps.
func TestBrowserReorderIssue(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	bg := context.Background()
	st := storetest.SQLite(t)
	logins, err := admin.SeedDemoStaff(bg, st)
	if err != nil {
		t.Fatal(err)
	}
	sec, _ := st.CreateSection(bg, magazine.Section{Name: "Politics"})
	au, _ := st.CreateAuthor(bg, magazine.Author{Name: "Ada Quill"})
	issue, err := st.CreateIssue(bg, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"First", "Second", "Third"} {
		a, err := st.CreateArticle(bg, magazine.ArticleInput{Headline: h, SectionID: sec.ID, AuthorIDs: []int64{au.ID}, BodyMarkdown: h + "."})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.AddToIssue(bg, issue.ID, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	order := func() string {
		list, err := st.IssueContents(bg, issue.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, a := range list {
			out = append(out, a.Headline)
		}
		return strings.Join(out, ",")
	}

	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	h, err := server.New(server.Config{Store: st, Files: files, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	ts.Config.Handler = h
	ts.Start()
	defer ts.Close()
	editor := logins[2]

	step := func(name string, actions ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
		defer cancel()
		if err := chromedp.Do(sctx, actions...); err != nil {
			html, _ := chromedp.Run(ctx, chromedp.OuterHTML(chromedp.CSS("body")))
			t.Fatalf("%s: %v\npage:\n%s", name, err, html)
		}
	}
	path := "/admin/issues/" + strconv.FormatInt(issue.ID, 10)
	page := base + path
	step("sign in",
		chromedp.Navigate(base+"/admin/sign-in?next="+path),
		chromedp.SendKeys(chromedp.ID("email"), editor.Email),
		chromedp.SendKeys(chromedp.ID("password"), admin.DemoPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("contents")),
	)

	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	n, err := chromedp.Run(sctx, chromedp.Evaluate[int](dragLastToTop))
	cancel()
	if err != nil || n != 3 {
		t.Fatalf("drag: %v (%d articles on the page)", err, n)
	}
	step("the order is saved", chromedp.Poll[chromedp.Void](`document.getElementById('reorder-status').textContent === 'The new order is saved.'`))
	if got := order(); got != "Third,First,Second" {
		t.Errorf("after dragging Third to the top the store has %s", got)
	}

	// The keyboard way: focus the Down button of the first article, Enter.
	step("move down with the keyboard",
		chromedp.Navigate(page),
		chromedp.WaitVisible(chromedp.ID("contents")),
		chromedp.Focus(chromedp.CSS(`#contents li:first-child button[aria-label$="down"]`)),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	sctx, cancel = context.WithTimeout(ctx, 15*time.Second)
	notice, err := chromedp.Run(sctx, chromedp.Text(chromedp.CSS(".notice")))
	cancel()
	if err != nil || notice != "The contents were reordered." {
		t.Errorf("after moving with the keyboard the page says %q (%v)", notice, err)
	}
	if got := order(); got != "First,Third,Second" {
		t.Errorf("after moving Third down the store has %s", got)
	}
}
