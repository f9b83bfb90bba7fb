package playbook_test

import (
	"strings"
	"testing"
	"time"

	"github.com/batonhq/baton/playbook"
)

// TestOtherHandoffPoints checks the default playbook's deal desk, renewal
// and support escalation: their triggers, tiers, templates and settings.
func TestOtherHandoffPoints(t *testing.T) {
	t.Parallel()
	pb := playbook.Default()
	for _, tc := range []struct {
		typ, to, tier, template string
		triggers                []string
		fields                  []string
	}{
		{"deal_desk", "deal_desk", "deal_desk", "deal_desk", []string{"contract_review_requested", "discount_approval_requested"},
			[]string{"deal_value", "discount", "non_standard_terms", "contract_version", "requested_by", "deadline"}},
		{"renewal", "am", "standard", "renewal", []string{"renewal_due"},
			[]string{"arr", "health_score", "product_usage", "stakeholders", "renewal_date"}},
		{"support_escalation", "support", "urgent", "support_escalation", []string{"support_escalation"},
			[]string{"issue", "severity", "customer_impact", "steps_taken", "health_score"}},
	} {
		t.Run(tc.typ, func(t *testing.T) {
			ht := pb.HandoffType(tc.typ)
			if ht == nil {
				t.Fatalf("default playbook lacks handoff type %s", tc.typ)
			}
			if ht.To != tc.to || ht.Tier != tc.tier || ht.Template != tc.template {
				t.Errorf("got to %s, tier %s, template %s; want %s, %s, %s", ht.To, ht.Tier, ht.Template, tc.to, tc.tier, tc.template)
			}
			if got, want := strings.Join(ht.Triggers, ","), strings.Join(tc.triggers, ","); got != want {
				t.Errorf("got triggers %s, want %s", got, want)
			}
			if _, ok := pb.Teams[tc.to]; !ok {
				t.Errorf("team %s is not in the playbook's teams", tc.to)
			}
			have := map[string]bool{}
			for _, f := range pb.Fields(ht) {
				have[f.Name] = true
			}
			for _, f := range tc.fields {
				if !have[f] {
					t.Errorf("context lacks %s", f)
				}
			}
		})
	}
	t.Run("DealDeskIsASharedApprovalQueue", func(t *testing.T) {
		if !pb.SharedQueue("deal_desk") || pb.SharedQueue("ae") || pb.SharedQueue("nobody") {
			t.Errorf("got shared deal_desk %v, ae %v, nobody %v; want true, false, false", pb.SharedQueue("deal_desk"), pb.SharedQueue("ae"), pb.SharedQueue("nobody"))
		}
		if !pb.HandoffType("deal_desk").Approval {
			t.Error("deal_desk is not an approval type")
		}
	})
	t.Run("UrgentIsThirtyMinutesAroundTheClock", func(t *testing.T) {
		u := pb.Tier("urgent")
		if time.Duration(u.Accept) != 30*time.Minute || u.Clock != playbook.ClockAroundTheClock {
			t.Errorf("got %s on a %s clock, want 30m around the clock", u.Accept, u.Clock)
		}
	})
	t.Run("RenewalNoticeIs120Days", func(t *testing.T) {
		if got := time.Duration(pb.Renewal.Notice); got != 120*24*time.Hour {
			t.Errorf("got %s, want 120d", pb.Renewal.Notice)
		}
	})
}

func TestRenewalNotice(t *testing.T) {
	t.Parallel()
	const base = "version: 1\ntiers: [{name: s, accept: 1d}]\nhandoff_types: [{name: renewal, from: cs, to: am, triggers: [renewal_due], tier: s}]\n"
	for _, tc := range []struct {
		name, yaml string
		want       time.Duration
		problem    string
	}{
		{"DefaultsTo120Days", "", 120 * 24 * time.Hour, ""},
		{"TakesDays", "renewal: {notice: 90d}\n", 90 * 24 * time.Hour, ""},
		{"RejectsUnderADay", "renewal:\n  notice: 12h\n", 0, "t.yaml:5:11: renewal notice 12h: expected between 1d and 730d"},
		{"RejectsOverTwoYears", "renewal:\n  notice: 731d\n", 0, "t.yaml:5:11: renewal notice 731d"},
		{"RejectsNonsense", "renewal:\n  notice: soon\n", 0, "t.yaml:5:11:"},
		{"RejectsUnknownKeys", "renewal:\n  notise: 90d\n", 0, "t.yaml:5:3:"},
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
			if got := time.Duration(pb.Renewal.Notice); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}
