package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"text/tabwriter"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/csvin"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/service"
)

// routeSimulate runs `baton route simulate`: a candidate playbook over a
// signals CSV (or the last days of stored signals), beside the playbook in
// force, writing nothing.
func routeSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("route simulate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("db", env("BATON_DB", "./baton.db"), "SQLite database with the team, accounts and fairness state")
	candidate := fs.String("playbook", "", "candidate playbook YAML (required)")
	current := fs.String("current", env("BATON_PLAYBOOK", ""), "playbook in force; default: the embedded playbook")
	signals := fs.String("signals", "", "signals CSV; default: the stored signals of the last --days days")
	days := fs.Int("days", 7, "days of stored signals to replay when --signals is not given")
	asJSON := fs.Bool("json", false, "print the full report as JSON")
	if err := parseFlags(fs, args, stdout); err != nil {
		return err
	}
	if *candidate == "" {
		return usageError{"usage: baton route simulate --playbook FILE [--signals FILE.csv | --days N] [--db PATH] [--json]"}
	}
	cand, err := playbook.Load(*candidate)
	if err != nil {
		return err
	}
	inForce := playbook.Default()
	if *current != "" {
		if inForce, err = playbook.Load(*current); err != nil {
			return err
		}
	}
	if _, err := os.Stat(*path); err != nil {
		return fmt.Errorf("database %s: %w", *path, err)
	}
	svc, closeDB, err := openService(ctx, *path, inForce)
	if err != nil {
		return err
	}
	defer closeDB()
	var sigs []*baton.Signal
	if *signals != "" {
		f, err := os.Open(*signals)
		if err != nil {
			return err
		}
		defer f.Close()
		if sigs, err = csvin.ReadSignals(f, service.MaxSimulatedSignals); err != nil {
			return err
		}
	} else if sigs, err = svc.RecentSignals(ctx, *days, service.MaxSimulatedSignals); err != nil {
		return err
	}
	res, err := svc.Simulate(ctx, cand, sigs)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	}
	fmt.Fprintf(stdout, "%d signals, %d routed, %d would change owner or type\n", res.Signals, res.Routed, res.Changed)
	if res.ConditionErrors > 0 || res.CurrentConditionErrors > 0 {
		fmt.Fprintf(stdout, "%d condition errors in the candidate, %d in the playbook in force (see WHY, or --json for every trace)\n", res.ConditionErrors, res.CurrentConditionErrors)
	}
	fmt.Fprintln(stdout)
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if res.Changed > 0 || res.ConditionErrors > 0 {
		fmt.Fprintln(tw, "SIGNAL\tACCOUNT\tTYPE\tNOW\tCANDIDATE\tWHY")
		for _, d := range res.Decisions {
			if d.Changed || d.ConditionErrors > 0 {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", d.ExternalID, d.Account, d.HandoffType, orNone(d.CurrentOwner), orNone(d.Owner), why(d))
			}
		}
		fmt.Fprintln(tw)
	}
	fmt.Fprintln(tw, "OWNER\tNOW\tCANDIDATE")
	owners := map[string]bool{}
	for o := range res.Shares {
		owners[o] = true
	}
	for o := range res.CurrentShares {
		owners[o] = true
	}
	names := make([]string, 0, len(owners))
	for o := range owners {
		names = append(names, o)
	}
	sort.Strings(names)
	for _, o := range names {
		fmt.Fprintf(tw, "%s\t%d\t%d\n", orNone(o), res.CurrentShares[o], res.Shares[o])
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "POOL\tMEMBERS\tMIN\tMAX\tSPREAD")
	for _, p := range res.Spread {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\n", p.Pool, p.Members, p.Min, p.Max, p.Spread)
	}
	return tw.Flush()
}

// why says what placed a simulated handoff, or why nothing did: the first
// condition that failed, else the last step of the trace.
func why(d service.SimDecision) string {
	for _, st := range d.Trace {
		if st.Result == playbook.ResultError {
			return st.Subject + ": " + st.Reason
		}
	}
	if d.Step != "" {
		if d.Rule != "" {
			return d.Step + " " + d.Rule
		}
		return d.Step
	}
	if len(d.Trace) > 0 {
		return d.Trace[len(d.Trace)-1].Reason
	}
	return ""
}

func orNone(s string) string {
	if s == "" {
		return "(unowned)"
	}
	return s
}
