package relay

import (
	"fmt"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/cmd/formrelay/internal/deadline"
	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/strictyaml"
)

// A Config is relay.yaml, decoded strictly, with defaults applied, the
// files it names (the site's site.yaml, the SMTP password) read and the
// bank holiday calendar made. Relative paths are relative to relay.yaml's
// folder.
type Config struct {
	// Listen is the address to serve on, such as 127.0.0.1:8025.
	Listen string `yaml:"listen"`
	// Spool is the folder requests are kept in until delivered.
	Spool string `yaml:"spool"`
	// Site is the site's site.yaml (or its folder): the form declaration,
	// base URL, organisation and data protection officer.
	Site string `yaml:"site"`
	// AllowedOrigins may post to the relay; the origin of the site's
	// base_url and of the form's relay_url are always allowed.
	AllowedOrigins []string `yaml:"allowed_origins"`
	// TrustedProxies are addresses or CIDR prefixes whose X-Forwarded-For
	// header is believed.
	TrustedProxies []string `yaml:"trusted_proxies"`
	SMTP           SMTP     `yaml:"smtp"`
	// From is the sender of both emails, e.g. "Larkfield Trust <dpo-forms@larkfield.example>".
	From string `yaml:"from"`
	// DPOEmail receives requests; it defaults to site.yaml's dpo.email. It
	// comes only from configuration, never from a form: no open relay.
	DPOEmail string `yaml:"dpo_email"`
	// RetentionDays is how long a delivered request stays in the spool.
	RetentionDays int `yaml:"retention_days"`
	// BankHolidays is the nation whose bank holidays move a due date:
	// england-and-wales (the default), scotland or northern-ireland. They
	// are worked out by rule for any year.
	BankHolidays string `yaml:"bank_holidays"`
	// BankHolidayChanges are the one-off changes proclaimed for that
	// nation beyond the rules: an extra holiday, or a holiday moved.
	BankHolidayChanges []BankHolidayChange `yaml:"bank_holiday_changes"`
	RateLimit          RateLimit           `yaml:"rate_limit"`
	// LogFormat is text (the default) or json.
	LogFormat string `yaml:"log_format"`

	// Resolved when loaded.
	Path           string             `yaml:"-"` // relay.yaml
	SiteConfig     *config.Site       `yaml:"-"`
	Spec           *form.Spec         `yaml:"-"`
	Calendar       *deadline.Calendar `yaml:"-"`
	Password       string             `yaml:"-"`
	Origins        map[string]bool    `yaml:"-"`
	Proxies        []netip.Prefix     `yaml:"-"`
	FromAddress    *mail.Address      `yaml:"-"`
	ThanksURL      string             `yaml:"-"` // requests.relay_url + "/thanks"
	RelayURLOrigin string             `yaml:"-"`
}

// SMTP is how mail leaves: a submission server with STARTTLS.
type SMTP struct {
	Host     string `yaml:"host"`
	Port     int    `yaml:"port"`
	Username string `yaml:"username"`
	// PasswordFile holds the password (a trailing newline is ignored).
	// $CREDENTIALS_DIRECTORY and other variables are expanded, for systemd's
	// LoadCredential=.
	PasswordFile string `yaml:"password_file"`
	// PasswordEnv names an environment variable holding the password.
	PasswordEnv string `yaml:"password_env"`
	// StartTLS is required (the default) or disabled. Disabled sends
	// credentials and personal data in clear: only for a server on the
	// same host.
	StartTLS string `yaml:"starttls"`
}

// A BankHolidayChange is one proclaimed change to the bank holiday rules:
// an extra holiday (add: its date, name: its name), or a holiday the rules
// give moved to another day (move: the day the rules give, to: the day it
// moves to, and name: if it is renamed). For 2020's VE day:
//
//	bank_holiday_changes:
//	  - {move: 2020-05-04, to: 2020-05-08, name: Early May bank holiday (VE day)}
//	  - {add: 2023-05-08, name: Bank holiday for the coronation of King Charles III}
type BankHolidayChange struct {
	Add  Day    `yaml:"add"`
	Move Day    `yaml:"move"`
	To   Day    `yaml:"to"`
	Name string `yaml:"name"`
}

// A Day is a date with its day given, such as 2023-05-08 or 8 May 2023:
// unlike a review date, a month alone will not do.
type Day struct{ date.Date }

// UnmarshalStrictYAML reads a Day (see strictyaml).
func (d *Day) UnmarshalStrictYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode && n.Value != "" && date.MonthOnly(n.Value) {
		return fmt.Errorf("%q is a month; give the day, such as 2023-05-08", n.Value)
	}
	return d.Date.UnmarshalStrictYAML(n)
}

// RateLimit bounds how fast one client may post: a bucket of Burst
// requests refilled at PerMinute. IPv6 clients are counted by /64.
type RateLimit struct {
	PerMinute float64 `yaml:"per_minute"`
	Burst     int     `yaml:"burst"`
	// Disabled turns the limit off (for benchmarks; never in production).
	Disabled bool `yaml:"disabled"`
}

// Defaults.
const (
	DefaultListen        = "127.0.0.1:8025"
	DefaultPort          = 587
	DefaultRetentionDays = 30
	DefaultPerMinute     = 6
	DefaultBurst         = 20
)

// LoadConfig reads relay.yaml at path and everything it names. Every
// problem found is in the list, with file:line:col where there is one; the
// Config is nil only when the file cannot be read or parsed at all.
func LoadConfig(path string) (*Config, diag.List) {
	var l diag.List
	data, err := os.ReadFile(path)
	if err != nil {
		l.Errorf(diag.Pos{File: path}, "cannot read relay configuration: %v", err)
		return nil, l
	}
	return ParseConfig(path, data)
}

// ParseConfig is LoadConfig with the contents of path given.
func ParseConfig(path string, data []byte) (*Config, diag.List) {
	var l diag.List
	c := &Config{Path: path}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l = append(l, strictyaml.SyntaxError(path, 0, data, err))
		return nil, l
	}
	problems := map[*yaml.Node]bool{}
	for _, p := range strictyaml.Decode(&doc, c) {
		l.Errorf(strictyaml.NodePos(path, 0, p.Node), "%s", p.Message)
		problems[p.Node] = true
	}
	at := func(keys ...string) diag.Pos { return strictyaml.NodePos(path, 0, strictyaml.Lookup(&doc, keys...)) }
	c.resolve(filepath.Dir(path), at, &l)
	c.resolveCalendar(func(p string) diag.Pos { return strictyaml.NodePos(path, 0, strictyaml.LookupPath(&doc, p)) }, func(i int) bool {
		// A change with a key or value already reported is left out, so
		// its mistake is not reported twice over.
		return holds(strictyaml.LookupPath(&doc, fmt.Sprintf("bank_holiday_changes[%d]", i)), problems)
	}, &l)
	l.Sort()
	return c, l
}

func (c *Config) resolve(base string, at func(...string) diag.Pos, l *diag.List) {
	rel := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	c.Origins = map[string]bool{}
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.RetentionDays == 0 {
		c.RetentionDays = DefaultRetentionDays
	} else if c.RetentionDays < 1 {
		l.Errorf(at("retention_days"), "retention_days: must be at least 1")
	}
	if c.RateLimit.PerMinute == 0 {
		c.RateLimit.PerMinute = DefaultPerMinute
	}
	if c.RateLimit.Burst == 0 {
		c.RateLimit.Burst = DefaultBurst
	}
	if c.RateLimit.PerMinute < 0 || c.RateLimit.Burst < 0 {
		l.Errorf(at("rate_limit"), "rate_limit: per_minute and burst must be positive")
	}
	switch c.LogFormat {
	case "":
		c.LogFormat = "text"
	case "text", "json":
	default:
		l.Errorf(at("log_format"), "log_format: %q is not text or json", c.LogFormat)
	}

	if c.Spool == "" {
		l.Errorf(at(), "spool: is required: the folder requests are kept in until delivered")
	}
	c.Spool = rel(c.Spool)

	// The site.
	if c.Site == "" {
		l.Errorf(at(), "site: is required: the site.yaml that declares the form")
	} else {
		c.Site = rel(c.Site)
		c.loadSite(at, l)
	}

	// Mail.
	if c.SMTP.Host == "" {
		l.Errorf(at("smtp"), "smtp.host: is required")
	}
	if c.SMTP.Port == 0 {
		c.SMTP.Port = DefaultPort
	} else if c.SMTP.Port < 1 || c.SMTP.Port > 65535 {
		l.Errorf(at("smtp", "port"), "smtp.port: %d is not a port", c.SMTP.Port)
	}
	switch c.SMTP.StartTLS {
	case "":
		c.SMTP.StartTLS = "required"
	case "required", "disabled":
	default:
		l.Errorf(at("smtp", "starttls"), "smtp.starttls: %q is not required or disabled", c.SMTP.StartTLS)
	}
	switch {
	case c.SMTP.PasswordFile != "" && c.SMTP.PasswordEnv != "":
		l.Errorf(at("smtp", "password_env"), "smtp: give password_file or password_env, not both")
	case c.SMTP.PasswordFile != "":
		var unset []string
		p := rel(os.Expand(c.SMTP.PasswordFile, func(name string) string {
			v, ok := os.LookupEnv(name)
			if !ok {
				unset = append(unset, "$"+name)
			}
			return v
		}))
		if len(unset) > 0 {
			// Not "open /smtp-password": say which variable is missing.
			why := ""
			if slices.Contains(unset, "$CREDENTIALS_DIRECTORY") {
				why = " (systemd sets it for a unit with LoadCredential=)"
			}
			l.Errorf(at("smtp", "password_file"), "smtp.password_file: %s is not set%s", strings.Join(unset, ", "), why)
			break
		}
		b, err := os.ReadFile(p)
		if err != nil {
			l.Errorf(at("smtp", "password_file"), "smtp.password_file: %v", err)
		}
		c.Password = strings.TrimRight(string(b), "\r\n")
	case c.SMTP.PasswordEnv != "":
		v, ok := os.LookupEnv(c.SMTP.PasswordEnv)
		if !ok {
			l.Errorf(at("smtp", "password_env"), "smtp.password_env: $%s is not set", c.SMTP.PasswordEnv)
		}
		c.Password = v
	}
	if c.SMTP.Username != "" && c.SMTP.PasswordFile == "" && c.SMTP.PasswordEnv == "" {
		l.Errorf(at("smtp", "username"), "smtp: a username needs password_file or password_env")
	}
	if c.From == "" {
		l.Errorf(at(), "from: is required: the sender of both emails")
	} else if a, err := mail.ParseAddress(c.From); err != nil || !form.ValidEmail(a.Address) {
		l.Errorf(at("from"), "from: %q is not an address such as \"Name <forms@example.org>\"", c.From)
	} else {
		c.FromAddress = a
	}
	dpoAt := at("dpo_email")
	if c.DPOEmail == "" && c.SiteConfig != nil {
		c.DPOEmail = c.SiteConfig.DPO.Email
		dpoAt = at("site")
	}
	switch {
	case c.DPOEmail == "":
		l.Errorf(at(), "dpo_email: is required (or set dpo.email in site.yaml): where requests are sent")
	case !form.ValidEmail(c.DPOEmail):
		l.Errorf(dpoAt, "dpo_email: %q is not an email address", c.DPOEmail)
	}

	// Who may post, and whose word on the client's address counts.
	for i, o := range c.AllowedOrigins {
		n, ok := origin(o)
		if !ok {
			l.Errorf(at("allowed_origins"), "allowed_origins[%d]: %q is not an origin such as https://policies.example.org", i, o)
			continue
		}
		c.Origins[n] = true
	}
	for i, p := range c.TrustedProxies {
		pfx, err := netip.ParsePrefix(p)
		if err != nil {
			a, aerr := netip.ParseAddr(p)
			if aerr != nil {
				l.Errorf(at("trusted_proxies"), "trusted_proxies[%d]: %q is not an address or CIDR prefix", i, p)
				continue
			}
			pfx = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		c.Proxies = append(c.Proxies, pfx.Masked())
	}
}

// holds reports whether n or a node under it is in set.
func holds(n *yaml.Node, set map[*yaml.Node]bool) bool {
	if n == nil {
		return false
	}
	if set[n] {
		return true
	}
	return slices.ContainsFunc(n.Content, func(c *yaml.Node) bool { return holds(c, set) })
}

// resolveCalendar makes the Calendar from bank_holidays and
// bank_holiday_changes; at gives the position of a path such as
// "bank_holiday_changes[2].to", and reported(i) whether change i has a
// problem reported already.
func (c *Config) resolveCalendar(at func(path string) diag.Pos, reported func(i int) bool, l *diag.List) {
	nation := deadline.EnglandAndWales
	if c.BankHolidays != "" {
		n, err := deadline.ParseNation(c.BankHolidays)
		if err != nil {
			// The changes are checked against the nation's rules once it
			// is known, not against a guess.
			l.Errorf(at("bank_holidays"), "bank_holidays: %v", err)
			c.Calendar, _ = deadline.New(nation, nil)
			return
		}
		nation = n
	}
	c.BankHolidays = string(nation)
	var changes []deadline.Change
	var index []int // changes[j] is bank_holiday_changes[index[j]]
	for i, ch := range c.BankHolidayChanges {
		if reported(i) {
			continue
		}
		changes = append(changes, deadline.Change{Add: ch.Add.Date, Move: ch.Move.Date, To: ch.To.Date, Name: ch.Name})
		index = append(index, i)
	}
	cal, errs := deadline.New(nation, changes)
	for _, e := range errs {
		p := fmt.Sprintf("bank_holiday_changes[%d]", index[e.Index])
		if e.Field != "" {
			p += "." + e.Field
		}
		l.Errorf(at(p), "%s: %s", p, e.Msg)
	}
	c.Calendar = cal
}

func (c *Config) loadSite(at func(...string) diag.Pos, l *diag.List) {
	path := c.Site
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		path = filepath.Join(path, config.File)
	}
	c.Site = path
	data, err := os.ReadFile(path)
	if err != nil {
		l.Errorf(at("site"), "site: %v", err)
		return
	}
	site, sl := config.Parse(data)
	for _, d := range sl {
		d.File = path
		*l = append(*l, d)
	}
	c.SiteConfig = site
	for _, sc := range site.Schools {
		if sc.DPO != nil && sc.DPO.Email != "" && !form.ValidEmail(sc.DPO.Email) {
			l.Errorf(diag.Pos{File: path, Line: sc.Pos.Line, Col: sc.Pos.Col}, "schools: %s's dpo.email %q is not an address formrelay can send to", sc.ID, sc.DPO.Email)
		}
	}
	if site.Requests == nil {
		l.Errorf(diag.Pos{File: path}, "requests: the site declares no request form (add `requests:` with relay_url)")
		return
	}
	site.Requests.ApplyDefaults() // idempotent; config.Parse does it too
	c.Spec = site.Requests
	if site.BaseURL == "" {
		l.Errorf(diag.Pos{File: path}, "base_url: is required by formrelay: the site's form posts from it")
	} else if o, ok := origin(site.BaseURL); ok {
		c.Origins[o] = true
	}
	if u, err := url.Parse(c.Spec.RelayURL); err == nil {
		if o, ok := origin(c.Spec.RelayURL); ok {
			// The relay's own error page posts back to it.
			c.RelayURLOrigin = o
		}
		// The thanks page is beside the form's target, so whatever proxy
		// passes the one on passes the other (GET /requests/thanks here).
		u.Path = strings.TrimSuffix(u.Path, "/") + "/thanks"
		u.RawPath, u.RawQuery, u.Fragment = "", "", ""
		c.ThanksURL = u.String()
	}
}

// dpoOf returns the data protection officer of a centre: the school's own
// (its dpo: in site.yaml) when it gives an email, else the trust's, whose
// email is relay.yaml's dpo_email (trustEmail). sc nil is the trust's
// centre. The relay's pages and its emails both ask here.
func dpoOf(site *config.Site, trustEmail string, sc *config.School) config.Contact {
	if sc != nil && sc.DPO != nil && sc.DPO.Email != "" {
		return *sc.DPO
	}
	d := site.DPO
	d.Email = trustEmail
	return d
}

// origin returns the scheme://host[:port] of an http(s) URL, lower-cased.
func origin(s string) (string, bool) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", false
	}
	return strings.ToLower(u.Scheme + "://" + u.Host), true
}

// Allowed reports whether a browser's Origin header names an origin that
// may post.
func (c *Config) Allowed(o string) bool {
	n, ok := origin(o)
	return ok && (c.Origins[n] || n == c.RelayURLOrigin)
}

// String summarises the configuration for check-config, without secrets.
func (c *Config) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "listen %s, spool %s\n", c.Listen, c.Spool)
	if c.Spec != nil {
		fmt.Fprintf(&b, "form: %d request types, %d fields, posting to %s\n", len(c.Spec.Types), len(c.Spec.Fields), c.Spec.RelayURL)
	}
	fmt.Fprintf(&b, "mail: %s:%d (STARTTLS %s) from %s to %s\n", c.SMTP.Host, c.SMTP.Port, c.SMTP.StartTLS, c.From, c.DPOEmail)
	if c.Calendar != nil {
		fmt.Fprintf(&b, "bank holidays: %s, by rule", c.Calendar.Nation().Title())
		switch n := len(c.Calendar.Changes()); n {
		case 0:
		case 1:
			fmt.Fprintf(&b, ", with 1 one-off change")
		default:
			fmt.Fprintf(&b, ", with %d one-off changes", n)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "rate limit: %g a minute, burst %d; retention %d days\n", c.RateLimit.PerMinute, c.RateLimit.Burst, c.RetentionDays)
	return b.String()
}
