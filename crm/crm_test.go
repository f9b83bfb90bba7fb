package crm_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/crm"
	"github.com/google/go-cmp/cmp"
)

func TestRecordOf(t *testing.T) {
	t.Parallel()
	both := []string{crm.HubSpot, crm.Salesforce}
	tests := []struct {
		name       string
		source     string
		fields     map[string]any
		connectors []string
		want       crm.Record
		wantOK     bool
	}{
		{name: "NamedCRMWins", source: "web", fields: map[string]any{"crm": "Salesforce", "crm_id": "00Q1"}, connectors: both,
			want: crm.Record{CRM: crm.Salesforce, ID: "00Q1"}, wantOK: true},
		{name: "SourceNamesTheCRM", source: "hubspot", fields: map[string]any{"crm_id": "101"}, connectors: both,
			want: crm.Record{CRM: crm.HubSpot, ID: "101"}, wantOK: true},
		{name: "SourcePrefixNamesTheCRM", source: "hubspot_form", fields: map[string]any{"crm_id": "101", "crm_object": "deals"}, connectors: both,
			want: crm.Record{CRM: crm.HubSpot, Object: "deals", ID: "101"}, wantOK: true},
		{name: "NumericIDIsText", source: "hubspot", fields: map[string]any{"crm_id": float64(51)}, connectors: both,
			want: crm.Record{CRM: crm.HubSpot, ID: "51"}, wantOK: true},
		{name: "SoleConnectorTakesAnySource", source: "web", fields: map[string]any{"crm_id": " 003A "}, connectors: []string{crm.Salesforce},
			want: crm.Record{CRM: crm.Salesforce, ID: "003A"}, wantOK: true},
		{name: "HubSpotWebhookContactID", source: "hubspot", fields: map[string]any{"hubspot_contact_id": "51"}, connectors: both,
			want: crm.Record{CRM: crm.HubSpot, ID: "51"}, wantOK: true},
		{name: "SalesforceOutboundMessageID", source: "salesforce", fields: map[string]any{"salesforce_id": "00Q5e000001"}, connectors: both,
			want: crm.Record{CRM: crm.Salesforce, ID: "00Q5e000001"}, wantOK: true},
		{name: "CRMIDWinsOverWebhookFields", source: "hubspot", fields: map[string]any{"crm_id": "7", "hubspot_contact_id": "51"}, connectors: both,
			want: crm.Record{CRM: crm.HubSpot, ID: "7"}, wantOK: true},
		{name: "AmbiguousSourceWithTwoConnectorsIsNone", source: "web", fields: map[string]any{"crm_id": "1"}, connectors: both},
		{name: "NoIDIsNone", source: "hubspot", fields: map[string]any{"crm": "hubspot"}, connectors: both},
		{name: "UnconfiguredCRMIsNone", source: "web", fields: map[string]any{"crm": "pipedrive", "crm_id": "1"}, connectors: both},
		{name: "NoConnectorsIsNone", source: "hubspot", fields: map[string]any{"crm_id": "1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := crm.RecordOf(tt.source, tt.fields, tt.connectors)
			if ok != tt.wantOK || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestParseActions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{in: "all", want: crm.Actions},
		{in: "", want: nil},
		{in: "none", want: nil},
		{in: "note, owner,note", want: []string{"note", "owner"}},
		{in: "owner,email", wantErr: true},
	}
	for _, tt := range tests {
		got, err := crm.ParseActions(tt.in)
		if (err != nil) != tt.wantErr || !cmp.Equal(got, tt.want) {
			t.Errorf("ParseActions(%q): got %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

// ledger keeps the Deliverer's state in memory.
type ledger struct {
	mu        sync.Mutex
	delivered map[string]*baton.CRMDelivery
	broken    map[string]string
}

func (l *ledger) CRMBroken(_ context.Context, name string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.broken[name]
	return ok, nil
}

func (l *ledger) CRMDelivered(_ context.Context, id string) (bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	_, ok := l.delivered[id]
	return ok, nil
}

func (l *ledger) RecordCRMDelivery(_ context.Context, d *baton.CRMDelivery) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.delivered[d.MessageID] = d
	return nil
}

func (l *ledger) MarkCRMBroken(_ context.Context, name, reason string) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.broken[name] = reason
	return nil
}

// notes is a CRM that counts notes and fails with err while it is set.
type notes struct {
	n   int
	err error
}

func (c *notes) Name() string                                          { return crm.HubSpot }
func (c *notes) SetOwner(context.Context, crm.Record, crm.Owner) error { return c.err }
func (c *notes) SetLink(context.Context, crm.Record, string) error     { return c.err }
func (c *notes) AddTask(context.Context, crm.Record, crm.Task) (string, error) {
	return "", c.err
}
func (c *notes) AddNote(context.Context, crm.Record, crm.Note) (string, error) {
	if c.err != nil {
		return "", c.err
	}
	c.n++
	return "note-1", nil
}

func noteMessage(t *testing.T) *baton.Message {
	t.Helper()
	b, err := json.Marshal(crm.Payload{Action: crm.ActionNote, Record: crm.Record{CRM: crm.HubSpot, ID: "101"}, HandoffID: "h1",
		Note: &crm.Note{Title: "Baton brief", Body: "Situation"}})
	if err != nil {
		t.Fatal(err)
	}
	return &baton.Message{ID: "m1", HandoffID: "h1", Kind: crm.Kind(crm.ActionNote), Channel: crm.Channel(crm.HubSpot), Payload: b}
}

func TestDeliverer(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 23, 14, 0, 0, 0, time.UTC)
	ctx := context.Background()
	newLedger := func() *ledger {
		return &ledger{delivered: map[string]*baton.CRMDelivery{}, broken: map[string]string{}}
	}

	t.Run("RedeliveredMessageWritesOneNote", func(t *testing.T) {
		t.Parallel()
		c, l := &notes{}, newLedger()
		d := &crm.Deliverer{CRM: c, Ledger: l}
		m := noteMessage(t)
		for i := range 2 {
			if res := d.Deliver(ctx, m, now); res.Err != nil {
				t.Fatalf("attempt %d: got %v, want delivered", i+1, res.Err)
			}
		}
		if c.n != 1 {
			t.Errorf("got %d notes, want 1", c.n)
		}
		want := &baton.CRMDelivery{MessageID: "m1", Connector: crm.HubSpot, Action: crm.ActionNote, RecordID: "101", RemoteID: "note-1", HandoffID: "h1", DeliveredAt: now}
		if diff := cmp.Diff(want, l.delivered["m1"]); diff != "" {
			t.Errorf("delivery record (-want +got):\n%s", diff)
		}
	})
	t.Run("UnauthorizedMarksTheConnectorBrokenAndWaits", func(t *testing.T) {
		t.Parallel()
		c, l := &notes{err: &crm.Error{CRM: crm.HubSpot, Op: "add a note", Status: 401, Code: "INVALID_AUTHENTICATION", Unauthorized: true}}, newLedger()
		d := &crm.Deliverer{CRM: c, Ledger: l}
		res := d.Deliver(ctx, noteMessage(t), now)
		if res.Err == nil || !res.Retryable {
			t.Fatalf("got %+v, want a retryable failure (the message waits for the fix)", res)
		}
		if l.broken[crm.HubSpot] == "" {
			t.Fatal("the connector is not marked broken")
		}
		c.err = nil
		if res := d.Deliver(ctx, noteMessage(t), now); !errors.Is(res.Err, crm.ErrBroken) || !res.Retryable || c.n != 0 {
			t.Errorf("got %+v and %d notes, want ErrBroken and nothing written while broken", res, c.n)
		}
	})
	t.Run("UndecodablePayloadIsPermanent", func(t *testing.T) {
		t.Parallel()
		d := &crm.Deliverer{CRM: &notes{}, Ledger: newLedger()}
		m := noteMessage(t)
		m.Payload = json.RawMessage(`{"action":"note","record":{"crm":"hubspot","id":"101"}}`)
		if res := d.Deliver(ctx, m, now); res.Err == nil || res.Retryable {
			t.Errorf("got %+v, want a permanent failure", res)
		}
	})
	t.Run("NetworkFailureIsRetryable", func(t *testing.T) {
		t.Parallel()
		d := &crm.Deliverer{CRM: &notes{err: errors.New("connection refused")}, Ledger: newLedger()}
		if res := d.Deliver(ctx, noteMessage(t), now); res.Err == nil || !res.Retryable {
			t.Errorf("got %+v, want a retryable failure", res)
		}
	})
}
