package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/masthead-press/masthead/internal/demo"
	"github.com/masthead-press/masthead/internal/jobs"
	"github.com/masthead-press/masthead/internal/store"
)

func migrateCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("migrate", "Apply pending database migrations and exit. serve does this too.", stdout, getenv)
	var c common
	fs.common(&c)
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if err := jobs.Migrate(ctx, st, log); err != nil {
		return err
	}
	applied, known, err := st.SchemaVersion(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "The %s database %s is at schema version %d of %d.\n", st.Dialect(), dbName(c), applied, known)
	return nil
}

func demoCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("demo", "Fill an empty database with a generated magazine and exit.\nWithout --articles: the demo magazine (48 issues, about 1,400 articles).", stdout, getenv)
	var c common
	var articles int
	var seed int
	var sf storageFlags
	fs.common(&c)
	if err := fs.storage(&sf); err != nil {
		return err
	}
	if err := fs.integer(&articles, "articles", 0, "generate a magazine of about this many articles (for benchmarks), e.g. 150000"); err != nil {
		return err
	}
	if err := fs.integer(&seed, "seed", 1, "random seed; the same seed gives the same magazine"); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	if _, err := c.logger(stderr); err != nil {
		return err
	}
	if articles < 0 || articles > 5_000_000 {
		return usageError("--articles must be between 1 and 5000000")
	}
	st, files, err := openAll(ctx, c, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := demo.Options{Now: time.Now()}
	if articles > 0 {
		opts = demo.Large(articles)
		opts.Now = time.Now()
	}
	opts.Seed = uint64(seed)
	return seedDemo(ctx, st, files, opts, stdout)
}
