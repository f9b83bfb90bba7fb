package webhook

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

var (
	testSecret = []byte("whsec_test")
	testNow    = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
	testBody   = []byte(`{"handoff_id":"h_42","event":"handoff.assigned"}`)
)

// TestSignKnownVector pins the signature to a value computed outside Go
// (printf '%s' '1767225600.<body>' | openssl dgst -sha256 -hmac whsec_example),
// so receivers in other languages can check their implementation against it.
func TestSignKnownVector(t *testing.T) {
	t.Parallel()
	got := Sign([]byte("whsec_example"), time.Unix(1767225600, 999_000_000), []byte(`{"handoff_id":"h_1","event":"handoff.assigned"}`))
	want := "t=1767225600,v1=00b0d0b692ad10c16b21e64f266b1bf324e7cd93ff3d1df6fbdb52bbc6a92860"
	if got != want {
		t.Errorf("got %s, want %s", got, want)
	}
}

func TestVerify(t *testing.T) {
	t.Parallel()

	t.Run("AcceptsOwnSignature", func(t *testing.T) {
		t.Parallel()
		if err := Verify(testSecret, Sign(testSecret, testNow, testBody), testBody, testNow, time.Minute); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("RejectsTamperedBody", func(t *testing.T) {
		t.Parallel()
		header := Sign(testSecret, testNow, testBody)
		tampered := []byte(strings.Replace(string(testBody), "h_42", "h_43", 1))
		if err := Verify(testSecret, header, tampered, testNow, time.Minute); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("RejectsWrongSecret", func(t *testing.T) {
		t.Parallel()
		header := Sign([]byte("whsec_other"), testNow, testBody)
		if err := Verify(testSecret, header, testBody, testNow, time.Minute); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("RejectsTimestampMovedToFreshTime", func(t *testing.T) {
		t.Parallel()
		// A replayer who rewrites t to pass the tolerance breaks the signature.
		header := Sign(testSecret, testNow.Add(-time.Hour), testBody)
		_, v1, _ := strings.Cut(header, ",")
		forged := "t=" + itoa(testNow.Unix()) + "," + v1
		if err := Verify(testSecret, forged, testBody, testNow, time.Minute); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("RejectsOldTimestamp", func(t *testing.T) {
		t.Parallel()
		header := Sign(testSecret, testNow.Add(-10*time.Minute), testBody)
		err := Verify(testSecret, header, testBody, testNow, 5*time.Minute)
		if !errors.Is(err, ErrStaleTimestamp) {
			t.Fatalf("got %v, want %v", err, ErrStaleTimestamp)
		}
		if !strings.Contains(err.Error(), "10m0s ago") {
			t.Errorf("got %q, want it to say how old", err)
		}
	})
	t.Run("RejectsFutureTimestamp", func(t *testing.T) {
		t.Parallel()
		header := Sign(testSecret, testNow.Add(10*time.Minute), testBody)
		err := Verify(testSecret, header, testBody, testNow, 5*time.Minute)
		if !errors.Is(err, ErrStaleTimestamp) {
			t.Fatalf("got %v, want %v", err, ErrStaleTimestamp)
		}
		if !strings.Contains(err.Error(), "in the future") {
			t.Errorf("got %q, want it to say the future", err)
		}
	})
	t.Run("AcceptsTimestampAtTolerance", func(t *testing.T) {
		t.Parallel()
		for _, skew := range []time.Duration{-5 * time.Minute, 5 * time.Minute} {
			header := Sign(testSecret, testNow.Add(skew), testBody)
			if err := Verify(testSecret, header, testBody, testNow, 5*time.Minute); err != nil {
				t.Errorf("skew %s: got %v, want nil", skew, err)
			}
		}
	})
	t.Run("DefaultsToleranceToFiveMinutes", func(t *testing.T) {
		t.Parallel()
		fresh := Sign(testSecret, testNow.Add(-4*time.Minute), testBody)
		if err := Verify(testSecret, fresh, testBody, testNow, 0); err != nil {
			t.Errorf("4m old: got %v, want nil", err)
		}
		stale := Sign(testSecret, testNow.Add(-6*time.Minute), testBody)
		if err := Verify(testSecret, stale, testBody, testNow, 0); !errors.Is(err, ErrStaleTimestamp) {
			t.Errorf("6m old: got %v, want %v", err, ErrStaleTimestamp)
		}
	})
	t.Run("ChecksSignatureBeforeTimestamp", func(t *testing.T) {
		t.Parallel()
		header := Sign([]byte("whsec_other"), testNow.Add(-time.Hour), testBody)
		if err := Verify(testSecret, header, testBody, testNow, time.Minute); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("AcceptsAnyOfSeveralSignatures", func(t *testing.T) {
		t.Parallel()
		// What the sender emits while rotating: the new secret, then the old.
		oldSecret, newSecret := []byte("whsec_old"), []byte("whsec_new")
		header := signatureHeader(testNow.Unix(), testBody, newSecret, oldSecret)
		if got := strings.Count(header, "v1="); got != 2 {
			t.Fatalf("got %d v1 values in %q, want 2", got, header)
		}
		for _, secret := range [][]byte{oldSecret, newSecret} {
			if err := Verify(secret, header, testBody, testNow, time.Minute); err != nil {
				t.Errorf("secret %s: got %v, want nil", secret, err)
			}
		}
		if err := Verify(testSecret, header, testBody, testNow, time.Minute); !errors.Is(err, ErrSignatureMismatch) {
			t.Errorf("third secret: got %v, want %v", err, ErrSignatureMismatch)
		}
	})
	t.Run("IgnoresUnknownSchemesAndSpaces", func(t *testing.T) {
		t.Parallel()
		_, v1, _ := strings.Cut(Sign(testSecret, testNow, testBody), ",")
		header := " t=" + itoa(testNow.Unix()) + " , v0=whatever, " + v1 + ",v2=" + strings.Repeat("ab", 40)
		if err := Verify(testSecret, header, testBody, testNow, time.Minute); err != nil {
			t.Errorf("got %v, want nil", err)
		}
	})
	t.Run("RejectsEmptySecret", func(t *testing.T) {
		t.Parallel()
		header := Sign(nil, testNow, testBody)
		if err := Verify(nil, header, testBody, testNow, time.Minute); !errors.Is(err, ErrMissingSecret) {
			t.Errorf("got %v, want %v", err, ErrMissingSecret)
		}
	})
}

func TestVerifyRejectsMalformedHeader(t *testing.T) {
	t.Parallel()
	ts := itoa(testNow.Unix())
	sig := strings.Repeat("0f", 32)
	tests := []struct{ name, header string }{
		{"Empty", ""},
		{"Blank", "   "},
		{"NoEquals", "garbage"},
		{"NoTimestamp", "v1=" + sig},
		{"NoSignature", "t=" + ts},
		{"OnlyUnknownScheme", "t=" + ts + ",v2=" + sig},
		{"EmptyTimestamp", "t=,v1=" + sig},
		{"NonNumericTimestamp", "t=soon,v1=" + sig},
		{"NegativeTimestamp", "t=-5,v1=" + sig},
		{"SignedTimestamp", "t=+" + ts + ",v1=" + sig},
		{"FractionalTimestamp", "t=" + ts + ".5,v1=" + sig},
		{"HugeTimestamp", "t=99999999999999999999999,v1=" + sig},
		{"TwoTimestamps", "t=" + ts + ",t=" + ts + ",v1=" + sig},
		{"ShortSignature", "t=" + ts + ",v1=abcd"},
		{"LongSignature", "t=" + ts + ",v1=" + sig + "00"},
		{"NonHexSignature", "t=" + ts + ",v1=" + strings.Repeat("zz", 32)},
		{"EmptyElement", "t=" + ts + ",,v1=" + sig},
		{"UppercaseKey", "T=" + ts + ",V1=" + sig},
		{"SemicolonSeparated", "t=" + ts + ";v1=" + sig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if err := Verify(testSecret, tt.header, testBody, testNow, time.Minute); !errors.Is(err, ErrMalformedHeader) {
				t.Errorf("Verify(%q): got %v, want %v", tt.header, err, ErrMalformedHeader)
			}
		})
	}
}

// FuzzVerify feeds arbitrary headers to the parser: Verify must never panic,
// must fail with exactly one of its documented errors, and may accept only a
// header that carries the genuine signature.
func FuzzVerify(f *testing.F) {
	good := Sign(testSecret, testNow, testBody)
	f.Add(good, testBody)
	f.Add(good+",v1="+strings.Repeat("0", 64), testBody)
	f.Add(" t=1 , v1=zz", []byte("{}"))
	f.Add("t=99999999999999999,v1="+strings.Repeat("a", 64), []byte(nil))
	f.Add(",,,=,==,t==", []byte("x"))
	f.Add("t=\x00,v1=\xff", []byte("\xff"))
	f.Fuzz(func(t *testing.T, header string, body []byte) {
		err := Verify(testSecret, header, body, testNow, time.Minute)
		if err == nil {
			unix, sigs, perr := parseSignatureHeader(header)
			if perr != nil {
				t.Fatalf("Verify(%q) accepted a header the parser rejects: %v", header, perr)
			}
			if d := testNow.Sub(time.Unix(unix, 0)).Abs(); d > time.Minute {
				t.Fatalf("Verify(%q) accepted a timestamp %s away", header, d)
			}
			want := mac(testSecret, unix, body)
			if !slices.ContainsFunc(sigs, func(sig []byte) bool { return bytes.Equal(sig, want) }) {
				t.Fatalf("Verify(%q) accepted a header without the genuine signature", header)
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
			t.Fatalf("Verify(%q) = %v, matching %d documented errors, want 1", header, err, n)
		}
	})
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
