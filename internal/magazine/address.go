package magazine

import (
	"regexp"
	"strings"
)

// Address is where the printed magazine goes.
type Address struct {
	Name       string
	Line1      string
	Line2      string
	City       string
	Region     string // state, province or county
	PostalCode string
	Country    string // ISO 3166-1 alpha-2, upper case: "US", "CA", "GB"
}

var (
	countryPattern = regexp.MustCompile(`^[A-Z]{2}$`)
	postalFormats  = map[string]struct {
		pattern *regexp.Regexp
		example string
		region  bool // the region is required
	}{
		"US": {regexp.MustCompile(`^\d{5}(-\d{4})?$`), "12345 or 12345-6789", true},
		"CA": {regexp.MustCompile(`^[ABCEGHJ-NPRSTVXY]\d[ABCEGHJ-NPRSTV-Z] \d[ABCEGHJ-NPRSTV-Z]\d$`), "K1A 0B1", true},
		"GB": {regexp.MustCompile(`^(GIR 0AA|[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2})$`), "SW1A 1AA", false},
	}
	otherPostal = regexp.MustCompile(`^[A-Z0-9][A-Z0-9 -]{1,10}[A-Z0-9]$`)
)

// Normalize trims and upper-cases the address and checks it for its
// country: at least the postal-code formats of the US, Canada and the
// United Kingdom. "UK" is accepted for GB.
func (a *Address) Normalize() error {
	for _, f := range []*string{&a.Name, &a.Line1, &a.Line2, &a.City, &a.Region} {
		*f = strings.Join(strings.Fields(*f), " ")
		if len(*f) > 200 || strings.ContainsAny(*f, "\r\n\x00") {
			return FieldError("address", "Address lines are limited to 200 characters.")
		}
	}
	a.Country = strings.ToUpper(strings.TrimSpace(a.Country))
	if a.Country == "UK" {
		a.Country = "GB"
	}
	a.PostalCode = strings.ToUpper(strings.Join(strings.Fields(a.PostalCode), " "))
	switch {
	case a.Name == "":
		return FieldError("name", "Whom should we address the magazine to?")
	case a.Line1 == "":
		return FieldError("line1", "Enter the street address.")
	case a.City == "":
		return FieldError("city", "Enter the town or city.")
	case !countryPattern.MatchString(a.Country):
		return FieldError("country", "Choose a country.")
	}
	if f, ok := postalFormats[a.Country]; ok {
		if a.Country == "CA" && len(a.PostalCode) == 6 {
			a.PostalCode = a.PostalCode[:3] + " " + a.PostalCode[3:]
		}
		if a.Country == "GB" && !strings.Contains(a.PostalCode, " ") && len(a.PostalCode) >= 5 {
			a.PostalCode = a.PostalCode[:len(a.PostalCode)-3] + " " + a.PostalCode[len(a.PostalCode)-3:]
		}
		if !f.pattern.MatchString(a.PostalCode) {
			return FieldError("postal_code", "That is not a postal code for this country; it looks like %s.", f.example)
		}
		if f.region && a.Region == "" {
			return FieldError("region", "Enter the state or province.")
		}
		return nil
	}
	if a.PostalCode != "" && !otherPostal.MatchString(a.PostalCode) {
		return FieldError("postal_code", "That postal code has characters postal codes do not use.")
	}
	return nil
}
