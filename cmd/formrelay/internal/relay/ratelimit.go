package relay

import (
	"math"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A limiter keeps a token bucket per client. Memory is bounded: buckets
// idle long enough to have refilled are swept, and when MaxClients buckets
// are in use new clients are refused until some refill.
type limiter struct {
	rate       rate.Limit
	burst      int
	maxClients int

	mu        sync.Mutex
	clients   map[netip.Prefix]*bucket
	lastSweep time.Time
	latest    time.Time // the latest time allow was given
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

func newLimiter(perMinute float64, burst, maxClients int) *limiter {
	return &limiter{rate: rate.Limit(perMinute / 60), burst: burst, maxClients: maxClients, clients: map[netip.Prefix]*bucket{}}
}

// refill is how long an idle bucket takes to fill: after that it is
// indistinguishable from a new one and can be dropped.
func (l *limiter) refill() time.Duration {
	return time.Duration(float64(l.burst) / float64(l.rate) * float64(time.Second))
}

// allow takes a token for the client, or says how long until one is free.
func (l *limiter) allow(client netip.Addr, now time.Time) (bool, time.Duration) {
	key := clientKey(client)
	l.mu.Lock()
	defer l.mu.Unlock()
	// Handlers read the clock before they queue for the lock, so times
	// arrive slightly out of order. x/time/rate takes an earlier time as
	// its clock going back and then counts the interval again: under a
	// flood that let through twice the rate.
	if now.Before(l.latest) {
		now = l.latest
	}
	l.latest = now
	if now.Sub(l.lastSweep) > time.Minute || len(l.clients) >= l.maxClients {
		l.sweep(now)
	}
	b := l.clients[key]
	if b == nil {
		if len(l.clients) >= l.maxClients {
			return false, time.Minute
		}
		b = &bucket{lim: rate.NewLimiter(l.rate, l.burst)}
		l.clients[key] = b
	}
	b.seen = now
	r := b.lim.ReserveN(now, 1)
	if !r.OK() {
		return false, time.Hour
	}
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return false, d
	}
	return true, 0
}

func (l *limiter) sweep(now time.Time) {
	idle := l.refill()
	for k, b := range l.clients {
		if now.Sub(b.seen) >= idle {
			delete(l.clients, k)
		}
	}
	l.lastSweep = now
}

func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.clients)
}

// clientKey counts an IPv6 client by its /64, which one household or
// device usually holds entire.
func clientKey(a netip.Addr) netip.Prefix {
	bits := a.BitLen()
	if a.Is6() {
		bits = 64
	}
	p, _ := a.Prefix(bits)
	return p
}

// retryAfter is a Retry-After value in whole seconds, at least one.
func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(math.Max(1, math.Ceil(d.Seconds()))))
}

// clientAddr returns the address a request came from: the peer, or when the
// peer is a trusted proxy, the nearest untrusted address in
// X-Forwarded-For, read from the right (the left of that header is
// whatever the client chose to send).
func clientAddr(r *http.Request, trusted []netip.Prefix) netip.Addr {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.Addr{}
	}
	peer := ap.Addr().Unmap()
	if !isTrusted(peer, trusted) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	addr := peer
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr
		}
		addr = a.Unmap()
		if !isTrusted(addr, trusted) {
			return addr
		}
	}
	return addr
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
