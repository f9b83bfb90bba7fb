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
// Each attempt is one POST of the message body, byte for byte, to the
// configured URL:
//
//	POST /hooks/baton HTTP/1.1
//	Content-Type: application/json
//	User-Agent: Baton-Webhook/1
//	Baton-Event: handoff.assigned
//	Baton-Idempotency-Key: 0192f4c2-7a51-7c1e-9d0a-3f5b2e8c1d44
//	Baton-Signature: t=1767225600,v1=5e9f…(64 hex digits)
//
//	{"handoff_id":"…",…}
//
// Baton-Event names what happened. Baton-Idempotency-Key is the message id.
// Baton-Signature is a comma-separated list of key=value elements: exactly one
// t, the Unix time in seconds at which this attempt was signed, and one or
// more v1, each the lowercase hex HMAC-SHA256, keyed with the endpoint's
// shared secret, of the bytes
//
//	<t> "." <body>
//
// (the decimal t, a full stop, then the raw body). There are two v1 elements
// while the secret is being rotated (see Sender.PreviousSecret). Elements with
// other keys are ignored, so a future scheme can be sent beside v1 without
// breaking receivers that only know v1.
//
// # Verifying a delivery
//
// Receivers written in Go call [Verify]; this package imports only the
// standard library. Elsewhere, do what Verify does:
//
//  1. Read the raw body as bytes, before any JSON decoding: re-encoding
//     changes the bytes and breaks the signature.
//  2. Split Baton-Signature on ",", and each element at its first "=". Take t
//     (decimal digits) and every v1 (64 hex digits).
//  3. Compute hex(HMAC-SHA256(secret, t + "." + body)).
//  4. Compare it with every v1 in constant time; accept if any matches.
//  5. Reject the delivery if t is more than five minutes away from your clock,
//     in either direction: that bounds how long a captured request can be
//     replayed.
//
// Answer 401 to a delivery that fails verification. Baton signs each attempt
// afresh, so a retried message always carries a current t.
//
// # Idempotency and responses
//
// Delivery is at least once. A message is retried until a 2xx comes back, so a
// receiver whose 2xx was lost on the way (a timeout, a dropped connection)
// sees the message again. Every attempt of one message carries the same
// Baton-Idempotency-Key and the same body; only t and v1 change. Record the
// key together with the effect, in one transaction, and answer 2xx to a key
// already recorded without applying it twice.
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
//     because the receiver rejects this body.
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
package webhook
