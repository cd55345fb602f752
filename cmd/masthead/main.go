// Command masthead runs a subscription magazine: the public site, the JSON
// API and the command-line tools, in one binary.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args, os.Getenv, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "masthead:", err)
		os.Exit(exitCode(err))
	}
}

// run is the whole program; tests call it as main does.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		usage(stdout)
		return nil
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return serveCmd(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return migrateCmd(ctx, rest, getenv, stdout, stderr)
	case "demo":
		return demoCmd(ctx, rest, getenv, stdout, stderr)
	case "user":
		return userCmd(ctx, rest, getenv, os.Stdin, stdout, stderr)
	case "reader":
		return readerCmd(ctx, rest, getenv, stdout, stderr)
	case "import":
		return importCmd(ctx, rest, getenv, stdout, stderr)
	case "search":
		return searchCmd(ctx, rest, getenv, stdout, stderr)
	case "audio":
		return audioCmd(ctx, rest, getenv, stdout, stderr)
	case "media":
		return mediaCmd(ctx, rest, getenv, stdout)
	case "doctor":
		return doctorCmd(ctx, rest, getenv, stdout)
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, "masthead", version())
		return nil
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 {
			return helpFor(ctx, rest[0], getenv, stdout, stderr)
		}
		usage(stdout)
		return nil
	}
	usage(stderr)
	return usageError(fmt.Sprintf("unknown command %q", cmd))
}

func usage(w io.Writer) {
	fmt.Fprint(w, `Masthead publishes a subscription magazine: the site, the API and the tools.

Usage:
  masthead <command> [flags]

Commands:
  serve     run the web server (add --demo to fill an empty database with a demo magazine)
  migrate   apply database migrations and exit
  demo      fill an empty database with a generated magazine (--articles N for a large one)
  user      create a member of staff: masthead user create --email E --role owner
  reader    comp a reader's subscription, or print a sign-in link for one: masthead reader help
  import    import print subscribers from a fulfilment house: masthead import print-subscribers FILE --dry-run
  search    rebuild the full-text search index: masthead search reindex
  audio     narrate the archive, or a text file: masthead audio help
  media     copy the media folder into an S3 bucket: masthead media migrate --to s3 --s3-bucket B
  doctor    list the optional tools (speech engines, ffmpeg...) and how to install them
  version   print the version
  help      show this help, or the flags of a command: masthead help serve

Every flag can also be set in the environment: --base-url is MASTHEAD_BASE_URL.
`)
}

// usageError is an error in how the command was called.
type usageError string

func (e usageError) Error() string { return string(e) }

func exitCode(err error) int {
	if _, ok := err.(usageError); ok {
		return 2
	}
	return 1
}

func helpFor(ctx context.Context, cmd string, getenv func(string) string, stdout, stderr io.Writer) error {
	switch cmd {
	case "serve", "migrate", "demo":
		return run(ctx, []string{"masthead", cmd, "-h"}, getenv, stdout, stderr)
	case "doctor":
		return run(ctx, []string{"masthead", cmd, "-h"}, getenv, stdout, stderr)
	case "user", "reader", "search", "audio", "import", "media":
		return run(ctx, []string{"masthead", cmd, "help"}, getenv, stdout, stderr)
	}
	return usageError(fmt.Sprintf("no help for unknown command %q", cmd))
}
