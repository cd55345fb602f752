package admin

import "github.com/masthead-press/masthead/internal/magazine"

// offerSettingKeys are the settings form's fields for the offer readers
// without a subscription see at the end of every article.
var offerSettingKeys = []string{"offer_pitch", "ad_free_live"}

// offerSettingsForm fills the form's offer fields.
func offerSettingsForm(form map[string]string, pub magazine.Publication) {
	form["offer_pitch"] = pub.OfferPitch
	if pub.AdFreeLive {
		form["ad_free_live"] = "on"
	}
}

// readOfferSettings puts the offer fields into pub; Publication.Validate
// bounds the pitch.
func readOfferSettings(form map[string]string, pub *magazine.Publication) {
	pub.OfferPitch, pub.AdFreeLive = form["offer_pitch"], form["ad_free_live"] != ""
}
