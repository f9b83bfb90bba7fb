package service_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/service"
)

// readTestdata returns a file of the repository's testdata directory.
func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("../testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) importUsers(t testing.TB, csv string) (service.ImportResult, error) {
	t.Helper()
	return e.svc.ImportUsers(e.ctx, strings.NewReader(csv))
}

func (e *env) importAccounts(t testing.TB, csv string) (service.ImportResult, error) {
	t.Helper()
	return e.svc.ImportAccounts(e.ctx, strings.NewReader(csv))
}

// mustImport checks an import succeeded with the counts.
func mustImport(t testing.TB, res service.ImportResult, err error, want service.ImportResult) {
	t.Helper()
	if err != nil {
		t.Fatalf("import: got error %v, want success", err)
	}
	if diff := cmp.Diff(want, res); diff != "" {
		t.Fatalf("import (-want +got):\n%s", diff)
	}
}

// wantImportErrors checks an import failed with EINVALID and exactly the
// field errors.
func wantImportErrors(t testing.TB, err error, want []baton.FieldError) *baton.Error {
	t.Helper()
	var e *baton.Error
	if !errors.As(err, &e) || e.Code != baton.EINVALID {
		t.Fatalf("got error %v, want an EINVALID *baton.Error", err)
	}
	if diff := cmp.Diff(want, e.Fields); diff != "" {
		t.Errorf("import errors (-want +got):\n%s\nmessage: %s", diff, e.Message)
	}
	if !strings.Contains(e.Message, "nothing was imported") {
		t.Errorf("got message %q, want it to say nothing was imported", e.Message)
	}
	return e
}

// byEmail returns every user, by email, read back from the store.
func (e *env) byEmail(t testing.TB) map[string]*baton.User {
	t.Helper()
	out := map[string]*baton.User{}
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		users, err := tx.Users(e.ctx)
		for _, u := range users {
			out[u.Email] = u
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// accounts returns every account, by name.
func (e *env) accounts(t testing.TB) map[string]*baton.Account {
	t.Helper()
	out := map[string]*baton.Account{}
	err := e.db.View(e.ctx, func(tx baton.Tx) error {
		list, err := tx.Accounts(e.ctx, 10_000)
		for _, a := range list {
			out[a.Name] = a
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const userHeader = "email,name,role,team,timezone"

func TestImportUsers(t *testing.T) {
	t.Parallel()

	t.Run("ImportsTestdataAndResolvesReferences", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.svc.ImportUsers(e.ctx, bytes.NewReader(readTestdata(t, "users.csv")))
		mustImport(t, res, err, service.ImportResult{Created: 5})
		users := e.byEmail(t)
		sam, sue, maya := users["sam.sdr@example.com"], users["sue.sdr@example.com"], users["maya.mgr@example.com"]
		if sam == nil || sue == nil || maya == nil {
			t.Fatalf("got users %v, want sam, sue and maya", users)
		}
		ny, _ := time.LoadLocation("America/New_York")
		type view struct {
			Role, Team, Territory, TimeZone, WorkingHours string
			ManagerID, BackupID                           string
			Weight, Capacity, DailyCap, MonthlyCap        int
			AwayFrom, AwayUntil                           time.Time
			Active, Paused                                bool
		}
		see := func(u *baton.User) view {
			return view{u.Role, u.Team, u.Territory, u.TimeZone, u.WorkingHours, u.ManagerID, u.BackupID,
				u.Weight, u.Capacity, u.DailyCap, u.MonthlyCap, u.AwayFrom, u.AwayUntil, u.Active, u.Paused}
		}
		for _, tt := range []struct {
			email string
			want  view
		}{
			{"sam.sdr@example.com", view{"sdr", "sdr", "na_east", "America/New_York", "mon-fri 09:00-17:00", maya.ID, sue.ID,
				2, 40, 10, 150, time.Time{}, time.Time{}, true, false}},
			// Away through the 26th in her own zone: back on the 27th.
			{"sue.sdr@example.com", view{"sdr", "sdr", "na_east", "America/New_York", "mon-fri 08:00-16:00", maya.ID, sam.ID,
				1, 40, 10, 150, time.Date(2026, 12, 24, 0, 0, 0, 0, ny).UTC(), time.Date(2026, 12, 27, 0, 0, 0, 0, ny).UTC(), true, false}},
			{"cora.csm@example.com", view{"csm", "cs", "", "Asia/Singapore", "", maya.ID, "",
				1, 0, 0, 0, time.Time{}, time.Time{}, true, true}},
			// The manager comes last in the file; an empty weight reads as 1.
			{"maya.mgr@example.com", view{"manager", "leadership", "", "America/New_York", "", "", "",
				1, 0, 0, 0, time.Time{}, time.Time{}, true, false}},
		} {
			if diff := cmp.Diff(tt.want, see(users[tt.email])); diff != "" {
				t.Errorf("%s (-want +got):\n%s", tt.email, diff)
			}
		}
		if got, want := users["ali.ae@example.com"].WorkingHours, "mon-thu 09:00-12:30,13:30-17:30; fri 09:00-13:00"; got != want {
			t.Errorf("got working hours %q, want %q", got, want)
		}
	})

	t.Run("ReimportUpdatesInsteadOfDuplicating", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		file := readTestdata(t, "users.csv")
		res, err := e.svc.ImportUsers(e.ctx, bytes.NewReader(file))
		mustImport(t, res, err, service.ImportResult{Created: 5})
		first := e.byEmail(t)
		edited := strings.Replace(string(file), "Sam Sato", "Sam Sato-Smith", 1)
		res, err = e.importUsers(t, edited)
		mustImport(t, res, err, service.ImportResult{Updated: 5})
		second := e.byEmail(t)
		if got, want := len(second), len(first); got != want {
			t.Errorf("got %d users after re-import, want %d", got, want)
		}
		sam := second["sam.sdr@example.com"]
		if sam.ID != first["sam.sdr@example.com"].ID || sam.Name != "Sam Sato-Smith" {
			t.Errorf("got sam %s %q, want id %s renamed Sam Sato-Smith", sam.ID, sam.Name, first["sam.sdr@example.com"].ID)
		}
		if !sam.CreatedAt.Equal(first["sam.sdr@example.com"].CreatedAt) {
			t.Errorf("got created_at %v, want it kept (%v)", sam.CreatedAt, first["sam.sdr@example.com"].CreatedAt)
		}
	})

	t.Run("ReportsEveryBadRowAndWritesNothing", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		before := e.byEmail(t)
		file := userHeader + ",weight,manager\n" + // row 1
			"a@x.example,A,sdr,sdr,UTC,1,\n" + // row 2
			"b@x.example,B,sdr,sdr,Mars/Base,1,\n" + // row 3
			"c@x.example,C,sdr,sdr,UTC,1,\n" + // row 4
			"d@x.example,D,sdr,sdr,UTC,1,\n" + // row 5
			"e@x.example,E,sdr,sdr,UTC,1,\n" + // row 6
			"f@x.example,F,wizard,sdr,UTC,heavy,nobody@x.example\n" + // row 7
			"g@x.example,G,sdr,sdr,UTC,1,a@x.example\n" // row 8
		_, err := e.importUsers(t, file)
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 3: timezone", Message: `"Mars/Base" is not an IANA time zone`},
			{Field: "row 7: weight", Message: `"heavy" is not a whole number`},
			{Field: "row 7: role", Message: `"wizard" must be one of sdr, ae, se, csm, am, manager, ops, admin`},
			{Field: "row 7: manager", Message: `"nobody@x.example" is not a user in this file or in Baton`},
		})
		after := e.byEmail(t)
		if got, want := len(after), len(before); got != want {
			t.Errorf("got %d users after a failed import, want %d (nothing written)", got, want)
		}
	})

	t.Run("OneErrorIsTheMessage", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+"\na@x.example,A,sdr,sdr,Mars/Base\n")
		got := wantImportErrors(t, err, []baton.FieldError{{Field: "row 2: timezone", Message: `"Mars/Base" is not an IANA time zone`}})
		if want := `row 2, column timezone: "Mars/Base" is not an IANA time zone; nothing was imported`; got.Message != want {
			t.Errorf("got message %q, want %q", got.Message, want)
		}
	})

	t.Run("RejectsUnknownColumns", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+",shoe_size,Hat\na@x.example,A,sdr,sdr,UTC,44,red\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 1: shoe_size", Message: "is not a known column (known columns: " + knownUserColumns + ")"},
			{Field: "row 1: Hat", Message: "is not a known column (known columns: " + knownUserColumns + ")"},
		})
	})

	t.Run("RejectsMissingRequiredColumns", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, "name,email,role\nA,a@x.example,sdr\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 1: team", Message: "is a required column and is missing"},
			{Field: "row 1: timezone", Message: "is a required column and is missing"},
		})
	})

	t.Run("RejectsRepeatedColumn", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+",Email\na@x.example,A,sdr,sdr,UTC,b@x.example\n")
		wantImportErrors(t, err, []baton.FieldError{{Field: "row 1: email", Message: "appears more than once"}})
	})

	t.Run("RejectsDuplicateEmailInFile", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+"\na@x.example,A,sdr,sdr,UTC\nb@x.example,B,sdr,sdr,UTC\nA@X.example,A2,ae,ae,UTC\n")
		wantImportErrors(t, err, []baton.FieldError{{Field: "row 4: email", Message: `"a@x.example" is also in row 2`}})
	})

	t.Run("ResolvesForwardAndExistingReferences", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.importUsers(t, userHeader+",manager,backup\n"+
			"rep@x.example,Rep,sdr,sdr,UTC,lead@x.example,SDR1@t.example\n"+
			"lead@x.example,Lead,manager,leadership,UTC,mgr@t.example,\n")
		mustImport(t, res, err, service.ImportResult{Created: 2})
		users := e.byEmail(t)
		rep, lead := users["rep@x.example"], users["lead@x.example"]
		if rep.ManagerID != lead.ID || rep.BackupID != e.users["sdr1"].ID || lead.ManagerID != e.users["mgr"].ID {
			t.Errorf("got rep manager %s backup %s, lead manager %s; want %s, %s, %s",
				rep.ManagerID, rep.BackupID, lead.ManagerID, lead.ID, e.users["sdr1"].ID, e.users["mgr"].ID)
		}
	})

	t.Run("RejectsUnknownAndSelfReferences", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+",manager,backup\n"+
			"rep@x.example,Rep,sdr,sdr,UTC,ghost@x.example,rep@x.example\n"+
			"two@x.example,Two,sdr,sdr,UTC,not-an-email,\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 2: manager", Message: `"ghost@x.example" is not a user in this file or in Baton`},
			{Field: "row 2: backup", Message: `"rep@x.example" is this row's own user`},
			{Field: "row 3: manager", Message: `"not-an-email" is not an email address`},
		})
	})

	t.Run("KeepsWhatTheFileDoesNotSay", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		sdr1 := e.users["sdr1"]
		res, err := e.importUsers(t, userHeader+",paused\nsdr1@t.example,Sam Renamed,sdr,sdr,America/New_York,yes\n")
		mustImport(t, res, err, service.ImportResult{Updated: 1})
		got := e.byEmail(t)["sdr1@t.example"]
		if got.Name != "Sam Renamed" || !got.Paused || got.WorkingHours != sdr1.WorkingHours || got.ManagerID != sdr1.ManagerID || !got.Active {
			t.Errorf("got %+v, want renamed and paused, keeping working hours %q, manager %s and active", got, sdr1.WorkingHours, sdr1.ManagerID)
		}
		// An empty cell clears.
		res, err = e.importUsers(t, userHeader+",manager,working_hours\nsdr1@t.example,Sam,sdr,sdr,America/New_York,,\n")
		mustImport(t, res, err, service.ImportResult{Updated: 1})
		if got := e.byEmail(t)["sdr1@t.example"]; got.ManagerID != "" || got.WorkingHours != "" {
			t.Errorf("got manager %q working hours %q, want both cleared", got.ManagerID, got.WorkingHours)
		}
	})

	t.Run("ChecksFieldsAsPutUserDoes", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+",working_hours,away_from,away_until,active,capacity\n"+
			"a@x.example,A,sdr,Sales Team,UTC,mon-fry 09:00-17:00,2026-12-24,,maybe,-1\n"+
			"not-an-email,,sdr,sdr,UTC,,2026-12-24,2026-12-20,,\n"+
			`c@x.example,C,sdr,sdr,UTC,,soon,"",,`+"\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 2: active", Message: `"maybe" must be true or false`},
			{Field: "row 2: working_hours", Message: `"mon-fry 09:00-17:00" is not a working week: "mon-fry": unknown day (use mon, tue, wed, thu, fri, sat, sun)`},
			{Field: "row 2: away_until", Message: "is required when away_from is set"},
			{Field: "row 2: team", Message: `"Sales Team" must be lowercase letters, digits and underscores`},
			{Field: "row 2: capacity", Message: `"-1" must be between 0 and 100000`},
			{Field: "row 3: email", Message: `"not-an-email" is not a valid email address`},
			{Field: "row 3: name", Message: "is required"},
			{Field: "row 3: away_until", Message: `"2026-12-20" must be after away_from`},
			{Field: "row 4: away_from", Message: `"soon" is not a time: use a date (2026-12-24) or an RFC 3339 time (2026-12-24T09:00:00Z)`},
		})
	})

	t.Run("ReportsRowsWithTheWrongNumberOfCells", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importUsers(t, userHeader+"\na@x.example,A,sdr,sdr\n,,,,\nb@x.example,B,sdr,sdr,UTC,extra\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 2", Message: "has 4 cells; the header has 5"},
			{Field: "row 4", Message: "has 6 cells; the header has 5"},
		})
	})

	t.Run("CapsErrorsAt100", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		var b strings.Builder
		b.WriteString(userHeader + "\n")
		for i := range 150 {
			fmt.Fprintf(&b, "u%d@x.example,U,sdr,sdr,Nowhere\n", i)
		}
		_, err := e.importUsers(t, b.String())
		var be *baton.Error
		if !errors.As(err, &be) || len(be.Fields) != service.MaxImportErrors {
			t.Fatalf("got %v, want %d field errors", err, service.MaxImportErrors)
		}
		if want := "the file has 150 errors (the first 100 are listed); nothing was imported"; be.Message != want {
			t.Errorf("got message %q, want %q", be.Message, want)
		}
		if got, want := be.Fields[99].Field, "row 101: timezone"; got != want {
			t.Errorf("got last field %q, want %q", got, want)
		}
	})

	t.Run("RefusesUnreadableFiles", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		var many strings.Builder
		many.WriteString(userHeader + "\n")
		for i := range service.MaxImportRows + 1 {
			fmt.Fprintf(&many, "u%d@x.example,U,sdr,sdr,UTC\n", i)
		}
		for _, tt := range []struct{ name, file, want string }{
			{"Empty", "", "the file is empty: expected a header row such as email,name,role,team,timezone"},
			{"BareQuote", userHeader + "\na@x.example,A \"the\" rep,sdr,sdr,UTC\n", `the file is not valid CSV: parse error on line 2, column 15: bare " in non-quoted-field`},
			{"Binary", "\x89PNG\r\n\x1a\n\x00\x00", "the file is not UTF-8 text: save it as CSV (UTF-8)"},
			{"TooManyRows", many.String(), "the file has more than 10000 rows: split it"},
			{"TooLarge", userHeader + "\n" + strings.Repeat("x", service.MaxImportBytes), "the file is larger than 5242880 bytes (5 MiB): split it"},
		} {
			_, err := e.importUsers(t, tt.file)
			if !errors.Is(err, service.ErrUnreadableFile) || baton.ErrorCode(err) != baton.EINVALID {
				t.Errorf("%s: got %v, want EINVALID joined with ErrUnreadableFile", tt.name, err)
			}
			if got := baton.ErrorMessage(err); got != tt.want {
				t.Errorf("%s: got message %q, want %q", tt.name, got, tt.want)
			}
		}
	})

	t.Run("AcceptsByteOrderMarkAndHeaderOnly", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.importUsers(t, "\uFEFF"+userHeader+"\r\n")
		mustImport(t, res, err, service.ImportResult{})
		res, err = e.importUsers(t, "\uFEFF"+userHeader+"\r\na@x.example,A,SDR,sdr,UTC\r\n")
		mustImport(t, res, err, service.ImportResult{Created: 1})
	})

	t.Run("RefreshesTheRoster", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		before, err := e.svc.Users(e.ctx) // caches the roster
		if err != nil {
			t.Fatal(err)
		}
		res, err := e.importUsers(t, userHeader+"\nnew@x.example,New,sdr,sdr,UTC\n")
		mustImport(t, res, err, service.ImportResult{Created: 1})
		after, err := e.svc.Users(e.ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got, want := len(after), len(before)+1; got != want {
			t.Errorf("got %d users from the roster after import, want %d", got, want)
		}
	})
}

const knownUserColumns = "email, name, role, team, timezone, territory, weight, capacity, daily_cap, monthly_cap, working_hours, away_from, away_until, manager, backup, active, paused, channels, slack_id"

// withTestdataUsers is a service with the users of testdata/users.csv.
func withTestdataUsers(t *testing.T) (*env, map[string]*baton.User) {
	t.Helper()
	e := setup(t)
	if _, err := e.svc.ImportUsers(e.ctx, bytes.NewReader(readTestdata(t, "users.csv"))); err != nil {
		t.Fatal(err)
	}
	return e, e.byEmail(t)
}

func TestImportAccounts(t *testing.T) {
	t.Parallel()

	t.Run("ImportsTestdata", func(t *testing.T) {
		t.Parallel()
		e, users := withTestdataUsers(t)
		res, err := e.svc.ImportAccounts(e.ctx, bytes.NewReader(readTestdata(t, "accounts.csv")))
		mustImport(t, res, err, service.ImportResult{Created: 4})
		ali, cora, sam := users["ali.ae@example.com"].ID, users["cora.csm@example.com"].ID, users["sam.sdr@example.com"].ID
		got := e.accounts(t)
		for _, a := range got {
			a.ID, a.CreatedAt, a.UpdatedAt = "", time.Time{}, time.Time{}
		}
		want := map[string]*baton.Account{
			"Acme Robotics": {Name: "Acme Robotics", Domain: "acme-robotics.com", Aliases: []string{"acmerobotics.io", "acme-robotics.de"},
				Segment: "mid_market", Employees: 450, Industry: "manufacturing", Country: "US", Region: "na_east", Status: "customer",
				OwnerID: ali, CSMID: cora, OpportunityOwnerID: ali},
			"Globex": {Name: "Globex", Domain: "globex.com", Aliases: []string{"globex.co.uk", "globex-corp.com"},
				Segment: "enterprise", Employees: 12000, Industry: "energy", Country: "GB", Region: "emea", Status: "prospect", OwnerID: ali},
			"Initech": {Name: "Initech", Domain: "initech.com", Aliases: []string{}, Segment: "smb", Employees: 80, Industry: "software",
				Country: "US", Region: "na_west", Status: "prospect", OpportunityOwnerID: sam},
			"Umbrella Labs": {Name: "Umbrella Labs", Aliases: []string{}, Industry: "biotech", Country: "DE", Region: "emea", Status: "prospect"},
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("accounts (-want +got):\n%s", diff)
		}
		// Aliases find the account, as signals will.
		err = e.db.View(e.ctx, func(tx baton.Tx) error {
			id, err := tx.AccountIDByDomain(e.ctx, "acme-robotics.de")
			if err == nil && id == "" {
				t.Errorf("got no account for alias acme-robotics.de")
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	})

	t.Run("ReimportUpdatesInsteadOfDuplicating", func(t *testing.T) {
		t.Parallel()
		e, _ := withTestdataUsers(t)
		file := readTestdata(t, "accounts.csv")
		res, err := e.svc.ImportAccounts(e.ctx, bytes.NewReader(file))
		mustImport(t, res, err, service.ImportResult{Created: 4})
		first := e.accounts(t)
		edited := strings.Replace(string(file), "biotech", "pharma", 1)
		res, err = e.importAccounts(t, edited)
		mustImport(t, res, err, service.ImportResult{Updated: 4})
		second := e.accounts(t)
		if got, want := len(second), len(first); got != want {
			t.Errorf("got %d accounts after re-import, want %d", got, want)
		}
		// The domain-less account is found again by its name.
		if u := second["Umbrella Labs"]; u.ID != first["Umbrella Labs"].ID || u.Industry != "pharma" {
			t.Errorf("got Umbrella Labs %s in %q, want %s in pharma", u.ID, u.Industry, first["Umbrella Labs"].ID)
		}
	})

	t.Run("AliasOfAnotherAccountWritesNothing", func(t *testing.T) {
		t.Parallel()
		e, _ := withTestdataUsers(t)
		if _, err := e.svc.PutAccount(e.ctx, &baton.Account{Name: "Other", Domain: "other.com", Aliases: []string{"acme-robotics.de"}}); err != nil {
			t.Fatal(err)
		}
		before := e.accounts(t)
		_, err := e.svc.ImportAccounts(e.ctx, bytes.NewReader(readTestdata(t, "accounts.csv")))
		wantImportErrors(t, err, []baton.FieldError{{Field: "row 2: aliases", Message: `"acme-robotics.de" already belongs to account "Other"`}})
		if got := e.accounts(t); len(got) != len(before) {
			t.Errorf("got %d accounts after a failed import, want %d (nothing written)", len(got), len(before))
		}
	})

	t.Run("MovesAnAliasBetweenAccountsOfTheFile", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		res, err := e.importAccounts(t, "name,domain,aliases\nAcme,acme.com,acme.de\n")
		mustImport(t, res, err, service.ImportResult{Created: 1})
		// The new account is written first and takes the alias Acme drops.
		res, err = e.importAccounts(t, "name,domain,aliases\nAcme Germany,acme.de,\nAcme,acme.com,\n")
		mustImport(t, res, err, service.ImportResult{Created: 1, Updated: 1})
		got := e.accounts(t)
		if len(got["Acme"].Aliases) != 0 || got["Acme Germany"].Domain != "acme.de" {
			t.Errorf("got Acme aliases %v and Acme Germany domain %q, want none and acme.de", got["Acme"].Aliases, got["Acme Germany"].Domain)
		}
	})

	t.Run("RejectsBadRows", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importAccounts(t, "name,domain,aliases,status,owner,segment,employees\n"+
			"Acme,acme.com,acme.de;not a domain,lead,ghost@x.example,,\n"+
			"Acme Two,ACME.com,,,mgr@t.example,tiny,many\n"+
			",gmail.com,acme.de,,,,\n"+
			"Beta,,,,,,-5\n"+
			"beta,,,,,,\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 2: aliases", Message: `"not a domain" is not a company domain such as acme.com`},
			{Field: "row 2: status", Message: `"lead" must be prospect or customer`},
			{Field: "row 2: owner", Message: `"ghost@x.example" is not a user in Baton (import users first)`},
			{Field: "row 3: segment", Message: `"tiny" must be smb, mid_market or enterprise`},
			{Field: "row 3: employees", Message: `"many" is not a whole number`},
			{Field: "row 3: domain", Message: `"acme.com" is also in row 2`},
			{Field: "row 4: domain", Message: `"gmail.com" is not a company domain such as acme.com`},
			{Field: "row 4: name", Message: "is required"},
			{Field: "row 4: aliases", Message: `"acme.de" is also in row 2`},
			{Field: "row 5: employees", Message: "must be between 0 and 10000000"},
			{Field: "row 6: name", Message: `"beta" is also in row 5 (rows without a domain are matched by name)`},
		})
		if got := len(e.accounts(t)); got != 0 {
			t.Errorf("got %d accounts, want 0", got)
		}
	})

	t.Run("RejectsUnknownAndMissingColumns", func(t *testing.T) {
		t.Parallel()
		e := setup(t)
		_, err := e.importAccounts(t, "domain,arr\nacme.com,100\n")
		wantImportErrors(t, err, []baton.FieldError{
			{Field: "row 1: arr", Message: "is not a known column (known columns: name, domain, aliases, segment, employees, industry, country, region, status, owner, csm, opportunity_owner, renewal_date)"},
			{Field: "row 1: name", Message: "is a required column and is missing"},
		})
	})
}

// FuzzImport feeds arbitrary bytes to both imports: they never panic, and
// every error is EINVALID.
func FuzzImport(f *testing.F) {
	e := setup(f)
	f.Add(readTestdata(f, "users.csv"), false)
	f.Add(readTestdata(f, "accounts.csv"), true)
	for _, seed := range []string{
		"", "\n", ",", `"`, "\"a\nb", "email\n\x00", "\uFEFF", "name\n,\n", userHeader + "\n" + strings.Repeat(",", 4),
		userHeader + ",manager\na@x.example,A,sdr,sdr,UTC,a@x.example\n",
		"name,domain,aliases\nX,x.com,x.com|x.com;y.com\nY,y.com,x.com\n",
		"name\n\"unterminated\n", "name,name\n", "\xff\xfe",
	} {
		f.Add([]byte(seed), false)
		f.Add([]byte(seed), true)
	}
	f.Fuzz(func(t *testing.T, data []byte, accounts bool) {
		var err error
		if accounts {
			_, err = e.svc.ImportAccounts(e.ctx, bytes.NewReader(data))
		} else {
			_, err = e.svc.ImportUsers(e.ctx, bytes.NewReader(data))
		}
		if err != nil && baton.ErrorCode(err) != baton.EINVALID {
			t.Fatalf("got %v for %q, want nil or EINVALID", err, data)
		}
	})
}
