// Package relay is formrelay's server: it receives data-subject requests
// posted from the site's /requests/ form, keeps each safely in a spool
// before saying so, and delivers it to the data protection officer with an
// acknowledgement to the requester.
//
// Request path: the handler (POST only, allowed origins, per-client rate
// limit, 32 KB body limit, honeypot) decodes the body, form.Validate checks
// it against the site's own form declaration, the spool makes it durable
// (group commit), and only then is success returned. The Worker delivers
// from the spool. Logs carry references, never personal data.
package relay

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	_ "time/tzdata" // the UK's calendar date of receipt, on hosts without zoneinfo
	"unicode/utf8"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
)

// MaxBody is the largest request body accepted.
const MaxBody = 32 << 10

// A Relay serves POST /requests and GET /healthz and runs the delivery
// worker. Limits are fields, set to defaults by New.
type Relay struct {
	Config *Config
	Spool  *spool.Spool
	Worker *Worker
	Log    *slog.Logger
	// Now is the clock; Zone is where the date of receipt is reckoned.
	Now  func() time.Time
	Zone *time.Location

	MaxBody           int64
	ReadHeaderTimeout time.Duration
	ReadTimeout       time.Duration
	WriteTimeout      time.Duration
	IdleTimeout       time.Duration
	// DrainTimeout bounds how long shutdown waits for requests in flight.
	DrainTimeout time.Duration
	// SpaceCheckEvery is how often, while the spool's disk is full, the
	// relay looks for space even if no request comes.
	SpaceCheckEvery time.Duration

	limiter *limiter
	unlock  func()
	wg      sync.WaitGroup
	full    atomic.Bool // the spool's disk is full, and the log has said so
}

// UK is where the relay reckons the date a request is received, and so
// its due dates. The zone database is embedded (time/tzdata), so loading
// it cannot fail.
var UK = func() *time.Location {
	uk, err := time.LoadLocation("Europe/London")
	if err != nil {
		panic(err)
	}
	return uk
}()

// New opens (and locks) the spool named in cfg and queues what it holds
// for delivery through sender. Call Serve, or Handler and StartWorker, then
// Close.
func New(cfg *Config, sender Sender, log *slog.Logger) (*Relay, error) {
	unlock, err := spool.Lock(cfg.Spool)
	if err != nil {
		return nil, err
	}
	sp, err := spool.Open(cfg.Spool)
	if err != nil {
		unlock()
		return nil, err
	}
	r := &Relay{
		Config: cfg, Spool: sp, Log: log, Now: time.Now, Zone: UK,
		MaxBody:           MaxBody,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 15 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 60 * time.Second, DrainTimeout: 30 * time.Second,
		SpaceCheckEvery: 5 * time.Second,
		unlock:          unlock,
	}
	if !cfg.RateLimit.Disabled {
		r.limiter = newLimiter(cfg.RateLimit.PerMinute, cfg.RateLimit.Burst, 100_000)
	}
	mailer := &Mailer{
		From: cfg.From, DPOEmail: cfg.DPOEmail, Site: cfg.SiteConfig, Zone: UK, Now: func() time.Time { return r.Now() },
	}
	r.Worker = NewWorker(sp, sender, mailer, log)
	r.Worker.Now = func() time.Time { return r.Now() }
	r.Worker.Retention = time.Duration(cfg.RetentionDays) * 24 * time.Hour
	return r, nil
}

// StartWorker queues what the spool holds (left by an earlier run) and
// runs the delivery worker until ctx ends; the returned function waits for
// it to stop. While the spool's disk is full, it also looks for space
// every SpaceCheckEvery.
func (r *Relay) StartWorker(ctx context.Context) (wait func()) {
	if n, err := r.Worker.Recover(); err != nil {
		r.Log.Error("cannot read the spool; requests in it wait for a restart", "error", err.Error())
	} else if n > 0 {
		r.Log.Info("resuming delivery of spooled requests", "count", n)
	}
	if r.Spool.Full() {
		r.diskFull()
	}
	r.wg.Add(2)
	go func() {
		defer r.wg.Done()
		r.Worker.Run(ctx)
	}()
	go func() {
		defer r.wg.Done()
		r.watchSpace(ctx)
	}()
	return r.wg.Wait
}

// A full disk (see package spool) stops only the taking of requests: the
// relay answers 503 and the worker goes on delivering what the spool
// holds, which may free space. The log says so once when it happens and
// once when space returns, noticed by the next request or by watchSpace.

// diskFull logs, once until space returns, that the spool's disk is full.
func (r *Relay) diskFull() {
	if r.full.CompareAndSwap(false, true) {
		r.Log.Error(fmt.Sprintf("spool disk full: %d requests safe, waiting for space", r.Worker.Depth()),
			"spool", r.Spool.Dir())
	}
}

// spaceBack logs that the spool takes requests again, if the log said it
// was full and it does, and has the worker try now what waited for space.
func (r *Relay) spaceBack() {
	if r.full.Load() && !r.Spool.Full() && r.full.CompareAndSwap(true, false) {
		r.Log.Info("spool disk has space again; taking requests", "queue", r.Worker.Depth())
		r.Worker.RetryNow()
	}
}

// watchSpace looks every SpaceCheckEvery whether the spool is full or has
// room again, so that the log says so even if no request comes (the
// worker's claims may be what found the disk full).
func (r *Relay) watchSpace(ctx context.Context) {
	t := time.NewTicker(r.SpaceCheckEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if r.Spool.Full() {
				r.diskFull()
			} else {
				r.spaceBack()
			}
		}
	}
}

// Serve answers on ln and delivers until ctx ends, then drains: it stops
// accepting, lets requests in flight finish (each either spooled and
// acknowledged or refused), and stops the worker.
func (r *Relay) Serve(ctx context.Context, ln net.Listener) error {
	wctx, stopWorker := context.WithCancel(context.Background())
	waitWorker := r.StartWorker(wctx)
	defer func() { stopWorker(); waitWorker() }()
	srv := &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: r.ReadHeaderTimeout, ReadTimeout: r.ReadTimeout,
		WriteTimeout: r.WriteTimeout, IdleTimeout: r.IdleTimeout,
		MaxHeaderBytes: 16 << 10,
		ErrorLog:       slog.NewLogLogger(r.Log.Handler(), slog.LevelWarn),
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	r.Log.Info("listening", "addr", ln.Addr().String(), "queue", r.Worker.Depth())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	r.Log.Info("draining")
	dctx, cancel := context.WithTimeout(context.Background(), r.DrainTimeout)
	defer cancel()
	err := srv.Shutdown(dctx)
	r.Log.Info("stopped", "queue", r.Worker.Depth())
	return err
}

// Close releases the spool.
func (r *Relay) Close() error {
	err := r.Spool.Close()
	r.unlock()
	return err
}

// Handler returns the HTTP handler.
func (r *Relay) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /requests", r.submit)
	mux.HandleFunc("GET /requests/thanks", r.thanks)
	mux.HandleFunc("OPTIONS /requests", r.preflight)
	mux.HandleFunc("GET /healthz", r.health)
	return mux
}

// health answers 200 {"status":"ok",…}, or 503 {"status":"disk full",…}
// while the spool cannot take requests.
func (r *Relay) health(w http.ResponseWriter, req *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	status, code := "ok", http.StatusOK
	if r.Spool.Full() {
		status, code = "disk full", http.StatusServiceUnavailable
	}
	writeJSON(w, code, map[string]any{"status": status, "queue": r.Worker.Depth(), "failed": r.Worker.Failed()})
}

func (r *Relay) preflight(w http.ResponseWriter, req *http.Request) {
	o := req.Header.Get("Origin")
	if !r.Config.Allowed(o) {
		r.Log.Info("refused preflight from unknown origin")
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", o)
	h.Set("Access-Control-Allow-Methods", "POST")
	h.Set("Access-Control-Allow-Headers", "Content-Type, Accept")
	h.Set("Access-Control-Max-Age", "600")
	h.Add("Vary", "Origin")
	w.WriteHeader(http.StatusNoContent)
}

// A reply is one outcome of a submission, in JSON or as a page.
type reply struct {
	w      http.ResponseWriter
	req    *http.Request
	json   bool
	values form.Values
}

func (r *Relay) submit(w http.ResponseWriter, req *http.Request) {
	rp := &reply{w: w, req: req, json: strings.Contains(req.Header.Get("Accept"), "application/json") || isJSON(req.Header.Get("Content-Type"))}
	if o := req.Header.Get("Origin"); o != "" {
		if !r.Config.Allowed(o) {
			// Origin comes from the browser, not the page: a form on another
			// site cannot post here. (Clients that send none, like curl, may.)
			r.Log.Info("refused request from unknown origin")
			r.fail(rp, http.StatusForbidden, "Requests from this website are not accepted here.")
			return
		}
		w.Header().Set("Access-Control-Allow-Origin", o)
		w.Header().Add("Vary", "Origin")
	}
	if r.limiter != nil {
		if ok, wait := r.limiter.allow(clientAddr(req, r.Config.Proxies), r.Now()); !ok {
			w.Header().Set("Retry-After", retryAfter(wait))
			r.Log.Debug("rate limited") // a flood must not flood the log too
			r.fail(rp, http.StatusTooManyRequests, fmt.Sprintf("Too many requests have come from your network. Please try again in %s.", minutes(wait)))
			return
		}
	}
	if req.ContentLength > r.MaxBody {
		r.fail(rp, http.StatusRequestEntityTooLarge, tooLarge)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.MaxBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		r.fail(rp, http.StatusRequestEntityTooLarge, tooLarge)
		return
	case err != nil:
		r.fail(rp, http.StatusBadRequest, "The request could not be read.")
		return
	}
	values, jsonBody, status, err := decode(req.Header.Get("Content-Type"), body)
	if err != nil {
		r.fail(rp, status, err.Error())
		return
	}
	rp.json = rp.json || jsonBody
	rp.values = values

	if hp := values[form.HoneypotField]; len(hp) > 0 && strings.TrimSpace(strings.Join(hp, "")) != "" {
		// Only automated submissions fill the hidden honeypot field. Answer
		// exactly as for a real request, so the sender learns nothing, but
		// store nothing and send nothing: the reference is never used.
		r.Log.Info("honeypot filled; pretended to accept")
		r.accepted(rp, r.newRecord(NewReference(), "", nil))
		return
	}

	school, ok := r.school(values)
	if !ok {
		// Never a guess: the trust's officer is not the school's.
		r.Log.Info("refused request from a centre site.yaml does not list")
		r.fail(rp, http.StatusBadRequest, unknownCentre)
		return
	}

	request, errs := form.Validate(r.Config.Spec, values)
	if errs != nil {
		r.Log.Info("invalid request", "fields", len(errs))
		if rp.json {
			m := map[string]string{}
			for _, e := range errs {
				if _, ok := m[e.Field]; !ok {
					m[e.Field] = e.Message
				}
			}
			writeJSON(w, http.StatusUnprocessableEntity, map[string]any{"errors": m})
			return
		}
		writePage(w, http.StatusUnprocessableEntity, r.formPage(values, errs, school))
		return
	}

	centre := ""
	if school != nil {
		centre = school.ID
	}
	rec, err := r.store(&request, centre)
	if errors.Is(err, spool.ErrFull) {
		r.diskFull()
		w.Header().Set("Retry-After", retryFull)
		r.fail(rp, http.StatusServiceUnavailable, fullMessage)
		return
	}
	if err != nil {
		r.Log.Error("could not spool request", "error", err.Error())
		w.Header().Set("Retry-After", "60")
		r.fail(rp, http.StatusServiceUnavailable, "We could not save your request. Please try again in a few minutes.")
		return
	}
	r.spaceBack()
	r.Worker.Enqueue(rec.Reference)
	r.Log.Info("accepted", "ref", rec.Reference, "type", rec.Type, "due", rec.Due.String())
	r.accepted(rp, rec)
}

// unknownCentre answers a form naming a school (form.CentreField) that
// site.yaml does not list.
const unknownCentre = "The form you used names a school we do not know, so your request has not been sent. Please use the request form on your school's policy pages, or write to our data protection officer."

// school returns the school whose centre's form values came from (the
// form.CentreField a school's form carries), nil for the trust's centre,
// and false for a value that names no school of site.yaml: several
// values, an empty one or an unknown id. A site without schools has no
// centres but the trust's, and the field is ignored, as before schools.
func (r *Relay) school(v form.Values) (*config.School, bool) {
	site := r.Config.SiteConfig
	ids, sent := v[form.CentreField]
	if len(site.Schools) == 0 || !sent {
		return nil, true
	}
	if len(ids) != 1 {
		return nil, false
	}
	sc := site.School(ids[0])
	return sc, sc != nil
}

const tooLarge = "Your request is too long to send this way. Please shorten the details, or email it instead."

// fullMessage answers a request while the spool's disk is full: nothing
// was kept, and space may take a person to free, so it says "later"
// rather than a number of minutes. The page also gives the officer's
// address, for a request that cannot wait.
const fullMessage = "We cannot take requests here at the moment, so yours has not been sent. Please try again later."

// retryFull is the Retry-After of that answer, in seconds.
const retryFull = "600"

func (r *Relay) newRecord(ref, typ string, answers []form.Answer) *Record {
	now := r.Now()
	received := date.Of(now.In(r.Zone))
	t, _ := r.Config.Spec.Type(typ)
	return &Record{
		Version: 1, Reference: ref, Received: now.UTC().Truncate(time.Second),
		Due: r.Config.Calendar.Due(received), Extended: r.Config.Calendar.Extended(received),
		Type: typ, TypeLabel: t.Label, Answers: answers,
	}
}

// GCPercent is the garbage collector setting formrelay serve runs with
// (unless GOGC or GOMEMLIMIT is set), and BenchmarkRelayAccept too. The
// relay's live heap is a few MiB: requests wait on disk, not in memory, so
// the heap may grow to five times it (docs/performance.md).
const GCPercent = 400

// store spools the request from centre (a school's id, "" for the
// trust's) durably under a fresh reference.
func (r *Relay) store(req *form.Request, centre string) (*Record, error) {
	for range 5 {
		ref := NewReference()
		rec := r.newRecord(ref, req.Type, req.Answers)
		rec.Centre = centre
		// One line, as indenting costs (docs/performance.md). The
		// worker writes a record it sets aside in failed/, for a person
		// to read, indented; formrelay list shows any of them.
		data, err := json.Marshal(rec)
		if err != nil {
			return nil, err
		}
		data = append(data, '\n')
		err = r.Spool.Put(FileName(ref), data)
		if errors.Is(err, spool.ErrExists) {
			continue // 1 in 2^50; but no kept request shares a reference
		}
		return rec, err
	}
	return nil, errors.New("no free reference")
}

func (r *Relay) accepted(rp *reply, rec *Record) {
	if rp.json {
		lang := r.Config.SiteConfig.Language
		writeJSON(rp.w, http.StatusCreated, map[string]any{
			"reference": rec.Reference, "received": rec.Received.Format(time.RFC3339),
			"due": rec.Due.String(), "extended_due": rec.Extended.String(),
			// What the site's form shows in its confirmation, worded once.
			"next_steps": form.NextSteps(longDate(rec.Due, lang), longDate(rec.Extended, lang)),
		})
		return
	}
	// Without JavaScript the browser follows this to the relay's own thanks
	// page, which can show the reference where a static page could not.
	rp.w.Header().Set("Cache-Control", "no-store")
	http.Redirect(rp.w, rp.req, r.Config.ThanksURL+"?ref="+url.QueryEscape(rec.Reference), http.StatusSeeOther)
}

// fail answers with an error that is not about a field.
func (r *Relay) fail(rp *reply, status int, msg string) {
	if rp.json {
		writeJSON(rp.w, status, map[string]string{"error": msg})
		return
	}
	d := r.basePage("Your request was not sent")
	d.Message = msg
	writePage(rp.w, status, d)
}

func minutes(d time.Duration) string {
	m := int(d.Round(time.Minute) / time.Minute)
	switch {
	case m <= 1:
		return "a minute"
	case m < 90:
		return fmt.Sprintf("%d minutes", m)
	}
	return "a few hours"
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func isJSON(contentType string) bool {
	mt, _, _ := mime.ParseMediaType(contentType)
	return mt == "application/json"
}

// decode reads a submission body into values. It accepts a plain form
// post (urlencoded), a multipart post without files (what JavaScript's
// FormData sends) and a JSON object whose values are strings, booleans (a
// checkbox) or null. It returns the HTTP status for a body it refuses.
func decode(contentType string, body []byte) (values form.Values, isJSONBody bool, status int, err error) {
	mt, params, perr := mime.ParseMediaType(contentType)
	if contentType == "" {
		mt, perr = "application/x-www-form-urlencoded", nil
	}
	if perr != nil {
		return nil, false, http.StatusUnsupportedMediaType, errors.New("The request's content type is not one we accept.")
	}
	switch mt {
	case "application/x-www-form-urlencoded":
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, false, http.StatusBadRequest, errors.New("The request could not be read.")
		}
		return form.Values(v), false, 0, nil
	case "multipart/form-data":
		mr := multipart.NewReader(bytes.NewReader(body), params["boundary"])
		f, err := mr.ReadForm(MaxBody)
		if err != nil {
			return nil, false, http.StatusBadRequest, errors.New("The request could not be read.")
		}
		defer f.RemoveAll()
		if len(f.File) > 0 {
			return nil, false, http.StatusBadRequest, errors.New("Files cannot be sent with a request. Please email them instead.")
		}
		return form.Values(f.Value), false, 0, nil
	case "application/json":
		// encoding/json would quietly turn invalid UTF-8 into U+FFFD.
		if !utf8.Valid(body) {
			return nil, true, http.StatusBadRequest, errors.New("The request is not valid UTF-8.")
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil || m == nil {
			return nil, true, http.StatusBadRequest, errors.New("The request is not a JSON object.")
		}
		v := form.Values{}
		for k, x := range m {
			switch x := x.(type) {
			case string:
				v[k] = []string{x}
			case bool:
				if x {
					v[k] = []string{form.CheckboxValue}
				}
			case nil:
			default:
				return nil, true, http.StatusBadRequest, fmt.Errorf("%q must be text or true/false.", k)
			}
		}
		return v, true, 0, nil
	}
	return nil, false, http.StatusUnsupportedMediaType, errors.New("The request's content type is not one we accept.")
}
