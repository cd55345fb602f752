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
	fs := newFlagSet("doctor", "List the optional tools Masthead can use, whether each works, and how to install it.", stdout, getenv)
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
	if missing == 0 {
		fmt.Fprintln(stdout, "Every optional tool works.")
	} else {
		fmt.Fprintf(stdout, "%d optional tools missing or broken: what needs them is turned off, everything else works.\n", missing)
	}
	return nil
}
