// Package crm writes what Baton knows back to the team's CRM: the owner on
// the CRM record, the brief as a note on the contact, the outcome and next
// step as a task, and the handoff's link on the record.
//
// Every write is an outbox message (baton.Message) on the channel
// Channel(name) of one connector, queued by the service in the transaction
// that assigned the handoff or recorded its outcome, and delivered by the
// outbox worker through a Deliverer: durable, retried with the outbox's
// backoff (honouring a 429's Retry-After), and idempotent. The CRMs take no
// idempotency key, so the Deliverer records each message it delivered
// (baton.CRMDelivery) and a redelivered message writes nothing.
//
// # Which record
//
// A handoff is written back when the signal that opened it names a CRM
// record in its fields (RecordOf):
//
//   - fields.crm_id: the record's id in the CRM (a HubSpot contact id, a
//     Salesforce Lead or Contact id). Required: without it nothing is
//     written.
//   - fields.crm: which connector, "hubspot" or "salesforce". Optional:
//     when absent, a signal whose source is the connector's name (or starts
//     with it, such as "hubspot_form") goes to that connector, and when
//     one connector only is configured it takes every signal.
//   - without crm_id (and crm), the fields Baton's HubSpot and Salesforce
//     webhook endpoints set: hubspot_contact_id (a HubSpot contact) or
//     salesforce_id (a Salesforce record).
//   - fields.crm_object: the record's object type. Optional: HubSpot
//     defaults to contacts; Salesforce tells a Lead (id prefix 00Q) from a
//     Contact (003) by the id's prefix.
//
// # What is written, and when
//
//   - owner: when the handoff is assigned or reassigned, the owner, found
//     in the CRM by the owner's email (HubSpot owners, Salesforce users).
//   - link: when the handoff is first assigned, its URL in Baton, into a
//     property (HubSpot) or field (Salesforce) the team creates.
//   - note: when the handoff is first assigned, the CRM brief as a note on
//     the contact.
//   - task: when an outcome is recorded, the outcome and the next step as a
//     task on the contact, due when the first follow-up task is due, or a
//     completed task when the outcome opens no follow-up.
//
// # Failures
//
// A 429 (or a 5xx, or Salesforce's REQUEST_LIMIT_EXCEEDED) is retried,
// waiting at least the Retry-After the CRM asked for. A 401 or 403 means the
// credentials are revoked or lack a scope: the connector is marked broken
// (persisted), its messages wait instead of being sent, and the workspace
// shows it on Admin → CRM until an admin marks it fixed, which makes the
// waiting messages due at once. Any other refusal (a record that does not
// exist, an owner with no CRM user) fails the one message.
//
// Limits: a write the CRM performed whose answer was lost (a timeout after
// the CRM committed) cannot be told from one it did not perform, so it is
// retried and may be written twice; every other redelivery is deduplicated.
// The Salesforce adapter takes an access token and does not refresh it: an
// expired token marks the connector broken like a revoked one.
package crm
