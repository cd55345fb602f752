package web

import (
	"errors"
	"html/template"
	"net/http"
	"strconv"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

type articlePage struct {
	Page    Page
	Article magazine.Article
	Issue   *magazine.Issue
	Body    template.HTML
	// BodyRest is the body after the inline ad slot, when it has one.
	BodyRest    template.HTML
	Gated       bool
	Prompt      string // what would unlock a gated article: sign_in or subscribe
	PageNumber  int
	PageCount   int
	PrevPageURL string
	NextPageURL string
	Related     []magazine.Article
	// Metered is true when a registered reader reads this article on the
	// meter; MeterLeft is how many free articles remain this month.
	Metered   bool
	MeterLeft int
	// Audio is the narration's block at the top of the article; nil when
	// there is no narration here.
	Audio *audioPlayer
	// Offer is the magazine's offer at the end, for readers without a
	// subscription.
	Offer *endOffer
}

// article shows one page of an article: /articles/{slug} is page 1 and
// /articles/{slug}/{page} the others.
func (s *Site) article(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	slug := r.PathValue("slug")
	number := 1
	if raw := r.PathValue("page"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			return httpx.NotFound
		}
		if n == 1 {
			return &httpx.Redirect{URL: ArticleURL(slug), Status: http.StatusMovedPermanently}
		}
		number = n
	}
	if !magazine.ValidSlug(slug) {
		return httpx.NotFound
	}
	a, err := s.store.ArticleBySlug(ctx, slug)
	var moved *store.Moved
	if errors.As(err, &moved) {
		target := ArticleURL(moved.Slug)
		if number > 1 {
			target += "/" + strconv.Itoa(number)
		}
		return &httpx.Redirect{URL: target, Status: http.StatusMovedPermanently}
	} else if err != nil {
		return err
	}

	v, rs, err := s.viewer(r, a.ID)
	if err != nil {
		return err
	}
	decision := magazine.Decide(v, a)
	if decision.Access == magazine.AccessNone {
		return httpx.NotFound
	}
	if decision.UsesMeter {
		pub, err := s.store.Publication(ctx)
		if err != nil {
			return err
		}
		ok, err := s.store.OpenOnMeter(ctx, rs.Reader.ID, a.ID, pub.MeterArticles, s.now())
		if err != nil {
			return err
		}
		if !ok { // another tab spent the last free article first
			decision = magazine.Decision{Access: magazine.AccessPreview, Prompt: "subscribe"}
		}
	}
	data := articlePage{Article: a, PageNumber: number, PageCount: len(a.Pages), Gated: decision.Access != magazine.AccessFull, Prompt: decision.Prompt}
	if data.Gated {
		// A reader who may not read on gets the preview on page 1 and
		// nothing of the later pages: they exist only for the entitled.
		if number > 1 {
			return &httpx.Redirect{URL: ArticleURL(slug), Status: http.StatusFound}
		}
		data.PageCount = 1
		data.Body = template.HTML(a.PreviewHTML)
	} else {
		if number > len(a.Pages) {
			return httpx.NotFound
		}
		data.Body = template.HTML(a.Pages[number-1])
		if number > 1 {
			data.PrevPageURL = pageURL(slug, number-1)
		}
		if number < len(a.Pages) {
			data.NextPageURL = pageURL(slug, number+1)
		}
	}

	title := a.Headline
	if a.SEOTitle != "" {
		title = a.SEOTitle
	}
	if data.PageCount > 1 && number > 1 {
		title += " (page " + strconv.Itoa(number) + ")"
	}
	page, err := s.newPage(ctx, r, title, a.Description)
	if err != nil {
		return err
	}
	page.Canonical = s.abs(pageURL(slug, number))
	page.OGType = "article"
	page.Image = s.abs(a.FeaturedURL)
	page.PrevURL, page.NextURL = s.abs(data.PrevPageURL), s.abs(data.NextPageURL)
	if a.IssueID != 0 {
		if issue, err := s.store.IssueByID(ctx, a.IssueID); err == nil && issue.Published {
			data.Issue = &issue
		} else if err != nil && !magazine.IsNotFound(err) {
			return err
		}
	}
	if data.Related, err = s.store.RelatedArticles(ctx, a, 3); err != nil {
		return err
	}
	if rs != nil {
		page.Reader = &rs.Reader
		data.MeterLeft = v.MeterLeft
		if decision.UsesMeter {
			data.MeterLeft--
		}
		data.Metered = decision.UsesMeter || v.MeterOpened
	}
	data.Audio = s.articleAudio(ctx, v, a, page.Pub)
	if data.Audio != nil && data.Audio.Entitled && !data.Gated {
		data.Body = s.playControls(ctx, a, number-1, data.Body)
	}
	if data.Offer, err = s.articleOffer(ctx, v, page.Pub); err != nil {
		return err
	}
	page.JSONLD = s.articleJSONLD(page, a)
	if err := s.fillAds(ctx, &page, pageURL(slug, number), v.Entitlements, magazine.SlotArticleInline, magazine.SlotArticleEnd); err != nil {
		return err
	}
	if page.Ads["article-inline"] != nil {
		// Inside the article's text, never in a preview: the paywall's
		// prompt comes after a preview's last paragraph.
		if data.Gated {
			delete(page.Ads, "article-inline")
		} else if before, rest, ok := splitAfterParagraph(data.Body, page.Pub.InlineAdParagraph()); ok {
			data.Body, data.BodyRest = before, rest
		} else {
			delete(page.Ads, "article-inline")
		}
	}
	data.Page = page
	httpx.SurrogateKeys(w, httpx.ArticleKey(a.ID), httpx.SectionKey(a.Section.ID))
	if a.IssueID > 0 {
		httpx.SurrogateKeys(w, httpx.IssueKey(a.IssueID))
	}
	return s.render(w, "article", http.StatusOK, page.Pub, data)
}

func pageURL(slug string, n int) string {
	if n <= 1 {
		return ArticleURL(slug)
	}
	return ArticleURL(slug) + "/" + strconv.Itoa(n)
}
