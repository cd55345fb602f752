package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"time"

	"github.com/masthead-press/masthead/internal/doctor"
)

// doctorCmd lists the optional tools, whether each works, and how to
// install the missing ones. It exits 0 whatever it finds: every tool is
// optional.
func doctorCmd(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("doctor", "List the optional tools Masthead can use, whether each works, and how to install it; with --s3-bucket, whether the bucket answers.", stdout, getenv)
	var sf storageFlags
	if err := fs.storage(&sf); err != nil {
		return err
	}
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	install := func(t doctor.Tool) string {
		if runtime.GOOS == "darwin" {
			return t.MacOS
		}
		return t.Debian
	}
	missing := 0
	for _, r := range doctor.Run(ctx, doctor.Tools(), 20*time.Second) {
		switch {
		case r.Works:
			fmt.Fprintf(stdout, "ok       %-10s %s\n         %s\n", r.Name, r.Purpose, r.Version)
		case r.Found:
			missing++
			fmt.Fprintf(stdout, "BROKEN   %-10s %s\n         %s\n         reinstall: %s\n", r.Name, r.Purpose, r.Problem, install(r.Tool))
		default:
			missing++
			fmt.Fprintf(stdout, "missing  %-10s %s\n         Debian/Ubuntu: %s\n         macOS: %s\n", r.Name, r.Purpose, r.Debian, r.MacOS)
		}
	}
	if sf.s3On() {
		fmt.Fprintln(stdout, checkBucket(ctx, sf))
	}
	if missing == 0 {
		fmt.Fprintln(stdout, "Every optional tool works.")
	} else {
		fmt.Fprintf(stdout, "%d optional tools missing or broken: what needs them is turned off, everything else works.\n", missing)
	}
	return nil
}

// checkBucket says whether the media bucket answers with the credentials
// of the environment, in doctor's layout.
func checkBucket(ctx context.Context, sf storageFlags) string {
	b, err := sf.bucket()
	if err == nil {
		if err = b.Check(ctx); err == nil {
			return fmt.Sprintf("ok       %-10s media storage\n         %s is reachable", "S3", b)
		}
	}
	return fmt.Sprintf("BROKEN   %-10s media storage\n         %v", "S3", err)
}
