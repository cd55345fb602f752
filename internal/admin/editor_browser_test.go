package admin_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/masthead-press/masthead/internal/admin"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
	"github.com/masthead-press/masthead/internal/web"
)

// testClock is the time of the store, the admin and the job queue: the
// test moves it past the scheduled time instead of waiting.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestBrowserWriteScheduleEditRestore is the newsroom's whole round in
// headless Chromium: sign in, write an article with an uploaded image,
// its caption and credit, schedule it, see it on the public site once its
// time comes (published by the River job queue), edit it, read the
// revision diff and restore the earlier revision.
//
// The server is assembled here as server.New does, plus the editor's
// wiring (uploads, the scheduling hook and reader previews), which
// server.New does not pass to the admin yet.
func TestBrowserWriteScheduleEditRestore(t *testing.T) {
	t.Parallel()
	ctx := browser(t)
	bg := context.Background()
	st := storetest.SQLite(t)
	clk := &testClock{t: time.Now().UTC().Truncate(time.Minute)}
	st.Now = clk.Now
	logins, err := admin.SeedDemoStaff(bg, st)
	if err != nil {
		t.Fatal(err)
	}
	sec, err := st.CreateSection(bg, magazine.Section{Name: "Harbour"})
	if err != nil {
		t.Fatal(err)
	}
	ada, err := st.CreateAuthor(bg, magazine.Author{Name: "Ada Quill"})
	if err != nil {
		t.Fatal(err)
	}
	files, err := media.NewDisk(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := slog.New(slog.NewTextHandler(io.Discard, nil))

	published := make(chan []int64, 16)
	if err := jobs.Migrate(bg, st, log); err != nil {
		t.Fatal(err)
	}
	queue, err := jobs.Start(bg, jobs.Config{Store: st, Log: log, Now: clk.Now, Period: 200 * time.Millisecond,
		AfterPublish: func(ids []int64, err error) {
			if err == nil && len(ids) > 0 {
				published <- ids
			}
		}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { queue.Close() })

	ts := httptest.NewUnstartedServer(nil)
	base := "http://" + ts.Listener.Addr().String()
	site, err := web.New(web.Config{Store: st, Files: files, Log: log, BaseURL: base})
	if err != nil {
		t.Fatal(err)
	}
	adm, err := admin.New(admin.Config{Store: st, Log: log, BaseURL: base, Now: clk.Now, Files: files,
		Schedule: queue.PublishAt, PreviewPage: site.Preview})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	site.Register(mux)
	adm.Register(mux)
	ts.Config.Handler = httpx.SecurityHeaders(mux, false)
	ts.Start()
	defer ts.Close()
	editor := logins[2]

	picture := filepath.Join(t.TempDir(), "harbour.png")
	if err := os.WriteFile(picture, testPNG(t), 0o600); err != nil {
		t.Fatal(err)
	}

	step, read := driver(t, ctx)

	step("sign in",
		chromedp.Navigate(base+"/admin/sign-in"),
		chromedp.SendKeys(chromedp.ID("email"), editor.Email),
		chromedp.SendKeys(chromedp.ID("password"), admin.DemoPassword+kb.Enter),
		chromedp.WaitVisible(chromedp.ID("count-drafts")),
	)
	step("open a new article from the list",
		chromedp.Click(chromedp.CSS(`nav a[href="/admin/articles"]`)),
		chromedp.Click(chromedp.ID("new-article")),
		chromedp.WaitVisible(chromedp.ID("headline")),
	)
	// Text typed earlier in this browser and never saved (a session that
	// ended, a closed tab) is offered back.
	step("find the text this browser kept",
		chromedp.Evaluate[chromedp.Void](`localStorage.setItem("masthead-editor:new", JSON.stringify({at: Date.now(),
			fields: {headline: "Storm at the harbour", body: "The boats came in early.\n\n"}}))`),
		chromedp.Reload(),
		chromedp.WaitVisible(chromedp.ID("local-copy-restore")),
		chromedp.Click(chromedp.ID("local-copy-restore")),
	)
	if got := read(chromedp.Value(chromedp.ID("headline"))); got != "Storm at the harbour" {
		t.Fatalf("the kept headline was not put back: %q", got)
	}
	step("write",
		chromedp.SetValue(chromedp.ID("section"), strconv.FormatInt(sec.ID, 10)),
		chromedp.SetValue(chromedp.ID("author-1"), strconv.FormatInt(ada.ID, 10)),
	)
	// The live preview follows the typing, rendered by the server.
	step("live preview", chromedp.WaitVisible(chromedp.Search(`//div[@id="preview"]/p[contains(., "The boats came in early.")]`)))
	step("upload an image with its caption and credit",
		chromedp.SetUploadFiles(chromedp.ID("file"), []string{picture}),
		chromedp.SendKeys(chromedp.ID("alt"), "Fishing boats tied up at the quay"),
		chromedp.SendKeys(chromedp.ID("caption"), "Boats wait out the storm."),
		chromedp.SendKeys(chromedp.ID("credit"), "Northwind Wire"),
		chromedp.Click(chromedp.ID("upload-button")),
		chromedp.WaitVisible(chromedp.CSS("#preview figure figcaption")),
	)
	if body := read(chromedp.Value(chromedp.ID("body"))); !strings.Contains(body, "::: figure\n![Fishing boats tied up at the quay](/media/") ||
		!strings.Contains(body, "Boats wait out the storm.\nCredit: Northwind Wire\n:::") {
		t.Fatalf("the body after the upload:\n%s", body)
	}
	if cap := read(chromedp.Text(chromedp.CSS("#preview figcaption"))); !strings.Contains(cap, "Boats wait out the storm.") || !strings.Contains(cap, "Northwind Wire") {
		t.Errorf("the preview's caption reads %q", cap)
	}

	// Dropping an image on the body readies it for upload and asks for
	// its description.
	step("drop an image on the body", chromedp.Evaluate[chromedp.Void](`(() => {
		const c = document.createElement("canvas"); c.width = 40; c.height = 30;
		const dt = new DataTransfer();
		dt.items.add(new File([Uint8Array.from(atob(c.toDataURL("image/png").split(",")[1]), ch => ch.charCodeAt(0))], "dropped.png", {type: "image/png"}));
		document.getElementById("body").dispatchEvent(new DragEvent("drop", {dataTransfer: dt, bubbles: true, cancelable: true}));
	})()`))
	if got := read(chromedp.Evaluate[string](`document.getElementById("file").files[0].name + " " + document.activeElement.id`)); got != "dropped.png alt" {
		t.Errorf("after a drop: file and focus %q, want dropped.png in the file field and the alt text focused", got)
	}
	step("forget the dropped image", chromedp.Evaluate[chromedp.Void](`document.getElementById("file").value = ""`))

	// Schedule it an hour ahead, in the publication's zone (UTC here).
	at := clk.Now().Add(time.Hour)
	step("schedule",
		chromedp.SetValue(chromedp.ID("publish-at"), at.Format("2006-01-02T15:04")),
		chromedp.Click(chromedp.ID("schedule")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if notice := read(chromedp.Text(chromedp.CSS(".notice"))); !strings.Contains(notice, "scheduled") {
		t.Fatalf("after scheduling the page says %q", notice)
	}
	if status := read(chromedp.Text(chromedp.ID("article-status"))); status != "scheduled" {
		t.Fatalf("status %q after scheduling", status)
	}
	step("not on the site yet", chromedp.Navigate(base+"/articles/storm-at-the-harbour"), chromedp.WaitVisible(chromedp.CSS("h1")))
	if h1 := read(chromedp.Text(chromedp.CSS("h1"))); h1 == "Storm at the harbour" {
		t.Fatal("the article is on the site before its time")
	}

	// Its time comes: the job queue's next run publishes it.
	clk.Add(61 * time.Minute)
	select {
	case <-published:
	case <-time.After(30 * time.Second):
		t.Fatal("the job queue did not publish the article once its time had passed")
	}
	step("on the site", chromedp.Navigate(base+"/articles/storm-at-the-harbour"), chromedp.WaitVisible(chromedp.CSS("article figure")))
	if h1 := read(chromedp.Text(chromedp.CSS("h1"))); h1 != "Storm at the harbour" {
		t.Errorf("the public page's heading is %q", h1)
	}
	// The site sets credits in small capitals: compare without case.
	if cap := read(chromedp.Text(chromedp.CSS("article figcaption"))); !strings.Contains(strings.ToLower(cap), "northwind wire") {
		t.Errorf("the public caption reads %q", cap)
	}

	// Edit it: the change goes live with Save changes.
	step("edit",
		chromedp.Navigate(base+"/admin/articles"),
		chromedp.Click(chromedp.CSS(`#articles a[href^="/admin/articles/"]`)),
		chromedp.WaitVisible(chromedp.ID("body")),
		// Type at the end of the body, where a writer would click.
		chromedp.Evaluate[chromedp.Void](`(b => { b.focus(); b.setSelectionRange(b.value.length, b.value.length); })(document.getElementById("body"))`),
		chromedp.KeyEvent("\n\nThe harbour master closed the quay at noon."),
		chromedp.Click(chromedp.ID("save")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if notice := read(chromedp.Text(chromedp.CSS(".notice"))); notice != "Your changes were saved." {
		t.Fatalf("after saving the page says %q", notice)
	}
	step("compare the last two revisions",
		chromedp.Click(chromedp.ID("revisions-link")),
		chromedp.WaitVisible(chromedp.ID("revisions")),
		chromedp.Click(chromedp.ID("compare")),
		chromedp.WaitVisible(chromedp.ID("body-diff")),
	)
	if diff := read(chromedp.Text(chromedp.CSS("#body-diff"))); !strings.Contains(diff, "+ The harbour master closed the quay at noon.") {
		t.Errorf("the diff reads %q", diff)
	}
	if added := read(chromedp.Evaluate[string](`[...document.querySelectorAll("#body-diff ins")].map(e => e.textContent).filter(t => t.trim() != "+").join("|")`)); added != "+ The harbour master closed the quay at noon." {
		t.Errorf("the diff's added lines are %q", added)
	}
	step("restore the earlier revision",
		chromedp.Click(chromedp.ID("restore-from")),
		chromedp.WaitVisible(chromedp.CSS(".notice")),
	)
	if notice := read(chromedp.Text(chromedp.CSS(".notice"))); !strings.Contains(notice, "The revision was restored") {
		t.Fatalf("after restoring the page says %q", notice)
	}
	if body := read(chromedp.Value(chromedp.ID("body"))); strings.Contains(body, "harbour master") || !strings.Contains(body, "Northwind Wire") {
		t.Errorf("the restored body:\n%s", body)
	}
	step("the site shows the restored text", chromedp.Navigate(base+"/articles/storm-at-the-harbour"), chromedp.WaitVisible(chromedp.CSS("article figure")))
	if text := read(chromedp.Text(chromedp.CSS("article"))); strings.Contains(text, "harbour master") {
		t.Errorf("the public page still has the edit that was rolled back")
	}

	// The session ends while the editor is open: saving says so, and the
	// text stays in this browser to be put back after signing in again.
	live, err := st.ArticleBySlug(bg, "storm-at-the-harbour")
	if err != nil {
		t.Fatal(err)
	}
	step("open the editor again",
		chromedp.Navigate(base+"/admin/articles/"+strconv.FormatInt(live.ID, 10)),
		chromedp.WaitVisible(chromedp.ID("body")),
	)
	me, _, err := st.StaffByEmail(bg, editor.Email)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.DeleteStaffSessions(bg, store.CommandLine(), me.ID); err != nil {
		t.Fatal(err)
	}
	step("type after the session ended, then Ctrl+S",
		chromedp.Evaluate[chromedp.Void](`(b => { b.focus(); b.setSelectionRange(b.value.length, b.value.length); })(document.getElementById("body"))`),
		chromedp.KeyEvent("\n\nWritten after the session ended."),
		chromedp.KeyEvent("s", chromedp.KeyModifiers(chromedp.ModifierCtrl)),
		chromedp.Poll[chromedp.Void](`document.getElementById("autosave-status").textContent.includes("session has ended")`),
	)
	if kept := read(chromedp.Evaluate[string](`JSON.parse(localStorage.getItem("masthead-editor:" + document.querySelector("[name=id]").value)).fields.body`)); !strings.Contains(kept, "Written after the session ended.") {
		t.Errorf("the browser's copy of the body: %q", kept)
	}
	if revs, err := st.Revisions(bg, live.ID); err != nil || len(revs) == 0 || strings.Contains(revs[0].Input.BodyMarkdown, "Written after the session ended.") {
		t.Errorf("a save went through without a session")
	}
}

func testPNG(t *testing.T) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 900, 600))
	for x := range 900 {
		for y := range 600 {
			img.Set(x, y, color.RGBA{uint8(x / 4), uint8(y / 3), 140, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
