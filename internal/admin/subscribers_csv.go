package admin

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/masthead-press/masthead/internal/store"
)

// csvBatch is how many subscriptions the export reads at a time.
const csvBatch = 1000

var csvHeader = []string{"subscription_id", "email", "plan", "status", "interval", "amount", "currency", "current_period_end",
	"cancel_at_period_end", "comp", "started", "ship_name", "ship_line1", "ship_line2", "ship_city", "ship_region",
	"ship_postal_code", "ship_country"}

// subscribersCSV exports the subscribers of the list's filter, every page
// of them, as a CSV file for a spreadsheet. The export holds readers'
// personal data, so it is recorded in the audit log.
func (a *Admin) subscribersCSV(w http.ResponseWriter, r *http.Request, me *store.Session) error {
	f, kept, err := subscriberFilter(r)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	cw := csv.NewWriter(&buf)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	rows := 0
	for f.Limit, f.Offset = csvBatch, 0; ; f.Offset += csvBatch {
		list, err := a.store.Subscribers(r.Context(), f)
		if err != nil {
			return err
		}
		for _, s := range list {
			if err := cw.Write(csvRecord(s)); err != nil {
				return err
			}
		}
		rows += len(list)
		if len(list) < csvBatch {
			break
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("write subscribers CSV: %w", err)
	}
	detail := fmt.Sprintf("%d rows", rows)
	if len(kept) > 0 {
		detail += "; " + kept.Encode()
	}
	if err := a.store.RecordAudit(r.Context(), actor(me, r), "subscribers.export", "subscribers.csv", detail); err != nil {
		return err
	}
	name := "subscribers-" + a.store.Now().UTC().Format(time.DateOnly) + ".csv"
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, err = w.Write(buf.Bytes())
	return err
}

func csvRecord(s store.Subscriber) []string {
	a := s.Shipping
	amount := ""
	if !s.Comp {
		amount = formatAmount(s.Amount)
	}
	rec := []string{strconv.FormatInt(s.ID, 10), s.Email, s.PlanName, string(s.Status), s.Interval, amount, s.Currency,
		csvTime(s.CurrentPeriodEnd), strconv.FormatBool(s.CancelAtPeriodEnd), strconv.FormatBool(s.Comp), csvTime(s.CreatedAt),
		a.Name, a.Line1, a.Line2, a.City, a.Region, a.PostalCode, a.Country}
	for i, cell := range rec {
		rec[i] = csvSafe(cell)
	}
	return rec
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// csvSafe keeps a spreadsheet from running a cell as a formula: a cell
// that starts with = + - @ (or a tab or carriage return, which some
// spreadsheets skip before looking) gets a leading single quote, as
// OWASP's advice on CSV injection says. Readers choose their own names
// and addresses, so any cell may be hostile.
func csvSafe(cell string) string {
	if cell == "" {
		return cell
	}
	switch cell[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + cell
	}
	return cell
}
