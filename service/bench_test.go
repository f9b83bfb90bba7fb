package service_test

import (
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/batonhq/baton"
)

// BenchmarkIngest measures the service's ingest path on a real SQLite file
// (synchronous=NORMAL here; the loopback benchmark uses FULL), with
// concurrent callers sharing group commits.
func BenchmarkIngest(b *testing.B) {
	e := setup(b)
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
