package webhook

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	testSecretText = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
	testSecret     = mustParseSecret(testSecretText)
	testNow        = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	testID         = "msg_0192f4c2"
	testBody       = []byte(`{"type":"handoff.assigned","timestamp":"2026-03-02T09:29:58Z","data":{"handoff_id":"h_42"}}`)
)

func mustParseSecret(s string) []byte {
	key, err := ParseSecret(s)
	if err != nil {
		panic(err)
	}
	return key
}

// headers returns the three signature headers of a delivery signed by the
// given signature value.
func headers(id string, ts time.Time, sig string) http.Header {
	h := http.Header{}
	h.Set(HeaderID, id)
	h.Set(HeaderTimestamp, strconv.FormatInt(ts.Unix(), 10))
	h.Set(HeaderSignature, sig)
	return h
}

// specVerify is a receiver's verifier written from the Standard Webhooks
// specification (standardwebhooks.com, "Verifying webhook authenticity"),
// sharing no code with the package, so the tests check Baton against the
// specification rather than against itself:
//
//   - the secret is "whsec_" then the base64 of the key;
//   - the signed content is msg_id "." timestamp "." body;
//   - the signature is base64(HMAC-SHA256(key, content)), sent as "v1,"+sig
//     in webhook-signature, several space-delimited when secrets rotate;
//   - compare in constant time; reject timestamps more than five minutes
//     from now, either way.
func specVerify(secret string, h http.Header, body []byte, now time.Time) error {
	key, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(secret, "whsec_"))
	if err != nil {
		return err
	}
	id, ts := h.Get("Webhook-Id"), h.Get("Webhook-Timestamp")
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return err
	}
	if math.Abs(float64(now.Unix()-sec)) > 5*60 {
		return errors.New("timestamp outside five minutes")
	}
	m := hmac.New(sha256.New, key)
	fmt.Fprintf(m, "%s.%s.%s", id, ts, body)
	expected := "v1," + base64.StdEncoding.EncodeToString(m.Sum(nil))
	for _, sig := range strings.Split(h.Get("Webhook-Signature"), " ") {
		if hmac.Equal([]byte(sig), []byte(expected)) {
			return nil
		}
	}
	return errors.New("no matching signature")
}

// TestSignKnownVector pins the signature to the Standard Webhooks reference
// libraries' test vector, also computed outside Go (printf '%s'
// 'msg_p5jXN8AQM9LWM0D4loKWxJek.1614265330.{"test": 2432232314}' | openssl
// dgst -sha256 -mac HMAC -macopt hexkey:<key> -binary | base64), so
// receivers in other languages can check their implementation against it.
func TestSignKnownVector(t *testing.T) {
	t.Parallel()
	got := Sign(testSecret, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 999_000_000), []byte(`{"test": 2432232314}`))
	want := "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestParseSecret(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []byte
		err      error
	}{
		{"WhsecBase64", "whsec_c2VjcmV0LWtleQ==", []byte("secret-key"), nil},
		{"WhsecUnpadded", "whsec_c2VjcmV0LWtleQ", []byte("secret-key"), nil},
		{"RawSecret", "s3cret with spaces", []byte("s3cret with spaces"), nil},
		{"Empty", "", nil, ErrMissingSecret},
		{"WhsecNotBase64", "whsec_not*base64", nil, ErrInvalidSecret},
		{"WhsecEmpty", "whsec_", nil, ErrInvalidSecret},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseSecret(tt.in)
			if !errors.Is(err, tt.err) || !bytes.Equal(got, tt.want) {
				t.Errorf("ParseSecret(%q): got %q, %v; want %q, %v", tt.in, got, err, tt.want, tt.err)
			}
		})
	}
}

// TestSignatureMeetsSpec checks Sign and Verify against the verifier written
// from the specification: both accept a genuine delivery and both reject the
// same forgeries.
func TestSignatureMeetsSpec(t *testing.T) {
	t.Parallel()
	genuine := headers(testID, testNow, Sign(testSecret, testID, testNow, testBody))
	otherKey := mustParseSecret("whsec_b3RoZXIta2V5LW9mLWFub3RoZXItZW5kcG9pbnQ=")
	tests := []struct {
		name   string
		header http.Header
		body   []byte
		now    time.Time
		want   error // from Verify; specVerify must fail alike
	}{
		{"AcceptsGenuine", genuine, testBody, testNow, nil},
		{"AcceptsSlightlyLateClock", genuine, testBody, testNow.Add(4 * time.Minute), nil},
		{"AcceptsSlightlyEarlyClock", genuine, testBody, testNow.Add(-4 * time.Minute), nil},
		{"RejectsTamperedBody", genuine, bytes.Replace(testBody, []byte("h_42"), []byte("h_43"), 1), testNow, ErrSignatureMismatch},
		{"RejectsWrongSecret", headers(testID, testNow, Sign(otherKey, testID, testNow, testBody)), testBody, testNow, ErrSignatureMismatch},
		{"RejectsOldTimestamp", headers(testID, testNow.Add(-5*time.Minute-time.Second), Sign(testSecret, testID, testNow.Add(-5*time.Minute-time.Second), testBody)), testBody, testNow, ErrStaleTimestamp},
		{"RejectsFutureTimestamp", headers(testID, testNow.Add(5*time.Minute+time.Second), Sign(testSecret, testID, testNow.Add(5*time.Minute+time.Second), testBody)), testBody, testNow, ErrStaleTimestamp},
		{"RejectsReplayWithFreshTimestamp", headers(testID, testNow, Sign(testSecret, testID, testNow.Add(-time.Hour), testBody)), testBody, testNow, ErrSignatureMismatch},
		{"RejectsOtherMessageID", headers("msg_other", testNow, Sign(testSecret, testID, testNow, testBody)), testBody, testNow, ErrSignatureMismatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := Verify(testSecret, tt.header, tt.body, tt.now, 0)
			if !errors.Is(err, tt.want) || (tt.want == nil) != (err == nil) {
				t.Errorf("Verify: got %v, want %v", err, tt.want)
			}
			specErr := specVerify(testSecretText, tt.header, tt.body, tt.now)
			if (specErr == nil) != (tt.want == nil) {
				t.Errorf("specification's verifier: got %v, want it to %s", specErr, map[bool]string{true: "accept", false: "reject"}[tt.want == nil])
			}
		})
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()

	t.Run("SaysHowOld", func(t *testing.T) {
		t.Parallel()
		old := testNow.Add(-10 * time.Minute)
		err := Verify(testSecret, headers(testID, old, Sign(testSecret, testID, old, testBody)), testBody, testNow, 0)
		if !errors.Is(err, ErrStaleTimestamp) || !strings.Contains(err.Error(), "10m0s ago") {
			t.Errorf("got %v, want %v saying 10m0s ago", err, ErrStaleTimestamp)
		}
	})
	t.Run("SaysInTheFuture", func(t *testing.T) {
		t.Parallel()
		later := testNow.Add(10 * time.Minute)
		err := Verify(testSecret, headers(testID, later, Sign(testSecret, testID, later, testBody)), testBody, testNow, 0)
		if !errors.Is(err, ErrStaleTimestamp) || !strings.Contains(err.Error(), "in the future") {
			t.Errorf("got %v, want %v saying in the future", err, ErrStaleTimestamp)
		}
	})
	t.Run("AcceptsTimestampAtTolerance", func(t *testing.T) {
		t.Parallel()
		for _, skew := range []time.Duration{-5 * time.Minute, 5 * time.Minute} {
			at := testNow.Add(skew)
			if err := Verify(testSecret, headers(testID, at, Sign(testSecret, testID, at, testBody)), testBody, testNow, 0); err != nil {
				t.Errorf("skew %s: got %v, want nil", skew, err)
			}
		}
	})
	t.Run("HonoursGivenTolerance", func(t *testing.T) {
		t.Parallel()
		at := testNow.Add(-2 * time.Minute)
		h := headers(testID, at, Sign(testSecret, testID, at, testBody))
		if err := Verify(testSecret, h, testBody, testNow, time.Minute); !errors.Is(err, ErrStaleTimestamp) {
			t.Errorf("got %v, want %v", err, ErrStaleTimestamp)
		}
	})
	t.Run("ChecksSignatureBeforeTimestamp", func(t *testing.T) {
		t.Parallel()
		old := testNow.Add(-time.Hour)
		h := headers(testID, old, Sign([]byte("other"), testID, old, testBody))
		if err := Verify(testSecret, h, testBody, testNow, 0); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("AcceptsAnyOfSeveralSignatures", func(t *testing.T) {
		t.Parallel()
		// What the sender emits while rotating: the new key, then the old.
		oldKey, newKey := []byte("old-key"), []byte("new-key")
		sig := signatureHeader(testID, testNow.Unix(), testBody, newKey, oldKey)
		if got := len(strings.Fields(sig)); got != 2 {
			t.Fatalf("got %d signatures in %q, want 2", got, sig)
		}
		h := headers(testID, testNow, sig)
		for _, key := range [][]byte{oldKey, newKey} {
			if err := Verify(key, h, testBody, testNow, 0); err != nil {
				t.Errorf("key %s: got %v, want nil", key, err)
			}
		}
		if err := Verify(testSecret, h, testBody, testNow, 0); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("third key: got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("IgnoresOtherVersionsAndExtraSpaces", func(t *testing.T) {
		t.Parallel()
		sig := "  v1a,c2lnbmVkLXdpdGgtZWQyNTUxOQ==  " + Sign(testSecret, testID, testNow, testBody) + " v2,whatever "
		if err := Verify(testSecret, headers(testID, testNow, sig), testBody, testNow, 0); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("RejectsEmptySecret", func(t *testing.T) {
		t.Parallel()
		h := headers(testID, testNow, Sign(nil, testID, testNow, testBody))
		if err := Verify(nil, h, testBody, testNow, 0); !errors.Is(err, ErrMissingSecret) {
			t.Errorf("got %v, want %v", err, ErrMissingSecret)
		}
	})
}

func TestVerifyRejectsMalformedHeaders(t *testing.T) {
	t.Parallel()
	ts := strconv.FormatInt(testNow.Unix(), 10)
	sig := "v1," + base64.StdEncoding.EncodeToString(make([]byte, 32))
	tests := []struct{ name, id, ts, sig string }{
		{"NoID", "", ts, sig},
		{"NoTimestamp", testID, "", sig},
		{"NonNumericTimestamp", testID, "soon", sig},
		{"NegativeTimestamp", testID, "-5", sig},
		{"FractionalTimestamp", testID, ts + ".5", sig},
		{"HugeTimestamp", testID, "99999999999999999999999", sig},
		{"NoSignature", testID, ts, ""},
		{"OnlyOtherVersion", testID, ts, "v1a,abcd"},
		{"NoComma", testID, ts, "v1=" + strings.TrimPrefix(sig, "v1,")},
		{"ShortSignature", testID, ts, "v1,abcd"},
		{"NotBase64", testID, ts, "v1," + strings.Repeat("*", 44)},
		{"HexInsteadOfBase64", testID, ts, "v1," + strings.Repeat("0f", 32)},
		{"OldBatonScheme", testID, ts, "t=" + ts + ",v1=" + strings.Repeat("0f", 32)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := http.Header{}
			h.Set(HeaderID, tt.id)
			h.Set(HeaderTimestamp, tt.ts)
			h.Set(HeaderSignature, tt.sig)
			if err := Verify(testSecret, h, testBody, testNow, 0); !errors.Is(err, ErrMalformedHeader) {
				t.Errorf("got %v, want %v", err, ErrMalformedHeader)
			}
		})
	}
}

// FuzzVerify feeds arbitrary headers to the parser: Verify must never panic,
// must fail with exactly one of its documented errors, and may accept only a
// delivery that carries the genuine signature.
func FuzzVerify(f *testing.F) {
	ts := strconv.FormatInt(testNow.Unix(), 10)
	good := Sign(testSecret, testID, testNow, testBody)
	f.Add(testID, ts, good, testBody)
	f.Add(testID, ts, good+" v1,"+strings.Repeat("A", 44), testBody)
	f.Add("x", " 1 ", " v1,zz", []byte("{}"))
	f.Add("\x00", "99999999999999999", "v1,,v1", []byte(nil))
	f.Fuzz(func(t *testing.T, id, ts, sig string, body []byte) {
		h := http.Header{"Webhook-Id": {id}, "Webhook-Timestamp": {ts}, "Webhook-Signature": {sig}}
		err := Verify(testSecret, h, body, testNow, time.Minute)
		if err == nil {
			unix, perr := parseTimestamp(ts)
			sigs, serr := parseSignatures(sig)
			if perr != nil || serr != nil {
				t.Fatalf("Verify accepted headers the parser rejects: %v %v", perr, serr)
			}
			if d := testNow.Sub(time.Unix(unix, 0)).Abs(); d > time.Minute {
				t.Fatalf("Verify accepted a timestamp %s away", d)
			}
			want := mac(testSecret, id, unix, body)
			if !slices.ContainsFunc(sigs, func(s []byte) bool { return bytes.Equal(s, want) }) {
				t.Fatalf("Verify accepted headers without the genuine signature")
			}
			return
		}
		n := 0
		for _, sentinel := range []error{ErrMalformedHeader, ErrSignatureMismatch, ErrStaleTimestamp, ErrMissingSecret} {
			if errors.Is(err, sentinel) {
				n++
			}
		}
		if n != 1 {
			t.Fatalf("Verify = %v, matching %d documented errors, want 1", err, n)
		}
	})
}
