package admin

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// The ad inventory (issue 13): house ads and ad servers' tags, for those
// who manage settings (admins), since a tag is script that runs on the
// site's pages (in its sandboxed frame).

// adStatsDays is how far back the list's totals and an ad's daily
// counts go.
const adStatsDays = 30

var adNotices = map[string]string{
	"created": "The ad was added to the inventory. Pages show it from the first day it runs.",
	"saved":   "The ad was saved. Pages show the change from now on.",
	"deleted": "The ad was deleted, with its counts. No page shows it any more.",
}

type adsData struct {
	List  []store.AdRow
	Today time.Time
	Since time.Time
}

type adData struct {
	Ad     magazine.Ad
	Kind   magazine.AdKind
	New    bool
	Slots  []adSlotChoice
	Images []store.Media
	Stats  []store.AdDay
}

type adSlotChoice struct {
	Value magazine.AdSlot
	Label string
}

// today is the current date in the publication's zone, at midnight UTC
// as ad dates are kept.
func (a *Admin) today(r *http.Request) (time.Time, error) {
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return time.Time{}, err
	}
	d, _ := time.Parse(time.DateOnly, a.now().In(pub.Location()).Format(time.DateOnly))
	return d, nil
}

func (a *Admin) adsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	p := a.newPage(me, "Ads")
	p.Notice = adNotices[r.URL.Query().Get("done")]
	today, err := a.today(r)
	if err != nil {
		return err
	}
	since := today.AddDate(0, 0, -(adStatsDays - 1))
	list, err := a.store.Ads(r.Context(), since)
	if err != nil {
		return err
	}
	return a.render(w, http.StatusOK, "ads", p, adsData{List: list, Today: today, Since: since})
}

func (a *Admin) newAdPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	kind := magazine.AdKind(r.URL.Query().Get("kind"))
	if kind != magazine.AdTag {
		kind = magazine.AdHouse
	}
	p := a.newPage(me, "New ad")
	today, err := a.today(r)
	if err != nil {
		return err
	}
	p.Form["starts"], p.Form["ends"], p.Form["weight"] = today.Format(time.DateOnly), today.AddDate(0, 1, -1).Format(time.DateOnly), "1"
	return a.renderAd(w, r, http.StatusOK, p, adData{Kind: kind, New: true})
}

func (a *Admin) adPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ad, err := a.adOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Ad "+ad.Name)
	p.Notice = adNotices[r.URL.Query().Get("done")]
	adForm(p.Form, ad)
	return a.renderAd(w, r, http.StatusOK, p, adData{Ad: ad, Kind: ad.Kind})
}

func (a *Admin) adOf(r *http.Request) (magazine.Ad, error) {
	id, err := pathID(r, "id")
	if err != nil {
		return magazine.Ad{}, err
	}
	return a.store.AdByID(r.Context(), id)
}

// renderAd shows an ad's form, with the images to choose from and, for
// a saved ad, its daily counts.
func (a *Admin) renderAd(w http.ResponseWriter, r *http.Request, status int, p page, d adData) error {
	ctx := r.Context()
	for _, s := range magazine.AdSlots() {
		d.Slots = append(d.Slots, adSlotChoice{Value: s, Label: magazine.SlotNames[s]})
	}
	var err error
	if d.Kind == magazine.AdHouse {
		if d.Images, err = a.store.CoverImages(ctx, 40); err != nil {
			return err
		}
	}
	if d.Ad.ID != 0 {
		today, err := a.today(r)
		if err != nil {
			return err
		}
		if d.Stats, err = a.store.AdStats(ctx, d.Ad.ID, today.AddDate(0, 0, -(adStatsDays-1))); err != nil {
			return err
		}
	}
	return a.render(w, status, "ad", p, d)
}

// adForm fills a form with a saved ad.
func adForm(form map[string]string, ad magazine.Ad) {
	form["name"], form["key"], form["alt"], form["link_url"], form["tag_html"] = ad.Name, ad.ImageKey, ad.Alt, ad.LinkURL, ad.TagHTML
	form["starts"], form["ends"], form["weight"] = ad.Starts.Format(time.DateOnly), ad.Ends.Format(time.DateOnly), strconv.Itoa(ad.Weight)
	for _, s := range ad.Slots {
		form["slot:"+string(s)] = "on"
	}
}

// readAd reads the ad form into p.Form and an Ad of kind; the image is
// uploaded (field "file") or chosen among those stored (field "key").
func (a *Admin) readAd(w http.ResponseWriter, r *http.Request, p *page, kind magazine.AdKind) (magazine.Ad, error) {
	for _, k := range []string{"name", "key", "alt", "link_url", "tag_html", "starts", "ends", "weight"} {
		p.Form[k] = r.PostFormValue(k)
	}
	ad := magazine.Ad{Kind: kind, Name: p.Form["name"], Alt: p.Form["alt"], LinkURL: p.Form["link_url"], TagHTML: p.Form["tag_html"]}
	for _, s := range r.PostForm["slots"] {
		if s == "" {
			continue
		}
		p.Form["slot:"+s] = "on"
		ad.Slots = append(ad.Slots, magazine.AdSlot(s))
	}
	var err error
	for _, f := range []struct {
		field string
		to    *time.Time
		what  string
	}{{"starts", &ad.Starts, "first"}, {"ends", &ad.Ends, "last"}} {
		v := strings.TrimSpace(p.Form[f.field])
		if v == "" {
			continue // Validate asks for it
		}
		if *f.to, err = time.Parse(time.DateOnly, v); err != nil {
			return ad, magazine.FieldError(f.field, "The %s day is a date such as 2026-03-01.", f.what)
		}
	}
	weight := strings.TrimSpace(p.Form["weight"])
	if ad.Weight, err = strconv.Atoi(weight); err != nil && weight != "" {
		return ad, magazine.FieldError("weight", "The weight is a whole number from 1 to %d.", magazine.MaxAdWeight)
	}
	if kind == magazine.AdHouse {
		if ad.ImageKey, err = a.coverKey(w, r); err != nil {
			return ad, renameField(err, "cover", "image")
		}
		p.Form["key"] = ad.ImageKey // an upload is kept if the rest is refused
	}
	return ad, nil
}

func (a *Admin) createAd(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	kind := magazine.AdKind(r.PostFormValue("kind"))
	if kind != magazine.AdTag {
		kind = magazine.AdHouse
	}
	p := a.newPage(me, "New ad")
	ad, err := a.readAd(w, r, &p, kind)
	if err == nil {
		err = a.store.CreateAd(r.Context(), actor(me, r), &ad)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderAd(w, r, http.StatusUnprocessableEntity, p, adData{Kind: kind, New: true})
		}
		return err
	}
	return &httpx.Redirect{URL: "/admin/ads/" + strconv.FormatInt(ad.ID, 10) + "?done=created", Status: http.StatusSeeOther}
}

func (a *Admin) updateAd(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	old, err := a.adOf(r)
	if err != nil {
		return err
	}
	p := a.newPage(me, "Ad "+old.Name)
	ad, err := a.readAd(w, r, &p, old.Kind)
	ad.ID = old.ID
	if err == nil {
		err = a.store.UpdateAd(r.Context(), actor(me, r), &ad)
	}
	if err != nil {
		if formError(&p, err) {
			return a.renderAd(w, r, http.StatusUnprocessableEntity, p, adData{Ad: old, Kind: old.Kind})
		}
		return err
	}
	return &httpx.Redirect{URL: "/admin/ads/" + strconv.FormatInt(ad.ID, 10) + "?done=saved", Status: http.StatusSeeOther}
}

func (a *Admin) deleteAd(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	id, err := pathID(r, "id")
	if err != nil {
		return err
	}
	if err := a.store.DeleteAd(r.Context(), actor(me, r), id); err != nil {
		return err
	}
	return &httpx.Redirect{URL: "/admin/ads?done=deleted", Status: http.StatusSeeOther}
}
