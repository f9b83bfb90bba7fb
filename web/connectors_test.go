package web_test

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/connector"
	"github.com/batonhq/baton/connector/calcom"
	"github.com/batonhq/baton/connector/calendly"
	"github.com/batonhq/baton/connector/hubspot"
	"github.com/batonhq/baton/connector/salesforce"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/service"
	"github.com/batonhq/baton/web"
)

// The connectors' test secrets.
const (
	hubspotSecret  = "hs-client-secret-0123"
	salesforceOrg  = "00D5e000000KQ2e" // the fixtures' org, in its 15-character form
	calcomSecret   = "cal-webhook-secret-4567"
	calendlyKey    = "calendly-signing-key-89ab"
	hubspotPath    = "/api/v1/connectors/hubspot"
	salesforcePath = "/api/v1/connectors/salesforce"
	calcomPath     = "/api/v1/connectors/calcom"
	calendlyPath   = "/api/v1/connectors/calendly"
)

// connectorStack is newStack with the two AEs too, every connector
// configured, and its public URL the test server's.
func connectorStack(t *testing.T) *stack {
	t.Helper()
	s := newStack(t)
	for k, u := range batontest.Team(t, s.svc.PutUser, batontest.TeamUsers("ae1", "ae2")...) {
		s.users[k] = u
	}
	// The connectors' answers are checked against the OpenAPI document
	// too, in each vendor's shape.
	srv := httptest.NewServer(checkContract(t, s.web))
	t.Cleanup(srv.Close)
	s.srv, s.rt = srv, srv.Client().Transport
	s.svc.SetPublicURL(srv.URL)
	s.web.Connectors = web.Connectors{HubSpotSecret: hubspotSecret, SalesforceOrgID: salesforceOrg, CalcomSecret: calcomSecret, CalendlyKey: calendlyKey}
	return s
}

func fixture(t testing.TB, vendor, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "connectors", vendor, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// vendor is what the shared connector tests need of one connector.
type vendor struct {
	name, path string
	// booking is a fixture that starts a handoff.
	booking string
	// sign returns the headers of a valid delivery of body at now.
	sign func(s *stack, body string, now time.Time) []string
	// stale returns headers whose signature is right but too old; nil
	// when the vendor's scheme carries no time.
	stale func(s *stack, body string) []string
	// mapped is the signal the connector makes of the booking fixture.
	mapped func(t *testing.T, body string) *baton.Signal
	// malformed is a body that cannot be parsed and the field its error
	// names.
	malformed, field string
}

func hubspotHeaders(s *stack, body string, at time.Time) []string {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	sig := hubspot.Sign(hubspotSecret, "POST", s.srv.URL+hubspotPath, []byte(body), ts)
	return []string{hubspot.SignatureHeader, base64.StdEncoding.EncodeToString(sig), hubspot.TimestampHeader, ts}
}

func calcomHeaders(_ *stack, body string, _ time.Time) []string {
	return []string{calcom.SignatureHeader, hex.EncodeToString(calcom.Sign(calcomSecret, []byte(body)))}
}

func calendlyHeaders(_ *stack, body string, at time.Time) []string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return []string{calendly.SignatureHeader, "t=" + ts + ",v1=" + hex.EncodeToString(calendly.Sign(calendlyKey, ts, []byte(body)))}
}

func salesforceHeaders(*stack, string, time.Time) []string {
	return []string{"Content-Type", "text/xml; charset=utf-8", "SOAPAction", `""`}
}

func onlyIngest(t *testing.T, actions []connector.Action) *baton.Signal {
	t.Helper()
	for _, a := range actions {
		if a.Kind == connector.Ingest {
			return a.Signal
		}
	}
	t.Fatal("the fixture maps to no signal")
	return nil
}

var vendors = []vendor{
	{
		name: "hubspot", path: hubspotPath, booking: "contact_created.json", sign: hubspotHeaders,
		stale: func(s *stack, body string) []string {
			return hubspotHeaders(s, body, s.clock.Now().Add(-hubspot.Tolerance-time.Second))
		},
		mapped: func(t *testing.T, body string) *baton.Signal {
			ev, err := hubspot.Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			pb := playbook.Default()
			return onlyIngest(t, hubspot.Map(ev, pb.Connectors.HubSpot, pb.Connectors.ScoreField))
		},
		malformed: `[{"eventId":"one","subscriptionType":"contact.creation","objectId":1,"occurredAt":1}]`, field: "[0].eventId",
	},
	{
		name: "salesforce", path: salesforcePath, booking: "opportunity_closed_won.xml", sign: salesforceHeaders,
		mapped: func(t *testing.T, body string) *baton.Signal {
			m, err := salesforce.Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			pb := playbook.Default()
			return onlyIngest(t, salesforce.Map(m, pb.Connectors.Salesforce, pb.Connectors.ScoreField))
		},
		malformed: `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>` +
			`<notifications xmlns="http://soap.sforce.com/2005/09/outbound"><OrganizationId>00D5e000000KQ2eEAG</OrganizationId>` +
			`<Notification><sObject xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="sf:Lead"/></Notification></notifications></soapenv:Body></soapenv:Envelope>`,
		field: "notifications.Notification[0].Id",
	},
	{
		name: "calcom", path: calcomPath, booking: "booking_created.json", sign: calcomHeaders,
		mapped: func(t *testing.T, body string) *baton.Signal {
			d, err := calcom.Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			return onlyIngest(t, []connector.Action{calcom.Map(d, playbook.Default().Connectors.CalCom)})
		},
		malformed: `{"triggerEvent":"BOOKING_CREATED","payload":{"uid":"x","startTime":"tomorrow","attendees":[{"email":"a@b.example"}]}}`,
		field:     "payload.startTime",
	},
	{
		name: "calendly", path: calendlyPath, booking: "invitee_created.json", sign: calendlyHeaders,
		stale: func(s *stack, body string) []string {
			return calendlyHeaders(s, body, s.clock.Now().Add(-calendly.Tolerance-time.Second))
		},
		mapped: func(t *testing.T, body string) *baton.Signal {
			d, err := calendly.Parse([]byte(body))
			if err != nil {
				t.Fatal(err)
			}
			return onlyIngest(t, []connector.Action{calendly.Map(d, playbook.Default().Connectors.Calendly)})
		},
		malformed: `{"event":"invitee.created","payload":{"uri":"u","email":"a@b.example","scheduled_event":{"start_time":5}}}`,
		field:     "payload.scheduled_event.start_time",
	},
}

// post sends a delivery signed as the vendor signs it (at the clock's now).
func (s *stack) post(t *testing.T, v vendor, body string, hdr ...string) reply {
	t.Helper()
	return s.do(t, "POST", v.path, "", body, append(v.sign(s, body, s.clock.Now()), hdr...)...)
}

// stored counts what the store holds: signals, handoffs.
func (s *stack) stored(t *testing.T) (signals, handoffs int) {
	t.Helper()
	ctx := context.Background()
	err := s.db.View(ctx, func(tx baton.Tx) error {
		sigs, err := tx.SignalsBetween(ctx, time.Time{}, t0.AddDate(10, 0, 0), 10_000)
		if err != nil {
			return err
		}
		hs, _, err := tx.Handoffs(ctx, baton.HandoffFilter{Limit: 500})
		signals, handoffs = len(sigs), len(hs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return signals, handoffs
}

type connectorReply struct {
	Results []struct {
		Path      string `json:"path"`
		Event     string `json:"event"`
		Result    string `json:"result"`
		SignalID  string `json:"signal_id"`
		HandoffID string `json:"handoff_id"`
		MeetingID string `json:"meeting_id"`
		Reason    string `json:"reason"`
	} `json:"results"`
}

// created returns the id of the handoff a delivery created.
func created(t *testing.T, v vendor, r reply) string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	if v.name == "salesforce" {
		return ""
	}
	for _, res := range decode[connectorReply](t, r).Results {
		if res.Result == "created" {
			return res.HandoffID
		}
	}
	t.Fatalf("no handoff created: %s", r)
	return ""
}

// TestConnectors runs each connector through what every one must do.
func TestConnectors(t *testing.T) {
	t.Parallel()
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			t.Run("AcceptsAValidSignature", func(t *testing.T) {
				s := connectorStack(t)
				r := s.post(t, v, fixture(t, v.name, v.booking))
				created(t, v, r)
				if n, h := s.stored(t); n == 0 || h != 1 {
					t.Errorf("got %d signals and %d handoffs stored, want some signals and 1 handoff", n, h)
				}
			})
			t.Run("RefusesATamperedDeliveryAndWritesNothing", func(t *testing.T) {
				s := connectorStack(t)
				body := fixture(t, v.name, v.booking)
				hdr := v.sign(s, body, s.clock.Now())
				tampered := strings.Replace(body, "@", "@evil.", 1)
				if v.name == "salesforce" {
					// An Outbound Message has no MAC: what is checked is
					// its organization.
					tampered = strings.ReplaceAll(body, "00D5e000000KQ2eEAG", "00D5e000000XXXXEAG")
				}
				r := s.do(t, "POST", v.path, "", tampered, hdr...)
				if r.status != http.StatusUnauthorized {
					t.Fatalf("got %s, want 401", r)
				}
				if n, h := s.stored(t); n != 0 || h != 0 {
					t.Errorf("got %d signals and %d handoffs stored, want none", n, h)
				}
			})
			t.Run("RefusesAStaleSignatureAndWritesNothing", func(t *testing.T) {
				if v.stale == nil {
					t.Skipf("%s signs no time: a replay is one signal (ReplayIsOneSignal)", v.name)
				}
				s := connectorStack(t)
				body := fixture(t, v.name, v.booking)
				r := s.do(t, "POST", v.path, "", body, v.stale(s, body)...)
				if r.status != http.StatusUnauthorized {
					t.Fatalf("got %s, want 401", r)
				}
				if n, h := s.stored(t); n != 0 || h != 0 {
					t.Errorf("got %d signals and %d handoffs stored, want none", n, h)
				}
			})
			t.Run("ReplayIsOneSignal", func(t *testing.T) {
				s := connectorStack(t)
				body := fixture(t, v.name, v.booking)
				created(t, v, s.post(t, v, body))
				n1, h1 := s.stored(t)
				s.clock.Add(time.Minute)
				r := s.post(t, v, body)
				if r.status != http.StatusOK {
					t.Fatalf("replay: got %s, want 200", r)
				}
				if v.name != "salesforce" {
					for _, res := range decode[connectorReply](t, r).Results {
						if res.Result != "duplicate" && res.Result != "skipped" {
							t.Errorf("replay: %s %s: got result %q, want duplicate or skipped", res.Path, res.Event, res.Result)
						}
					}
				}
				if n2, h2 := s.stored(t); n2 != n1 || h2 != h1 {
					t.Errorf("after the replay: got %d signals and %d handoffs, want %d and %d", n2, h2, n1, h1)
				}
			})
			t.Run("RoutesAsTheSignalsAPI", func(t *testing.T) {
				body := fixture(t, v.name, v.booking)
				a := connectorStack(t)
				created(t, v, a.post(t, v, body))
				viaConnector := onlyHandoff(t, a)

				b := connectorStack(t)
				sig := v.mapped(t, body)
				res := call[signalReply](t, b, "POST", "/api/v1/signals", b.rep, signalBody(t, sig), http.StatusCreated)
				viaAPI := b.handoff(t, res.Handoff.ID)

				type routed struct {
					Owner, Backup, Type, Tier string
					Trace                     []baton.Step
					Meeting                   bool
				}
				of := func(h *service.HandoffView) routed {
					r := routed{Type: h.Type, Tier: h.Tier, Trace: h.Trace, Meeting: h.Meeting != nil}
					if h.Owner != nil {
						r.Owner = h.Owner.Email
					}
					if h.Backup != nil {
						r.Backup = h.Backup.Email
					}
					return r
				}
				if diff := cmp.Diff(of(viaAPI), of(viaConnector)); diff != "" {
					t.Errorf("routed through /api/v1/signals (-) and the connector (+):\n%s", diff)
				}
			})
			t.Run("RefusesAMalformedDeliveryNamingTheField", func(t *testing.T) {
				s := connectorStack(t)
				r := s.post(t, v, v.malformed)
				if r.status != http.StatusBadRequest {
					t.Fatalf("got %s, want 400", r)
				}
				if !strings.Contains(string(r.body), v.field) {
					t.Errorf("got %s, want the field %s named", r, v.field)
				}
				if n, _ := s.stored(t); n != 0 {
					t.Errorf("got %d signals stored, want none", n)
				}
			})
			t.Run("RefusesAnOversizedBody", func(t *testing.T) {
				s := connectorStack(t)
				r := s.post(t, v, strings.Repeat(" ", web.MaxSalesforceBody+1))
				if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "larger than") {
					t.Errorf("got %s, want 400 naming the size", r)
				}
			})
			t.Run("IsOffWithoutItsSecret", func(t *testing.T) {
				s := connectorStack(t)
				s.web.Connectors = web.Connectors{}
				body := fixture(t, v.name, v.booking)
				if r := s.post(t, v, body); r.status != http.StatusNotFound {
					t.Errorf("got %s, want 404", r)
				}
			})
		})
	}
}

// onlyHandoff returns the one handoff a stack holds.
func onlyHandoff(t *testing.T, s *stack) *service.HandoffView {
	t.Helper()
	list := call[listReply](t, s, "GET", "/api/v1/handoffs", s.admin, nil, http.StatusOK).Handoffs
	if len(list) != 1 {
		t.Fatalf("got %d handoffs, want 1", len(list))
	}
	return s.handoff(t, list[0].ID)
}

// signalBody is sig as a sender would POST it to /api/v1/signals.
func signalBody(t *testing.T, sig *baton.Signal) map[string]any {
	t.Helper()
	b, err := json.Marshal(sig)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"id", "received_at", "account_id", "contact_id", "handoff_id"} {
		delete(m, k)
	}
	if sig.OccurredAt.IsZero() {
		delete(m, "occurred_at")
	}
	return m
}

func results(t *testing.T, r reply) []string {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("got %s, want 200", r)
	}
	var out []string
	for _, res := range decode[connectorReply](t, r).Results {
		out = append(out, res.Path+" "+res.Result)
	}
	return out
}

func TestHubSpotConnector(t *testing.T) {
	t.Parallel()
	v := vendors[0]
	t.Run("ContactCreatedIsOneMQLAtTheHotTier", func(t *testing.T) {
		s := connectorStack(t)
		r := s.post(t, v, fixture(t, "hubspot", "contact_created.json"))
		want := []string{"[0] created", "[1] skipped", "[2] skipped", "[3] skipped", "[4] skipped", "[5] skipped", "[6] skipped"}
		if diff := cmp.Diff(want, results(t, r)); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		h := onlyHandoff(t, s)
		if h.Type != "mql" || h.Tier != "hot" || h.Account == nil || h.Account.Name != "Northwind Traders" || h.Contact.Name != "Dana Reyes" {
			t.Errorf("got %s/%s account %+v contact %+v, want mql/hot for Dana Reyes at Northwind Traders", h.Type, h.Tier, h.Account, h.Contact)
		}
	})
	t.Run("FormSubmissionIsTheFormsSignal", func(t *testing.T) {
		s := connectorStack(t)
		pb := playbook.Default()
		pb.Connectors.HubSpot.Forms = map[string]string{"Request a demo": baton.SignalDemoRequest}
		s.svc.SetPlaybook(pb)
		if diff := cmp.Diff([]string{"[0] created", "[1] skipped", "[2] skipped"}, results(t, s.post(t, v, fixture(t, "hubspot", "form_submission.json")))); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		h := onlyHandoff(t, s)
		if h.Type != "hot_lead" || h.Contact.Title != "VP Revenue Operations" {
			t.Errorf("got %s for %+v, want hot_lead for the VP", h.Type, h.Contact)
		}
	})
	t.Run("MeetingBookedIsAMeetingInTheContactsZone", func(t *testing.T) {
		s := connectorStack(t)
		got := results(t, s.post(t, v, fixture(t, "hubspot", "meeting_booked.json")))
		if diff := cmp.Diff([]string{"[0] created", "[1] skipped", "[2] skipped", "[3] skipped"}, got); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
		h := onlyHandoff(t, s)
		want := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
		if h.Type != "meeting_set" || h.Meeting == nil || !h.Meeting.StartsAt.Equal(want) || h.Meeting.TimeZone != "Europe/Rome" {
			t.Errorf("got %s meeting %+v, want meeting_set at %s Europe/Rome", h.Type, h.Meeting, want)
		}
	})
	t.Run("SignsThePublicURL", func(t *testing.T) {
		s := connectorStack(t)
		s.web.Connectors.PublicURL = "https://baton.example.com"
		body := fixture(t, "hubspot", "form_submission.json")
		ts := strconv.FormatInt(s.clock.Now().UnixMilli(), 10)
		// HubSpot decodes %3A and the like before signing.
		sig := hubspot.Sign(hubspotSecret, "POST", "https://baton.example.com"+hubspotPath+"?portal=62515%3Aeu", []byte(body), ts)
		r := s.do(t, "POST", hubspotPath+"?portal=62515%3Aeu", "", body,
			hubspot.SignatureHeader, base64.StdEncoding.EncodeToString(sig), hubspot.TimestampHeader, ts)
		if r.status != http.StatusOK {
			t.Errorf("got %s, want 200", r)
		}
	})
	t.Run("RefusesAnInvalidEmailNamingTheEventAndWritesNothing", func(t *testing.T) {
		s := connectorStack(t)
		body := strings.Replace(fixture(t, "hubspot", "contact_created.json"), "dana.reyes@northwind.example", "not an email", 1)
		wantError(t, s.post(t, v, body), http.StatusUnprocessableEntity, baton.EINVALID, "[0].contact.email")
		if n, _ := s.stored(t); n != 0 {
			t.Errorf("got %d signals, want none", n)
		}
	})
}

func TestSalesforceConnector(t *testing.T) {
	t.Parallel()
	v := vendors[1]
	t.Run("LeadIsContactSalesAndAnswersTheAck", func(t *testing.T) {
		s := connectorStack(t)
		r := s.post(t, v, fixture(t, "salesforce", "lead.xml"))
		if r.status != http.StatusOK || string(r.body) != salesforce.Ack || !strings.HasPrefix(r.header.Get("Content-Type"), "text/xml") {
			t.Fatalf("got %s (%s), want 200 with the Ack envelope", r, r.header.Get("Content-Type"))
		}
		h := onlyHandoff(t, s)
		if h.Type != "hot_lead" || h.Account.Name != "Tailspin Toys" || h.Account.Employees != 850 {
			t.Errorf("got %s account %+v, want hot_lead at Tailspin Toys with 850 people", h.Type, h.Account)
		}
	})
	t.Run("ClosedWonIsContractSigned", func(t *testing.T) {
		s := connectorStack(t)
		s.post(t, v, fixture(t, "salesforce", "opportunity_closed_won.xml"))
		h := onlyHandoff(t, s)
		if h.Type != "closed_won" || h.Account.Name != "Woodgrove Bank" || h.Contact.Email != "omar.haddad@woodgrove.example" {
			t.Errorf("got %s account %+v contact %+v, want closed_won for Woodgrove Bank", h.Type, h.Account, h.Contact)
		}
		if n, _ := s.stored(t); n != 1 {
			t.Errorf("got %d signals, want 1 (the stage in negotiation raises none)", n)
		}
	})
	t.Run("AWrongOrganizationIsASOAPFault401", func(t *testing.T) {
		s := connectorStack(t)
		s.web.Connectors.SalesforceOrgID = "00D000000000001"
		r := s.post(t, v, fixture(t, "salesforce", "lead.xml"))
		if r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "<faultcode>soapenv:Client</faultcode>") {
			t.Errorf("got %s, want 401 with a SOAP client fault", r)
		}
	})
}

// noGate drops the meeting_set handoff's context gate, so a booked
// meeting's handoff stays with its owner (the gate is not what these tests
// are about).
func noGate(s *stack) {
	pb := playbook.Default()
	for i := range pb.HandoffTypes {
		pb.HandoffTypes[i].Gate = 0
	}
	s.svc.SetPlaybook(pb)
}

// takeUp has the owner of the one handoff of s accept and touch it, as
// before a meeting: an outcome (a no-show) needs an actioned handoff.
func takeUp(t *testing.T, s *stack) {
	t.Helper()
	h := onlyHandoff(t, s)

	_, tok, err := s.svc.CreateToken(context.Background(), h.Owner.Email, "test", 0)
	if err != nil {
		t.Fatal(err)
	}
	s.act(t, tok, h.ID, "accept", nil)
	s.act(t, tok, h.ID, "touch", nil)
}

// meetingOf returns the meeting of the handoff a stack holds.
func meetingOf(t *testing.T, s *stack) *baton.Meeting {
	t.Helper()
	h := onlyHandoff(t, s)
	if h.Meeting == nil {
		t.Fatal("the handoff has no meeting")
	}
	return h.Meeting
}

func TestCalcomConnectorMeetings(t *testing.T) {
	t.Parallel()
	v := vendors[2]
	t.Run("RescheduleMovesTheMeetingAndCancelByTheNewUIDCancelsIt", func(t *testing.T) {
		s := connectorStack(t)
		created(t, v, s.post(t, v, fixture(t, "calcom", "booking_created.json")))
		m := meetingOf(t, s)
		if m.Type != "discovery-call" || m.TimeZone != "Europe/London" || m.Duration != baton.Duration(30*time.Minute) {
			t.Errorf("got meeting %+v, want a 30-minute discovery-call in Europe/London", m)
		}
		resched := fixture(t, "calcom", "booking_rescheduled.json")
		if diff := cmp.Diff([]string{"payload rescheduled"}, results(t, s.post(t, v, resched))); diff != "" {
			t.Errorf("reschedule (-want +got):\n%s", diff)
		}
		m = meetingOf(t, s)
		if want := time.Date(2026, 11, 27, 15, 0, 0, 0, time.UTC); !m.StartsAt.Equal(want) || m.Reschedules != 1 {
			t.Errorf("got meeting at %s rescheduled %d times, want %s once", m.StartsAt, m.Reschedules, want)
		}
		if diff := cmp.Diff([]string{"payload unchanged"}, results(t, s.post(t, v, resched))); diff != "" {
			t.Errorf("replayed reschedule (-want +got):\n%s", diff)
		}
		cancel := fixture(t, "calcom", "booking_cancelled.json")
		if diff := cmp.Diff([]string{"payload cancelled"}, results(t, s.post(t, v, cancel))); diff != "" {
			t.Errorf("cancel (-want +got):\n%s", diff)
		}
		if m := meetingOf(t, s); m.Status != baton.MeetingCancelled || m.Reschedules != 1 {
			t.Errorf("got meeting %s rescheduled %d times, want cancelled, once", m.Status, m.Reschedules)
		}
		if diff := cmp.Diff([]string{"payload unchanged"}, results(t, s.post(t, v, cancel))); diff != "" {
			t.Errorf("replayed cancel (-want +got):\n%s", diff)
		}
		if _, h := s.stored(t); h != 1 {
			t.Errorf("got %d handoffs, want 1", h)
		}
	})
	t.Run("NoShowRecordsTheOutcomeOnce", func(t *testing.T) {
		s := connectorStack(t)
		noGate(s)
		created(t, v, s.post(t, v, fixture(t, "calcom", "booking_created.json")))
		noShow := fixture(t, "calcom", "no_show_updated.json")
		if got := results(t, s.post(t, v, noShow)); !cmp.Equal(got, []string{"payload unchanged"}) {
			t.Errorf("a no-show before the owner took the handoff up: got %v, want unchanged (no outcome yet)", got)
		}
		takeUp(t, s)
		s.clock.Set(time.Date(2026, 11, 26, 16, 35, 0, 0, time.UTC)) // the meeting is over
		if got := results(t, s.post(t, v, fixture(t, "calcom", "meeting_ended.json"))); !cmp.Equal(got, []string{"payload skipped"}) {
			t.Errorf("meeting ended: got %v, want skipped", got)
		}
		if diff := cmp.Diff([]string{"payload no_show"}, results(t, s.post(t, v, noShow))); diff != "" {
			t.Errorf("no-show (-want +got):\n%s", diff)
		}
		h := onlyHandoff(t, s)
		if h.Meeting.Status != baton.MeetingNoShow || h.Outcome != baton.OutcomeNoShow {
			t.Errorf("got meeting %s outcome %q, want no_show", h.Meeting.Status, h.Outcome)
		}
		if diff := cmp.Diff([]string{"payload unchanged"}, results(t, s.post(t, v, noShow))); diff != "" {
			t.Errorf("replayed no-show (-want +got):\n%s", diff)
		}
	})
	t.Run("ARescheduleOfAnUnknownBookingBooksIt", func(t *testing.T) {
		s := connectorStack(t)
		if diff := cmp.Diff([]string{"payload created"}, results(t, s.post(t, v, fixture(t, "calcom", "booking_rescheduled.json")))); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
	t.Run("ACancelOfAnUnknownBookingIsSkipped", func(t *testing.T) {
		s := connectorStack(t)
		if diff := cmp.Diff([]string{"payload skipped"}, results(t, s.post(t, v, fixture(t, "calcom", "booking_cancelled.json")))); diff != "" {
			t.Errorf("results (-want +got):\n%s", diff)
		}
	})
}

func TestCalendlyConnectorMeetings(t *testing.T) {
	t.Parallel()
	v := vendors[3]
	t.Run("RescheduleThenCancel", func(t *testing.T) {
		s := connectorStack(t)
		created(t, v, s.post(t, v, fixture(t, "calendly", "invitee_created.json")))
		m := meetingOf(t, s)
		if m.Type != "30 Minute Demo" || m.TimeZone != "America/Chicago" || len(m.Attendees) != 2 {
			t.Errorf("got meeting %+v, want the 30 Minute Demo in America/Chicago with host and invitee", m)
		}
		if got := results(t, s.post(t, v, fixture(t, "calendly", "invitee_canceled_for_reschedule.json"))); !cmp.Equal(got, []string{"payload skipped"}) {
			t.Errorf("the cancellation half of a reschedule: got %v, want skipped", got)
		}
		if diff := cmp.Diff([]string{"payload rescheduled"}, results(t, s.post(t, v, fixture(t, "calendly", "invitee_rescheduled.json")))); diff != "" {
			t.Errorf("reschedule (-want +got):\n%s", diff)
		}
		if m := meetingOf(t, s); !m.StartsAt.Equal(time.Date(2026, 11, 26, 18, 0, 0, 0, time.UTC)) || m.Status != baton.MeetingBooked {
			t.Errorf("got meeting %s at %s, want booked at 2026-11-26T18:00Z", m.Status, m.StartsAt)
		}
		if diff := cmp.Diff([]string{"payload cancelled"}, results(t, s.post(t, v, fixture(t, "calendly", "invitee_canceled.json")))); diff != "" {
			t.Errorf("cancel (-want +got):\n%s", diff)
		}
		if m := meetingOf(t, s); m.Status != baton.MeetingCancelled {
			t.Errorf("got meeting %s, want cancelled", m.Status)
		}
	})
	t.Run("NoShowRecordsTheOutcome", func(t *testing.T) {
		s := connectorStack(t)
		noGate(s)
		created(t, v, s.post(t, v, fixture(t, "calendly", "invitee_created.json")))
		takeUp(t, s)
		s.clock.Set(time.Date(2026, 11, 25, 17, 35, 0, 0, time.UTC)) // the meeting is over
		if diff := cmp.Diff([]string{"payload no_show"}, results(t, s.post(t, v, fixture(t, "calendly", "invitee_no_show.json")))); diff != "" {
			t.Errorf("no-show (-want +got):\n%s", diff)
		}
		if h := onlyHandoff(t, s); h.Outcome != baton.OutcomeNoShow {
			t.Errorf("got outcome %q, want no_show", h.Outcome)
		}
	})
	t.Run("ASignatureFromTheFutureIsRefused", func(t *testing.T) {
		s := connectorStack(t)
		body := fixture(t, "calendly", "invitee_created.json")
		r := s.do(t, "POST", v.path, "", body, calendlyHeaders(s, body, s.clock.Now().Add(calendly.Tolerance+time.Minute))...)
		if r.status != http.StatusUnauthorized {
			t.Errorf("got %s, want 401", r)
		}
	})
}

// Package prom's Metrics is what Baton counts connector deliveries with.
var _ web.ConnectorMetrics = (*prom.Metrics)(nil)

// TestConnectorMetrics: every delivery is counted with its result, and a
// tampered one moves the signature-failure counter too.
func TestConnectorMetrics(t *testing.T) {
	t.Parallel()
	for _, v := range vendors {
		t.Run(v.name, func(t *testing.T) {
			t.Parallel()
			s := connectorStack(t)
			m := prom.New()
			s.web.Connectors.Metrics = m
			deliveries := func(result string) float64 {
				return counterValue(t, m, "baton_connector_deliveries_total", map[string]string{"connector": v.name, "direction": prom.In, "result": result})
			}
			failures := func() float64 {
				return counterValue(t, m, "baton_connector_signature_failures_total", map[string]string{"connector": v.name})
			}

			body := fixture(t, v.name, v.booking)
			hdr := v.sign(s, body, s.clock.Now())
			tampered := strings.Replace(body, "@", "@evil.", 1)
			if v.name == "salesforce" {
				tampered = strings.ReplaceAll(body, "00D5e000000KQ2eEAG", "00D5e000000XXXXEAG")
			}
			if r := s.do(t, "POST", v.path, "", tampered, hdr...); r.status != http.StatusUnauthorized {
				t.Fatalf("tampered: got %s, want 401", r)
			}
			if got := failures(); got != 1 {
				t.Errorf("after a tampered delivery: got %v signature failures, want 1", got)
			}
			if got := deliveries("refused"); got != 1 {
				t.Errorf("after a tampered delivery: got %v refused deliveries, want 1", got)
			}

			created(t, v, s.post(t, v, body))
			if got := deliveries("accepted"); got != 1 {
				t.Errorf("after a delivery: got %v accepted, want 1", got)
			}
			s.clock.Add(time.Minute)
			if r := s.post(t, v, body); r.status != http.StatusOK {
				t.Fatalf("replay: got %s, want 200", r)
			}
			if got := deliveries("duplicate"); got != 1 {
				t.Errorf("after a replay: got %v duplicates, want 1", got)
			}
			if r := s.post(t, v, v.malformed); r.status != http.StatusBadRequest {
				t.Fatalf("malformed: got %s, want 400", r)
			}
			if got, want := deliveries("refused"), 2.0; got != want {
				t.Errorf("after a malformed delivery: got %v refused, want %v", got, want)
			}
			if got := failures(); got != 1 {
				t.Errorf("at the end: got %v signature failures, want 1 (a malformed delivery is not one)", got)
			}
		})
	}
}

// counterValue reads the counter name with exactly labels from m's
// registry; 0 when it has not been counted.
func counterValue(t *testing.T, m *prom.Metrics, name string, labels map[string]string) float64 {
	t.Helper()
	families, err := m.Registry().Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range families {
		if f.GetName() != name {
			continue
		}
	metrics:
		for _, c := range f.GetMetric() {
			if len(c.GetLabel()) != len(labels) {
				continue
			}
			for _, l := range c.GetLabel() {
				if labels[l.GetName()] != l.GetValue() {
					continue metrics
				}
			}
			return c.GetCounter().GetValue()
		}
	}
	return 0
}
