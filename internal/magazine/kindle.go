package magazine

import "strings"

// kindleDomains are Amazon's Send to Kindle domains: mail to any other
// address would send a subscriber's edition somewhere else.
var kindleDomains = []string{"kindle.com", "free.kindle.com", "kindle.cn"}

// ValidKindle checks a Send to Kindle address.
func ValidKindle(email string) error {
	email = NormalizeEmail(email)
	at := strings.LastIndexByte(email, '@')
	if at < 1 || len(email) > 254 || strings.ContainsAny(email, " \r\n\t<>,;") || strings.Count(email, "@") != 1 {
		return FieldError("kindle_email", "Enter your Kindle's address, such as name@kindle.com.")
	}
	domain := email[at+1:]
	for _, d := range kindleDomains {
		if domain == d {
			return nil
		}
	}
	return FieldError("kindle_email", "Only Amazon Kindle addresses (ending in @kindle.com) can receive issues. Find yours in your Kindle's settings, under Send to Kindle.")
}
