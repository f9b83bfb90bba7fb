package salesforce_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/salesforce"
	"github.com/batonhq/baton/playbook"
)

var now = time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)

func fixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "connectors", "salesforce", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestParseAndVerify(t *testing.T) {
	m, err := salesforce.Parse(fixture(t, "opportunity_closed_won.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if m.OrganizationID != "00D5e000000KQ2eEAG" || len(m.Notifications) != 2 || m.Notifications[0].Type != "Opportunity" ||
		m.Notifications[0].Fields["StageName"] != "Closed Won" {
		t.Fatalf("got %+v, want the fixture's two opportunities", m)
	}
	for _, c := range []struct {
		name, org string
		ok        bool
	}{
		{"The18CharacterID", "00D5e000000KQ2eEAG", true},
		{"The15CharacterID", "00D5e000000KQ2e", true},
		{"AnotherOrganization", "00D5e000000KQ2f", false},
		{"CaseMatters", "00d5e000000kq2e", false},
		{"NoneConfigured", "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := salesforce.Verify(c.org, m)
			if (err == nil) != c.ok || (err != nil && baton.ErrorCode(err) != baton.EUNAUTHORIZED) {
				t.Errorf("got %v, want ok %v (else unauthorized)", err, c.ok)
			}
		})
	}
}

func TestParseNamesTheElement(t *testing.T) {
	env := func(inner string) string {
		return `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body>` +
			inner + `</soapenv:Body></soapenv:Envelope>`
	}
	ns := `<notifications xmlns="http://soap.sforce.com/2005/09/outbound">`
	for _, c := range []struct{ name, body, field string }{
		{"Empty", ``, "Envelope"},
		{"NotXML", `{"json":true}`, "Envelope"},
		{"NotSOAP", `<a/>`, "Envelope"},
		{"Truncated", env(ns + `<OrganizationId>x`), "Envelope"},
		{"NoNotifications", env(``), "Body.notifications"},
		{"NoOrganization", env(ns + `<Notification><Id>1</Id></Notification></notifications>`), "notifications.OrganizationId"},
		{"NoNotification", env(ns + `<OrganizationId>00D</OrganizationId></notifications>`), "notifications.Notification"},
		{"NoID", env(ns + `<OrganizationId>00D</OrganizationId><Notification><sObject xsi:type="sf:Lead"/></Notification></notifications>`), "notifications.Notification[0].Id"},
		{"NoSObject", env(ns + `<OrganizationId>00D</OrganizationId><Notification><Id>1</Id></Notification></notifications>`), "notifications.Notification[0].sObject"},
		{"NoType", env(ns + `<OrganizationId>00D</OrganizationId><Notification><Id>1</Id><sObject/></Notification></notifications>`), "notifications.Notification[0].sObject"},
		{"AnEntity", `<!DOCTYPE x [<!ENTITY e "boom">]>` + env(ns+`<OrganizationId>&e;</OrganizationId></notifications>`), "Envelope"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := salesforce.Parse([]byte(c.body))
			e, ok := err.(*baton.Error)
			if !ok || e.Code != baton.EINVALID || len(e.Fields) != 1 || e.Fields[0].Field != c.field {
				t.Errorf("got %v, want an invalid error naming %s", err, c.field)
			}
		})
	}
}

func TestMap(t *testing.T) {
	pb := playbook.Default()
	m, err := salesforce.Parse(fixture(t, "lead.xml"))
	if err != nil {
		t.Fatal(err)
	}
	acts := salesforce.Map(m, pb.Connectors.Salesforce, pb.Connectors.ScoreField)
	want := &baton.Signal{
		ExternalID: "salesforce:04l5e00000Gx7QzAAJ", Type: baton.SignalContactSales, OccurredAt: time.Date(2026, 11, 23, 13, 58, 30, 0, time.UTC),
		Source: "salesforce", Campaign: "Web",
		Contact: baton.SignalContact{Email: "priya.nair@tailspin.example", Name: "Priya Nair", Title: "Head of Sales Operations"},
		Account: baton.SignalAccount{Name: "Tailspin Toys", Domain: "tailspin.example", Employees: 850},
		Fields:  map[string]any{"salesforce_id": "00Q5e00000A1b2cEAB"},
	}
	if len(acts) != 1 || acts[0].Kind != connector.Ingest {
		t.Fatalf("got %+v, want one signal", acts)
	}
	if diff := cmp.Diff(want, acts[0].Signal); diff != "" {
		t.Errorf("signal (-want +got):\n%s", diff)
	}
	t.Run("LeadSourceChoosesTheType", func(t *testing.T) {
		sm := pb.Connectors.Salesforce
		sm.LeadSources = map[string]string{"Web": baton.SignalDemoRequest}
		if got := salesforce.Map(m, sm, "lead_score")[0].Signal.Type; got != baton.SignalDemoRequest {
			t.Errorf("got %s, want demo_request", got)
		}
	})
	t.Run("OnlyTheMappedStageRaisesASignal", func(t *testing.T) {
		m, err := salesforce.Parse(fixture(t, "opportunity_closed_won.xml"))
		if err != nil {
			t.Fatal(err)
		}
		acts := salesforce.Map(m, pb.Connectors.Salesforce, "lead_score")
		if acts[0].Kind != connector.Ingest || acts[0].Signal.Type != baton.SignalContractSigned || acts[1].Kind != connector.Skip {
			t.Errorf("got %+v, want contract_signed then a skip", acts)
		}
		if got := acts[0].Signal.Fields["amount"]; got != 84000.0 {
			t.Errorf("got amount %v, want 84000", got)
		}
	})
}

func TestAckAndFaultAreSOAP(t *testing.T) {
	var ack struct {
		Body struct {
			Response struct {
				Ack bool `xml:"Ack"`
			} `xml:"http://soap.sforce.com/2005/09/outbound notificationsResponse"`
		} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
	}
	if err := xml.Unmarshal([]byte(salesforce.Ack), &ack); err != nil || !ack.Body.Response.Ack {
		t.Errorf("got %v %+v, want Ack true", err, ack)
	}
	f := string(salesforce.Fault(true, "bad <id> & more"))
	if !strings.Contains(f, "bad &lt;id&gt; &amp; more") || !strings.Contains(f, "soapenv:Client") {
		t.Errorf("got %s, want an escaped client fault", f)
	}
}

// FuzzParse feeds Parse and Map arbitrary bodies: no panic, errors name
// an element, and signals are checked by Validate without panicking.
func FuzzParse(f *testing.F) {
	f.Add(fixture(f, "lead.xml"))
	f.Add(fixture(f, "opportunity_closed_won.xml"))
	pb := playbook.Default()
	f.Fuzz(func(t *testing.T, body []byte) {
		m, err := salesforce.Parse(body)
		if err != nil {
			if e, ok := err.(*baton.Error); !ok || e.Code != baton.EINVALID || len(e.Fields) == 0 {
				t.Fatalf("got %v, want an invalid error naming an element", err)
			}
			return
		}
		_ = salesforce.Verify("00D5e000000KQ2e", m)
		for _, a := range salesforce.Map(m, pb.Connectors.Salesforce, pb.Connectors.ScoreField) {
			if a.Kind == connector.Ingest {
				_ = a.Signal.Validate(now)
			}
		}
	})
}
