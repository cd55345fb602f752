package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/masthead-press/masthead/internal/media"
)

// mediaCmd is "masthead media migrate --to s3": copy the media folder
// into a bucket, so that a server can be started with --s3-bucket.
func mediaCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	if len(args) == 0 || args[0] != "migrate" {
		fmt.Fprint(stdout, `Usage:
  masthead media migrate --to s3 --s3-bucket BUCKET [--s3-endpoint URL] [flags]

migrate copies every file of the data folder's media folder into the
bucket, under the same keys, with a progress bar. It can be stopped at any
time and run again: files already in the bucket at the same size are
skipped. The folder is left as it is. Then start serve with the same
--s3-* flags.
`)
		if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
			return nil
		}
		return usageError(fmt.Sprintf("unknown media command %q (try: masthead media help)", args[0]))
	}
	fs := newFlagSet("media migrate", "Copy the media folder into an S3 bucket, resumably.", stdout, getenv)
	var c common
	var sf storageFlags
	var to string
	fs.common(&c)
	if err := fs.storage(&sf); err != nil {
		return err
	}
	fs.StringVar(&to, "to", "", "where to copy the media: s3 (the only one)")
	if err := fs.parse(args[1:]); err != nil {
		return ignoreHelp(err)
	}
	if to != "s3" {
		return usageError("give --to s3 (and the bucket: --s3-bucket, --s3-endpoint)")
	}
	if !sf.s3On() {
		return usageError("give the bucket to copy into: --s3-bucket (and --s3-endpoint for a server other than AWS)")
	}
	bucket, err := sf.bucket()
	if err != nil {
		return err
	}
	if err := bucket.Check(ctx); err != nil {
		return err
	}
	disk := &media.Disk{Dir: filepath.Join(c.data, "media")}
	if _, err := os.Stat(disk.Dir); err != nil {
		return fmt.Errorf("no media folder at %s (%w): check --data", disk.Dir, err)
	}
	fmt.Fprintf(stdout, "Copying %s to S3 %s...\n", disk.Dir, bucket)
	start, last := time.Now(), time.Time{}
	p, err := media.Copy(ctx, disk, bucket, func(p media.CopyProgress) {
		if now := time.Now(); now.Sub(last) >= 100*time.Millisecond || p.Done == p.Files {
			last = now
			fmt.Fprintf(stdout, "\r%s  %s", progressBar(p.Done, p.Files, 40), mib(p.DoneBytes))
		}
	})
	if p.Done > 0 {
		fmt.Fprintln(stdout)
	}
	if err != nil {
		return fmt.Errorf("the copy stopped after %d of %d files (%d copied, %d already there): %w. Run the same command again: it goes on where it stopped", p.Done, p.Files, p.Copied, p.Skipped, err)
	}
	fmt.Fprintf(stdout, "Done in %.1fs: %d files (%s), %d copied, %d already in the bucket. Start serve with the same --s3-* flags to use it.\n",
		time.Since(start).Seconds(), p.Files, mib(p.Bytes), p.Copied, p.Skipped)
	return nil
}

func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
