package webhook_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"

	"github.com/batonhq/baton/webhook"
)

func ExampleSign() {
	key, _ := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	fmt.Println(webhook.Sign(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", time.Unix(1614265330, 0), []byte(`{"test": 2432232314}`)))
	// Output: v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=
}

// A receiver's handler: verify the raw body, deduplicate on webhook-id,
// acknowledge fast.
func ExampleVerify() {
	key, err := webhook.ParseSecret("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
	if err != nil {
		panic(err)
	}
	handler := func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := webhook.Verify(key, r.Header, body, time.Now(), webhook.DefaultTolerance); err != nil {
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
		id := r.Header.Get(webhook.HeaderID)
		// Record id with the effect in one transaction; if the id is
		// already recorded, skip the effect and still answer 2xx.
		_ = id
		w.WriteHeader(http.StatusNoContent)
	}

	body := []byte(`{"type":"handoff.assigned","timestamp":"2026-01-01T00:00:00Z","data":{"handoff_id":"h_1"}}`)
	for _, signedAt := range []time.Time{time.Now(), time.Now().Add(-time.Hour)} {
		req := httptest.NewRequest(http.MethodPost, "/hooks/baton", bytes.NewReader(body))
		req.Header.Set(webhook.HeaderID, "msg_1")
		req.Header.Set(webhook.HeaderTimestamp, strconv.FormatInt(signedAt.Unix(), 10))
		req.Header.Set(webhook.HeaderSignature, webhook.Sign(key, "msg_1", signedAt, body))
		rec := httptest.NewRecorder()
		handler(rec, req)
		fmt.Println(rec.Code)
	}
	// Output:
	// 204
	// 401
}
