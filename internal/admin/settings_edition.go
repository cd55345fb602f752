package admin

import (
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
)

// editionSettingKeys are the settings form's fields for the issue
// calendar and the archive window.
var editionSettingKeys = []string{"schedule_kind", "schedule_days", "schedule_weeks", "schedule_weekday",
	"first_volume_year", "cutoff_days", "archive_window_months"}

// editionSettingsForm fills the form's calendar and archive fields.
func editionSettingsForm(form map[string]string, pub magazine.Publication) {
	s := pub.IssueSchedule.OrDefault()
	form["schedule_kind"], form["schedule_days"] = s.Kind, s.Days
	form["schedule_weeks"], form["schedule_weekday"] = strconv.Itoa(max(s.EveryWeeks, 2)), strconv.Itoa(int(s.Weekday))
	form["first_volume_year"], form["cutoff_days"] = "", strconv.Itoa(s.CutoffDays)
	if s.FirstVolumeYear != 0 {
		form["first_volume_year"] = strconv.Itoa(s.FirstVolumeYear)
	}
	form["archive_window_months"] = strconv.Itoa(pub.ArchiveWindowMonths)
}

// readEditionSettings puts the calendar and archive fields into pub. A
// form without them (an older page, a script) leaves them as they are.
func readEditionSettings(form map[string]string, pub *magazine.Publication) error {
	if form["schedule_kind"] == "" && form["archive_window_months"] == "" {
		return nil
	}
	s := magazine.IssueSchedule{Kind: form["schedule_kind"]}
	var ok bool
	switch s.Kind {
	case magazine.ScheduleMonthDays:
		days, ok := magazine.ParseDays(form["schedule_days"])
		if !ok {
			return magazine.FieldError("schedule_days", "Give the days of the month as numbers, such as 1, 15.")
		}
		list := make([]string, len(days))
		for i, d := range days {
			list[i] = strconv.Itoa(d)
		}
		s.Days = strings.Join(list, ", ")
	case magazine.ScheduleWeeks:
		if s.EveryWeeks, ok = atoi(form["schedule_weeks"]); !ok {
			return magazine.FieldError("schedule_weeks", "Every how many weeks: a whole number such as 2.")
		}
		wd, ok := atoi(form["schedule_weekday"])
		if !ok {
			return magazine.FieldError("schedule_weekday", "Choose a day of the week.")
		}
		s.Weekday = time.Weekday(wd)
	}
	if y := form["first_volume_year"]; y != "" {
		if s.FirstVolumeYear, ok = atoi(y); !ok {
			return magazine.FieldError("first_volume_year", "The year of volume 1 is a four-digit year such as 1987, or empty.")
		}
	}
	if s.CutoffDays, ok = atoi(form["cutoff_days"]); !ok {
		return magazine.FieldError("cutoff_days", "The print cut-off is a whole number of days before the cover date.")
	}
	if pub.ArchiveWindowMonths, ok = atoi(form["archive_window_months"]); !ok {
		return magazine.FieldError("archive_window_months", "The archive window is a whole number of months: 0 for none.")
	}
	pub.IssueSchedule = s
	return nil
}
