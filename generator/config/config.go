// Package config reads site.yaml, the one file that describes a site: who
// publishes it, how reviews are timed, which cookies it sets and which request
// form it offers. Decoding is strict: an unknown or misspelt key is an error
// with its line and column, because a setting silently ignored is worse than
// no setting at all.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/mail"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/strictyaml"
	"github.com/policysite/policysite/generator/versions"
)

// File is the name of the site configuration in the site root.
const File = "site.yaml"

// A Site is the decoded site.yaml with defaults applied.
type Site struct {
	Title        string       `yaml:"title"`
	Description  string       `yaml:"description"`
	Organisation Organisation `yaml:"organisation"`
	// BaseURL is the absolute URL the site is published at, ending in a slash.
	BaseURL string `yaml:"base_url"`
	// Language is a BCP 47 tag; it sets <html lang> and how dates read.
	Language string  `yaml:"language"`
	DPO      Contact `yaml:"dpo"`
	Review   Review  `yaml:"review"`
	// Theme names the folder under themes/ whose files override the default theme.
	Theme string `yaml:"theme"`
	// UnsafeHTML lets raw HTML in policies through. Off by default: content is untrusted.
	UnsafeHTML bool `yaml:"unsafe_html"`
	// SecurityContact, a mailto: or https: URI, publishes /.well-known/security.txt.
	SecurityContact string `yaml:"security_contact"`
	// Cookies declares every cookie the site sets; it drives the cookie notice
	// and the cookie policy's table.
	Cookies *Cookies `yaml:"cookies"`
	// Scripts are extra scripts the site loads, each gated by a cookie category.
	Scripts []Script `yaml:"scripts"`
	// Requests is the data-subject request form; absent, no form is published.
	Requests *form.Spec `yaml:"requests"`
	// ReviewCalendar publishes reviews.ics, a feed of review due dates.
	ReviewCalendar bool `yaml:"review_calendar"`
	// Deploy is where `policysite deploy` publishes the built site.
	Deploy *Deploy `yaml:"deploy"`
	// Categories order the index's sections (front matter category:):
	// lighter weight first, then by name; a category not listed weighs 0.
	// Policies without a category come last, under "Other policies",
	// unless a Category of that name gives them a weight.
	Categories []Category `yaml:"categories"`
	// Host is where the site is published (one of Hosts), for what only
	// some hosts need: pages carry their Content-Security-Policy in a
	// <meta> element where the host sends no headers (github-pages,
	// gitlab-pages), and apache gets an .htaccess.
	Host string `yaml:"host"`
	// Params are values policies name as variables ({{ funding_body }}),
	// the same for every school unless a school's params: say otherwise.
	Params map[string]string `yaml:"params"`
	// Schools are the trust's schools: each gets a policy centre of its
	// own at /<id>/ (docs/schools.md).
	Schools []School `yaml:"schools"`
	// Required are the slugs of the policies every school must publish.
	Required []string `yaml:"required"`
	// Certifications are the certificates the organisation holds
	// (trust.go); Processors who handles personal data for it.
	Certifications []Certification `yaml:"certifications"`
	Processors     []Processor     `yaml:"processors"`
	// Defaults fill what a policy's front matter does not say, as a
	// folder made for another generator leaves out (docs/import.md).
	Defaults Defaults `yaml:"defaults"`

	// Pos holds the position of each top-level key's value, for later
	// stages' diagnostics.
	Pos map[string]diag.Pos `yaml:"-"`
}

// At returns the position of a top-level key's value, or of the file.
func (s *Site) At(key string) diag.Pos {
	if p, ok := s.Pos[key]; ok {
		return p
	}
	return diag.Pos{File: File}
}

// Defaults are what a policy that does not say gets: each use is a
// default-field warning naming the policy and the field.
type Defaults struct {
	Owner    string `yaml:"owner"`
	Version  string `yaml:"version"`
	Category string `yaml:"category"`
	// NextReview is a period after the policy's effective date.
	NextReview Period `yaml:"next_review"`
	// Effective is "last-commit": the day the policy's file was last
	// committed, when the site is a git repository (the command looks it
	// up: generator.Options.Committed).
	Effective string `yaml:"effective"`
}

// LastCommit is the defaults.effective that dates a policy by its file's
// last commit.
const LastCommit = "last-commit"

// A Category is a section of the index and its place among the others.
type Category struct {
	Name   string `yaml:"name"`
	Weight int    `yaml:"weight"`
	// Pos is where site.yaml lists it.
	Pos diag.Pos `yaml:"-"`
}

// CategoryWeight returns the weight site.yaml gives the category name, or 0.
func (s *Site) CategoryWeight(name string) int {
	for _, c := range s.Categories {
		if c.Name == name {
			return c.Weight
		}
	}
	return 0
}

// An Organisation is who publishes the policies.
type Organisation struct {
	Name    string `yaml:"name" json:"name"`
	Address string `yaml:"address" json:"address,omitempty"`
	Email   string `yaml:"email" json:"email,omitempty"`
	Phone   string `yaml:"phone" json:"phone,omitempty"`
	Website string `yaml:"website" json:"website,omitempty"`
}

// A School is one school of a trust, with the values its policies'
// variables take (school.name, school.headteacher, ...).
type School struct {
	// ID is its folder under content/ and its centre's path: brookmead.
	ID          string `yaml:"id"`
	Name        string `yaml:"name"`
	Address     string `yaml:"address"`
	Headteacher string `yaml:"headteacher"`
	// DSL is the designated safeguarding lead.
	DSL    string            `yaml:"dsl"`
	Phone  string            `yaml:"phone"`
	Email  string            `yaml:"email"`
	Params map[string]string `yaml:"params"`
	// DPO, when set, replaces the trust's data protection officer for
	// this school: its request form goes to them.
	DPO *Contact `yaml:"dpo"`
	// Pos is where site.yaml lists it.
	Pos diag.Pos `yaml:"-"`
}

// School returns the school of id, or nil.
func (s *Site) School(id string) *School {
	for i := range s.Schools {
		if s.Schools[i].ID == id {
			return &s.Schools[i]
		}
	}
	return nil
}

// Values returns the variables of the centre of school, nil for the
// trust's: organisation.*, dpo.* (the school's DPO when it has its own),
// school.* and params (the school's over the site's), each a value set
// in site.yaml. The names SchoolFields lists are school.*'s.
func (s *Site) Values(school *School) map[string]string {
	v := map[string]string{}
	add := func(k, val string) {
		if val != "" {
			v[k] = val
		}
	}
	o := s.Organisation
	add("organisation.name", o.Name)
	add("organisation.address", o.Address)
	add("organisation.email", o.Email)
	add("organisation.phone", o.Phone)
	add("organisation.website", o.Website)
	dpo := s.DPO
	if school != nil && school.DPO != nil {
		dpo = *school.DPO
	}
	add("dpo.name", dpo.Name)
	add("dpo.email", dpo.Email)
	add("dpo.phone", dpo.Phone)
	add("dpo.address", dpo.Address)
	for k, val := range s.Params {
		add(k, val)
	}
	if school == nil {
		return v
	}
	for k, val := range school.Params {
		add(k, val)
	}
	for i, f := range school.fields() {
		add("school."+SchoolFields[i], f)
	}
	return v
}

// SchoolFields are the names of school.* variables, without school.
var SchoolFields = []string{"id", "name", "address", "headteacher", "dsl", "phone", "email"}

func (sc *School) fields() []string {
	return []string{sc.ID, sc.Name, sc.Address, sc.Headteacher, sc.DSL, sc.Phone, sc.Email}
}

// A Contact is a person or role to write to.
type Contact struct {
	Name    string `yaml:"name"`
	Email   string `yaml:"email"`
	Phone   string `yaml:"phone"`
	Address string `yaml:"address"`
}

// Review sets when reviews fall due.
type Review struct {
	// WarnDays is how many days before its review date a policy is "due soon".
	WarnDays int `yaml:"warn_days"`
	// Period is the usual time between reviews, for new and revised policies.
	Period Period `yaml:"review_period"`
	// RequireApproval makes check warn of a version with no approval
	// recorded (no-approval): for schools, whose governing body approves
	// each statutory policy.
	RequireApproval bool `yaml:"require_approval"`
}

// A Period is a whole number of months, written "12 months", "1 year" or "18".
type Period struct{ Months int }

func (p Period) String() string {
	if p.Months%12 == 0 {
		if p.Months == 12 {
			return "1 year"
		}
		return fmt.Sprintf("%d years", p.Months/12)
	}
	if p.Months == 1 {
		return "1 month"
	}
	return fmt.Sprintf("%d months", p.Months)
}

var periodRE = regexp.MustCompile(`^(\d+)\s*(months?|years?|)$`)

// ParsePeriod reads "12 months", "2 years" or a bare number of months.
func ParsePeriod(s string) (Period, error) {
	m := periodRE.FindStringSubmatch(strings.ToLower(strings.TrimSpace(s)))
	if m == nil {
		return Period{}, fmt.Errorf("%q is not a period (want e.g. 12 months or 2 years)", s)
	}
	n, _ := strconv.Atoi(m[1])
	if strings.HasPrefix(m[2], "year") {
		n *= 12
	}
	if n < 1 || n > 120 {
		return Period{}, fmt.Errorf("%q: a review period is between 1 month and 10 years", s)
	}
	return Period{n}, nil
}

// UnmarshalStrictYAML reads a Period.
func (p *Period) UnmarshalStrictYAML(n *yaml.Node) error {
	v, err := ParsePeriod(n.Value)
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Cookies is the site's cookie declaration.
type Cookies struct {
	// Policy is the slug of the cookie policy the notice links to.
	Policy string `yaml:"policy"`
	// Revision changes when the declaration changes, so visitors are asked again.
	Revision string `yaml:"revision"`
	// Categories other than "necessary" need consent.
	Categories []CookieCategory `yaml:"categories"`
}

// A CookieCategory groups cookies set for one purpose.
type CookieCategory struct {
	ID          string   `yaml:"id"`
	Title       string   `yaml:"title"`
	Description string   `yaml:"description"`
	Cookies     []Cookie `yaml:"cookies"`
}

// A Cookie is one cookie (or similar storage) the site sets.
type Cookie struct {
	Name     string `yaml:"name"`
	Provider string `yaml:"provider"`
	Purpose  string `yaml:"purpose"`
	Duration string `yaml:"duration"`
}

// A Script is a script the site loads only with consent to its category.
type Script struct {
	// Src is an https URL, or a path on the site starting with "/".
	Src string `yaml:"src"`
	// Category is the id of the cookie category whose consent runs it.
	Category string `yaml:"category"`
	// ID is the element id some scripts look for; optional.
	ID string `yaml:"id"`
	// Async runs the script as soon as it loads, out of order.
	Async bool `yaml:"async"`
	// Integrity is a subresource-integrity hash ("sha384-..."); recommended
	// for scripts from other origins.
	Integrity string `yaml:"integrity"`
	// Data are data-* attributes the script reads (data-domain: example.org).
	Data map[string]string `yaml:"data"`
}

// ConsentCookie is the cookie that stores a visitor's cookie choice. It is
// strictly necessary, and must be declared like any other cookie.
const ConsentCookie = "policysite_consent"

// Necessary is the id of the category that needs no consent.
const Necessary = "necessary"

// Optional returns the categories that need consent.
func (c *Cookies) Optional() []CookieCategory {
	var out []CookieCategory
	for _, cat := range c.Categories {
		if cat.ID != Necessary {
			out = append(out, cat)
		}
	}
	return out
}

// Declares reports whether the necessary category declares the cookie name.
func (c *Cookies) Declares(name string) bool {
	for _, cat := range c.Categories {
		for _, k := range cat.Cookies {
			if cat.ID == Necessary && k.Name == name {
				return true
			}
		}
	}
	return false
}

// Hosts are the values of host:, the places docs/publishing.md explains.
var Hosts = []string{"github-pages", "gitlab-pages", "netlify", "cloudflare-pages", "apache", "nginx", "none"}

// BasePath returns the URL path the site lives under: that of base_url, or "/".
func (s *Site) BasePath() string {
	if u, err := url.Parse(s.BaseURL); err == nil && u.Path != "" {
		return u.Path
	}
	return "/"
}

// SendsHeaders reports whether the site's host sends the headers of
// _headers or .htaccess: GitHub Pages and GitLab Pages send none of their
// own choosing.
func (s *Site) SendsHeaders() bool {
	return s.Host != "github-pages" && s.Host != "gitlab-pages"
}

// Defaults for settings site.yaml leaves out.
const (
	DefaultLanguage = "en-GB"
	DefaultWarnDays = 30
	DefaultTheme    = "default"
)

// DefaultPeriod is the review period when site.yaml names none.
var DefaultPeriod = Period{Months: 12}

// Load reads and checks site.yaml from the site folder fsys. A missing file
// is an error: every site has one. The Site is usable (with defaults) even
// when diagnostics hold errors, so later stages can report their own.
func Load(fsys fs.FS) (*Site, diag.List) {
	data, err := fs.ReadFile(fsys, File)
	if err != nil {
		var l diag.List
		if errors.Is(err, fs.ErrNotExist) {
			l.Errorf(diag.Pos{File: File}, "not found; run 'policysite init' to start a site (or --source to name the site folder)")
		} else {
			l.Errorf(diag.Pos{File: File}, "cannot read site configuration: %v", unwrapPath(err))
		}
		s := &Site{}
		s.applyDefaults()
		return s, l
	}
	return Parse(data)
}

func unwrapPath(err error) error {
	if pe, ok := err.(*fs.PathError); ok {
		return pe.Err
	}
	return err
}

// Parse decodes site.yaml from data.
func Parse(data []byte) (*Site, diag.List) {
	var l diag.List
	s := &Site{}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l = append(l, strictyaml.SyntaxError(File, 0, data, err))
		s.applyDefaults()
		return s, l
	}
	if len(doc.Content) == 0 {
		l.Errorf(diag.Pos{File: File, Line: 1, Col: 1}, "empty; run 'policysite init' to start a site, or write the organisation's name under organisation:")
		s.applyDefaults()
		return s, l
	}
	for _, p := range strictyaml.Decode(&doc, s) {
		l.Errorf(strictyaml.NodePos(File, 0, p.Node), "%s", p.Message)
	}
	s.Pos = map[string]diag.Pos{}
	if root := strictyaml.Lookup(&doc); root != nil && root.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(root.Content); i += 2 {
			s.Pos[root.Content[i].Value] = strictyaml.NodePos(File, 0, root.Content[i+1])
		}
	}
	if n := strictyaml.LookupPath(&doc, "requests.relay_url"); n != nil && n.Kind == yaml.ScalarNode {
		s.Pos["requests.relay_url"] = strictyaml.NodePos(File, 0, n)
	}
	s.applyDefaults()
	s.validate(&doc, &l)
	return s, l
}

func (s *Site) applyDefaults() {
	if s.Language == "" {
		s.Language = DefaultLanguage
	}
	if s.Review.WarnDays == 0 {
		s.Review.WarnDays = DefaultWarnDays
	}
	if s.Review.Period.Months == 0 {
		s.Review.Period = DefaultPeriod
	}
	if s.Theme == "" {
		s.Theme = DefaultTheme
	}
	if s.Title == "" {
		s.Title = "Policies"
		if s.Organisation.Name != "" {
			s.Title = s.Organisation.Name + " policies"
		}
	}
	if s.BaseURL != "" && !strings.HasSuffix(s.BaseURL, "/") {
		s.BaseURL += "/"
	}
	if s.Requests != nil {
		s.Requests.ApplyDefaults()
	}
}

var langRE = regexp.MustCompile(`^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$`)
var themeRE = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// validate checks values whose types decoded but whose content is wrong.
func (s *Site) validate(doc *yaml.Node, l *diag.List) {
	at := func(path ...string) diag.Pos { return strictyaml.NodePos(File, 0, strictyaml.Lookup(doc, path...)) }
	if s.BaseURL != "" {
		u, err := url.Parse(s.BaseURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			l.Errorf(at("base_url"), "base_url: %q is not an absolute http(s) URL", s.BaseURL)
		}
	}
	if !langRE.MatchString(s.Language) {
		l.Errorf(at("language"), "language: %q is not a language tag such as en-GB", s.Language)
	}
	if s.Review.WarnDays < 0 {
		l.Errorf(at("review", "warn_days"), "review.warn_days: must not be negative")
	}
	if s.Host != "" && !slices.Contains(Hosts, s.Host) {
		l.Errorf(at("host"), "host: %q is not a host policysite knows (want one of %s)", s.Host, strings.Join(Hosts, ", "))
	}
	if s.Requests != nil && s.Requests.Email() && s.DPO.Email == "" && s.Organisation.Email == "" {
		l.Errorf(at("requests"), "requests: mode email needs an address to write to: set dpo.email (or organisation.email)")
	}
	if !themeRE.MatchString(s.Theme) {
		l.Errorf(at("theme"), "theme: %q is not a theme folder name", s.Theme)
	}
	for _, e := range []struct {
		path []string
		v    string
	}{
		{[]string{"organisation", "email"}, s.Organisation.Email},
		{[]string{"dpo", "email"}, s.DPO.Email},
	} {
		if e.v == "" {
			continue
		}
		if a, err := mail.ParseAddress(e.v); err != nil || a.Name != "" {
			l.Errorf(at(e.path...), "%s: %q is not an email address", strings.Join(e.path, "."), e.v)
		}
	}
	if s.Requests != nil {
		for _, err := range s.Requests.Check() {
			var ce *form.CheckError
			if errors.As(err, &ce) {
				l.Errorf(strictyaml.NodePos(File, 0, strictyaml.LookupPath(doc, ce.Key)), "%s", err)
			} else {
				l.Errorf(at("requests"), "%s", err)
			}
		}
	}
	seen := map[string]bool{}
	for i, c := range s.Categories {
		at := strictyaml.NodePos(File, 0, strictyaml.LookupPath(doc, fmt.Sprintf("categories[%d]", i)))
		s.Categories[i].Pos = at
		switch {
		case strings.TrimSpace(c.Name) == "":
			l.Errorf(at, "categories[%d].name: missing: the category as policies name it (category: in front matter)", i)
		case seen[c.Name]:
			l.Errorf(at, "categories[%d]: %q is listed twice", i, c.Name)
		}
		seen[c.Name] = true
	}
	if e := s.Defaults.Effective; e != "" && e != LastCommit {
		l.Errorf(at("defaults", "effective"), "defaults.effective: %q: the one default is %s (the day the file was last committed)", e, LastCommit)
	}
	if v := s.Defaults.Version; v != "" {
		if err := versions.Check(v); err != nil {
			l.Errorf(at("defaults", "version"), "defaults.version: %v", err)
		}
	}
	s.validateCookies(doc, l)
	s.validateDeploy(doc, l)
	s.validateSchools(doc, l)
	s.validateTrust(doc, l)
	if c := s.SecurityContact; c != "" && !strings.HasPrefix(c, "mailto:") && !strings.HasPrefix(c, "https://") && !strings.HasPrefix(c, "tel:") {
		l.Errorf(at("security_contact"), "security_contact: %q must be a mailto:, https: or tel: URI", c)
	}
}

var (
	idRE         = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)
	cookieNameRE = regexp.MustCompile(`^[!#$%&'*+\-.^_|~0-9A-Za-z]+$`)
	elemIDRE     = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_-]*$`)
	dataKeyRE    = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)
	integrityRE  = regexp.MustCompile(`^(sha256|sha384|sha512)-[A-Za-z0-9+/]+=*( (sha256|sha384|sha512)-[A-Za-z0-9+/]+=*)*$`)
)

// validateCookies checks the cookies: and scripts: declarations.
func (s *Site) validateCookies(doc *yaml.Node, l *diag.List) {
	seq := func(n *yaml.Node, i int) *yaml.Node {
		if n != nil && n.Kind == yaml.SequenceNode && i < len(n.Content) {
			return n.Content[i]
		}
		return n
	}
	pos := func(n *yaml.Node, path ...string) diag.Pos {
		return strictyaml.NodePos(File, 0, strictyaml.Lookup(n, path...))
	}
	ids := map[string]bool{}
	if c := s.Cookies; c != nil {
		cn := strictyaml.Lookup(doc, "cookies")
		if c.Policy == "" {
			l.Errorf(pos(cn), "cookies.policy: name the slug of the cookie policy the notice links to")
		}
		optional := len(c.Optional()) > 0
		if c.Revision == "" && optional {
			l.Errorf(pos(cn), "cookies.revision: set a revision (such as \"1\") and change it when the cookies change, so visitors are asked again")
		}
		cats := strictyaml.Lookup(doc, "cookies", "categories")
		for i, cat := range c.Categories {
			cnode := seq(cats, i)
			where := fmt.Sprintf("cookies.categories[%d]", i)
			switch {
			case !idRE.MatchString(cat.ID):
				l.Errorf(pos(cnode, "id"), "%s.id: %q is not an id (lower-case letters, digits, - and _)", where, cat.ID)
			case ids[cat.ID]:
				l.Errorf(pos(cnode, "id"), "%s.id: category %q is declared twice", where, cat.ID)
			}
			ids[cat.ID] = true
			if cat.Title == "" && cat.ID != Necessary {
				l.Errorf(pos(cnode), "%s.title: a category needs a title visitors understand", where)
			}
			knodes := strictyaml.Lookup(cnode, "cookies")
			for j, k := range cat.Cookies {
				kn := seq(knodes, j)
				kw := fmt.Sprintf("%s.cookies[%d]", where, j)
				if !cookieNameRE.MatchString(k.Name) || strings.Contains(k.Name[:len(k.Name)-1], "*") {
					l.Errorf(pos(kn, "name"), "%s.name: %q is not a cookie name (a trailing * stands for any ending)", kw, k.Name)
				}
				for _, f := range []struct{ key, v string }{{"provider", k.Provider}, {"purpose", k.Purpose}, {"duration", k.Duration}} {
					if strings.TrimSpace(f.v) == "" {
						l.Errorf(pos(kn), "%s.%s: missing; the cookie policy's table shows it", kw, f.key)
					}
				}
			}
		}
		if optional && !c.Declares(ConsentCookie) {
			l.Errorf(pos(cn, "categories"), "cookies: the visitor's choice is stored in the cookie %s; declare it in the %s category so the cookie policy lists it", ConsentCookie, Necessary)
		}
	}
	sn := strictyaml.Lookup(doc, "scripts")
	for i, sc := range s.Scripts {
		n := seq(sn, i)
		where := fmt.Sprintf("scripts[%d]", i)
		if err := checkScriptSrc(sc.Src); err != nil {
			l.Errorf(pos(n, "src"), "%s.src: %v", where, err)
		}
		switch {
		case s.Cookies == nil:
			l.Errorf(pos(n, "category"), "%s.category: declare cookies: with the category %q first", where, sc.Category)
		case !ids[sc.Category]:
			l.Errorf(pos(n, "category"), "%s.category: %q is not a category declared under cookies.categories", where, sc.Category)
		}
		if sc.ID != "" && !elemIDRE.MatchString(sc.ID) {
			l.Errorf(pos(n, "id"), "%s.id: %q is not an element id", where, sc.ID)
		}
		if sc.Integrity != "" && !integrityRE.MatchString(sc.Integrity) {
			l.Errorf(pos(n, "integrity"), "%s.integrity: %q is not a hash such as sha384-...", where, sc.Integrity)
		}
		for k := range sc.Data {
			if !dataKeyRE.MatchString(k) {
				l.Errorf(pos(n, "data", k), "%s.data: %q is not a data attribute name (lower-case letters, digits and -)", where, k)
			}
		}
	}
}

var (
	schoolIDRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)
	paramRE    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// reservedIDs are the paths of the site's own pages, which no school's
// centre may take.
var reservedIDs = map[string]bool{"assets": true, "requests": true, "changes": true, "feed": true, "404": true}

// validateSchools checks schools:, params: and required:.
func (s *Site) validateSchools(doc *yaml.Node, l *diag.List) {
	checkParams := func(where string, ps map[string]string, n *yaml.Node) {
		for k := range ps {
			switch {
			case !paramRE.MatchString(k):
				l.Errorf(strictyaml.NodePos(File, 0, strictyaml.Lookup(n, k)), "%s: %q is not a variable name (lower-case letters, digits and _)", where, k)
			case k == "organisation" || k == "dpo" || k == "school":
				l.Errorf(strictyaml.NodePos(File, 0, strictyaml.Lookup(n, k)), "%s: %q is the name of site.yaml's own variables (%s.*): choose another", where, k, k)
			}
		}
	}
	checkParams("params", s.Params, strictyaml.Lookup(doc, "params"))
	seen := map[string]bool{}
	valid := s.Schools[:0]
	for i := range s.Schools {
		sc := &s.Schools[i]
		where := fmt.Sprintf("schools[%d]", i)
		n := strictyaml.LookupPath(doc, where)
		sc.Pos = strictyaml.NodePos(File, 0, n)
		at := func(key string) diag.Pos { return strictyaml.NodePos(File, 0, strictyaml.Lookup(n, key)) }
		ok := false
		switch {
		case !schoolIDRE.MatchString(sc.ID):
			l.Errorf(at("id"), "%s.id: %q is not a folder name for the school's policies (lower-case letters, digits and hyphens: heron-lane)", where, sc.ID)
		case reservedIDs[sc.ID]:
			l.Errorf(at("id"), "%s.id: %q is a path of the site's own pages: choose another", where, sc.ID)
		case seen[sc.ID]:
			l.Errorf(at("id"), "%s.id: %q is listed twice", where, sc.ID)
		default:
			ok = true
		}
		seen[sc.ID] = true
		if strings.TrimSpace(sc.Name) == "" {
			l.Errorf(sc.Pos, "%s.name: missing: the school's name, as its policies and its centre show it", where)
		}
		for _, e := range []struct{ key, v string }{{"email", sc.Email}, {"dpo.email", ""}} {
			if e.key == "dpo.email" && sc.DPO != nil {
				e.v = sc.DPO.Email
			}
			if e.v == "" {
				continue
			}
			if a, err := mail.ParseAddress(e.v); err != nil || a.Name != "" {
				l.Errorf(strictyaml.NodePos(File, 0, strictyaml.LookupPath(n, e.key)), "%s.%s: %q is not an email address", where, e.key, e.v)
			}
		}
		checkParams(where+".params", sc.Params, strictyaml.Lookup(n, "params"))
		if ok {
			valid = append(valid, *sc)
		}
	}
	// A school without a usable id is reported and left out, so that no
	// later stage makes its centre.
	s.Schools = valid
	rn := strictyaml.Lookup(doc, "required")
	req := s.Required[:0]
	for i, slug := range s.Required {
		if !schoolIDRE.MatchString(slug) {
			l.Errorf(strictyaml.NodePos(File, 0, strictyaml.LookupPath(doc, fmt.Sprintf("required[%d]", i))), "required[%d]: %q is not a policy's slug (the file name without .md)", i, slug)
			continue
		}
		req = append(req, slug)
	}
	s.Required = req
	if len(s.Required) > 0 && len(s.Schools) == 0 {
		l.Errorf(strictyaml.NodePos(File, 0, rn), "required: names the policies every school must have, but schools: lists none")
	}
}

// checkScriptSrc accepts https URLs, http only on the loopback (for local
// testing), and paths on the site.
func checkScriptSrc(src string) error {
	if strings.HasPrefix(src, "/") && !strings.HasPrefix(src, "//") {
		return nil
	}
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not an https URL or a path starting with /", src)
	}
	switch h := u.Hostname(); {
	case u.Scheme == "https":
	case u.Scheme == "http" && (h == "localhost" || h == "127.0.0.1" || h == "::1"):
	default:
		return fmt.Errorf("%q: scripts from other sites must use https", src)
	}
	return nil
}

// ScriptOrigin returns the origin a script loads from, or "" for the site itself.
func ScriptOrigin(src string) string {
	u, err := url.Parse(src)
	if err != nil || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

// A Cache keeps site.yaml decoded while its bytes stay the same.
type Cache struct {
	data []byte
	site *Site
	l    diag.List
}

// Load reads site.yaml as Load does, then overrides its base_url and
// requests.relay_url with baseURL and relayURL when they are not ""
// (Override) and checks the relay settings, or returns the Site of the
// last Load when the bytes are the same. A site.yaml that cannot be read
// is not kept.
func (c *Cache) Load(fsys fs.FS, baseURL, relayURL string) (*Site, diag.List) {
	data, err := fs.ReadFile(fsys, File)
	if err == nil && c.site != nil && bytes.Equal(data, c.data) {
		return c.site, c.l
	}
	var s *Site
	var l diag.List
	if err != nil {
		c.site = nil
		s, l = Load(fsys)
	} else {
		s, l = Parse(data)
	}
	s.Override(baseURL, relayURL)
	l = append(l, s.CheckRelay()...) // after Override: serve's preview is local
	if err == nil {
		c.data, c.site, c.l = data, s, l
	}
	return s, l
}

// Override replaces site.yaml's base_url with baseURL and the form's
// relay_url with relayURL (serve's preview posting to a relay on this
// machine), each unless "".
func (s *Site) Override(baseURL, relayURL string) {
	if baseURL != "" {
		s.BaseURL = strings.TrimSuffix(baseURL, "/") + "/"
	}
	if relayURL != "" && s.Requests != nil && !s.Requests.Email() {
		s.Requests.RelayURL = relayURL
	}
}

// LastCommit reports whether site.yaml's defaults date a policy by the
// day its file was last committed (defaults.effective: last-commit),
// with a warning, saying why (note), when those days are not known.
func (s *Site) LastCommit(known bool, note string) (bool, diag.List) {
	if s.Defaults.Effective != LastCommit {
		return false, nil
	}
	var l diag.List
	if !known {
		l.Warnf(s.At("defaults"), "defaults.effective: last-commit: %s", note)
		l[0].Rule = "default-field"
	}
	return true, l
}
