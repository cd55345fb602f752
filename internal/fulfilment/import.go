package fulfilment

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// ImportColumns are the columns of a fulfilment house's file, by header
// name; address_line2, email and copies may be left out or empty.
var ImportColumns = []string{"account_number", "name", "address_line1", "address_line2", "city", "region", "postal_code", "country",
	"email", "plan", "paid_through", "copies"}

var optionalColumns = map[string]bool{"address_line2": true, "email": true, "copies": true}

// MaxImportRows bounds one file.
const MaxImportRows = 500_000

// ParseImport reads and checks a print-subscriber CSV. The first bad row
// is named in the error (row 1 is the header) and nothing is returned:
// a file is imported whole or not at all.
func ParseImport(ctx context.Context, st *store.Store, r io.Reader) ([]store.PrintSubscriber, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, magazine.FieldError("file", "The file is empty. Its first row names the columns: %s.", strings.Join(ImportColumns, ", "))
	} else if err != nil {
		return nil, magazine.FieldError("file", "Row 1 is not CSV (%v). Save the file as CSV, with a header row.", plainCSVError(err))
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col[h] = i
	}
	for _, c := range ImportColumns {
		if _, ok := col[c]; !ok && !optionalColumns[c] {
			return nil, magazine.FieldError("file", "Row 1 has no %s column. The columns are: %s.", c, strings.Join(ImportColumns, ", "))
		}
	}
	plans, err := st.Plans(ctx, false)
	if err != nil {
		return nil, err
	}
	planByKey := map[string]magazine.Plan{}
	for _, p := range plans {
		planByKey[strings.ToLower(p.Slug)] = p
		planByKey[strings.ToLower(p.Name)] = p
	}
	seen := map[string]int{}
	emails := map[string]int{}
	var out []store.PrintSubscriber
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, magazine.FieldError("file", "Row %d is not CSV (%v). Nothing was imported.", row, plainCSVError(err))
		}
		if len(out) >= MaxImportRows {
			return nil, magazine.FieldError("file", "The file has more than %d rows: split it in two. Nothing was imported.", MaxImportRows)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		ps, err := parseRow(get, planByKey)
		if err != nil {
			return nil, magazine.FieldError("file", "Row %d: %s Nothing was imported.", row, magazine.ErrorMessage(err))
		}
		ps.Row = row
		if first, dup := seen[ps.AccountNumber]; dup {
			return nil, magazine.FieldError("file", "Row %d: account number %s is already on row %d. Nothing was imported.", row, ps.AccountNumber, first)
		}
		seen[ps.AccountNumber] = row
		if ps.Email != "" {
			if first, dup := emails[ps.Email]; dup {
				return nil, magazine.FieldError("file", "Row %d: e-mail %s is already on row %d; one reader, one print subscription. Nothing was imported.", row, ps.Email, first)
			}
			emails[ps.Email] = row
		}
		out = append(out, ps)
	}
	if len(out) == 0 {
		return nil, magazine.FieldError("file", "The file has a header but no subscribers.")
	}
	return out, nil
}

func parseRow(get func(string) string, plans map[string]magazine.Plan) (store.PrintSubscriber, error) {
	var ps store.PrintSubscriber
	var err error
	if ps.AccountNumber, err = magazine.NormalizeAccountNumber(get("account_number")); err != nil {
		return ps, err
	}
	ps.Address = magazine.Address{Name: get("name"), Line1: get("address_line1"), Line2: get("address_line2"), City: get("city"),
		Region: get("region"), PostalCode: get("postal_code"), Country: get("country")}
	if err := ps.Address.Normalize(); err != nil {
		return ps, err
	}
	if e := get("email"); e != "" {
		if ps.Email, err = store.NormalizeEmail(e); err != nil {
			return ps, magazine.Errorf(magazine.EINVALID, "%q is not an e-mail address; leave it empty if it is not known.", e)
		}
	}
	plan, ok := plans[strings.ToLower(get("plan"))]
	switch {
	case !ok:
		return ps, magazine.Errorf(magazine.EINVALID, "there is no plan %q; use a plan's name or slug from Circulation → Plans.", get("plan"))
	case !plan.NeedsShipping():
		return ps, magazine.Errorf(magazine.EINVALID, "plan %q has no print edition.", plan.Name)
	}
	ps.PlanID = plan.ID
	if ps.PaidThrough, err = magazine.ParseDate("paid_through", get("paid_through")); err != nil {
		return ps, magazine.Errorf(magazine.EINVALID, "paid_through %q is not a date written YYYY-MM-DD.", get("paid_through"))
	}
	ps.Copies = 1
	if c := get("copies"); c != "" {
		if ps.Copies, err = strconv.Atoi(c); err != nil || ps.Copies < 1 || ps.Copies > 1000 {
			return ps, magazine.Errorf(magazine.EINVALID, "copies %q is not a whole number from 1 to 1,000.", c)
		}
	}
	return ps, nil
}

// plainCSVError is the CSV parser's complaint without its position
// prefix, which names lines, not rows.
func plainCSVError(err error) string {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return "unreadable"
}

// Import reads, checks and imports a file; with dryRun it only says what
// it would do.
func Import(ctx context.Context, st *store.Store, actor store.Actor, r io.Reader, dryRun bool, progress func(done, total int)) (store.ImportReport, error) {
	list, err := ParseImport(ctx, st, r)
	if err != nil {
		return store.ImportReport{}, err
	}
	rep, err := st.ImportPrintSubscribers(ctx, actor, list, dryRun, progress)
	if err != nil {
		return rep, err
	}
	return rep, nil
}

// ReportText says in a sentence what an import did.
func ReportText(rep store.ImportReport, dryRun bool) string {
	verb := "Imported"
	if dryRun {
		verb = "Dry run: would import"
	}
	return fmt.Sprintf("%s %d print subscribers (%d for readers who already had an account; %d without an e-mail, who claim digital access at /account/link with the account number and postal code on their label).",
		verb, rep.Imported, rep.ExistingReader, rep.NoEmail)
}
