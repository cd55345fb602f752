package admin

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/httpx"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// comingIssue is one line of the calendar: an issue the schedule
// foresees, and the issue made for it if there is one.
type comingIssue struct {
	magazine.PlannedIssue
	Issue *store.IssueRow
	Gaps  magazine.IssueGaps
}

type calendarData struct {
	Coming   []comingIssue
	Schedule string // the schedule in words
	From, To time.Time
}

// calendarPage shows the issues of the year ahead as the schedule has
// them: cover date, volume and number, print cut-off, and what each
// still lacks.
func (a *Admin) calendarPage(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	pub, err := a.store.Publication(ctx)
	if err != nil {
		return err
	}
	list, err := a.store.AllIssues(ctx)
	if err != nil {
		return err
	}
	now := a.now().In(pub.Location())
	var latest *magazine.Issue
	if len(list) > 0 {
		latest = &list[0].Issue
	}
	sched := pub.IssueSchedule.OrDefault()
	d := calendarData{From: now, To: now.AddDate(1, 0, 0), Schedule: scheduleWords(sched)}
	byDate := map[string]*store.IssueRow{}
	for i := range list {
		byDate[list[i].CoverDate.Format("2006-01-02")] = &list[i]
	}
	for _, p := range sched.Between(d.From, d.To, sched.VolumeYearOf(latest, now)) {
		c := comingIssue{PlannedIssue: p, Issue: byDate[p.CoverDate.Format("2006-01-02")]}
		if c.Issue != nil {
			contents, err := a.store.IssueContents(ctx, c.Issue.ID)
			if err != nil {
				return err
			}
			c.Gaps = magazine.GapsOf(c.Issue.Issue, contents)
		}
		d.Coming = append(d.Coming, c)
	}
	return a.render(w, http.StatusOK, "calendar", a.newPage(me, "Issue calendar"), d)
}

// scheduleWords says the schedule as the calendar page heads it.
func scheduleWords(s magazine.IssueSchedule) string {
	switch s.Kind {
	case magazine.ScheduleWeeks:
		if s.EveryWeeks == 1 {
			return "every " + s.Weekday.String()
		}
		return fmt.Sprintf("every %d weeks on %s", s.EveryWeeks, s.Weekday)
	}
	list, _ := magazine.ParseDays(s.Days)
	days := make([]string, len(list))
	for i, d := range list {
		days[i] = ordinal(d)
	}
	return "on the " + strings.Join(days, " and the ") + " of each month"
}

func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return strconv.Itoa(n) + suffix
}

// scheduleIssue sets or clears the time an issue goes live. The time is
// read in the publication's time zone, as the form shows it.
func (a *Admin) scheduleIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	ctx := r.Context()
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	pub, err := a.store.Publication(ctx)
	if err != nil {
		return err
	}
	var at time.Time
	raw := strings.TrimSpace(r.PostFormValue("publish_at"))
	if r.PostFormValue("clear") == "" {
		at, err = time.ParseInLocation("2006-01-02T15:04", raw, pub.Location())
		if err != nil {
			p := a.newPage(me, issue.Label())
			p.Form["publish_at"] = raw
			return a.issueError(w, r, me, issue, p, magazine.FieldError("publish_at", "Enter the date and time the issue goes out, such as 2026-03-15 06:00."))
		}
	}
	if err := a.store.ScheduleIssue(ctx, actor(me, r), issue.ID, at); err != nil {
		p := a.newPage(me, issue.Label())
		p.Form["publish_at"] = raw
		return a.issueError(w, r, me, issue, p, err)
	}
	if !at.IsZero() && a.schedule != nil {
		if err := a.schedule(ctx, at); err != nil {
			a.log.WarnContext(ctx, "cannot queue the scheduled issue's run; the periodic run will publish it", "err", err)
		}
	}
	if at.IsZero() {
		return done(issue.ID, "unscheduled")
	}
	return done(issue.ID, "scheduled")
}

func (a *Admin) unpublishIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	issue, err := a.issueOf(r)
	if err != nil {
		return err
	}
	if err := a.store.UnpublishIssue(r.Context(), actor(me, r), issue.ID); err != nil {
		return err
	}
	return done(issue.ID, "unpublished")
}

// createPlannedIssue makes the issue the calendar foresees, with its
// volume, number and cover date filled in; staff change them on the
// issue's page if the magazine numbers a special differently.
func (a *Admin) createPlannedIssue(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	d, err := time.Parse("2006-01-02", r.PostFormValue("cover_date"))
	if err != nil {
		return magazine.Errorf(magazine.EINVALID, "The cover date could not be read. Reload the calendar and try again.")
	}
	vol, err1 := strconv.Atoi(r.PostFormValue("volume"))
	num, err2 := strconv.Atoi(r.PostFormValue("number"))
	if err1 != nil || err2 != nil {
		return magazine.Errorf(magazine.EINVALID, "The volume and number could not be read. Reload the calendar and try again.")
	}
	issue, err := a.store.CreateIssue(r.Context(), magazine.IssueInput{Volume: vol, Number: num, CoverDate: d})
	if err != nil {
		return err
	}
	if err := a.audit(r, me, "issue.create", issue.Label(), "from the calendar"); err != nil {
		return err
	}
	return &httpx.Redirect{URL: issueURL(issue.ID) + "?done=created", Status: http.StatusSeeOther}
}
