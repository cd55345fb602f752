package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/masthead-press/masthead/internal/fulfilment"
	"github.com/masthead-press/masthead/internal/store"
)

const importUsage = `Usage:
  masthead import print-subscribers FILE [--dry-run] [flags]
  masthead import wordpress FILE [--uploads DIR] [--fetch-images] [--dry-run] [flags]

print-subscribers reads a fulfilment house's CSV of print subscribers
(columns: %s; address_line2, email and copies may be empty) and makes each
a reader with a print subscription to the end of its paid-through day. A
bad row is named and nothing is imported. --dry-run checks the whole file
and says what it would do. Subscribers without an e-mail claim their
online access at /account/link with their label's account number and
postal code.

wordpress reads a WordPress export (Tools > Export > All content: a WXR
file) and makes its categories sections, its writers authors, and its
published posts articles, with their dates, tags, figures, page breaks and
slugs (an old address redirects to the new one). Images come from the
site's wp-content/uploads folder given with --uploads, or are fetched from
their public address with --fetch-images; any left are listed. The file is
checked whole first: a bad item is named and nothing is imported. Running it
again updates what the first run made. --dry-run says what it would do.
`

// importCmd is "masthead import print-subscribers FILE".
func importCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintf(stdout, importUsage, strings.Join(fulfilment.ImportColumns, ", "))
		return nil
	}
	switch args[0] {
	case "print-subscribers":
	case "wordpress":
		return importWordPress(ctx, args[1:], getenv, stdout, stderr)
	default:
		return usageError(fmt.Sprintf("unknown import %q (try: masthead import print-subscribers FILE, or masthead import wordpress FILE)", args[0]))
	}
	fs := newFlagSet("import print-subscribers FILE", "Import print subscribers from a fulfilment house's CSV.", stdout, getenv)
	var c common
	var dryRun bool
	fs.common(&c)
	fs.boolean(&dryRun, "dry-run", "check the file and report, importing nothing")
	file, err := parseWithFile(fs, args[1:], "masthead import print-subscribers FILE")
	if err != nil {
		return ignoreHelp(err)
	}
	if _, err := c.logger(stderr); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w (give the path of the CSV file)", file, err)
	}
	defer f.Close()
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	rep, err := fulfilment.Import(ctx, st, store.CommandLine(), f, dryRun, func(done, total int) {
		fmt.Fprint(stdout, "\r"+progressBar(done, total, 40))
	})
	if rep.Imported > 0 || err != nil {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		return importError(file, err)
	}
	fmt.Fprintln(stdout, fulfilment.ReportText(rep, dryRun))
	return nil
}

// parseWithFile parses flags before and after the one argument that is
// not a flag, the file, and returns it.
func parseWithFile(fs *flagSet, args []string, usage string) (string, error) {
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return "", errHelp
	} else if err != nil {
		return "", usageError(err.Error())
	}
	if fs.NArg() == 0 {
		return "", usageError("give the file to import: " + usage)
	}
	file := fs.Arg(0)
	if err := fs.parse(fs.Args()[1:]); err != nil {
		return "", err
	}
	return file, nil
}
