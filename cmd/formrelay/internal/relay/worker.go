package relay

import (
	"container/heap"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
)

// A Worker delivers spooled requests one at a time: it claims a request
// by moving it from new/ to cur/, sends the officer's email and then the
// acknowledgement, and moves it to sent/. A temporary failure is retried
// with exponential backoff for as long as it takes; a permanent refusal
// moves the request to failed/, where it is kept. Nothing is ever dropped:
// at worst (a crash between sending and moving) an email is sent twice,
// with the same Message-ID.
type Worker struct {
	Spool  *spool.Spool
	Sender Sender
	Mailer *Mailer
	Log    *slog.Logger
	Now    func() time.Time

	// MinBackoff is the wait after the first failure; it doubles with each
	// failure up to MaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// Retention is how long a delivered request stays in sent/.
	Retention time.Duration
	// PurgeEvery is how often sent/ is purged.
	PurgeEvery time.Duration
	// SendTimeout bounds one attempt to send one email.
	SendTimeout time.Duration

	mu    sync.Mutex
	queue jobHeap
	byRef map[string]*job
	wake  chan struct{}
}

type job struct {
	ref         string
	next        time.Time
	attempts    int
	firstFail   time.Time
	officerSent bool // in memory only: a restart may resend the officer's email
	warned      bool
	index       int
}

// NewWorker returns a Worker with default limits.
func NewWorker(sp *spool.Spool, s Sender, m *Mailer, log *slog.Logger) *Worker {
	return &Worker{
		Spool: sp, Sender: s, Mailer: m, Log: log, Now: time.Now,
		MinBackoff: 30 * time.Second, MaxBackoff: time.Hour,
		Retention: 30 * 24 * time.Hour, PurgeEvery: time.Hour, SendTimeout: 2 * time.Minute,
		byRef: map[string]*job{}, wake: make(chan struct{}, 1),
	}
}

// Recover queues every request left in cur/ (claimed by a run that
// stopped before finishing) and new/.
func (w *Worker) Recover() (int, error) {
	n := 0
	for _, st := range []string{spool.Cur, spool.New} {
		names, err := w.Spool.List(st)
		if err != nil {
			return n, err
		}
		for _, name := range names {
			w.Enqueue(name[:len(name)-len(".json")])
			n++
		}
	}
	return n, nil
}

// Enqueue schedules a spooled request for delivery now.
func (w *Worker) Enqueue(ref string) {
	w.mu.Lock()
	if _, ok := w.byRef[ref]; !ok {
		j := &job{ref: ref, next: w.Now()}
		w.byRef[ref] = j
		heap.Push(&w.queue, j)
	}
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// RetryNow schedules every request awaiting delivery for now, as when the
// spool's disk had been full: claims that failed for want of space need
// not wait out their backoff. A request waiting on the mail server is
// tried once early.
func (w *Worker) RetryNow() {
	w.mu.Lock()
	now := w.Now()
	for _, j := range w.queue {
		j.next = now
	}
	heap.Init(&w.queue)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Depth returns how many requests await delivery.
func (w *Worker) Depth() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.byRef)
}

// Run delivers until ctx is done. A send in progress when ctx ends is
// abandoned; its request stays in cur/ and is delivered on the next start.
func (w *Worker) Run(ctx context.Context) {
	w.purge()
	purge := time.NewTicker(w.PurgeEvery)
	defer purge.Stop()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		j, wait := w.due()
		if j != nil {
			w.deliver(ctx, j)
			if ctx.Err() != nil {
				return
			}
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return
		case <-w.wake:
		case <-timer.C:
		case <-purge.C:
			w.purge()
		}
	}
}

// due pops the job whose time has come, or says how long until one does.
func (w *Worker) due() (*job, time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.queue) == 0 {
		return nil, time.Hour
	}
	j := w.queue[0]
	if wait := j.next.Sub(w.Now()); wait > 0 {
		return nil, wait
	}
	return heap.Pop(&w.queue).(*job), 0
}

func (w *Worker) done(j *job) {
	w.mu.Lock()
	delete(w.byRef, j.ref)
	w.mu.Unlock()
}

// retry schedules j again after its backoff, and logs why.
func (w *Worker) retry(j *job, why string) { w.reschedule(j, why, false) }

// retryAfter schedules j again after a failure with err, logging only at
// debug level if it is that the spool's disk is full: the relay logs that
// once for every request, and RetryNow wakes j when space returns.
func (w *Worker) retryAfter(j *job, why string, err error) {
	w.reschedule(j, why+": "+err.Error(), errors.Is(err, spool.ErrFull))
}

func (w *Worker) reschedule(j *job, why string, quiet bool) {
	now := w.Now()
	j.attempts++
	if j.firstFail.IsZero() {
		j.firstFail = now
	}
	back := w.MinBackoff << min(j.attempts-1, 30)
	if back > w.MaxBackoff || back <= 0 {
		back = w.MaxBackoff
	}
	back += time.Duration(rand.Int64N(int64(back)/5 + 1)) // jitter, so a queue does not retry in lockstep
	j.next = now.Add(back)
	level := slog.LevelWarn
	if now.Sub(j.firstFail) > 24*time.Hour && !j.warned {
		level, j.warned = slog.LevelError, true
	}
	if quiet {
		level = slog.LevelDebug
	}
	w.Log.Log(context.Background(), level, "delivery failed; will retry", "ref", j.ref, "attempt", j.attempts,
		"retry_in", back.Round(time.Second).String(), "failing_for", now.Sub(j.firstFail).Round(time.Second).String(), "error", why)
	w.mu.Lock()
	heap.Push(&w.queue, j)
	w.mu.Unlock()
}

func (w *Worker) deliver(ctx context.Context, j *job) {
	name := FileName(j.ref)
	switch st := w.Spool.Find(name); st {
	case spool.New:
		if err := w.Spool.Move(name, spool.New, spool.Cur); err != nil {
			w.retryAfter(j, "claim", err)
			return
		}
	case spool.Cur:
	default:
		// Already delivered or failed (listed twice): nothing to do.
		w.done(j)
		return
	}
	data, err := w.Spool.Read(spool.Cur, name)
	if err != nil {
		w.retry(j, "read: "+err.Error())
		return
	}
	var rec Record
	if err := json.Unmarshal(data, &rec); err != nil {
		// Unreadable: set it aside for a person rather than retry forever.
		w.Log.Error("spooled request unreadable; moved to failed/", "ref", j.ref, "error", err.Error())
		w.Spool.Move(name, spool.Cur, spool.Failed)
		w.done(j)
		return
	}
	if !j.officerSent {
		msg, err := w.Mailer.Officer(&rec)
		if err == nil {
			err = w.send(ctx, msg)
		}
		if w.failed(ctx, j, &rec, "officer", err) {
			return
		}
		j.officerSent = true
	}
	ack, err := w.Mailer.Ack(&rec)
	if err == nil && ack != nil {
		err = w.send(ctx, ack)
	}
	if w.failed(ctx, j, &rec, "acknowledgement", err) {
		return
	}
	if err := w.Spool.Move(name, spool.Cur, spool.Sent); err != nil {
		// Both emails are out; a retry would resend them with the same
		// Message-IDs. Better that than lose track.
		j.officerSent = false
		w.retryAfter(j, "move to sent", err)
		return
	}
	// Retention runs from delivery.
	w.Spool.Touch(spool.Sent, name, w.Now())
	w.done(j)
	w.Log.Info("delivered", "ref", j.ref, "attempts", j.attempts+1)
}

func (w *Worker) send(ctx context.Context, m *mail.Msg) error {
	ctx, cancel := context.WithTimeout(ctx, w.SendTimeout)
	defer cancel()
	return w.Sender.Send(ctx, m)
}

// failed handles the outcome of one send and reports whether delivery stops here.
func (w *Worker) failed(ctx context.Context, j *job, rec *Record, which string, err error) bool {
	if err == nil {
		return false
	}
	if ctx.Err() != nil {
		w.done(j) // shutting down: the request stays in cur/ for next time
		return true
	}
	var pe *PermanentError
	if !errors.As(err, &pe) {
		w.retry(j, which+": "+Describe(err))
		return true
	}
	rec.Failure = &Failure{At: w.Now().UTC(), Message: which, OfficerNotified: j.officerSent, Error: err.Error()}
	name := FileName(j.ref)
	data, _ := json.MarshalIndent(rec, "", "  ")
	if rerr := w.Spool.Replace(spool.Cur, name, data); rerr != nil {
		w.retryAfter(j, "record failure", rerr)
		return true
	}
	if merr := w.Spool.Move(name, spool.Cur, spool.Failed); merr != nil {
		w.retryAfter(j, "move to failed", merr)
		return true
	}
	w.done(j)
	w.Log.Error("delivery refused permanently; request kept in failed/", "ref", j.ref, "message", which,
		"officer_notified", j.officerSent, "error", Describe(err))
	return true
}

func (w *Worker) purge() {
	gone, err := w.Spool.Purge(spool.Sent, w.Now().Add(-w.Retention))
	if err != nil {
		w.Log.Error("purge of sent/ failed", "error", err.Error())
	}
	for _, n := range gone {
		w.Log.Info("purged after retention period", "ref", n[:len(n)-len(".json")])
	}
}

// Failed counts the requests in failed/.
func (w *Worker) Failed() int {
	names, _ := w.Spool.List(spool.Failed)
	return len(names)
}

// jobHeap orders jobs by next attempt.
type jobHeap []*job

func (h jobHeap) Len() int           { return len(h) }
func (h jobHeap) Less(i, k int) bool { return h[i].next.Before(h[k].next) }
func (h jobHeap) Swap(i, k int)      { h[i], h[k] = h[k], h[i]; h[i].index = i; h[k].index = k }
func (h *jobHeap) Push(x any)        { j := x.(*job); j.index = len(*h); *h = append(*h, j) }
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	*h = old[:len(old)-1]
	return j
}
