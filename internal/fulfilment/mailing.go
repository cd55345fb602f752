// Package fulfilment is the printed magazine's side of circulation: each
// issue's mailing list for the printer or mailing house (CSV, summary,
// labels) and the import of print subscribers from a fulfilment house.
package fulfilment

import (
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// Header is the mailing list CSV's first line.
var Header = []string{"account_number", "name", "address_line1", "address_line2", "city", "region", "postal_code", "country",
	"copies", "plan", "last_issue_due"}

// Cutoff is an issue's print cut-off day: its cover date less the
// schedule's cut-off days.
func Cutoff(issue magazine.Issue, pub magazine.Publication) time.Time {
	d := issue.CoverDate.UTC()
	return time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -pub.IssueSchedule.OrDefault().CutoffDays)
}

// Run is the print calendar for lists drawn up at at, in the
// publication's zone.
func Run(pub magazine.Publication, at time.Time, latest *magazine.Issue) magazine.PrintRun {
	sched := pub.IssueSchedule.OrDefault()
	return magazine.NewPrintRun(sched, at, sched.VolumeYearOf(latest, at), pub.Location())
}

// Write writes the mailing list of the issue with that cut-off to w, as
// it stands now, and returns its summary. Rows are streamed from the
// database through a buffered CSV writer: memory stays flat however long
// the list.
func Write(ctx context.Context, st *store.Store, cutoff time.Time, run magazine.PrintRun, settings magazine.PrintSettings, w io.Writer) (store.MailingSummary, error) {
	at := run.PrintAt(cutoff)
	bw := bufio.NewWriterSize(w, 64<<10)
	cw := csv.NewWriter(bw)
	sum := summer{byCountry: map[string]map[string]int{}}
	if err := cw.Write(Header); err != nil {
		return store.MailingSummary{}, err
	}
	rec := make([]string, len(Header))
	err := st.EachMailingCandidate(ctx, cutoff, at, func(c store.MailingCandidate) error {
		if !run.Mails(c.Sub, c.CreatedAt, at, c.Extends) {
			return nil
		}
		a := c.Address
		copies := max(c.Copies, 1)
		rec[0], rec[1], rec[2], rec[3] = store.PrintAccountNumber(c.Sub.ID, c.AccountNumber), a.Name, a.Line1, a.Line2
		rec[4], rec[5], rec[6], rec[7] = a.City, a.Region, a.PostalCode, a.Country
		rec[8], rec[9], rec[10] = strconv.Itoa(copies), c.Plan, run.LastIssueDue(c.Sub, c.Extends)
		sum.add(a.Country, a.Region, copies)
		return cw.Write(rec)
	})
	if err != nil {
		return store.MailingSummary{}, err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return store.MailingSummary{}, fmt.Errorf("write the mailing list: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return store.MailingSummary{}, fmt.Errorf("write the mailing list: %w", err)
	}
	return sum.summary(settings), nil
}

// summer adds up copies by country and region.
type summer struct {
	subscribers, copies int
	byCountry           map[string]map[string]int
}

func (s *summer) add(country, region string, copies int) {
	s.subscribers++
	s.copies += copies
	if s.byCountry[country] == nil {
		s.byCountry[country] = map[string]int{}
	}
	s.byCountry[country][region] += copies
}

func (s *summer) summary(settings magazine.PrintSettings) store.MailingSummary {
	out := store.MailingSummary{Subscribers: s.subscribers, Copies: s.copies, Office: settings.OfficeCopies, Archive: settings.ArchiveCopies,
		Countries: []store.CountryCopies{}}
	out.Draw = out.Copies + out.Office + out.Archive
	for country, regions := range s.byCountry {
		cc := store.CountryCopies{Country: country, Regions: []store.RegionCopies{}}
		for region, n := range regions {
			cc.Copies += n
			cc.Regions = append(cc.Regions, store.RegionCopies{Region: region, Copies: n})
		}
		sort.Slice(cc.Regions, func(i, j int) bool { return cc.Regions[i].Region < cc.Regions[j].Region })
		out.Countries = append(out.Countries, cc)
	}
	sort.Slice(out.Countries, func(i, j int) bool { return out.Countries[i].Country < out.Countries[j].Country })
	return out
}

// Lists gives circulation an issue's mailing list: provisional (made
// afresh, never kept) before the cut-off has passed, frozen from the
// first time it is asked for after.
type Lists struct {
	Store *store.Store
}

// Info says where an issue's list stands.
type Info struct {
	Issue  magazine.Issue
	Cutoff time.Time // the cut-off day, a date
	// PrintAt is the end of the cut-off day in the publication's zone:
	// the list is provisional before, kept from the first time it is
	// produced after.
	PrintAt time.Time
	// Frozen is the kept list, once made; nil before.
	Frozen *store.MailingList
}

// Provisional reports whether the list can still change.
func (i Info) Provisional(now time.Time) bool { return i.Frozen == nil && now.Before(i.PrintAt) }

// Info returns where the issue's list stands.
func (l Lists) Info(ctx context.Context, issueID int64) (Info, error) {
	issue, err := l.Store.IssueByID(ctx, issueID)
	if err != nil {
		return Info{}, err
	}
	pub, err := l.Store.Publication(ctx)
	if err != nil {
		return Info{}, err
	}
	info := Info{Issue: issue, Cutoff: Cutoff(issue, pub)}
	info.PrintAt = magazine.PrintAt(info.Cutoff, pub.Location())
	ml, err := l.Store.MailingListOf(ctx, issueID)
	if err == nil {
		info.Frozen = &ml
		info.Cutoff = ml.Cutoff
		info.PrintAt = magazine.PrintAt(ml.Cutoff, pub.Location())
	} else if !magazine.IsNotFound(err) {
		return Info{}, err
	}
	return info, nil
}

// Freeze makes the issue's list and keeps it, if its cut-off has passed
// and it was not kept yet.
func (l Lists) Freeze(ctx context.Context, actor store.Actor, info Info) (Info, error) {
	if info.Frozen != nil || l.Store.Now().Before(info.PrintAt) {
		return info, nil
	}
	_, settings, run, err := l.setup(ctx, info)
	if err != nil {
		return info, err
	}
	ml, _, err := l.Store.FreezeMailingList(ctx, actor, store.MailingList{IssueID: info.Issue.ID, Label: info.Issue.Label(), Cutoff: info.Cutoff},
		func(w io.Writer) (store.MailingSummary, error) {
			return Write(ctx, l.Store, info.Cutoff, run, settings, w)
		})
	if err != nil {
		return info, err
	}
	info.Frozen = &ml
	return info, nil
}

func (l Lists) setup(ctx context.Context, info Info) (magazine.Publication, magazine.PrintSettings, magazine.PrintRun, error) {
	pub, err := l.Store.Publication(ctx)
	if err != nil {
		return pub, magazine.PrintSettings{}, magazine.PrintRun{}, err
	}
	settings, err := l.Store.PrintSettings(ctx)
	if err != nil {
		return pub, settings, magazine.PrintRun{}, err
	}
	return pub, settings, Run(pub, info.PrintAt, &info.Issue), nil
}

// WriteCSV writes the list's CSV to w: the kept bytes once frozen, else
// the provisional list as it stands. Call Freeze first.
func (l Lists) WriteCSV(ctx context.Context, info Info, w io.Writer) (store.MailingSummary, error) {
	if info.Frozen != nil {
		return info.Frozen.Summary, l.Store.CopyMailingList(ctx, info.Issue.ID, w)
	}
	_, settings, run, err := l.setup(ctx, info)
	if err != nil {
		return store.MailingSummary{}, err
	}
	return Write(ctx, l.Store, info.Cutoff, run, settings, w)
}
