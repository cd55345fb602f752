package audio

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

// NormalizeText is the text an engine is given: numbers, dates, currencies and
// abbreviations written out as a person reads them aloud, and typography an
// engine stumbles on made plain. The engines would read "$4.5m" as "dollar
// four point five m"; every engine gets the same words, so switching
// engines does not change what is said.
func NormalizeText(s string) string {
	s = typography.Replace(s)
	s = footnote.ReplaceAllString(s, "")
	s = isoDate.ReplaceAllStringFunc(s, func(m string) string {
		t, err := time.Parse("2006-01-02", m)
		if err != nil {
			return m
		}
		return t.Format("January") + " " + OrdinalWords(int64(t.Day())) + ", " + YearWords(t.Year())
	})
	s = monthDay.ReplaceAllStringFunc(s, func(m string) string {
		sub := monthDay.FindStringSubmatch(m)
		d, _ := strconv.Atoi(sub[2])
		return sub[1] + " " + OrdinalWords(int64(d))
	})
	s = money.ReplaceAllStringFunc(s, func(m string) string {
		sub := money.FindStringSubmatch(m)
		unit := currencies[sub[1]]
		amount, scale := sub[2], strings.ToLower(sub[3])
		if w, ok := scaleWords[scale]; ok {
			return decimalWords(amount) + " " + w + " " + unit.plural
		}
		whole, cents, _ := strings.Cut(strings.ReplaceAll(amount, ",", ""), ".")
		n, _ := strconv.ParseInt(whole, 10, 64)
		name := unit.plural
		if n == 1 {
			name = unit.one
		}
		out := NumberWords(n) + " " + name
		if c, _ := strconv.Atoi((cents + "00")[:2]); cents != "" && c > 0 {
			out += " " + NumberWords(int64(c))
			if unit.cents != "" {
				out += " " + unit.cents
			}
		}
		return out
	})
	s = percent.ReplaceAllStringFunc(s, func(m string) string {
		return decimalWords(strings.TrimSpace(strings.TrimSuffix(m, "%"))) + " percent"
	})
	s = ordinal.ReplaceAllStringFunc(s, func(m string) string {
		n, _ := strconv.ParseInt(ordinal.FindStringSubmatch(m)[1], 10, 64)
		return OrdinalWords(n)
	})
	s = clock.ReplaceAllStringFunc(s, func(m string) string {
		sub := clock.FindStringSubmatch(m)
		h, _ := strconv.Atoi(sub[1])
		min, _ := strconv.Atoi(sub[2])
		out := NumberWords(int64(h))
		switch {
		case min == 0:
			out += " o'clock"
		case min < 10:
			out += " oh " + ones[min]
		default:
			out += " " + NumberWords(int64(min))
		}
		if sub[3] != "" {
			out += " " + strings.Join(strings.Split(strings.ToLower(strings.ReplaceAll(sub[3], ".", "")), ""), " ")
		}
		return out
	})
	s = year.ReplaceAllStringFunc(s, func(m string) string {
		sub := year.FindStringSubmatch(m)
		y, _ := strconv.Atoi(sub[2])
		out := YearWords(y)
		if sub[3] != "" {
			out += "s"
			out = strings.Replace(out, "ys", "ies", 1)
		}
		return sub[1] + out
	})
	s = numberSign.ReplaceAllString(s, "number $1")
	s = number.ReplaceAllStringFunc(s, decimalWords)
	s = abbreviations.Replace(s)
	return strings.Join(strings.Fields(s), " ")
}

var (
	typography = strings.NewReplacer("’", "'", "‘", "'", "“", `"`, "”", `"`, "—", ", ", "–", " to ", "…", "...",
		"\u00a0", " ", "&", " and ", "½", " and a half", "°C", " degrees Celsius", "°F", " degrees Fahrenheit")
	footnote = regexp.MustCompile(`\[\^?[0-9a-z]{1,4}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+`)
	isoDate  = regexp.MustCompile(`\b\d{4}-\d{2}-\d{2}\b`)
	monthDay = regexp.MustCompile(`\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan\.|Feb\.|Mar\.|Apr\.|Aug\.|Sept?\.|Oct\.|Nov\.|Dec\.) (\d{1,2})\b`)
	money    = regexp.MustCompile(`([$£€])\s?(\d[\d,]*(?:\.\d+)?)(?:\s?(million|billion|trillion|bn|m|k)\b)?`)
	percent  = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?\s?%`)
	ordinal  = regexp.MustCompile(`\b(\d+)(?:st|nd|rd|th)\b`)
	clock    = regexp.MustCompile(`\b([01]?\d|2[0-3]):([0-5]\d)(?:\s?([ap]\.?m\.?))?`)
	// A four-digit number from 1100 to 2099 standing alone (not 1,200 or
	// 1200.5) is read as a year; "the 1990s" as "the nineteen nineties".
	year       = regexp.MustCompile(`(^|[^\d,.])(1[1-9]\d\d|20\d\d)('?s)?\b`)
	number     = regexp.MustCompile(`\d[\d,]*(?:\.\d+)?`)
	numberSign = regexp.MustCompile(`\bNo\.\s?(\d)`)

	scaleWords = map[string]string{"million": "million", "m": "million", "billion": "billion", "bn": "billion", "trillion": "trillion", "k": "thousand"}
	currencies = map[string]struct{ one, plural, cents string }{
		"$": {"dollar", "dollars", "cents"}, "£": {"pound", "pounds", "pence"}, "€": {"euro", "euros", "cents"},
	}
	abbreviations = strings.NewReplacer("Mr.", "Mister", "Mrs.", "Missus", "Ms.", "Mizz", "Dr.", "Doctor", "Prof.", "Professor",
		"St.", "Saint", "Mt.", "Mount", "Jr.", "Junior", "Sr.", "Senior", "vs.", "versus", "e.g.", "for example", "i.e.", "that is",
		"etc.", "et cetera", "approx.", "approximately", " km ", " kilometres ", " kg ", " kilograms ",
		"Jan.", "January", "Feb.", "February", "Mar.", "March", "Apr.", "April", "Aug.", "August", "Sept.", "September",
		"Sep.", "September", "Oct.", "October", "Nov.", "November", "Dec.", "December")
)
