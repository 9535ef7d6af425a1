// Package smtptest runs a real SMTP server (emersion/go-smtp) in the test
// process and keeps what it receives, so tests check the emails formrelay
// actually sends rather than calls to a fake. It is outside formrelay's
// internal/ so that the browser tests (generator/browsertest), which run
// the built formrelay against the generated form, can receive its mail too.
package smtptest

import (
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"mime"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// A Message is one email as received.
type Message struct {
	From   string
	To     []string
	Raw    []byte
	Header mail.Header
	// Body is the decoded text of the body.
	Body string
}

// A Server is an SMTP server on a local port.
type Server struct {
	Addr string

	// Fail, if set, may refuse a command: stage is MAIL, RCPT or DATA and
	// arg the address (or "" for DATA). Return an *smtp.SMTPError.
	Fail func(stage, arg string) error
	// TLS, if set, offers STARTTLS.
	TLS *tls.Config
	// Username and Password, if set, are required by AUTH PLAIN.
	Username, Password string

	mu     sync.Mutex
	msgs   []Message
	srv    *smtp.Server
	ln     net.Listener
	notify chan struct{}
}

// New returns a server with a port chosen but not yet listening.
func New() (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := ln.Addr().String()
	ln.Close()
	return &Server{Addr: addr, notify: make(chan struct{}, 1)}, nil
}

// Start begins listening on Addr.
func (s *Server) Start() error {
	srv := smtp.NewServer(s)
	srv.Addr = s.Addr
	srv.Domain = "localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.AllowInsecureAuth = s.TLS == nil
	srv.TLSConfig = s.TLS
	var ln net.Listener
	var err error
	for range 50 { // the port may linger briefly after Stop
		if ln, err = net.Listen("tcp", s.Addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.srv, s.ln = srv, ln
	s.mu.Unlock()
	go srv.Serve(ln)
	return nil
}

// Stop closes the server: connections are refused until Start.
func (s *Server) Stop() {
	s.mu.Lock()
	srv, ln := s.srv, s.ln
	s.srv, s.ln = nil, nil
	s.mu.Unlock()
	// Close the listener ourselves: srv.Close only closes listeners that
	// Serve has registered, and Serve runs in its own goroutine, so a Stop
	// right after Start could leave the port accepting.
	if ln != nil {
		ln.Close()
	}
	if srv != nil {
		srv.Close()
	}
}

// Host and Port split Addr.
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.Addr); return h }

// Port returns the port number.
func (s *Server) Port() int {
	_, p, _ := net.SplitHostPort(s.Addr)
	n := 0
	for _, c := range p {
		n = n*10 + int(c-'0')
	}
	return n
}

// Messages returns what has been received so far.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Wait waits until at least n messages have arrived or timeout passes,
// and returns what has arrived.
func (s *Server) Wait(n int, timeout time.Duration) []Message {
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.notify:
		case <-deadline:
			return s.Messages()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// NewSession implements smtp.Backend.
func (s *Server) NewSession(*smtp.Conn) (smtp.Session, error) { return &session{s: s}, nil }

type session struct {
	s      *Server
	from   string
	to     []string
	authed bool
}

func (se *session) AuthMechanisms() []string {
	if se.s.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if username != se.s.Username || password != se.s.Password {
			return errors.New("invalid credentials")
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) fail(stage, arg string) error {
	if f := se.s.Fail; f != nil {
		return f(stage, arg)
	}
	return nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.Username != "" && !se.authed {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return se.fail("MAIL", from)
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if err := se.fail("RCPT", to); err != nil {
		return err
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if err := se.fail("DATA", ""); err != nil {
		return err
	}
	m := Message{From: se.from, To: se.to, Raw: raw}
	if msg, err := mail.ReadMessage(bytes.NewReader(raw)); err == nil {
		m.Header = msg.Header
		var body io.Reader = msg.Body
		if strings.EqualFold(msg.Header.Get("Content-Transfer-Encoding"), "quoted-printable") {
			body = quotedprintable.NewReader(body)
		}
		b, _ := io.ReadAll(body)
		m.Body = strings.ReplaceAll(string(b), "\r\n", "\n")
	}
	se.s.mu.Lock()
	se.s.msgs = append(se.s.msgs, m)
	se.s.mu.Unlock()
	select {
	case se.s.notify <- struct{}{}:
	default:
	}
	return nil
}

func (se *session) Reset()        { se.from, se.to = "", nil }
func (se *session) Logout() error { return nil }

// DecodeHeader decodes an RFC 2047 encoded header value.
func DecodeHeader(v string) string {
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	return d
}
