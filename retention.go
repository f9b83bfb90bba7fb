package baton

// signalKeptFields are the signal fields a cleared body keeps: those that
// name the signal's CRM record (package crm's crm_id, crm and crm_object,
// and the fields Baton's HubSpot and Salesforce endpoints set), so that
// write-back still finds the record of an old handoff. Every other field
// was copied into the handoff's context when the signal arrived.
var signalKeptFields = []string{"crm_id", "crm", "crm_object", "hubspot_contact_id", "salesforce_id"}

// WithoutBody returns what Baton keeps of a signal once its raw body's
// retention (serve's --retain-signal-bodies) has passed: its ids, type,
// times, source, campaign, sender and message (which the handoff's brief
// shows), the contact's email and the account's name and domain (enough
// for a replay in a playbook simulation to validate and match), the ids it
// was matched to, and the fields that name its CRM record. The rest (the
// contact's name, title, phone and time zone, the account's size,
// industry and country as sent, the meeting, the other fields) is dropped:
// the contact, account, meeting and handoff rows hold what Baton made of
// it, and the event log holds what happened. Clearing is idempotent:
// WithoutBody of a cleared signal is equal to it.
func (s *Signal) WithoutBody() *Signal {
	out := &Signal{
		ID: s.ID, ExternalID: s.ExternalID, Type: s.Type, OccurredAt: s.OccurredAt, ReceivedAt: s.ReceivedAt,
		Source: s.Source, Campaign: s.Campaign, Sender: s.Sender, Message: s.Message,
		Contact:   SignalContact{Email: s.Contact.Email},
		Account:   SignalAccount{Name: s.Account.Name, Domain: s.Account.Domain},
		AccountID: s.AccountID, ContactID: s.ContactID, HandoffID: s.HandoffID,
	}
	for _, k := range signalKeptFields {
		if v, ok := s.Fields[k]; ok {
			if out.Fields == nil {
				out.Fields = map[string]any{}
			}
			out.Fields[k] = v
		}
	}
	return out
}
