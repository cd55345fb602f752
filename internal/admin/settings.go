package admin

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

func (a *Admin) settingsPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	pub, err := a.store.Publication(r.Context())
	if err != nil {
		return err
	}
	p := a.newPage(me, "Settings")
	if r.URL.Query().Get("done") == "saved" {
		p.Notice = "The settings were saved. The site uses them from the next page it shows."
	}
	p.Form = map[string]string{
		"name": pub.Name, "tagline": pub.Tagline, "locale": pub.Locale, "time_zone": pub.TimeZone,
		"preview_paragraphs": strconv.Itoa(pub.PreviewParagraphs), "meter_articles": strconv.Itoa(pub.MeterArticles),
		"support_email": pub.SupportEmail,
		"audio_engine":  pub.AudioEngine, "audio_voice": pub.AudioVoice, "audio_http_url": pub.AudioHTTPURL, "audio_http_model": pub.AudioHTTPModel,
	}
	if pub.AudioCaptions {
		p.Form["audio_captions"] = "on"
	}
	if pub.RequireAdminTOTP {
		p.Form["require_admin_totp"] = "on"
	}
	editionSettingsForm(p.Form, pub)
	offerSettingsForm(p.Form, pub)
	adSettingsForm(p.Form, pub)
	return a.render(w, http.StatusOK, "settings", p, nil)
}

func (a *Admin) saveSettings(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	pub, err := a.store.Publication(ctx) // fields not on the form (the logo) stay
	if err != nil {
		return err
	}
	p := a.newPage(me, "Settings")
	for _, k := range append([]string{"name", "tagline", "locale", "time_zone", "preview_paragraphs", "meter_articles", "require_admin_totp", "support_email",
		"audio_engine", "audio_voice", "audio_http_url", "audio_http_model", "audio_captions"}, slices.Concat(editionSettingKeys, offerSettingKeys, adSettingKeys)...) {
		p.Form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	wasRequired := pub.RequireAdminTOTP
	err = readSettings(p.Form, &pub)
	pub.AudioEngine, pub.AudioVoice, pub.AudioHTTPURL, pub.AudioHTTPModel = p.Form["audio_engine"], p.Form["audio_voice"], p.Form["audio_http_url"], p.Form["audio_http_model"]
	pub.AudioCaptions = p.Form["audio_captions"] != ""
	if key := strings.TrimSpace(r.PostFormValue("audio_http_key")); key != "" {
		pub.AudioHTTPKey = key // never shown back; empty keeps the saved one
	}
	if err == nil && pub.RequireAdminTOTP && !wasRequired && !me.Staff.TOTPEnabled {
		// Requiring it without having it would lock this admin out of
		// the page at once.
		err = magazine.FieldError("require_admin_totp", "Turn on two-step sign-in for your own account first (on Your account), then require it of every admin.")
	}
	if err == nil {
		err = a.store.SavePublication(ctx, actor(me, r), pub)
	}
	if err != nil {
		if formError(&p, err) {
			return a.render(w, http.StatusUnprocessableEntity, "settings", p, nil)
		}
		return err
	}
	return &httpx.Redirect{URL: "/admin/settings?done=saved", Status: http.StatusSeeOther}
}

// readSettings puts the form's values into pub, checking what
// Publication.Validate does not: numbers that are not numbers, the locale
// and the support address.
func readSettings(form map[string]string, pub *magazine.Publication) error {
	pub.Name, pub.Tagline, pub.TimeZone = form["name"], form["tagline"], form["time_zone"]
	pub.RequireAdminTOTP = form["require_admin_totp"] != ""
	if len(pub.Tagline) > 300 {
		return magazine.FieldError("tagline", "The tagline is limited to 300 characters.")
	}
	tag, err := language.Parse(form["locale"])
	if err != nil || form["locale"] == "" {
		return magazine.FieldError("locale", "%q is not a language tag such as en-GB or fr-FR.", form["locale"])
	}
	pub.Locale = tag.String()
	var ok bool
	if pub.PreviewParagraphs, ok = atoi(form["preview_paragraphs"]); !ok {
		return magazine.FieldError("preview_paragraphs", "Preview length is a whole number of paragraphs, from 1 to 20.")
	}
	if pub.MeterArticles, ok = atoi(form["meter_articles"]); !ok {
		return magazine.FieldError("meter_articles", "Free articles a month is a whole number: 0 turns the meter off.")
	}
	if err := readEditionSettings(form, pub); err != nil {
		return err
	}
	readOfferSettings(form, pub)
	if err := readAdSettings(form, pub); err != nil {
		return err
	}
	pub.SupportEmail = magazine.NormalizeEmail(form["support_email"])
	if pub.SupportEmail != "" {
		if err := magazine.ValidateEmail(pub.SupportEmail); err != nil {
			return renameField(err, "email", "support_email")
		}
	}
	return nil
}

func atoi(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil
}
