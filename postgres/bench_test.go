package postgres_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/batontest"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/postgres"
	"github.com/batonhq/baton/postgres/pgtest"
	"github.com/batonhq/baton/service"
)

// BenchmarkGroupCommit measures what group commit is worth on PostgreSQL:
// 64 callers ingest demo requests through the service at once, on a store
// that shares a transaction among up to 64 of them (the default) and on
// one that commits each alone (MaxBatch 1). Run it on a durable server:
//
//	eval "$(PG_DURABLE=1 ./scripts/pg-start)"
//	go test ./postgres/ -run XXX -bench GroupCommit -benchtime 4000x
//	./scripts/pg-stop
func BenchmarkGroupCommit(b *testing.B) {
	for _, batch := range []int{64, 1} {
		b.Run(fmt.Sprintf("MaxBatch=%d", batch), func(b *testing.B) {
			ctx := context.Background()
			db, err := postgres.Open(ctx, pgtest.Schema(b), postgres.Options{MaxBatch: batch})
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			svc := service.New(db, baton.SystemClock{}, playbook.Default(), nil)
			users := batontest.TeamUsers()
			for i := range users {
				users[i].WorkingHours = "24x7"
			}
			batontest.Team(b, svc.PutUser, users...)
			var next atomic.Int64
			lat := make([]time.Duration, b.N)
			b.ResetTimer()
			var wg sync.WaitGroup
			for range 64 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := int(next.Add(1)) - 1
						if i >= b.N {
							return
						}
						start := time.Now()
						_, err := svc.Ingest(ctx, &baton.Signal{ExternalID: fmt.Sprint("gc-", i), Type: baton.SignalDemoRequest, Source: "website",
							Contact: baton.SignalContact{Email: fmt.Sprintf("buyer%d@co%d.example", i, i%500), Name: "Buyer"},
							Account: baton.SignalAccount{Name: fmt.Sprint("Company ", i%500), Domain: fmt.Sprintf("co%d.example", i%500), Employees: 300}})
						lat[i] = time.Since(start)
						if err != nil {
							b.Errorf("signal %d: %v", i, err)
						}
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "signals/s")
			p50, p99, _ := percentiles(lat)
			b.ReportMetric(float64(p50.Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, "p99-ms")
		})
	}
}

// percentiles returns the p50, p99 and max of ds (sorted in place).
func percentiles(ds []time.Duration) (p50, p99, max time.Duration) {
	if len(ds) == 0 {
		return 0, 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], ds[len(ds)*99/100], ds[len(ds)-1]
}
