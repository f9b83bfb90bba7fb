package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/batonhq/baton/webhook"
)

func ExampleSign() {
	body := []byte(`{"handoff_id":"h_1","event":"handoff.assigned"}`)
	fmt.Println(webhook.Sign([]byte("whsec_example"), time.Unix(1767225600, 0), body))
	// Output: t=1767225600,v1=00b0d0b692ad10c16b21e64f266b1bf324e7cd93ff3d1df6fbdb52bbc6a92860
}

// A receiver's handler: verify the raw body, deduplicate on the idempotency
// key, acknowledge fast.
func ExampleVerify() {
	secret := []byte("whsec_example")
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		err = webhook.Verify(secret, r.Header.Get(webhook.HeaderSignature), body, time.Now(), webhook.DefaultTolerance)
		if err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		key := r.Header.Get(webhook.HeaderIdempotencyKey)
		// Record key with the effect in one transaction; if the key is
		// already recorded, skip the effect and still answer 2xx.
		_ = key
		w.WriteHeader(http.StatusNoContent)
	}

	body := []byte(`{"handoff_id":"h_1"}`)
	for _, signedAt := range []time.Time{time.Now(), time.Now().Add(-time.Hour)} {
		req := httptest.NewRequest(http.MethodPost, "/hooks/baton", bytes.NewReader(body))
		req.Header.Set(webhook.HeaderSignature, webhook.Sign(secret, signedAt, body))
		req.Header.Set(webhook.HeaderIdempotencyKey, "msg_1")
		rec := httptest.NewRecorder()
		handler(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// 204
	// 401
}
