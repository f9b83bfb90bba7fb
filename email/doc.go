// Package email sends Baton's outbound messages by SMTP, through the relay an
// operator configures (their mail provider, or a local MTA), using
// github.com/wneessen/go-mail.
//
// [Sender.Send] makes one attempt to hand one [Message] to the relay and
// classifies the outcome as a [baton.DeliveryResult], which the outbox worker
// turns into delivered, due again later, or failed for good:
//
//   - Accepted by the relay (250 after DATA): delivered. This is the next
//     hop's acceptance, not the recipient's inbox; a bounce the relay
//     generates later arrives by mail, which Baton does not read.
//   - A 4xx answer at any stage (451 local error, 421 closing, 452
//     insufficient storage), a network error, a TLS handshake failure or a
//     timeout: retryable.
//   - A 5xx answer to RCPT TO (550 no such user, 553 mailbox name not
//     allowed): permanent, and Bounced, so the caller can mark the contact
//     and stop writing to that address.
//   - A 5xx answer to AUTH (535 bad credentials) or to MAIL FROM (the relay
//     refuses our sender): permanent, and Broken: every message would fail
//     until the configuration is fixed.
//   - Any other 5xx, or a message that cannot be built (no recipient, an
//     address that does not parse): permanent.
//
// A message carries a plain-text part and, optionally, an HTML alternative,
// both rendered by the caller; attachments such as a meeting invitation
// ([Invite]); a Message-ID derived from the outbox message id, so a retried
// send carries the same Message-ID and receiving systems and people can
// tell it is the same message; and, only when the caller asks, the
// List-Unsubscribe and List-Unsubscribe-Post headers of RFC 8058 for mail to
// prospects. Transactional notifications to the team never carry them.
//
// # Limits
//
//   - One connection per Send: simple and robust, but each message pays a
//     handshake (and TLS). Fine for notification volumes; batching on one
//     connection is left for when a relay's connection limits demand it.
//   - A retry after a lost 250 (the relay accepted the message, the
//     connection dropped before the answer arrived) sends the message again,
//     with the same Message-ID: SMTP is at least once.
//   - Only the first recipient's refusal is classified; a Message has one
//     recipient.
//   - No DKIM signing here: sign at the relay, where the key lives.
package email
