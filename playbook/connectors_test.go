package playbook_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
)

func TestConnectorsDefaults(t *testing.T) {
	t.Parallel()
	c := playbook.Default().Connectors
	want := playbook.Connectors{
		ScoreField: "lead_score",
		HubSpot: playbook.HubSpotMapping{
			ContactCreated: baton.SignalLeadScoreCrossed, ScoreProperty: "hubspotscore", ScoreSignal: baton.SignalLeadScoreCrossed,
			FormProperty: "recent_conversion_event_name", FormSignal: baton.SignalContactSales, MeetingProperty: "engagements_last_meeting_booked",
			MeetingTypeProperty: "engagements_last_meeting_booked_campaign", CompanyProperty: "company", TimeZone: "America/New_York",
		},
		Salesforce: playbook.SalesforceMapping{
			LeadSignal: baton.SignalContactSales, Stages: map[string]string{"Closed Won": baton.SignalContractSigned},
			EmailField: "Contact_Email__c", CompanyField: "Account_Name__c", DomainField: "Account_Website__c",
		},
		CalCom:   playbook.SchedulerMapping{Signal: baton.SignalMeetingBooked, CompanyQuestion: "company"},
		Calendly: playbook.SchedulerMapping{Signal: baton.SignalMeetingBooked, CompanyQuestion: "company"},
	}
	if diff := cmp.Diff(want, c, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("default playbook (-want +got):\n%s", diff)
	}
	// A playbook without the section gets the same defaults (the zone of
	// its first calendar, else UTC).
	bare, err := playbook.Parse("t.yaml", []byte("version: 1\ntiers: [{name: s, accept: 1d}]\nhandoff_types: [{name: x, from: a, to: b, triggers: [demo_request], tier: s}]\n"))
	if err != nil {
		t.Fatal(err)
	}
	want.HubSpot.TimeZone = "UTC"
	if diff := cmp.Diff(want, bare.Connectors, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("no connectors section (-want +got):\n%s", diff)
	}
	if got := c.CalCom.MeetingType("discovery-call"); got != "discovery-call" {
		t.Errorf("an unmapped event type: got meeting type %q, want the event type", got)
	}
}

func TestConnectorsValidation(t *testing.T) {
	t.Parallel()
	const base = "version: 1\ntiers: [{name: s, accept: 1d}]\nhandoff_types: [{name: x, from: a, to: b, triggers: [demo_request], tier: s}]\nfields: [{name: tag, type: string}]\n"
	for _, tc := range []struct {
		name, yaml, problem string
	}{
		{"TakesAMapping", "connectors:\n  hubspot:\n    forms: {Request a demo: demo_request}\n    contact_created: none\n  salesforce:\n    stages: {Closed Won: contract_signed, Technical Win: technical_validation_requested}\n  calendly:\n    meeting_types: {30 Minute Demo: demo}\n", ""},
		{"RejectsAnUnknownSignalType", "connectors:\n  hubspot:\n    form_signal: demo_requets\n", "t.yaml:7:18: signal type \"demo_requets\" is not built in"},
		{"RejectsAnUnknownStageSignal", "connectors:\n  salesforce:\n    stages: {Closed Won: won}\n", "t.yaml:7:26: signal type \"won\""},
		{"RejectsABadTimeZone", "connectors:\n  hubspot:\n    timezone: Mars/Olympus\n", "t.yaml:7:15: time zone \"Mars/Olympus\""},
		{"RejectsAScoreFieldOfAnotherType", "connectors:\n  score_field: tag\n", "t.yaml:6:16: field \"tag\" is declared as string"},
		{"RejectsABadScoreField", "connectors:\n  score_field: Lead Score\n", "t.yaml:6:16: field name \"Lead Score\""},
		{"RejectsAnEmptyMeetingType", "connectors:\n  calcom:\n    meeting_types: {intro: \"\"}\n", "meeting type for \"intro\""},
		{"RejectsUnknownKeys", "connectors:\n  hubspot:\n    secret: x\n", "t.yaml:7:5:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			pb, err := playbook.Parse("t.yaml", []byte(base+tc.yaml))
			if tc.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tc.problem) {
					t.Fatalf("got %v, want a problem containing %q", err, tc.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if pb.Connectors.HubSpot.ContactCreated != playbook.NoSignal || pb.Connectors.Salesforce.Stages["Technical Win"] != baton.SignalTechnicalValidation {
				t.Errorf("got %+v, want the mapping as written", pb.Connectors)
			}
		})
	}
}
