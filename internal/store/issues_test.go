package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/storetest"
)

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

func issueLabels(list []magazine.Issue) []string {
	out := []string{}
	for _, i := range list {
		out = append(out, i.Label())
	}
	return out
}

func TestIssues(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		if _, err := s.CurrentIssue(ctx); !magazine.IsNotFound(err) {
			t.Errorf("CurrentIssue with no issues: error %v, want not found", err)
		}

		// Created out of cover-date order, so that creation order and id
		// cannot stand in for it.
		jan := mustIssue(t, s, magazine.IssueInput{Volume: 2, Number: 1, CoverDate: date(2026, 1, 15), Title: " Winter ", CoverURL: "/media/c/w.jpg", Published: true})
		mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 11, CoverDate: date(2025, 11, 15), Published: true})
		mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 12, CoverDate: date(2025, 12, 15), Published: true})
		prep := mustIssue(t, s, magazine.IssueInput{Volume: 2, Number: 2, CoverDate: date(2026, 2, 15)}) // in preparation
		mustIssue(t, s, magazine.IssueInput{Volume: 1, Number: 1, CoverDate: date(2024, 12, 31), Published: true})

		want := magazine.Issue{ID: jan.ID, Volume: 2, Number: 1, CoverDate: date(2026, 1, 15), Title: "Winter", CoverURL: "/media/c/w.jpg", Published: true}
		if d := diff(want, jan); d != "" {
			t.Errorf("CreateIssue:%s", d)
		}

		current, err := s.CurrentIssue(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if current.Label() != "Vol. 2, No. 1" {
			t.Errorf("CurrentIssue = %s, want the published issue with the latest cover date, Vol. 2, No. 1", current.Label())
		}

		got, err := s.IssueByNumber(ctx, 2, 1)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff(want, got); d != "" {
			t.Errorf("IssueByNumber:%s", d)
		}
		if _, err := s.IssueByNumber(ctx, 2, 2); !magazine.IsNotFound(err) {
			t.Errorf("IssueByNumber of an unpublished issue: error %v, want not found", err)
		}
		if _, err := s.IssueByNumber(ctx, 9, 9); !magazine.IsNotFound(err) {
			t.Errorf("IssueByNumber of a missing issue: error %v, want not found", err)
		}

		_, err = s.CreateIssue(ctx, magazine.IssueInput{Volume: 2, Number: 1, CoverDate: date(2026, 3, 1)})
		checkError(t, err, magazine.EINVALID, "number")
		for _, in := range []struct {
			in    magazine.IssueInput
			field string
		}{
			{magazine.IssueInput{Volume: 0, Number: 1, CoverDate: t0}, "volume"},
			{magazine.IssueInput{Volume: 1, Number: 0, CoverDate: t0}, "number"},
			{magazine.IssueInput{Volume: 1, Number: 5}, "cover_date"},
		} {
			_, err := s.CreateIssue(ctx, in.in)
			checkError(t, err, magazine.EINVALID, in.field)
		}

		lists := []struct {
			name     string
			filter   store.IssueFilter
			want     []string
			wantMore bool
		}{
			{"all published, newest first", store.IssueFilter{}, []string{"Vol. 2, No. 1", "Vol. 1, No. 12", "Vol. 1, No. 11", "Vol. 1, No. 1"}, false},
			{"first page", store.IssueFilter{Limit: 2}, []string{"Vol. 2, No. 1", "Vol. 1, No. 12"}, true},
			{"last page", store.IssueFilter{Limit: 2, Offset: 2}, []string{"Vol. 1, No. 11", "Vol. 1, No. 1"}, false},
			{"year", store.IssueFilter{Year: 2025}, []string{"Vol. 1, No. 12", "Vol. 1, No. 11"}, false},
			{"year, paged", store.IssueFilter{Year: 2025, Limit: 1}, []string{"Vol. 1, No. 12"}, true},
			{"year bounds", store.IssueFilter{Year: 2024}, []string{"Vol. 1, No. 1"}, false},
			{"year without issues", store.IssueFilter{Year: 2023}, []string{}, false},
		}
		for _, tt := range lists {
			t.Run(tt.name, func(t *testing.T) {
				list, more, err := s.Issues(ctx, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if d := diff(tt.want, issueLabels(list)); d != "" || more != tt.wantMore {
					t.Errorf("Issues(%+v) more=%v (want %v):%s", tt.filter, more, tt.wantMore, d)
				}
			})
		}

		// Pages that show an article's issue only link published ones.
		if got, err := s.IssueByID(ctx, prep.ID); err != nil || got.Label() != "Vol. 2, No. 2" || got.Published {
			t.Fatalf("IssueByID of an unpublished issue = %+v, %v; the newsroom must see it", got, err)
		}
		byID, err := s.IssuesByID(ctx, []int64{jan.ID, prep.ID, 987654})
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := byID[jan.ID]; !ok || len(byID) != 1 {
			t.Errorf("IssuesByID = %v, want only the published Vol. 2, No. 1", byID)
		}

		years, err := s.IssueYears(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if d := diff([]int{2026, 2025, 2024}, years); d != "" {
			t.Errorf("IssueYears:%s", d)
		}
	})
}
