package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/billing"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
	"github.com/masthead-press/masthead/internal/web"
	"github.com/masthead-press/masthead/internal/webhook"
)

// readerCmd helps the circulation desk from the shell: give a reader a
// complimentary subscription, or make a sign-in link for one who cannot
// receive mail (and for the benchmark's subscriber).
func readerCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, `Usage:
  masthead reader comp --email E --plan SLUG --until YYYY-MM-DD
  masthead reader link --email E [--base-url URL]

comp gives the reader (made if new) a complimentary subscription to the
plan until the end of that day (UTC), recorded as the owner's action.
link prints a one-time sign-in link for an existing reader, valid for 15
minutes: hand it over in person, never by a channel others read.
`)
		return nil
	}
	switch args[0] {
	case "comp":
		return readerComp(ctx, args[1:], getenv, stdout)
	case "link":
		return readerLink(ctx, args[1:], getenv, stdout)
	}
	return usageError(fmt.Sprintf("unknown reader command %q (try: masthead reader comp or masthead reader link)", args[0]))
}

func readerComp(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("reader comp", "Give a reader a complimentary subscription.", stdout, getenv)
	var c common
	var email, planSlug, until string
	fs.common(&c)
	fs.StringVar(&email, "email", "", "the reader's e-mail address")
	fs.StringVar(&planSlug, "plan", "", "the plan's slug, e.g. digital")
	fs.StringVar(&until, "until", "", "the last day of the subscription, YYYY-MM-DD")
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	day, err := time.Parse("2006-01-02", until)
	if err != nil {
		return usageError(fmt.Sprintf("--until %q is not a date such as 2027-01-31", until))
	}
	email, err = store.NormalizeEmail(email)
	if err != nil {
		return usageError("--email: " + magazine.ErrorMessage(err))
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	plan, err := st.PlanBySlug(ctx, planSlug)
	if magazine.IsNotFound(err) {
		return usageError(fmt.Sprintf("there is no plan %q; the admin's Plans page lists them", planSlug))
	} else if err != nil {
		return err
	}
	// The deliveries wait in the database for the server's job queue.
	hooks := &webhook.Emitter{Store: st}
	reader, err := st.ReaderByEmail(ctx, email)
	if magazine.IsNotFound(err) {
		if reader, err = st.CreateReader(ctx, email, ""); err == nil {
			hooks.Reader(ctx, reader)
		}
	}
	if err != nil {
		return err
	}
	svc := billing.New(st, billing.NewTestMode(), nil, billing.Options{Webhooks: hooks})
	id, err := svc.Comp(ctx, reader.ID, plan.ID, day.Add(24*time.Hour), billing.Staff("masthead reader comp"))
	if err != nil {
		return usageError(magazine.ErrorMessage(err))
	}
	fmt.Fprintf(stdout, "%s has %s, complimentary, until the end of %s (subscription %d).\n", email, plan.Name, day.Format("January 2, 2006"), id)
	return nil
}

func readerLink(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	fs := newFlagSet("reader link", "Print a one-time sign-in link for a reader.", stdout, getenv)
	var c common
	var email, baseURL string
	fs.common(&c)
	fs.StringVar(&email, "email", "", "the reader's e-mail address")
	fs.str(&baseURL, "base-url", "http://127.0.0.1:8080", "the public URL of the site, to begin the link with")
	if err := fs.parse(args); err != nil {
		return ignoreHelp(err)
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	reader, err := st.ReaderByEmail(ctx, email)
	if magazine.IsNotFound(err) || (err == nil && !reader.DeletedAt.IsZero()) {
		return usageError(fmt.Sprintf("there is no reader %q", email))
	} else if err != nil {
		return err
	}
	token, hash := auth.NewToken()
	l := store.ReaderLink{TokenHash: hash, Purpose: store.LinkSignIn, Email: reader.Email, ReaderID: reader.ID, Name: reader.Name,
		ExpiresAt: time.Now().Add(web.LinkTTL)}
	if err := st.CreateReaderLink(ctx, l, store.Mail{}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "%s/sign-in/link/%s\n", strings.TrimRight(baseURL, "/"), token)
	return nil
}
