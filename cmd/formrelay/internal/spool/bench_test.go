package spool

import (
	"fmt"
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSpoolPut is the storage layer alone (no HTTP): Puts per second
// from 64 concurrent writers against one fsync per file written one at a
// time on the same disk.
func BenchmarkSpoolPut(b *testing.B) {
	// The floor's files and the spool's stay until the end: on ext4
	// without a journal, creating files just after thousands were removed
	// scans past the recently freed inodes on every create, which would
	// measure this benchmark's own clean-up.
	root := b.TempDir()
	raw := rawRate(b, filepath.Join(root, "raw"), 300)
	s, err := Open(filepath.Join(root, "spool"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	data := make([]byte, 900)
	var n atomic.Int64
	b.SetParallelism(32)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := s.Put(fmt.Sprintf("%d.json", n.Add(1)), data); err != nil {
				b.Error(err)
			}
		}
	})
	rate := float64(b.N) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "put/s")
	b.ReportMetric(raw, "raw-fsync/s")
	b.ReportMetric(rate/raw, "x-raw")
	b.ReportMetric(float64(s.Syncs())/float64(b.N), "syncs/put")
}

func rawRate(b *testing.B, dir string, n int) float64 {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		b.Fatal(err)
	}
	data := make([]byte, 900)
	start := time.Now()
	for i := range n {
		f, err := os.OpenFile(filepath.Join(dir, fmt.Sprint(i)), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o600)
		if err != nil {
			b.Fatal(err)
		}
		f.Write(data)
		f.Sync()
		f.Close()
	}
	return float64(n) / time.Since(start).Seconds()
}
