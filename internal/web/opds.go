package web

import (
	"cmp"
	"encoding/xml"
	"fmt"
	"net/http"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/edition"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// The OPDS 1.2 catalogue is an Atom feed with acquisition links.
type opdsFeed struct {
	XMLName xml.Name    `xml:"feed"`
	NS      string      `xml:"xmlns,attr"`
	DC      string      `xml:"xmlns:dc,attr"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Updated string      `xml:"updated"`
	Author  opdsAuthor  `xml:"author"`
	Links   []opdsLink  `xml:"link"`
	Entries []opdsEntry `xml:"entry"`
}

type opdsAuthor struct {
	Name string `xml:"name"`
	URI  string `xml:"uri,omitempty"`
}

type opdsLink struct {
	Rel   string `xml:"rel,attr"`
	Href  string `xml:"href,attr"`
	Type  string `xml:"type,attr"`
	Title string `xml:"title,attr,omitempty"`
}

type opdsEntry struct {
	ID        string     `xml:"id"`
	Title     string     `xml:"title"`
	Updated   string     `xml:"updated"`
	Issued    string     `xml:"dc:issued"`
	Publisher string     `xml:"dc:publisher"`
	Language  string     `xml:"dc:language"`
	Summary   string     `xml:"summary,omitempty"`
	Author    opdsAuthor `xml:"author"`
	Links     []opdsLink `xml:"link"`
}

const opdsAcquisition = "application/atom+xml;profile=opds-catalog;kind=acquisition"

// opds is a reader's private catalogue: every issue whose edition they may
// have, with EPUB and PDF acquisition links signed for them (the apps
// that read it have no session). The address is a secret stored only as
// its hash; an unknown or reset one gets 403.
func (s *Site) opds(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	private(w)
	readerID, err := s.store.ReaderByCatalogue(ctx, auth.HashToken(r.PathValue("token")))
	if magazine.IsNotFound(err) {
		return s.forbidden(w, r, "This catalogue address is not valid: it may have been reset. Find the new one on your account page.")
	} else if err != nil {
		return err
	}
	v, err := s.readerViewer(r, readerID)
	if err != nil {
		return err
	}
	pub, err := s.store.Publication(ctx)
	if err != nil {
		return err
	}
	issues, _, err := s.store.Issues(ctx, store.IssueFilter{Limit: store.MaxListLimit})
	if err != nil {
		return err
	}
	now := s.now().UTC().Format(time.RFC3339)
	self := s.abs(r.URL.Path)
	feed := opdsFeed{NS: "http://www.w3.org/2005/Atom", DC: "http://purl.org/dc/terms/", ID: self, Title: pub.Name + ": your issues",
		Updated: now, Author: opdsAuthor{Name: pub.Name, URI: s.abs("/")},
		Links: []opdsLink{{Rel: "self", Href: self, Type: opdsAcquisition}, {Rel: "start", Href: self, Type: opdsAcquisition}}}
	for _, is := range issues {
		if !magazine.CanReadEdition(v, is) {
			continue
		}
		eds, err := s.store.Editions(ctx, is.ID)
		if err != nil {
			return err
		}
		c := edition.Content{Pub: pub, Issue: is, BaseURL: s.baseURL}
		e := opdsEntry{ID: c.Identifier(), Title: c.Title(), Updated: now, Issued: is.CoverDate.Format("2006-01-02"),
			Publisher: pub.Name, Language: pub.Locale, Summary: is.Title, Author: opdsAuthor{Name: pub.Name}}
		if is.CoverURL != "" {
			e.Links = append(e.Links, opdsLink{Rel: "http://opds-spec.org/image", Href: s.abs(is.CoverURL), Type: cmp.Or(media.TypeOf(is.CoverURL), "image/jpeg")})
		}
		for _, f := range []struct{ format, ct string }{{store.FormatEPUB, edition.ContentTypeEPUB}, {store.FormatPDF, edition.ContentTypePDF}} {
			ready := eds[f.format].Ready() || (f.format == store.FormatPDF && eds[store.FormatReplica].Ready())
			if !ready {
				continue
			}
			href, err := s.signedDownloadURL(r, is, f.format, readerID)
			if err != nil {
				return err
			}
			e.Links = append(e.Links, opdsLink{Rel: "http://opds-spec.org/acquisition", Href: href, Type: f.ct})
		}
		e.Links = append(e.Links, opdsLink{Rel: "alternate", Href: s.abs(IssueURL(is)), Type: "text/html"})
		feed.Entries = append(feed.Entries, e)
	}
	out, err := xml.MarshalIndent(feed, "", " ")
	if err != nil {
		return fmt.Errorf("encode the catalogue: %w", err)
	}
	w.Header().Set("Content-Type", opdsAcquisition+"; charset=utf-8")
	_, err = w.Write(append([]byte(xml.Header), out...))
	return err
}
