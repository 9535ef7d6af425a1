package relay

import (
	"bufio"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
	"github.com/policysite/policysite/internal/testtools"
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
	defer debug.SetGCPercent(debug.SetGCPercent(GCPercent)) // as formrelay serve runs
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
			r.Now = at(testStart)
			defer r.Close()
			srv := httptest.NewServer(r.Handler())
			defer srv.Close()
			body := goodForm().Encode()
			req := []byte(fmt.Sprintf("POST /requests HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n%s",
				srv.Listener.Addr(), len(body), body))
			var mu sync.Mutex
			var lat []time.Duration
			syncs0, cpu0 := r.Spool.Syncs(), testtools.CPUTime()
			b.SetParallelism((clients + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
			if clients == 1 {
				b.SetParallelism(1)
			}
			b.ResetTimer()
			if clients == 1 {
				c := dial(b, srv.Listener.Addr().String())
				for range b.N {
					lat = append(lat, c.post(b, req))
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					var mine []time.Duration
					c := dial(b, srv.Listener.Addr().String())
					for pb.Next() {
						mine = append(mine, c.post(b, req))
					}
					mu.Lock()
					lat = append(lat, mine...)
					mu.Unlock()
				})
			}
			elapsed, cpu := b.Elapsed(), testtools.CPUTime()-cpu0
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

// A client is one keep-alive connection that sends a prepared request and
// reads the reply, as a load generator such as wrk does: net/http's client
// spent about a third of the process's CPU and added two goroutine
// hand-offs per request, and on two cores that CPU is taken from the relay
// and shows up in its latency. The relay's side is net/http's server, as
// in production.
type client struct {
	conn net.Conn
	br   *bufio.Reader
}

func dial(b *testing.B, addr string) *client {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { conn.Close() })
	return &client{conn: conn, br: bufio.NewReader(conn)}
}

func (c *client) post(b *testing.B, req []byte) time.Duration {
	t0 := time.Now()
	if _, err := c.conn.Write(req); err != nil {
		b.Error(err)
		return 0
	}
	resp, err := http.ReadResponse(c.br, nil)
	if err != nil {
		b.Error(err)
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b.Errorf("status %d", resp.StatusCode)
	}
	if resp.Close {
		b.Error("the relay closed the connection")
	}
	return time.Since(t0)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

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
