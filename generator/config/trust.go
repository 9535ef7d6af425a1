package config

import (
	"fmt"
	"net/url"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/strictyaml"
)

// A Certification is a certificate the organisation holds, declared once
// under certifications: and shown on the index, on a policy's
// "Certifications" section and in policies.json. It is a claim that goes
// stale: Expires decides, for the day of the build and again in the
// reader's browser, whether it is still shown as held.
type Certification struct {
	// ID names it in policy text (a link to cert:ID) and in the page's
	// anchors (#cc-cert-ID, clear of heading ids: markdown.ThemeIDPrefix).
	ID string `yaml:"id" json:"id"`
	// Name is the scheme with its edition: "ISO/IEC 27001:2022",
	// "Cyber Essentials Plus".
	Name string `yaml:"name" json:"name"`
	// Issuer is the certification body that issued it (body: in site.yaml).
	Issuer string `yaml:"body" json:"body,omitempty"`
	// Scope is what it covers: "The trust office and its three schools".
	Scope string `yaml:"scope" json:"scope,omitempty"`
	// Number is the certificate's number.
	Number  string    `yaml:"number" json:"number,omitempty"`
	Issued  date.Date `yaml:"issued" json:"issued"`
	Expires date.Date `yaml:"expires" json:"expires"`
	// URL is where to verify it, or the certificate itself (https).
	URL string `yaml:"url" json:"url,omitempty"`

	// Pos is where site.yaml declares it; ExpiresPos its expires: value.
	Pos        diag.Pos `yaml:"-" json:"-"`
	ExpiresPos diag.Pos `yaml:"-" json:"-"`
}

// A Processor is an organisation that handles personal data on the
// publisher's behalf (a processor or subprocessor), declared once under
// processors: and shown on /processors/, at a policy's "Processors we use"
// section, in policies.json and, when it is added or removed, in the
// changes page and feed, dated by Since and Until.
type Processor struct {
	Name string `yaml:"name" json:"name"`
	// Purpose is what they do for us: "Hosts our email and documents".
	Purpose string `yaml:"purpose" json:"purpose"`
	// Data are the kinds of personal data they handle.
	Data []string `yaml:"data" json:"data"`
	// Location is the country (or countries) where the data is handled.
	Location string `yaml:"location" json:"location,omitempty"`
	// Safeguard is what makes a transfer outside the UK lawful: "UK
	// adequacy regulations", "IDTA", "the UK Addendum to the EU SCCs";
	// for data kept in the UK, "Data stays in the UK".
	Safeguard string `yaml:"safeguard" json:"safeguard,omitempty"`
	// Terms is the URL of their data processing terms (https).
	Terms string `yaml:"terms" json:"terms,omitempty"`
	// Since is when we started using them; Until, once set, when we
	// stopped: a processor with an Until on or before the day is former.
	Since date.Date  `yaml:"since" json:"since"`
	Until *date.Date `yaml:"until" json:"until,omitempty"`

	// Pos is where site.yaml declares it.
	Pos diag.Pos `yaml:"-" json:"-"`
}

// Current reports whether p is in use on day now: it has no Until, or
// one after now.
func (p Processor) Current(now date.Date) bool {
	return p.Until == nil || p.Until.After(now)
}

// Certification returns the certification with id, or nil.
func (s *Site) Certification(id string) *Certification {
	for i := range s.Certifications {
		if s.Certifications[i].ID == id {
			return &s.Certifications[i]
		}
	}
	return nil
}

// validateTrust checks certifications: and processors: and records where
// each entry is, for check's findings.
func (s *Site) validateTrust(doc *yaml.Node, l *diag.List) {
	node := func(path string) *yaml.Node { return strictyaml.LookupPath(doc, path) }
	pos := func(path string) diag.Pos { return strictyaml.NodePos(File, 0, node(path)) }
	ids := map[string]bool{}
	for i := range s.Certifications {
		c := &s.Certifications[i]
		where := fmt.Sprintf("certifications[%d]", i)
		c.Pos, c.ExpiresPos = pos(where), pos(where+".expires")
		switch {
		case !idRE.MatchString(c.ID):
			l.Errorf(pos(where+".id"), "%s.id: %q is not an id (lower-case letters, digits, - and _), which policies link to as cert:ID", where, c.ID)
		case ids[c.ID]:
			l.Errorf(pos(where+".id"), "%s.id: certification %q is declared twice", where, c.ID)
		}
		ids[c.ID] = true
		if strings.TrimSpace(c.Name) == "" {
			l.Errorf(c.Pos, "%s.name: missing: the scheme and its edition, such as ISO/IEC 27001:2022", where)
		}
		switch {
		case c.Issued.IsZero():
			l.Errorf(c.Pos, "%s.issued: missing: the day the certificate was issued", where)
		case c.Expires.IsZero():
			l.Errorf(c.Pos, "%s.expires: missing: the day the certificate expires, so the site stops claiming it then", where)
		case !c.Expires.After(c.Issued):
			l.Errorf(c.ExpiresPos, "%s.expires: %s is not after issued (%s)", where, c.Expires, c.Issued)
		}
		if err := checkHTTPS(c.URL); err != nil {
			l.Errorf(pos(where+".url"), "%s.url: %v", where, err)
		}
	}
	names := map[string]bool{}
	for i := range s.Processors {
		p := &s.Processors[i]
		where := fmt.Sprintf("processors[%d]", i)
		p.Pos = pos(where)
		key := strings.ToLower(strings.TrimSpace(p.Name))
		switch {
		case key == "":
			l.Errorf(p.Pos, "%s.name: missing: who the processor is", where)
		case names[key]:
			l.Errorf(pos(where+".name"), "%s.name: processor %q is declared twice", where, p.Name)
		}
		names[key] = true
		if strings.TrimSpace(p.Purpose) == "" {
			l.Errorf(p.Pos, "%s.purpose: missing: what they do for us, in words a parent understands", where)
		}
		if p.Since.IsZero() {
			l.Errorf(p.Pos, "%s.since: missing: the day we started using them (the changes page lists it)", where)
		} else if p.Until != nil && p.Until.Before(p.Since) {
			l.Errorf(pos(where+".until"), "%s.until: %s is before since (%s)", where, *p.Until, p.Since)
		}
		if err := checkHTTPS(p.Terms); err != nil {
			l.Errorf(pos(where+".terms"), "%s.terms: %v", where, err)
		}
	}
}

// checkHTTPS accepts "" and an absolute https URL.
func checkHTTPS(raw string) error {
	if raw == "" {
		return nil
	}
	if u, err := url.Parse(raw); err != nil || u.Scheme != "https" || u.Host == "" {
		return fmt.Errorf("%q is not an https URL", raw)
	}
	return nil
}

// The headings of a policy's sections the build ends with a generated
// table: the processors a site declares, and its certifications. A
// policy marks where a list goes by having the section.
const (
	ProcessorsHeading     = "Processors we use"
	CertificationsHeading = "Certifications"
)
