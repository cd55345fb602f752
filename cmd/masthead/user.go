package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/masthead-press/masthead/internal/auth"
	"github.com/masthead-press/masthead/internal/magazine"
	"github.com/masthead-press/masthead/internal/store"
)

// userCmd manages staff accounts: `masthead user create` makes the first
// owner of a new magazine, before anyone can sign in to the admin.
func userCmd(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprint(stdout, `Usage: masthead user create --email E --role ROLE [--name N] [--generate-password]

Creates a member of staff who signs in at /admin. The password is read from
standard input (asked for, without echo, on a terminal), or generated and
printed once with --generate-password. A magazine has one owner: a second
is refused. Roles: contributor, author, editor, admin, owner.

Run "masthead user create -h" for every flag.
`)
		return nil
	}
	if args[0] != "create" {
		return usageError(fmt.Sprintf("unknown user command %q (try: masthead user create --email E --role owner)", args[0]))
	}
	fs := newFlagSet("user create", "Create a member of staff (the first owner, for a new magazine).", stdout, getenv)
	var c common
	var email, name, role string
	var generate bool
	fs.common(&c)
	fs.StringVar(&email, "email", "", "their e-mail address, which they sign in with")
	fs.StringVar(&name, "name", "", "their name, as the admin shows it")
	fs.StringVar(&role, "role", "", "contributor, author, editor, admin or owner")
	fs.BoolVar(&generate, "generate-password", false, "generate a strong password and print it once, instead of reading one")
	if err := fs.parse(args[1:]); err != nil {
		return ignoreHelp(err)
	}
	in := magazine.StaffInput{Email: email, Name: name, Role: magazine.Role(role)}.Normalize()
	if err := in.Validate(); err != nil {
		return usageError(flagMessage(err))
	}
	st, err := store.Open(ctx, store.Options{Database: c.databaseDSN(), Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	if in.Role == magazine.RoleOwner {
		if exists, err := st.OwnerExists(ctx); err != nil {
			return err
		} else if exists {
			return errors.New("the magazine already has an owner; only the owner can hand ownership on, from the admin's staff page")
		}
	}

	password := ""
	if generate {
		password = auth.GeneratePassword()
	} else {
		if password, err = readPassword(stdin, stderr); err != nil {
			return err
		}
		pub, err := st.Publication(ctx)
		if err != nil {
			return err
		}
		local, _, _ := strings.Cut(in.Email, "@")
		if err := auth.NewCommonPasswords().Check(password, in.Email, local, pub.Name); err != nil {
			return usageError(magazine.ErrorMessage(err))
		}
	}
	hash, err := auth.Hash(password, auth.DefaultParams)
	if err != nil {
		return err
	}
	created, err := st.CreateStaff(ctx, store.CommandLine(), in, hash)
	if err != nil {
		if code := magazine.ErrorCode(err); code == magazine.EINVALID {
			return errors.New(flagMessage(err))
		}
		return err
	}
	fmt.Fprintf(stdout, "Created %s %s (id %d).\n", created.Role, created.Email, created.ID)
	if generate {
		fmt.Fprintf(stdout, "Password (shown once; keep it somewhere safe): %s\n", password)
	}
	fmt.Fprintln(stdout, "Sign in at /admin/sign-in on the site (masthead serve).")
	return nil
}

// flagMessage names the flag a field error belongs to.
func flagMessage(err error) string {
	var e *magazine.Error
	if errors.As(err, &e) && e.Field != "" {
		return "--" + strings.ReplaceAll(e.Field, "_", "-") + ": " + e.Message
	}
	return magazine.ErrorMessage(err)
}

// readPassword asks twice without echo on a terminal; from a pipe it reads
// one line, so that scripts can pass a password without it showing in the
// process list.
func readPassword(stdin io.Reader, prompt io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(prompt, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(prompt, "Password again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(prompt)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(first) != string(second) {
			return "", usageError("the two passwords differ; run the command again")
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, auth.MaxPasswordLen+2)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	password := strings.TrimRight(line, "\r\n")
	if password == "" {
		return "", usageError("no password on standard input: pipe one in, or use --generate-password")
	}
	return password, nil
}
