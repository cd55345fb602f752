package audio

import (
	"strconv"
	"strings"
)

var (
	ones = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
		"eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"}
	tens   = []string{"", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"}
	scales = []struct {
		n    int64
		name string
	}{{1_000_000_000_000, "trillion"}, {1_000_000_000, "billion"}, {1_000_000, "million"}, {1000, "thousand"}}
	ordinalWords = map[string]string{"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
		"nine": "ninth", "twelve": "twelfth"}
)

// NumberWords spells n out as a person says it: 12500 is "twelve thousand
// five hundred".
func NumberWords(n int64) string {
	if n < 0 {
		return "minus " + NumberWords(-n)
	}
	if n < 20 {
		return ones[n]
	}
	if n < 100 {
		if n%10 == 0 {
			return tens[n/10]
		}
		return tens[n/10] + "-" + ones[n%10]
	}
	if n < 1000 {
		s := ones[n/100] + " hundred"
		if n%100 != 0 {
			s += " and " + NumberWords(n%100)
		}
		return s
	}
	for _, sc := range scales {
		if n >= sc.n {
			s := NumberWords(n/sc.n) + " " + sc.name
			if rest := n % sc.n; rest != 0 {
				if rest < 100 {
					s += " and"
				}
				s += " " + NumberWords(rest)
			}
			return s
		}
	}
	return strconv.FormatInt(n, 10)
}

// YearWords says a year as years are said: 1984 is "nineteen eighty-four",
// 2007 "two thousand and seven", 2026 "twenty twenty-six".
func YearWords(y int) string {
	switch {
	case y >= 2000 && y < 2010:
		return NumberWords(int64(y))
	case y%100 == 0 && y%1000 != 0:
		return NumberWords(int64(y/100)) + " hundred"
	case y >= 1100 && y < 2100:
		lo := y % 100
		if lo < 10 {
			return NumberWords(int64(y/100)) + " oh " + ones[lo]
		}
		return NumberWords(int64(y/100)) + " " + NumberWords(int64(lo))
	}
	return NumberWords(int64(y))
}

// OrdinalWords says the n-th: 21 is "twenty-first".
func OrdinalWords(n int64) string {
	w := NumberWords(n)
	i := strings.LastIndexAny(w, " -")
	last := w[i+1:]
	switch {
	case ordinalWords[last] != "":
		last = ordinalWords[last]
	case strings.HasSuffix(last, "y"):
		last = strings.TrimSuffix(last, "y") + "ieth"
	default:
		last += "th"
	}
	return w[:i+1] + last
}

// decimalWords says a number written with digits, commas and a decimal
// point: "4.25" is "four point two five".
func decimalWords(s string) string {
	s = strings.ReplaceAll(s, ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	n, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || len(whole) > 15 {
		return digitsWords(s)
	}
	out := NumberWords(n)
	if frac != "" {
		out += " point " + digitsWords(frac)
	}
	return out
}

// digitsWords says each digit.
func digitsWords(s string) string {
	var parts []string
	for _, r := range s {
		if r >= '0' && r <= '9' {
			parts = append(parts, ones[r-'0'])
		}
	}
	return strings.Join(parts, " ")
}
