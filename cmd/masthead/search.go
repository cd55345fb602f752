package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/store"
)

// searchCmd is "masthead search reindex": rebuild the search index from
// the articles, e.g. after restoring a database made before search
// existed. Searching works meanwhile.
func searchCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "reindex" {
		fmt.Fprintln(stdout, "Usage: masthead search reindex [flags]\n\nRebuild the full-text search index from the articles, with a progress bar.")
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return usageError(fmt.Sprintf("unknown search command %q", args[0]))
	}
	fs := newFlagSet("search reindex", "Rebuild the full-text search index from the articles.", stdout, getenv)
	var c common
	fs.common(&c)
	if err := fs.parse(args[1:]); err != nil {
		return ignoreHelp(err)
	}
	if _, err := c.logger(stderr); err != nil {
		return err
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	start := time.Now()
	err = st.ReindexSearch(ctx, func(done, total int) { fmt.Fprint(stdout, "\r"+progressBar(done, total, 40)) })
	fmt.Fprintln(stdout)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Search index rebuilt in %.1fs.\n", time.Since(start).Seconds())
	return nil
}

// progressBar draws "[#####-----]  50%  500/1000" in width cells.
func progressBar(done, total, width int) string {
	if total <= 0 {
		total = max(done, 1)
	}
	filled := min(width, done*width/total)
	return fmt.Sprintf("[%s%s] %3d%%  %d/%d", strings.Repeat("#", filled), strings.Repeat("-", width-filled), done*100/total, done, total)
}
