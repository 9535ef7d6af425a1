package relay

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

// BenchmarkRelayAccept measures accepted requests per second with full
// durability (the request in the spool's journal on stable storage before
// the 303), over HTTP, at several numbers of concurrent clients, against
// the raw rate of one-fsync-per-file on the same disk measured in the same
// run. It reports p50 and p99 latency, how many flushes each request cost
// (below one when group commit shares them) and the CPU the process spent
// per request, clients included. Delivery is not running: this is the
// rate at which requests are made safe. The spool is made under $TMPDIR:
// point it at the disk a spool would live on.
//
//	go test -run '^$' -bench BenchmarkRelay -benchtime 6000x ./cmd/formrelay/internal/relay
func BenchmarkRelayAccept(b *testing.B) {
	// Every case's files stay until the end: removing thousands of files
	// just before the next case creates thousands makes ext4 without a
	// journal scan past the recently freed inodes on every create, which
	// measures the benchmark's own clean-up, not the relay.
	root := b.TempDir()
	dir := func() string {
		d, err := os.MkdirTemp(root, "")
		if err != nil {
			b.Fatal(err)
		}
		return d
	}
	for _, clients := range []int{1, 16, 64, 256} {
		b.Run(fmt.Sprintf("clients=%d", clients), func(b *testing.B) {
			// The floor, measured afresh beside each case: the disk is shared
			// and its speed drifts.
			raw := rawFsyncRate(b, dir(), 300)
			s, _ := smtptest.New()
			cfg := testConfig(b, dir(), s, "rate_limit: {disabled: true}\n")
			r, err := New(cfg, &SMTPSender{Host: s.Host(), Port: s.Port()}, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				b.Fatal(err)
			}
			defer r.Close()
			srv := httptest.NewServer(r.Handler())
			defer srv.Close()
			client := &http.Client{
				Transport:     &http.Transport{MaxIdleConnsPerHost: clients},
				CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
			}
			body := goodForm().Encode()
			var mu sync.Mutex
			var lat []time.Duration
			syncs0, cpu0 := r.Spool.Syncs(), cpuTime()
			b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			if clients == 1 {
				b.SetParallelism(1)
			}
			b.ResetTimer()
			if clients == 1 {
				for range b.N {
					lat = append(lat, post(b, client, srv.URL, body))
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					for pb.Next() {
						mine = append(mine, post(b, client, srv.URL, body))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
			}
			elapsed, cpu := b.Elapsed(), cpuTime()-cpu0
			b.StopTimer()
			slices.Sort(lat)
			rate := float64(b.N) / elapsed.Seconds()
			b.ReportMetric(rate, "req/s")
			b.ReportMetric(raw, "raw-fsync/s")
			b.ReportMetric(rate/raw, "x-raw")
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
			b.ReportMetric(float64(r.Spool.Syncs()-syncs0)/float64(b.N), "syncs/req")
			// The process's CPU (relay and clients together) per request: on
			// a shared machine it varies less than the rate does.
			b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-us/req")
			b.ReportMetric(0, "ns/op") // per-op time is meaningless across clients
		})
	}
}

func post(b *testing.B, c *http.Client, base, body string) time.Duration {
	t0 := time.Now()
	resp, err := c.Post(base+"/requests", "application/x-www-form-urlencoded", strings.NewReader(body))
	if err != nil {
		b.Error(err)
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Errorf("status %d", resp.StatusCode)
	}
	return time.Since(t0)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// cpuTime is the user and system CPU time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// rawFsyncRate is files per second written one at a time with one fsync
// each (create, write a request-sized file, fsync, close): the floor a
// relay without group commit cannot beat, since it needs that and more.
func rawFsyncRate(b *testing.B, dir string, n int) float64 {
	data := make([]byte, 900)
	start := time.Now()
	for i := range n {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprint(i)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		f.Write(data)
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	return float64(n) / time.Since(start).Seconds()
}
