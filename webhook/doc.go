// Package webhook delivers Baton's outbound notifications to the HTTP endpoints
// receivers configure, signed so a receiver can tell a message came from Baton
// and was not altered or replayed; it also holds [Verify], the reference
// verifier receivers use.
//
// The worker that drains the outbound-message table calls [Sender.Deliver]
// once per attempt and records the [Result]: delivered; due again after the
// longer of [Backoff] and Result.RetryAfter; or failed for good. The package
// keeps no state between attempts (the row is the state), never sleeps and
// never retries by itself.
//
// # Wire format
//
// Deliveries follow the Standard Webhooks specification
// (https://www.standardwebhooks.com), so receivers can verify them with any
// of its libraries. Each attempt is one POST to the configured URL:
//
//	POST /hooks/baton HTTP/1.1
//	Content-Type: application/json
//	User-Agent: Baton-Webhook/2
//	webhook-id: 0192f4c2-7a51-7c1e-9d0a-3f5b2e8c1d44
//	webhook-timestamp: 1767225600
//	webhook-signature: v1,<base64 of 32 bytes>
//
//	{"type":"handoff.assigned","timestamp":"2026-01-01T00:00:00Z","data":{"handoff_id":"…",…}}
//
// The body is the specification's envelope: type is the event (such as
// handoff.assigned), timestamp is when it happened (RFC 3339, UTC), data is
// the event's document. webhook-id is the message id. webhook-timestamp is
// the Unix time in seconds at which this attempt was signed.
// webhook-signature is a space-separated list of signatures, each "v1," and
// the standard base64 of the HMAC-SHA256, keyed with the endpoint's secret,
// of the bytes
//
//	<webhook-id> "." <webhook-timestamp> "." <body>
//
// There are two signatures while the secret is being rotated (see
// Sender.PreviousSecret). Signatures of other versions (v1a is the
// specification's asymmetric scheme) are ignored by verifiers that only know
// v1.
//
// The secret is configured as the specification writes it, "whsec_" and the
// key in base64 (the HMAC key is the decoded bytes); any other string is
// taken as the key itself, byte for byte, for receivers that hold a raw
// secret. See [ParseSecret].
//
// # Verifying a delivery
//
// Receivers written in Go call [Verify]; this package imports only the
// standard library and Baton's root package. Elsewhere, use a Standard
// Webhooks library, or do what Verify does:
//
//  1. Read the raw body as bytes, before any JSON decoding: re-encoding
//     changes the bytes and breaks the signature.
//  2. Take webhook-id, webhook-timestamp (decimal digits) and the v1 entries
//     of webhook-signature (split on spaces, then at the first ",").
//  3. Compute base64(HMAC-SHA256(key, id + "." + timestamp + "." + body)).
//  4. Compare it with every v1 signature in constant time; accept if any
//     matches.
//  5. Reject the delivery if the timestamp is more than five minutes away
//     from your clock, in either direction: that bounds how long a captured
//     request can be replayed.
//
// Answer 401 to a delivery that fails verification. Baton signs each attempt
// afresh, so a retried message always carries a current timestamp.
//
// # Idempotency and responses
//
// Delivery is at least once. A message is retried until a 2xx comes back, so a
// receiver whose 2xx was lost on the way (a timeout, a dropped connection)
// sees the message again. Every attempt of one message carries the same
// webhook-id and the same body; only webhook-timestamp and the signature
// change. Record the id together with the effect, in one transaction, and
// answer 2xx to an id already recorded without applying it twice.
//
// What Baton does with the answer:
//
//   - 2xx: delivered.
//   - 408, 409, 425, 429, any 5xx, a network error, or no complete response
//     within the timeout (10 seconds by default): retried later with
//     [Backoff]. 409 is retried because receivers, like Stripe's own API,
//     answer it while an earlier request with the same idempotency key is
//     still in progress; a later attempt finds it finished. On 429 and 503 a
//     Retry-After header, in seconds or as an HTTP date, is honoured, up to
//     [BackoffCap].
//   - Anything else is permanent and the message is not retried: 3xx,
//     because redirects are not followed (following one would send the signed
//     body to an address nobody configured, and turns a POST into a GET on
//     301 to 303; configure the final URL instead); 401 and 403, because
//     resending the same bytes cannot fix a rejected signature or credential;
//     404 and 410, because there is no endpoint; 400, 413, 422 and the rest,
//     because the receiver rejects this body. 401, 403, 404 and 410 also set
//     Result.Broken: the endpoint or its secret is wrong, and every later
//     message will fail the same way until an operator fixes it.
//
// Answer within the timeout: acknowledge quickly and do slow work afterwards.
// The response body is read up to Sender.MaxResponseBytes (64 KiB by default)
// and otherwise ignored, apart from its first bytes, which go into the error
// an operator sees.
//
// # Limits
//
//   - Order is not guaranteed: a retried message can arrive after a later
//     one. Order by the content (the times in the body), not by arrival.
//   - The secret is symmetric: whoever holds it can sign. Give each endpoint
//     its own secret.
//   - Plain http is accepted, for local receivers and tests; it sends the body
//     and the signature in the clear. Use https for anything else.
//   - Deliver posts to any http or https host, loopback and private addresses
//     included. When endpoint URLs come from people who should not reach the
//     internal network, pass a Client whose dialer refuses such addresses
//     (net.Dialer.Control).
//   - Query strings and credentials in the URL are never put in errors, but
//     they are sent: prefer the signature to tokens in the URL.
//   - Version 1 of this package sent Baton-Event, Baton-Idempotency-Key and
//     Baton-Signature: t=…,v1=<hex> over the bare event document; receivers
//     written for it must move to the headers and envelope above.
package webhook
