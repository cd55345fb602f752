package admin

import (
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
)

// adSettingKeys are the settings form's fields for ad slots: where the
// inline slot comes and which origins ad tags may load from.
var adSettingKeys = []string{"ad_paragraph", "ad_origins"}

// adSettingsForm fills the form's ad fields.
func adSettingsForm(form map[string]string, pub magazine.Publication) {
	form["ad_paragraph"] = strconv.Itoa(pub.InlineAdParagraph())
	form["ad_origins"] = strings.ReplaceAll(pub.AdOrigins, " ", "\n")
}

// readAdSettings puts the ad fields into pub.
func readAdSettings(form map[string]string, pub *magazine.Publication) error {
	n, ok := 0, true // empty: the default
	if form["ad_paragraph"] != "" {
		n, ok = atoi(form["ad_paragraph"])
	}
	if !ok || n < 0 || n > 50 {
		return magazine.FieldError("ad_paragraph", "The inline ad comes after a paragraph: a whole number from 1 to 50.")
	}
	pub.AdParagraph = n
	origins, err := magazine.CheckAdOrigins(form["ad_origins"])
	if err != nil {
		return err
	}
	pub.AdOrigins = strings.Join(origins, " ")
	return nil
}
