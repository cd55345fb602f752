package magazine

import (
	"net/url"
	"strings"
)

// MaxImageURL bounds the address of an image typed into a form.
const MaxImageURL = 2000

// CheckImageURL checks the address of an image the site shows (an
// author's photo, an article's featured image): a file uploaded to this
// site (/media/...) or an https:// address. Anything else, such as
// javascript:, data: or a scheme-relative //host, is refused, since the
// address ends up in src attributes, og:image and JSON-LD. what names the
// image in the message ("The photo"); field is the form field.
func CheckImageURL(field, what, raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	local := err == nil && u.Scheme == "" && u.Host == "" && strings.HasPrefix(u.Path, "/media/") && !strings.HasPrefix(raw, "//")
	remote := err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
	if len(raw) > MaxImageURL || (!local && !remote) {
		return FieldError(field, "%s must be a web address starting with https:// or a file uploaded to this site (/media/…).", what)
	}
	return nil
}
