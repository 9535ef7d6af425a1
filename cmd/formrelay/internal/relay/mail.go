package relay

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strings"
	"text/template"
	"time"

	"github.com/wneessen/go-mail"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
)

// A Sender delivers one composed email. A *PermanentError means the server
// refused it for good; any other error is temporary and the send is retried.
type Sender interface {
	Send(ctx context.Context, m *mail.Msg) error
}

// A PermanentError is a refusal that retrying will not change, such as an
// unknown recipient (SMTP 5xx to RCPT TO or DATA).
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }

// SMTPSender sends through a submission server with go-mail, which composes
// MIME correctly (headers encoded, lines folded, quoted-printable bodies),
// verifies the server's certificate and supports STARTTLS and SMTP AUTH.
// One connection per message: requests are rare and a connection held open
// would only go stale.
type SMTPSender struct {
	Host     string
	Port     int
	Username string
	Password string
	// StartTLS false sends in clear (starttls: disabled in relay.yaml).
	StartTLS bool
	// TLSConfig overrides the default (verify the server's name), for tests.
	TLSConfig *tls.Config
	Timeout   time.Duration
}

// NewSMTPSender returns the Sender configured in c.
func NewSMTPSender(c *Config) *SMTPSender {
	return &SMTPSender{
		Host: c.SMTP.Host, Port: c.SMTP.Port, Username: c.SMTP.Username, Password: c.Password,
		StartTLS: c.SMTP.StartTLS != "disabled", Timeout: 30 * time.Second,
	}
}

// Send delivers m.
func (s *SMTPSender) Send(ctx context.Context, m *mail.Msg) error {
	opts := []mail.Option{mail.WithPort(s.Port), mail.WithTimeout(s.Timeout)}
	if s.StartTLS {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		if s.TLSConfig != nil {
			opts = append(opts, mail.WithTLSConfig(s.TLSConfig))
		}
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
	}
	if s.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover), mail.WithUsername(s.Username), mail.WithPassword(s.Password))
	}
	c, err := mail.NewClient(s.Host, opts...)
	if err != nil {
		return err
	}
	err = c.DialAndSendWithContext(ctx, m)
	var se *mail.SendError
	if errors.As(err, &se) && !se.IsTemp() && se.ErrorCode() >= 500 && se.ErrorCode() < 600 {
		switch se.Reason {
		case mail.ErrSMTPRcptTo, mail.ErrSMTPData, mail.ErrSMTPDataClose:
			// The server has refused this message, not us: retrying will not help.
			return &PermanentError{err}
		}
		// A 5xx to MAIL FROM or AUTH is our configuration: keep retrying
		// (and logging) until someone fixes it, rather than fail every request.
	}
	return err
}

// Describe summarises a delivery error for the log without personal data:
// SMTP replies often quote the recipient's address, so they are reduced to
// their status codes.
func Describe(err error) string {
	var se *mail.SendError
	if errors.As(err, &se) {
		s := fmt.Sprintf("smtp %s: code %d", se.Reason, se.ErrorCode())
		if esc := se.EnhancedStatusCode(); esc != "" {
			s += " " + esc
		}
		return s
	}
	var oe *net.OpError
	if errors.As(err, &oe) {
		return oe.Error()
	}
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err.Error()
	case strings.Contains(err.Error(), "STARTTLS"):
		return "the server does not offer STARTTLS, which is required"
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) {
		return "TLS certificate not trusted: " + ce.Err.Error()
	}
	return fmt.Sprintf("%T (details withheld: may hold personal data)", err)
}

// A Mailer composes the two emails of a request.
type Mailer struct {
	From string
	// DPOEmail is the trust's officer's address: relay.yaml's dpo_email,
	// else site.yaml's dpo.email.
	DPOEmail string
	// Site is the site.yaml the relay serves: its organisation, language,
	// officer (dpo:) and the schools: a record's Centre names, whose
	// requests go to that school's officer (dpoOf).
	Site *config.Site
	Zone *time.Location
	Now  func() time.Time
}

// MessageID is the Message-ID of one of a request's emails, derived from
// the reference so a resend after a crash carries the same one and the
// recipient's mail system can drop the duplicate. kind is officer or ack.
func (m *Mailer) MessageID(ref, kind string) string {
	domain := "formrelay.invalid"
	if at := strings.LastIndexByte(m.fromAddress(), '@'); at >= 0 {
		domain = m.fromAddress()[at+1:]
	}
	return strings.ToLower(ref) + "." + kind + "@" + domain
}

func (m *Mailer) fromAddress() string {
	if a, err := mailParse(m.From); err == nil {
		return a
	}
	return m.From
}

type mailData struct {
	*Record
	Name, Email                    string
	ReceivedText, DueText, ExtText string
	Org, DPOEmail, DPO, DPOPhone   string
	// School is the name of the school whose centre the request came
	// from; Unlisted is set when the record names a centre site.yaml no
	// longer lists, and the request goes to the trust's officer.
	School   string
	Unlisted bool
	// QuoteReference and Steps are in the words every confirmation uses.
	QuoteReference string
	Steps          []form.Step
}

func (m *Mailer) data(r *Record) mailData {
	req := r.Request()
	rec := r.Received.In(m.Zone)
	lang := m.Site.Language
	d := mailData{
		Record: r, Name: req.Value("name"), Email: req.Email(),
		ReceivedText: longDate(date.Of(rec), lang) + " at " + rec.Format("15:04"),
		DueText:      longDate(r.Due, lang), ExtText: longDate(r.Extended, lang),
		Org: m.Site.Organisation.Name,
	}
	var sc *config.School
	if r.Centre != "" {
		if sc = m.Site.School(r.Centre); sc == nil {
			// Accepted when site.yaml listed it: never drop it, and say why
			// it came to the trust.
			d.School, d.Unlisted = r.Centre, true
		} else {
			d.School = sc.Name
		}
	}
	dpo := dpoOf(m.Site, m.DPOEmail, sc)
	d.DPOEmail, d.DPO, d.DPOPhone = dpo.Email, dpo.Name, dpo.Phone
	d.QuoteReference, d.Steps = form.QuoteReference, form.NextSteps(d.DueText, d.ExtText)
	return d
}

var tmplFuncs = template.FuncMap{
	"indent": func(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n  ") },
	"bullet": func(s form.Step) string {
		text := s.Text
		if s.URL != "" {
			text += " " + s.URL
		}
		return "- " + strings.Join(wrap(text, 70), "\n  ")
	},
	"multiline": func(a form.Answer) bool {
		return a.Kind == form.KindTextarea
	},
}

var officerTmpl = template.Must(template.New("officer").Funcs(tmplFuncs).Parse(`A data protection request has been made through the website.

Reference:     {{.Reference}}
Request:       {{.TypeLabel}} ({{.Type}})
{{- with .School}}
School:        {{.}}{{if $.Unlisted}} (a centre site.yaml's schools: no longer lists, so this came to the trust's officer){{end}}
{{- end}}
Received:      {{.ReceivedText}} (UK time)
Reply due by:  {{.DueText}}
If extended:   {{.ExtText}} (for a complex request; tell the requester within the first month, with reasons)

What they told us
{{range .Answers}}
{{.Label}}
{{if .Value}}{{indent .Value}}{{else}}  (left blank){{end}}
{{end}}
What to do next
1. Check the requester's identity, and their authority if they act for
   someone else, before you act. Ask promptly: if you need more
   information to confirm identity, the time limit runs from when you
   receive it.
2. Record the request in your log with the reference above.
3. Reply by {{.DueText}}.

{{if .Email}}Replying to this email writes to the requester. {{end}}They have been sent an
acknowledgement with the reference and the due date.

-- 
formrelay for {{.Org}}
`))

var ackTmpl = template.Must(template.New("ack").Funcs(tmplFuncs).Parse(`{{if .Name}}Dear {{.Name}},{{else}}Hello,{{end}}

Thank you for your data protection request{{if and .School (not .Unlisted)}} to {{.School}}{{end}}, which {{if .Org}}{{.Org}}{{else}}we{{end}} received on {{.ReceivedText}}.

Your reference is {{.Reference}}
{{.QuoteReference}}

You asked us to: {{.TypeLabel}}

What happens next
{{range .Steps}}{{bullet .}}
{{end}}
If you did not make this request, please tell us at {{.DPOEmail}}.

{{if .DPO}}{{.DPO}}, data protection officer{{else}}Data protection officer{{end}}{{if and .School (not .Unlisted)}}
{{.School}}{{end}}{{if .Org}}
{{.Org}}{{end}}
{{.DPOEmail}}{{if .DPOPhone}}
{{.DPOPhone}}{{end}}
`))

// Officer composes the email to the data protection officer.
func (m *Mailer) Officer(r *Record) (*mail.Msg, error) {
	d := m.data(r)
	msg, err := m.base(r, "officer", d.DPOEmail)
	if err != nil {
		return nil, err
	}
	if d.Email != "" {
		// A validated bare address (form.ValidEmail): no header injection.
		if err := msg.ReplyTo(d.Email); err != nil {
			return nil, err
		}
	}
	school := ""
	if d.School != "" {
		school = ", " + d.School
	}
	msg.Subject(fmt.Sprintf("Data protection request %s: %s%s (reply by %s)", r.Reference, r.TypeLabel, school, r.Due.Format(m.Site.Language)))
	return msg, m.body(msg, officerTmpl, d)
}

// Ack composes the acknowledgement to the requester, or returns nil when
// they gave no email address.
func (m *Mailer) Ack(r *Record) (*mail.Msg, error) {
	d := m.data(r)
	if d.Email == "" {
		return nil, nil
	}
	msg, err := m.base(r, "ack", d.Email)
	if err != nil {
		return nil, err
	}
	if err := msg.ReplyTo(d.DPOEmail); err != nil {
		return nil, err
	}
	// Out-of-office replies to an automatic message only make loops.
	msg.SetGenHeader(mail.HeaderXAutoResponseSuppress, "All")
	msg.Subject(fmt.Sprintf("We have received your data protection request (reference %s)", r.Reference))
	return msg, m.body(msg, ackTmpl, d)
}

func (m *Mailer) base(r *Record, kind, to string) (*mail.Msg, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.From); err != nil {
		return nil, err
	}
	if err := msg.To(to); err != nil {
		return nil, err
	}
	msg.SetMessageIDWithValue(m.MessageID(r.Reference, kind))
	msg.SetDateWithValue(m.Now())
	msg.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834
	msg.SetGenHeader("X-DSR-Reference", r.Reference)
	msg.SetUserAgent("formrelay")
	return msg, nil
}

func (m *Mailer) body(msg *mail.Msg, t *template.Template, d mailData) error {
	var b bytes.Buffer
	if err := t.Execute(&b, d); err != nil {
		return err
	}
	msg.SetBodyString(mail.TypeTextPlain, b.String())
	return nil
}

// wrap breaks text into lines of at most width bytes at spaces (a longer
// word, such as an address, gets a line of its own).
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		switch {
		case line == "":
			line = w
		case len(line)+1+len(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}
