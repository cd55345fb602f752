package magazine

import (
	"testing"
	"time"
)

func TestTwiceMonthlyYear(t *testing.T) {
	s := DefaultIssueSchedule()
	// The year ahead from a clock in mid-morning on New Year's Day.
	now := time.Date(2026, 1, 1, 9, 30, 0, 0, time.UTC)
	got := s.Between(now, now.AddDate(1, 0, 0), 1987)
	if len(got) != 24 {
		t.Fatalf("a year of the twice-monthly schedule has %d issues, want 24", len(got))
	}
	for i, p := range got {
		month := time.Month(i/2 + 1)
		day := 1
		if i%2 == 1 {
			day = 15
		}
		want := time.Date(2026, month, day, 0, 0, 0, 0, time.UTC)
		if !p.CoverDate.Equal(want) || p.Volume != 40 || p.Number != i+1 {
			t.Errorf("issue %d: %s %s, want Vol. 40, No. %d on %s", i, p.Label(), p.CoverDate.Format("2006-01-02"), i+1, want.Format("2006-01-02"))
		}
		if cut := p.CoverDate.Sub(p.Cutoff); cut != 10*24*time.Hour {
			t.Errorf("issue %d: cut-off %s before the cover date, want 10 days", i, cut)
		}
	}
}

func TestYearAheadCrossesVolumes(t *testing.T) {
	s := DefaultIssueSchedule()
	now := time.Date(2026, 6, 20, 0, 0, 0, 0, time.UTC)
	got := s.Between(now, now.AddDate(1, 0, 0), 2026)
	if len(got) != 24 {
		t.Fatalf("%d issues in the year ahead, want 24", len(got))
	}
	if first := got[0]; first.Label() != "Vol. 1, No. 13" || first.CoverDate.Format("2006-01-02") != "2026-07-01" {
		t.Errorf("first coming issue %s on %s, want Vol. 1, No. 13 on 2026-07-01", first.Label(), first.CoverDate.Format("2006-01-02"))
	}
	if next := got[12]; next.Label() != "Vol. 2, No. 1" || next.CoverDate.Format("2006-01-02") != "2027-01-01" {
		t.Errorf("the new year's first issue is %s on %s, want Vol. 2, No. 1 on 2027-01-01", next.Label(), next.CoverDate.Format("2006-01-02"))
	}
}

func TestEveryFewWeeks(t *testing.T) {
	s := IssueSchedule{Kind: ScheduleWeeks, EveryWeeks: 2, Weekday: time.Thursday, CutoffDays: 7}
	got := s.Between(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), 2026)
	// 2026 starts on a Thursday: Jan 1, 15, 29, ... Dec 31 is the 27th.
	if len(got) != 27 || got[0].CoverDate.Day() != 1 || got[1].CoverDate.Day() != 15 || got[26].CoverDate.Format("01-02") != "12-31" {
		t.Fatalf("fortnightly Thursdays of 2026: %d issues, first %v", len(got), got[:2])
	}
	for _, p := range got {
		if p.CoverDate.Weekday() != time.Thursday {
			t.Errorf("%s falls on a %s", p.CoverDate.Format("2006-01-02"), p.CoverDate.Weekday())
		}
	}
}

func TestScheduleValidate(t *testing.T) {
	bad := []IssueSchedule{
		{Kind: ScheduleMonthDays, Days: "1, 31"},
		{Kind: ScheduleMonthDays, Days: "15, 1"},
		{Kind: ScheduleMonthDays},
		{Kind: ScheduleWeeks, EveryWeeks: 0},
		{Kind: "yearly"},
		{Kind: ScheduleMonthDays, Days: "1", CutoffDays: -1},
	}
	for _, s := range bad {
		if err := s.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%+v: Validate = %v, want EINVALID", s, err)
		}
	}
	if err := DefaultIssueSchedule().Validate(); err != nil {
		t.Errorf("the default schedule is refused: %v", err)
	}
}

func TestVolumeYearOf(t *testing.T) {
	s := DefaultIssueSchedule()
	latest := &Issue{Volume: 40, Number: 3, CoverDate: time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)}
	if y := s.VolumeYearOf(latest, time.Now()); y != 1987 {
		t.Errorf("continuing Vol. 40 of 2026 gives volume 1 in %d, want 1987", y)
	}
	s.FirstVolumeYear = 2000
	if y := s.VolumeYearOf(latest, time.Now()); y != 2000 {
		t.Errorf("the setting gives %d, want 2000", y)
	}
}
