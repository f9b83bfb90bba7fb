// Package storetest is one suite of behaviour tests that every baton.Store
// passes, whatever database is under it: package sqlite and package
// postgres each run it against a store of their own (Run), as River runs
// one suite against each of its drivers.
//
// The suite speaks only through baton.Store and baton.Tx: tests of one
// store's internals (SQLite's single writer, its file lock, its query
// plans) stay in that store's package.
package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/batonhq/baton"
)

// Opener opens an empty, migrated store for one test; the store must be
// closed (and its data dropped, if need be) when t ends.
type Opener func(t *testing.T) baton.Store

// Run runs the suite, each group of tests as a parallel subtest named for
// what it covers.
func Run(t *testing.T, open Opener) {
	for _, c := range []struct {
		name string
		test func(*testing.T, Opener)
	}{
		{"Signals", testSignals},
		{"Accounts", testAccounts},
		{"Contacts", testContacts},
		{"Users", testUsers},
		{"Handoffs", testHandoffs},
		{"Events", testEvents},
		{"Meetings", testMeetings},
		{"OutcomeActivities", testOutcomeActivities},
		{"Timers", testTimers},
		{"Messages", testMessages},
		{"Pools", testPools},
		{"Settings", testSettings},
		{"Tokens", testTokens},
		{"Surveys", testSurveys},
		{"Rejections", testRejections},
		{"HandoffFilters", testHandoffFilters},
		{"VisibleTo", testVisibleTo},
		{"Update", testUpdate},
		{"CSHandoffs", testCSHandoffs},
		{"Quality", testQuality},
		{"QualityStale", testQualityStale},
		{"Gauges", testGauges},
		{"CRM", testCRM},
		{"Reach", testReach},
		{"RollupBatch", testRollupBatch},
		{"IngestPaths", testIngestPaths},
		{"AdminReads", testAdminReads},
		{"Retention", testRetention},
		{"TeamBlocks", testTeamBlocks},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.test(t, open)
		})
	}
}

// t0 has sub-millisecond digits, which the stores drop.
var t0 = time.Date(2025, 3, 14, 9, 26, 53, 589_793_238, time.UTC)

func msec(t time.Time) time.Time { return t.Truncate(time.Millisecond) }

func mustUpdate(t *testing.T, db baton.Store, fn func(baton.Tx) error) {
	t.Helper()
	if err := db.Update(context.Background(), fn); err != nil {
		t.Fatalf("update: got error %v, want nil", err)
	}
}

func mustView(t *testing.T, db baton.Store, fn func(baton.Tx) error) {
	t.Helper()
	if err := db.View(context.Background(), fn); err != nil {
		t.Fatalf("view: got error %v, want nil", err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := baton.ErrorCode(err); got != code {
		t.Errorf("%s: got error %v (code %q), want code %q", what, err, got, code)
	}
}
