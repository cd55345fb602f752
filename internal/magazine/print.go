package magazine

import (
	"regexp"
	"sort"
	"strings"
	"time"
)

// PrintSettings are circulation's settings for the printed magazine.
type PrintSettings struct {
	// HoldsExtend: a delivery hold adds the issues it misses to the end of
	// the subscription's print run.
	HoldsExtend bool `json:"holds_extend"`
	// OfficeCopies and ArchiveCopies are added to every issue's draw.
	OfficeCopies  int `json:"office_copies"`
	ArchiveCopies int `json:"archive_copies"`
}

// Validate checks the settings as staff set them.
func (p PrintSettings) Validate() error {
	if p.OfficeCopies < 0 || p.OfficeCopies > 100000 {
		return FieldError("office_copies", "Office copies are a whole number from 0 to 100,000.")
	}
	if p.ArchiveCopies < 0 || p.ArchiveCopies > 100000 {
		return FieldError("archive_copies", "Archive copies are a whole number from 0 to 100,000.")
	}
	return nil
}

// DateLayout is how dates are written in forms and files.
const DateLayout = "2006-01-02"

// ParseDate reads a YYYY-MM-DD date as midnight UTC.
func ParseDate(field, s string) (time.Time, error) {
	d, err := time.Parse(DateLayout, strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, FieldError(field, "Give the date as YYYY-MM-DD, such as 2026-03-03.")
	}
	return d, nil
}

// DateOf is t's calendar date in loc as midnight UTC: the form dates are
// stored in.
func DateOf(t time.Time, loc *time.Location) time.Time { return dateOf(t.In(loc)) }

// ValidateHold checks a hold from start to end (both dates included).
func ValidateHold(start, end time.Time) error {
	switch {
	case end.Before(start):
		return FieldError("hold_end", "The hold ends before it starts: give an end date on or after the start.")
	case end.After(start.AddDate(1, 0, 0)):
		// Longer than that, the subscriber should cancel or move instead.
		return FieldError("hold_end", "A hold lasts at most a year. For longer, cancel the subscription or change the address.")
	}
	return nil
}

// PrintAt is the moment an issue's mailing list is drawn up: the end of
// its cut-off day (a date, as midnight UTC) in the publication's zone
// loc, nil meaning UTC. A subscriber with access then, and an address
// change effective on or before the cut-off day, are in it. The days of
// address changes and holds are dates in the same zone (see DateOf), so
// a reader who moves "today" before local midnight is on the list.
func PrintAt(cutoff time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	c := dateOf(cutoff)
	return time.Date(c.Year(), c.Month(), c.Day()+1, 0, 0, 0, 0, loc)
}

// HadAccessAt reports whether the subscription gave its plan's
// entitlements at t, judged after the fact: one canceled or refunded
// since t still had them then. created is when it was made.
func (s Subscription) HadAccessAt(t, created time.Time) bool {
	if !created.Before(t) {
		return false
	}
	switch s.Status {
	case SubTrialing, SubActive, SubPastDue:
		return s.GrantsAccess(t)
	case SubCanceled, SubRefunded, SubExpired:
		return s.EndedAt.After(t) && (s.CurrentPeriodEnd.IsZero() || t.Before(s.CurrentPeriodEnd))
	}
	return false
}

// accessEnd is when the subscription's access ended or ends: the end of
// the period, or earlier when it was ended at once.
func (s Subscription) accessEnd() time.Time {
	end := s.CurrentPeriodEnd
	if s.Status == SubPastDue && !s.GraceUntil.IsZero() {
		end = s.GraceUntil
	}
	if (s.Status == SubCanceled || s.Status == SubRefunded || s.Status == SubExpired) && !s.EndedAt.IsZero() &&
		(end.IsZero() || s.EndedAt.Before(end)) {
		end = s.EndedAt
	}
	return end
}

// PrintRun is the print-edition calendar one mailing list is judged by:
// the planned issues around it, oldest first.
type PrintRun struct {
	Issues []PlannedIssue
	// Loc is the publication's zone, whose midnights end cut-off days.
	Loc *time.Location
}

// NewPrintRun plans the issues from two years before at to five after,
// their lists drawn up at the end of their cut-off days in loc.
func NewPrintRun(sched IssueSchedule, at time.Time, firstVolumeYear int, loc *time.Location) PrintRun {
	return PrintRun{Issues: sched.OrDefault().Between(at.AddDate(-2, 0, 0), at.AddDate(5, 0, 0), firstVolumeYear), Loc: loc}
}

// PrintAt is when the list of the issue with that cut-off day is drawn up.
func (r PrintRun) PrintAt(cutoff time.Time) time.Time { return PrintAt(cutoff, r.Loc) }

// firstAtOrAfter is the index of the first planned issue printed at or
// after t.
func (r PrintRun) firstAtOrAfter(t time.Time) int {
	return sort.Search(len(r.Issues), func(i int) bool { return !r.PrintAt(r.Issues[i].Cutoff).Before(t) })
}

// Mails reports whether a print subscription gets the issue printed at
// at: it had access then, or it had lapsed but holds extended it by more
// issues than have been printed since.
func (r PrintRun) Mails(s Subscription, created, at time.Time, extends int) bool {
	if s.HadAccessAt(at, created) {
		return true
	}
	end := s.accessEnd()
	if extends <= 0 || end.IsZero() || s.Status == SubRefunded || s.Status == SubIncomplete || !created.Before(at) || end.After(at) {
		return false
	}
	// Issues printed from the end of access up to and including this one.
	missedSince := r.firstAtOrAfter(at.Add(time.Second)) - r.firstAtOrAfter(end)
	return missedSince <= extends
}

// LastIssueDue is the label of the last issue the subscription is due,
// counting the issues holds add; "" when it runs with no end date.
func (r PrintRun) LastIssueDue(s Subscription, extends int) string {
	end := s.accessEnd()
	if end.IsZero() {
		return ""
	}
	// The last issue printed before the end of access, then extends more.
	i := r.firstAtOrAfter(end) - 1 + max(extends, 0)
	if i < 0 || i >= len(r.Issues) {
		return ""
	}
	return r.Issues[i].Label()
}

// IssuesBetween counts the planned issues whose cut-off day falls from
// start to end (both dates included): the issues a hold misses.
func (r PrintRun) IssuesBetween(start, end time.Time) int {
	n := 0
	for _, p := range r.Issues {
		if c := dateOf(p.Cutoff); !c.Before(start) && !c.After(end) {
			n++
		}
	}
	return n
}

var accountNumberPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9-]{0,31}$`)

// NormalizeAccountNumber trims and upper-cases an account number as it
// is printed on a label, and checks its form.
func NormalizeAccountNumber(s string) (string, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if !accountNumberPattern.MatchString(s) {
		return "", FieldError("account_number", "An account number is 1 to 32 letters, digits and dashes.")
	}
	return s, nil
}

// PostalKey is a postal code as compared when a reader links an account:
// letters and digits only, upper case, so "k1m 1m4" matches "K1M1M4".
func PostalKey(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}
