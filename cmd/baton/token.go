package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

const tokenUsage = `usage:
  baton token create --db PATH --user EMAIL [--name NAME] [--expires 90d]
  baton token list --db PATH [--user EMAIL]
  baton token revoke --db PATH ID`

// tokenCmd manages API tokens. A token belongs to a user and acts with the
// user's access.
func tokenCmd(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{tokenUsage}
	}
	fs := flag.NewFlagSet("token "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), "SQLite database file (env BATON_DB)")
	switch args[0] {
	case "create":
		user := fs.String("user", "", "email of the user the token acts as (required)")
		name := fs.String("name", "api", "what the token is for, e.g. ci or crm-sync")
		expires := fs.String("expires", "", "lifetime, e.g. 90d or 12h; empty never expires")
		if err := parseFlags(fs, args[1:], stdout); err != nil {
			return err
		}
		if *user == "" || fs.NArg() > 0 {
			return usageError{tokenUsage}
		}
		var ttl time.Duration
		if *expires != "" {
			d, err := baton.ParseDuration(*expires)
			if err != nil || d <= 0 {
				return usageError{fmt.Sprintf("--expires %q: want a positive duration such as 90d or 12h", *expires)}
			}
			ttl = d
		}
		svc, closeDB, err := openService(ctx, *path, playbook.Default())
		if err != nil {
			return err
		}
		defer closeDB()
		_, secret, err := svc.CreateToken(ctx, *user, *name, ttl)
		if err != nil {
			return err
		}
		fmt.Fprintln(stdout, secret)
		return nil
	case "list":
		user := fs.String("user", "", "only this user's tokens (email)")
		if err := parseFlags(fs, args[1:], stdout); err != nil {
			return err
		}
		svc, closeDB, err := openService(ctx, *path, playbook.Default())
		if err != nil {
			return err
		}
		defer closeDB()
		list, err := svc.Tokens(ctx, *user)
		if err != nil {
			return err
		}
		users, err := svc.Users(ctx)
		if err != nil {
			return err
		}
		emails := map[string]string{}
		for _, u := range users {
			emails[u.ID] = u.Email
		}
		now := time.Now()
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tUSER\tNAME\tCREATED\tEXPIRES\tLAST USED\tSTATUS")
		for _, t := range list {
			status := "active"
			switch {
			case t.UserID == "":
				status = "refused: no user (create one with --user)"
			case !t.RevokedAt.IsZero():
				status = "revoked " + day(t.RevokedAt)
			case t.Expired(now):
				status = "expired"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, cmpOr(emails[t.UserID], "-"), t.Name, day(t.CreatedAt),
				cmpOr(day(t.ExpiresAt), "never"), cmpOr(day(t.LastUsedAt), "never"), status)
		}
		return tw.Flush()
	case "revoke":
		if err := parseFlags(fs, args[1:], stdout); err != nil {
			return err
		}
		if fs.NArg() != 1 {
			return usageError{"usage: baton token revoke --db PATH ID"}
		}
		svc, closeDB, err := openService(ctx, *path, playbook.Default())
		if err != nil {
			return err
		}
		defer closeDB()
		t, err := svc.RevokeToken(ctx, fs.Arg(0))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked token %s (%s)\n", t.ID, t.Name)
		return nil
	}
	return usageError{fmt.Sprintf("unknown token command %q\n%s", args[0], tokenUsage)}
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
