package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/masthead-press/masthead/internal/importer"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/media"
	"github.com/masthead-press/masthead/internal/store"
)

// importWordPress is "masthead import wordpress FILE".
func importWordPress(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import wordpress FILE", "Import a WordPress site from its export (a WXR file).", stdout, getenv)
	var c common
	var sf storageFlags
	var uploads string
	var dryRun, fetch, moreAsPaywall bool
	var compPlan int
	fs.common(&c)
	if err := fs.storage(&sf); err != nil {
		return err
	}
	fs.str(&uploads, "uploads", "", "the site's wp-content/uploads folder, copied from its server: the posts' images are taken from there")
	fs.boolean(&fetch, "fetch-images", "download images not in --uploads from their public addresses")
	fs.boolean(&moreAsPaywall, "paywall-at-more", "put the paywall where a post has WordPress's <!--more--> (otherwise it is dropped)")
	if err := fs.integer(&compPlan, "comp-plan", 0, "the plan id paid and comped members are comped on (0: the first plan with subscriber content and no print edition)"); err != nil {
		return err
	}
	fs.boolean(&dryRun, "dry-run", "check the file and report, importing nothing")
	file, err := parseWithFile(fs, args, "masthead import wordpress FILE")
	if err != nil {
		return ignoreHelp(err)
	}
	if _, err := c.logger(stderr); err != nil {
		return err
	}
	if uploads != "" {
		if info, err := os.Stat(uploads); err != nil || !info.IsDir() {
			return usageError(fmt.Sprintf("--uploads %s: not a folder (give the copy of wp-content/uploads)", uploads))
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return fmt.Errorf("cannot read %s: %w (give the path of the WordPress export)", file, err)
	}
	defer f.Close()
	fmt.Fprintf(stdout, "Reading %s\n", file)
	e, err := importer.ParseWordPress(f, importer.WordPressOptions{MoreAsPaywall: moreAsPaywall})
	if err != nil {
		return importError(file, err)
	}
	st, files, err := openAll(ctx, c, sf, true)
	if err != nil {
		return err
	}
	defer st.Close()
	opts := importer.Options{DryRun: dryRun, CompPlan: int64(compPlan), Actor: store.CommandLine(),
		Images:   &importer.Images{Store: st, Ingester: media.NewIngester(files, media.Limits{}), Uploads: uploads, Fetch: fetch},
		Progress: func(done, total int) { fmt.Fprint(stdout, "\r"+progressBar(done, total, 40)) }}
	rep, err := importer.Run(ctx, st, e, opts)
	fmt.Fprintln(stdout)
	if err != nil {
		return importError(file, err)
	}
	fmt.Fprint(stdout, rep.Text())
	return nil
}

// importError is a plain one-line answer for a file that cannot be
// imported (exit 2), or the error as it is when it is ours.
func importError(file string, err error) error {
	if magazine.ErrorCode(err) != magazine.EINTERNAL {
		return usageError(file + ": " + magazine.ErrorMessage(err))
	}
	return err
}
