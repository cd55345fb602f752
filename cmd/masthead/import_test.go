package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/store"
)

// masthead import print-subscribers: a dry run reports and keeps
// nothing, a bad row is named and nothing is kept, a good file is
// imported with a progress bar.
func TestImportPrintSubscribers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data, vars := dataWithPlans(t)
	good := "account_number,name,address_line1,address_line2,city,region,postal_code,country,email,plan,paid_through\n" +
		"FH-1,Ida Imported,5 Pine St,,Springfield,IL,62701,US,,print-digital,2027-12-31\n" +
		"FH-2,Jo Imported,6 Pine St,,Ottawa,ON,K1M 1M4,CA,jo@example.com,Print + Digital,2027-12-31\n"
	write := func(name, body string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var out, errs strings.Builder
	call := func(args ...string) error {
		out.Reset()
		return run(ctx, append([]string{"masthead", "import"}, args...), env(vars), &out, &errs)
	}
	count := func() int {
		st, err := store.Open(ctx, store.Options{Database: data + "/masthead.db"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		list, err := st.Subscribers(ctx, store.SubscriberFilter{})
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	file := write("good.csv", good)
	if err := call("print-subscribers", file, "--dry-run"); err != nil || !strings.Contains(out.String(), "Dry run: would import 2 print subscribers") {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	if n := count(); n != 0 {
		t.Fatalf("a dry run kept %d subscriptions", n)
	}
	bad := write("bad.csv", good+"FH-3,Kim,7 Pine St,,Springfield,IL,62701,US,,gold,2027-12-31\n")
	err := call("print-subscribers", bad)
	if exitCode(err) != 2 || !strings.Contains(err.Error(), `Row 4: there is no plan "gold"`) {
		t.Errorf("a bad row: %v", err)
	}
	if n := count(); n != 0 {
		t.Fatalf("a file with a bad row kept %d subscriptions", n)
	}
	if err := call("--dry-run=false", "print-subscribers", file); exitCode(err) != 2 {
		t.Errorf("flags before the command: %v", err)
	}
	if err := call("print-subscribers", "--log-level", "warn", file); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "100%  2/2") || !strings.Contains(out.String(), "Imported 2 print subscribers") {
		t.Errorf("import says %q", out.String())
	}
	if n := count(); n != 2 {
		t.Errorf("%d subscriptions after the import, want 2", n)
	}
	for _, args := range [][]string{{"print-subscribers"}, {"readers", file}, {"print-subscribers", filepath.Join(data, "missing.csv")}} {
		if err := call(args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// dataWithPlans is a data folder whose database has the demo's plans,
// and the environment that points the command at it.
func dataWithPlans(t *testing.T) (string, map[string]string) {
	t.Helper()
	data := t.TempDir()
	st, err := store.Open(context.Background(), store.Options{Database: data + "/masthead.db", Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.SeedPlans(context.Background(), st); err != nil {
		t.Fatal(err)
	}
	return data, map[string]string{"MASTHEAD_DATA": data}
}

// masthead import wordpress: a dry run writes nothing, the export is
// imported with its images from the uploads folder and a progress bar, a
// second run changes nothing, and a broken file or a missing folder is a
// plain one-line answer that keeps nothing.
func TestImportWordPress(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	data, vars := dataWithPlans(t)
	export, uploads := "../../internal/importer/testdata/wordpress.xml", "../../internal/importer/testdata/wordpress-uploads"
	var out, errs strings.Builder
	call := func(args ...string) error {
		out.Reset()
		return run(ctx, append([]string{"masthead", "import", "wordpress"}, args...), env(vars), &out, &errs)
	}
	articles := func() int {
		st, err := store.Open(ctx, store.Options{Database: data + "/masthead.db"})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		var n int
		if err := st.DB().QueryRowContext(ctx, "SELECT count(*) FROM articles").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := articles()
	if err := call(export, "--uploads", uploads, "--dry-run"); err != nil || !strings.Contains(out.String(), "Would import") ||
		!strings.Contains(out.String(), "articles  3 new") {
		t.Fatalf("dry run: %v\n%s", err, out.String())
	}
	if n := articles(); n != before {
		t.Fatalf("a dry run wrote %d articles", n-before)
	}
	broken := filepath.Join(t.TempDir(), "broken.xml")
	if err := os.WriteFile(broken, []byte(`<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut off`), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := call(broken); exitCode(err) != 2 || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "broken.xml: ") {
		t.Errorf("a broken export: %v", err)
	}
	if err := call(export, "--uploads", filepath.Join(data, "no-such-folder")); exitCode(err) != 2 || !strings.Contains(err.Error(), "not a folder") {
		t.Errorf("a missing uploads folder: %v", err)
	}
	if n := articles(); n != before {
		t.Fatalf("failed imports wrote %d articles", n-before)
	}
	if err := call(export, "--uploads", uploads, "--paywall-at-more", "--log-level", "warn"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "100%") || !strings.Contains(out.String(), "articles  3 new, 0 updated") ||
		!strings.Contains(out.String(), "0 left at their old address") {
		t.Errorf("import says %q", out.String())
	}
	if n := articles(); n != before+3 {
		t.Errorf("%d articles imported, want 3", n-before)
	}
	if err := call(export, "--uploads", uploads, "--paywall-at-more"); err != nil || !strings.Contains(out.String(), "articles  0 new, 0 updated, 3 unchanged") {
		t.Errorf("a second run: %v\n%s", err, out.String())
	}
}
