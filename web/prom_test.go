package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/batonhq/baton/prom"
)

func TestPrometheusEndpoint(t *testing.T) {
	t.Parallel()

	t.Run("NotFoundWithoutMetrics", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		if r := s.do(t, "GET", "/metrics", "", ""); r.status != http.StatusNotFound {
			t.Errorf("got %s, want 404", r)
		}
	})

	t.Run("ServedBehindItsToken", func(t *testing.T) {
		t.Parallel()
		s := newStack(t)
		m := prom.New()
		s.svc.SetObserver(m)
		// Set before a server goroutine can read it.
		s.web.Metrics = m.Handler("metrics-token")
		srv := httptest.NewServer(checkContract(t, s.web))
		t.Cleanup(srv.Close)
		s.srv, s.rt = srv, srv.Client().Transport
		s.ingest(t, exampleSignal("m-1"))

		if r := s.do(t, "GET", "/metrics", s.admin, ""); r.status != http.StatusUnauthorized {
			t.Errorf("with an API token: got %s, want 401 (the metrics token is another)", r)
		}
		r := s.do(t, "GET", "/metrics", "metrics-token", "")
		if r.status != http.StatusOK || !strings.Contains(string(r.body), `baton_signals_total{result="routed",type="demo_request"} 1`) {
			t.Errorf("got %s, want 200 with the signal counted", r)
		}
	})
}
