package magazine

import "time"

// Kinds of publishing schedule.
const (
	// ScheduleMonthDays puts an issue on fixed days of every month (the
	// default: the 1st and the 15th, 24 issues a year).
	ScheduleMonthDays = "month_days"
	// ScheduleWeeks puts an issue every N weeks on one weekday, counted
	// afresh from the first such weekday of each year.
	ScheduleWeeks = "weeks"
)

// IssueSchedule is the magazine's publishing calendar, kept in the
// publication's settings.
type IssueSchedule struct {
	Kind string `json:"kind"`
	// Days of the month, for ScheduleMonthDays (1 to 28, so that every
	// month has them), as staff write them: "1, 15". A string keeps
	// Publication comparable.
	Days string `json:"days"`
	// EveryWeeks and Weekday, for ScheduleWeeks.
	EveryWeeks int          `json:"every_weeks,omitempty"`
	Weekday    time.Weekday `json:"weekday,omitempty"`
	// FirstVolumeYear is the year of volume 1: a volume per year, the
	// issues numbered from 1 within it. 0 means not set: the calendar
	// continues the numbering of the latest issue (see VolumeYearOf).
	FirstVolumeYear int `json:"first_volume_year,omitempty"`
	// CutoffDays is how many days before its cover date an issue's print
	// mailing list is closed.
	CutoffDays int `json:"cutoff_days"`
}

// DefaultIssueSchedule is twice a month, on the 1st and the 15th.
func DefaultIssueSchedule() IssueSchedule {
	return IssueSchedule{Kind: ScheduleMonthDays, Days: "1, 15", CutoffDays: 10}
}

// OrDefault is s, or the default schedule when s is the zero one (settings
// saved before there was a calendar).
func (s IssueSchedule) OrDefault() IssueSchedule {
	if s.Kind == "" {
		return DefaultIssueSchedule()
	}
	return s
}

// Validate checks a schedule as staff set it.
func (s IssueSchedule) Validate() error {
	switch s.Kind {
	case ScheduleMonthDays:
		days, ok := ParseDays(s.Days)
		if !ok || len(days) > 28 {
			return FieldError("schedule_days", "Give the days of the month issues come out, such as 1, 15.")
		}
		for i, d := range days {
			if d < 1 || d > 28 {
				return FieldError("schedule_days", "Days of the month run from 1 to 28, so that every month has them.")
			}
			if i > 0 && d <= days[i-1] {
				return FieldError("schedule_days", "List each day once, in order, such as 1, 15.")
			}
		}
	case ScheduleWeeks:
		if s.EveryWeeks < 1 || s.EveryWeeks > 26 {
			return FieldError("schedule_weeks", "An issue every 1 to 26 weeks.")
		}
		if s.Weekday < time.Sunday || s.Weekday > time.Saturday {
			return FieldError("schedule_weekday", "Choose a day of the week.")
		}
	default:
		return FieldError("schedule_kind", "Choose days of the month or every few weeks.")
	}
	if s.FirstVolumeYear != 0 && (s.FirstVolumeYear < 1000 || s.FirstVolumeYear > 9999) {
		return FieldError("first_volume_year", "The year of volume 1 is a four-digit year such as 1987.")
	}
	if s.CutoffDays < 0 || s.CutoffDays > 90 {
		return FieldError("cutoff_days", "The print cut-off is 0 to 90 days before the cover date.")
	}
	return nil
}

// PlannedIssue is one issue the calendar foresees.
type PlannedIssue struct {
	CoverDate time.Time // midnight UTC: a date, like Issue.CoverDate
	Volume    int
	Number    int
	// Cutoff is the last day an address change reaches the print run.
	Cutoff time.Time
}

// Label is how the magazine names the issue: "Vol. 12, No. 5".
func (p PlannedIssue) Label() string { return Issue{Volume: p.Volume, Number: p.Number}.Label() }

// yearDates returns the cover dates of a year, in order.
func (s IssueSchedule) yearDates(year int) []time.Time {
	var out []time.Time
	switch s.Kind {
	case ScheduleMonthDays:
		days, _ := ParseDays(s.Days)
		for m := time.January; m <= time.December; m++ {
			for _, d := range days {
				out = append(out, time.Date(year, m, d, 0, 0, 0, 0, time.UTC))
			}
		}
	case ScheduleWeeks:
		d := time.Date(year, time.January, 1, 0, 0, 0, 0, time.UTC)
		for d.Weekday() != s.Weekday {
			d = d.AddDate(0, 0, 1)
		}
		for ; d.Year() == year; d = d.AddDate(0, 0, 7*s.EveryWeeks) {
			out = append(out, d)
		}
	}
	return out
}

// Between returns the issues the schedule puts on cover dates from from
// (inclusive) to to (exclusive), oldest first. Only the dates of from and
// to count, not their times of day. Volumes count from firstVolumeYear.
func (s IssueSchedule) Between(from, to time.Time, firstVolumeYear int) []PlannedIssue {
	if s.Validate() != nil {
		return nil
	}
	from = dateOf(from)
	to = dateOf(to)
	var out []PlannedIssue
	for y := from.Year(); y <= to.Year(); y++ {
		for i, d := range s.yearDates(y) {
			if d.Before(from) || !d.Before(to) {
				continue
			}
			out = append(out, PlannedIssue{CoverDate: d, Volume: y - firstVolumeYear + 1, Number: i + 1,
				Cutoff: d.AddDate(0, 0, -s.CutoffDays)})
		}
	}
	return out
}

// VolumeYearOf returns the year of volume 1 that the schedule's setting
// gives, or else the one that continues the latest issue's volume (a
// volume a year), or else this year's.
func (s IssueSchedule) VolumeYearOf(latest *Issue, now time.Time) int {
	switch {
	case s.FirstVolumeYear != 0:
		return s.FirstVolumeYear
	case latest != nil && latest.Volume > 0:
		return latest.CoverDate.Year() - latest.Volume + 1
	}
	return now.Year()
}

// IssueGaps is what an issue still lacks before it can go out.
type IssueGaps struct {
	NoCover       bool
	EmptyContents bool
	Drafts        int
}

// Ready reports whether nothing is missing.
func (g IssueGaps) Ready() bool { return !g.NoCover && !g.EmptyContents && g.Drafts == 0 }

// GapsOf says what an issue lacks, given its contents.
func GapsOf(i Issue, contents []Article) IssueGaps {
	g := IssueGaps{NoCover: i.CoverURL == "", EmptyContents: len(contents) == 0}
	for _, a := range contents {
		if a.Status == StatusDraft {
			g.Drafts++
		}
	}
	return g
}

// dateOf is t's calendar date (in t's own zone) as midnight UTC.
func dateOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// ParseDays reads "1, 15" into days of the month, in the order given.
func ParseDays(s string) ([]int, bool) {
	var out []int
	n, digits := 0, false
	for _, r := range s + "," {
		switch {
		case r >= '0' && r <= '9':
			n, digits = n*10+int(r-'0'), true
			if n > 1000 {
				return nil, false
			}
		case r == ',' || r == ' ':
			if digits {
				out = append(out, n)
			}
			n, digits = 0, false
		default:
			return nil, false
		}
	}
	return out, len(out) > 0
}
