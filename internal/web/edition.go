package web

import (
	"fmt"
	"html/template"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// editionOffer is what the issue page offers a viewer of the issue's
// digital edition: the formats they may have, or nothing and a prompt.
type editionOffer struct {
	CanRead bool
	ReadURL string
	EPUB    string // download URLs; "" when the file is not built
	PDF     string
	Replica bool // the PDF is the printer's replica
}

// issueFromPath reads the published issue named by {volume}/{number}.
func (s *Site) issueFromPath(r *http.Request) (magazine.Issue, error) {
	volume, err1 := strconv.Atoi(r.PathValue("volume"))
	number, err2 := strconv.Atoi(r.PathValue("number"))
	if err1 != nil || err2 != nil || volume < 1 || number < 1 {
		return magazine.Issue{}, httpx.NotFound
	}
	version := s.store.Version()
	if issue, ok := s.issueNumbers.get(version, [2]int{volume, number}); ok {
		return issue, nil
	}
	issue, err := s.store.IssueByNumber(r.Context(), volume, number)
	if err == nil {
		s.issueNumbers.put(version, [2]int{volume, number}, issue)
	}
	return issue, err
}

// editionFiles are the built editions of an issue, by format.
func (s *Site) editionFiles(r *http.Request, issueID int64) (map[string]store.Edition, error) {
	version := s.store.Version()
	if eds, ok := s.issueFiles.get(version, issueID); ok {
		return eds, nil
	}
	eds, err := s.store.Editions(r.Context(), issueID)
	if err == nil {
		s.issueFiles.put(version, issueID, eds)
	}
	return eds, err
}

// offerFor says which edition formats v may have of issue.
func (s *Site) offerFor(r *http.Request, v magazine.Viewer, issue magazine.Issue) (editionOffer, error) {
	o := editionOffer{CanRead: magazine.CanReadEdition(v, issue), ReadURL: IssueURL(issue) + "/read"}
	if !o.CanRead {
		return o, nil
	}
	eds, err := s.editionFiles(r, issue.ID)
	if err != nil {
		return o, err
	}
	if eds[store.FormatEPUB].Ready() {
		o.EPUB = downloadURL(issue, store.FormatEPUB)
	}
	if eds[store.FormatReplica].Ready() || eds[store.FormatPDF].Ready() {
		o.PDF, o.Replica = downloadURL(issue, store.FormatPDF), eds[store.FormatReplica].Ready()
	}
	return o, nil
}

func downloadURL(i magazine.Issue, format string) string {
	return IssueURL(i) + "/download/" + format
}

// editionArticle is one article of the edition as its body template
// renders it.
type editionArticle struct {
	magazine.Article
	Anchor string
	URL    string // this article's place in the edition
	Body   template.HTML
	Prev   *editionArticle
	Next   *editionArticle
}

type editionPage struct {
	Page   Page
	Issue  magazine.Issue
	Offer  editionOffer
	Body   template.HTML // bodyMarker: the edition is written around the template
	Resume *editionRef   // where the reader left off, when not given
}

// webEdition is the whole issue as one reflowable page for readers with
// the digital edition: cover, contents, then every article in issue
// order, each with links to the previous and next (the ← and → keys
// follow them). ?at=SLUG marks the article being read and, for a
// signed-in reader, remembers it. Anyone else gets the issue's cover and
// contents and a prompt, with 403.
func (s *Site) webEdition(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	issue, err := s.issueFromPath(r)
	if err != nil {
		return err
	}
	v, rs, err := s.viewer(r, 0)
	if err != nil {
		return err
	}
	private(w)
	if !magazine.CanReadEdition(v, issue) {
		return s.renderIssue(w, r, http.StatusForbidden, issue, v)
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	version := s.store.Version()
	body, ok := s.editions.get(version, issue.ID)
	if !ok {
		list, err := s.store.EditionArticles(ctx, issue.ID)
		if err != nil {
			return err
		}
		if body, err = s.newEditionBody(pub, issue, list); err != nil {
			return err
		}
		s.editions.put(version, issue.ID, body)
	}
	d := editionPage{Issue: issue}
	current, at := -1, r.URL.Query().Get("at")
	if at != "" {
		current = slices.IndexFunc(body.articles, func(a editionRef) bool { return a.Slug == at })
	}
	d.Body = bodyMarker
	if rs != nil {
		if current >= 0 {
			if err := s.store.SetEditionPosition(ctx, rs.Reader.ID, issue.ID, body.articles[current].ID); err != nil {
				return err
			}
		} else if at == "" {
			pos, err := s.store.EditionPosition(ctx, rs.Reader.ID, issue.ID)
			if err != nil {
				return err
			}
			if i := slices.IndexFunc(body.articles, func(a editionRef) bool { return a.ID == pos }); i >= 0 {
				d.Resume = &body.articles[i]
			}
		}
	}
	if d.Offer, err = s.offerFor(r, v, issue); err != nil {
		return err
	}
	// The page around the edition holds nothing of the reader but that
	// they are signed in, where they left off and which files they may
	// have: kept by those, it is rendered once for all who share them.
	resume := int64(0)
	if d.Resume != nil {
		resume = d.Resume.ID
	}
	a, err := s.readerAccess(r) // the masthead's "Your account", as newPage decides it
	if err != nil {
		return err
	}
	key := fmt.Sprintf("%d %t %d %+v", issue.ID, a != nil, resume, d.Offer)
	sh, ok := s.shells.get(version, key)
	if !ok {
		page, err := s.readerPage(ctx, r, issue.Label()+": the digital edition", rs)
		if err != nil {
			return err
		}
		page.Canonical = s.abs(IssueURL(issue) + "/read")
		d.Page = page
		if sh, err = s.shell("edition", pub, d); err != nil {
			return err
		}
		s.shells.put(version, key, sh)
	}
	return sh.write(w, http.StatusOK, body.withCurrent(current)...)
}

// download serves an issue's EPUB or PDF (the replica when one was
// uploaded) to a reader entitled to it: by their session, or by a
// short-lived signed link (OPDS apps have no session). Anyone else gets
// 403 and none of the file. Range requests and ETags work.
func (s *Site) download(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	format := r.PathValue("format")
	if format != store.FormatEPUB && format != store.FormatPDF {
		return httpx.NotFound
	}
	issue, err := s.issueFromPath(r)
	if err != nil {
		return err
	}
	private(w)
	var v magazine.Viewer
	if r.URL.Query().Has("sig") {
		readerID, ok := s.checkSigned(r, issue, format)
		if !ok {
			return s.forbidden(w, r, "This download link is not valid or has expired. Open the catalogue again for a fresh one.")
		}
		if v, err = s.readerViewer(r, readerID); err != nil {
			return err
		}
	} else if v, _, err = s.viewer(r, 0); err != nil {
		return err
	}
	if !magazine.CanReadEdition(v, issue) {
		return s.forbidden(w, r, "The digital edition of this issue comes with a subscription that includes it.")
	}
	eds, err := s.editionFiles(r, issue.ID)
	if err != nil {
		return err
	}
	e := eds[format]
	ct := edition.ContentTypeEPUB
	if format == store.FormatPDF {
		ct = edition.ContentTypePDF
		if eds[store.FormatReplica].Ready() {
			e = eds[store.FormatReplica]
		}
	}
	if !e.Ready() {
		return httpx.NotFound
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	disposition := `attachment; filename="` + edition.FileName(magazine.Slugify(pub.Name), issue, format) + `"`
	if linked, err := s.linkTo(w, r, e.Key, true, media.LinkOptions{ContentType: ct, ContentDisposition: disposition, CacheControl: "private, max-age=600"}); linked || err != nil {
		return err
	}
	f, err := s.files.Open(ctx, e.Key)
	if err != nil {
		return err
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", ct)
	h.Set("Content-Disposition", disposition)
	// The key is the file's hash: a strong validator.
	name := path.Base(e.Key)
	h.Set("ETag", `"`+strings.TrimSuffix(name, path.Ext(name))+`"`)
	httpx.ServeContent(w, r, "", e.BuiltAt, f)
	return nil
}

// forbidden answers 403 with a plain message and none of the content.
func (s *Site) forbidden(w http.ResponseWriter, r *http.Request, msg string) error {
	s.renderError(w, r, http.StatusForbidden, msg)
	return nil
}

// readerViewer is the paywall's view of a reader known by id (from a
// signed link), with the entitlements their subscriptions give now.
func (s *Site) readerViewer(r *http.Request, readerID int64) (magazine.Viewer, error) {
	ctx := r.Context()
	ents, err := s.store.ReaderEntitlements(ctx, readerID, s.now())
	if err != nil {
		return magazine.Viewer{}, err
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return magazine.Viewer{}, err
	}
	return magazine.Viewer{Registered: true, Entitlements: ents,
		ArchiveFrom: magazine.ArchiveStart(s.now().In(pub.Location()), pub.ArchiveWindowMonths)}, nil
}
