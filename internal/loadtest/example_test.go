package loadtest

import (
	"os"
	"time"

	"github.com/casedesk/casedesk/client"
)

func ExampleReport_Print() {
	w := newWorkerStats()
	for i := 1; i <= 800; i++ {
		w.record(OpCreate, time.Duration(i)*10*time.Microsecond, nil)
	}
	for i := 1; i <= 200; i++ {
		w.record(OpList, time.Duration(i)*100*time.Microsecond, nil)
	}
	w.record(OpList, time.Second, &client.Problem{Status: 503, Title: "Service Unavailable"})
	cfg := Config{URL: "http://localhost:8080", Clients: 32, Duration: 10 * time.Second}
	buildReport(cfg, 10*time.Second+15*time.Millisecond, []*workerStats{w}).Print(os.Stdout)
	// Output:
	// http://localhost:8080: 32 clients, 10s (elapsed 10.015s)
	// op           ops  errors     ops/s      p50      p90      p99      max
	// create       800       0      79.9      4ms    7.2ms   7.92ms      8ms
	// list         201       1      20.1     10ms     18ms   19.8ms     20ms
	// total       1001       1     100.0
	// errors: 503=1
	//   first 503: casedesk: 503 Service Unavailable
}
