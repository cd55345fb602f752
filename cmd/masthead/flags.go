package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"
)

// common holds the flags every command that opens the database shares.
type common struct {
	data      string
	database  string
	logLevel  string
	logFormat string
}

// flagSet returns a FlagSet whose defaults come from MASTHEAD_* variables:
// --base-url is MASTHEAD_BASE_URL.
type flagSet struct {
	*flag.FlagSet
	getenv func(string) string
}

func newFlagSet(name, summary string, stdout io.Writer, getenv func(string) string) *flagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "Usage: masthead %s [flags]\n\n%s\n\nFlags (each also read from the environment variable shown):\n", name, summary)
		fs.VisitAll(func(f *flag.Flag) {
			def := ""
			if f.DefValue != "" && f.DefValue != "false" {
				def = fmt.Sprintf(" (default %q)", f.DefValue)
			}
			fmt.Fprintf(stdout, "  --%s  [%s]\n      %s%s\n", f.Name, envName(f.Name), f.Usage, def)
		})
	}
	return &flagSet{FlagSet: fs, getenv: getenv}
}

func envName(flagName string) string {
	return "MASTHEAD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
}

func (fs *flagSet) str(p *string, name, def, usage string) {
	if v := fs.getenv(envName(name)); v != "" {
		def = v
	}
	fs.StringVar(p, name, def, usage)
}

// secret is a string flag whose environment value is never shown as the
// default in --help, which would print it.
func (fs *flagSet) secret(p *string, name, usage string) {
	fs.Func(name, usage, func(v string) error { *p = v; return nil })
	*p = fs.getenv(envName(name))
}

func (fs *flagSet) boolean(p *bool, name string, usage string) {
	def := false
	switch strings.ToLower(fs.getenv(envName(name))) {
	case "1", "true", "yes", "on":
		def = true
	}
	fs.BoolVar(p, name, def, usage)
}

func (fs *flagSet) integer(p *int, name string, def int, usage string) error {
	if v := fs.getenv(envName(name)); v != "" {
		if _, err := fmt.Sscan(v, &def); err != nil {
			return usageError(fmt.Sprintf("%s=%q is not a number", envName(name), v))
		}
	}
	fs.IntVar(p, name, def, usage)
	return nil
}

func (fs *flagSet) duration(p *time.Duration, name string, def time.Duration, usage string) error {
	if v := fs.getenv(envName(name)); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil {
			return usageError(fmt.Sprintf("%s=%q is not a duration such as 500ms or 2s", envName(name), v))
		}
		def = d
	}
	fs.DurationVar(p, name, def, usage)
	return nil
}

func (fs *flagSet) common(c *common) {
	fs.str(&c.data, "data", "./data", "folder for the SQLite database and uploaded media")
	fs.str(&c.database, "database", "", "a postgres:// URL, or an SQLite file (default: masthead.db in the data folder)")
	fs.str(&c.logLevel, "log-level", "info", "debug, info, warn or error")
	fs.str(&c.logFormat, "log-format", "text", "text or json")
}

// parse parses args; -h prints the help and returns errHelp.
func (fs *flagSet) parse(args []string) error {
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		return errHelp
	} else if err != nil {
		return usageError(err.Error())
	}
	if fs.NArg() > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q (flags start with --)", fs.Arg(0)))
	}
	return nil
}

var errHelp = errors.New("help shown")

func (c common) databaseDSN() string {
	if c.database != "" {
		return c.database
	}
	return filepath.Join(c.data, "masthead.db")
}

func (c common) logger(w io.Writer) (*slog.Logger, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(c.logLevel)); err != nil {
		return nil, usageError(fmt.Sprintf("--log-level %q: use debug, info, warn or error", c.logLevel))
	}
	opts := &slog.HandlerOptions{Level: level}
	switch c.logFormat {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, usageError(fmt.Sprintf("--log-format %q: use text or json", c.logFormat))
}

func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += " " + s.Value[:12]
		}
	}
	return v
}
