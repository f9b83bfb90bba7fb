package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

const userUsage = `usage: baton user add --db PATH --email EMAIL --name NAME --role admin|manager|rep [--team TEAM] [--timezone ZONE] [--password-stdin]`

// userCmd manages people. `user add` creates or updates a user by email;
// --role is the access role (admin is RevOps).
func userCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		return usageError{userUsage}
	}
	fs := flag.NewFlagSet("user add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), "SQLite database file (env BATON_DB)")
	email := fs.String("email", "", "the person's email (required)")
	name := fs.String("name", "", "the person's name (required for a new user)")
	access := fs.String("role", "", "access role: admin (RevOps), manager or rep (required)")
	team := fs.String("team", "", "team; default: revops for admins, leadership for managers, ae for reps")
	tz := fs.String("timezone", "UTC", "IANA time zone of a new user")
	pwStdin := fs.Bool("password-stdin", false, "read a password (first line of standard input)")
	if err := parseFlags(fs, args[1:], stdout); err != nil {
		return err
	}
	if *email == "" || !baton.ValidAccess(*access) || fs.NArg() > 0 {
		return usageError{userUsage}
	}
	password := ""
	if *pwStdin {
		line, err := bufio.NewReader(io.LimitReader(stdin, baton.MaxPasswordLength+2)).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read password: %w", err)
		}
		password = strings.TrimRight(line, "\r\n")
		if err := baton.CheckPassword(password); err != nil {
			return err
		}
	}
	svc, closeDB, err := openService(ctx, *path, playbook.Default())
	if err != nil {
		return err
	}
	defer closeDB()
	u, err := svc.User(ctx, *email)
	verb := "updated"
	if baton.ErrorCode(err) == baton.ENOTFOUND {
		verb = "added"
		role, defTeam := baton.RoleAE, "ae"
		switch *access {
		case baton.AccessAdmin:
			role, defTeam = baton.RoleOps, "revops"
		case baton.AccessManager:
			role, defTeam = baton.RoleManager, "leadership"
		}
		u = &baton.User{Email: *email, Role: role, Team: defTeam, TimeZone: *tz, Active: true}
	} else if err != nil {
		return err
	}
	if *name != "" {
		u.Name = *name
	}
	if *team != "" {
		u.Team = *team
	}
	u.Access = *access
	if u, err = svc.PutUser(ctx, u); err != nil {
		return err
	}
	if password != "" {
		if err := svc.SetPassword(ctx, u.ID, password); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "%s %s (%s, %s, team %s)\n", verb, u.Email, u.Name, u.Access, u.Team)
	return nil
}
