package service_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/prom"
	"github.com/batonhq/baton/service"
)

// BenchmarkIngestObserved is BenchmarkIngest with the Prometheus metrics
// wired as baton serve wires them (timed store, observer): compare the two
// for the metrics' cost.
func BenchmarkIngestObserved(b *testing.B) {
	e := setup(b)
	m := prom.New()
	e.svc = service.New(m.Store(e.db), e.clock, playbook.Default(), nil)
	e.svc.SetObserver(m)
	var n atomic.Int64
	b.SetParallelism(16)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			i := n.Add(1)
			sig := &baton.Signal{ExternalID: fmt.Sprint("b-", i), Type: baton.SignalDemoRequest,
				Contact: baton.SignalContact{Email: fmt.Sprintf("c%d@company%d.com", i, i%1000)},
				Account: baton.SignalAccount{Name: "Company", Domain: fmt.Sprintf("company%d.com", i%1000)}}
			if _, err := e.svc.Ingest(e.ctx, sig); err != nil {
				b.Fatal(err)
			}
		}
	})
}
