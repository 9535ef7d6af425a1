package relay

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
	"github.com/policysite/policysite/generator/theme"
	"github.com/policysite/policysite/themes"
)

// relayCSS is what the relay's pages need beyond the site's stylesheet:
// the error summary and the marks of an invalid field, in the site's
// colours (its custom properties, so dark mode follows the site's).
const relayCSS = `
.summary{border:4px solid var(--over);padding:0 1rem;margin:1rem 0}
.error{color:var(--over);font-weight:600;margin:.25rem 0}.invalid{border-left:4px solid var(--over);padding-left:.75rem}
[aria-invalid=true]{border-color:var(--over)}.reference strong{font-size:1.3rem;letter-spacing:.05em}
`

// A pageStyle is the one style block of the relay's pages and the
// Content-Security-Policy that allows exactly it, by its hash: nothing
// loads, and forms post only back here (the origin of requests.relay_url
// is added per page).
type pageStyle struct {
	CSS template.CSS
	CSP string
}

// styles caches the pageStyle of each site.yaml the relay serves.
var styles sync.Map

// style returns the site's own stylesheet, so that the relay's pages look
// like the site's: its theme's assets/site.css when the site overrides
// it (themes/<theme>/ beside site.yaml, as policysite build reads it),
// else the default theme's, followed by relayCSS. The site's build
// minifies it; here it is served as written, which is the same style.
func style(siteYAML, theme string) pageStyle {
	key := siteYAML + "\x00" + theme
	if st, ok := styles.Load(key); ok {
		return st.(pageStyle)
	}
	css, err := os.ReadFile(filepath.Join(filepath.Dir(siteYAML), "themes", theme, "assets", "site.css"))
	if err != nil {
		css, _ = fs.ReadFile(themes.Default(), "assets/site.css")
	}
	all := string(css) + relayCSS
	sum := sha256.Sum256([]byte(all))
	st := pageStyle{
		CSS: template.CSS(all),
		CSP: "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
	}
	styles.Store(key, st)
	return st
}

// The relay's pages, for browsers without JavaScript (with it, the site's
// form shows errors and the confirmation itself):
//
//   - the form again when a submission had mistakes: the errors summarised
//     at the top and linked to their fields, each field showing its own
//     error and what was typed. It is generated from the same Spec as the
//     site's /requests/ page and uses the same ids, so links and labels
//     match;
//   - the thanks page a successful post is redirected to, showing the
//     reference and the reply-by dates, in the words of form.NextSteps;
//   - a message, for a refusal that is not about a field.
//
// html/template escapes every value.
var pageTmpl = template.Must(template.New("page").Funcs(template.FuncMap{"tel": theme.Tel}).Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .Errors}}Error: {{end}}{{.Title}}{{with .Org}} · {{.}}{{end}}</title>
<meta name="color-scheme" content="light dark">
<style>{{.Style.CSS}}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<p class="brand"><a href="{{.Home}}">{{.Site.Title}}</a></p>
{{- with .Site.Organisation.Name}}
<p class="org">{{.}}</p>{{end}}
</header>
<main id="main" tabindex="-1">
<h1>{{.Title}}</h1>
{{- if .Errors}}
<div class="summary" role="alert" aria-labelledby="summary-title" tabindex="-1" autofocus>
<h2 id="summary-title">There is a problem</h2>
<ul>
{{- range .Errors}}
<li><a href="#{{.Anchor}}">{{.Message}}</a></li>
{{- end}}
</ul>
</div>
{{- end}}
{{- with .Message}}
<p>{{.}}</p>
{{- end}}
{{- with .Thanks}}
{{- if .Reference}}
<p class="reference">Your reference is <strong>{{.Reference}}</strong>. {{.QuoteReference}}</p>
{{- end}}
<h2>What happens next</h2>
<ol>
{{- range .Steps}}
<li>{{.Text}}{{with .URL}} <a href="{{.}}">{{.}}</a>{{end}}</li>
{{- end}}
</ol>
<p>{{.AckNote}}</p>
{{- end}}
{{- if .Form}}
<form class="request" method="post" action="{{.Action}}" novalidate>
<fieldset class="{{if .TypeError}}invalid{{end}}"{{if .TypeError}} aria-describedby="type-error"{{end}}>
<legend>What would you like us to do?</legend>
{{- with .TypeError}}
<p class="error" id="type-error"><span class="vh">Error: </span>{{.}}</p>
{{- end}}
{{- range $t := .Types}}
<div class="choice">
<input type="radio" id="type-{{.ID}}" name="type" value="{{.ID}}"{{if .Checked}} checked{{end}}{{if .Help}} aria-describedby="type-{{.ID}}-help"{{end}}>
<label for="type-{{.ID}}">{{.Label}}</label>
{{- with .Help}}
<p class="hint" id="type-{{$t.ID}}-help">{{.}}</p>
{{- end}}
</div>
{{- end}}
</fieldset>
{{- range $f := .Fields}}
<div class="field{{if eq .Kind "checkbox"}} choice{{end}}{{if .Error}} invalid{{end}}">
{{- if eq .Kind "checkbox"}}
{{- with .Error}}
<p class="error" id="f-{{$f.Name}}-error"><span class="vh">Error: </span>{{.}}</p>
{{- end}}
<input type="checkbox" id="f-{{.Name}}" name="{{.Name}}" value="yes"{{if .Value}} checked{{end}}{{if .Required}} required{{end}}{{if .Error}} aria-invalid="true"{{end}}{{with .Describedby}} aria-describedby="{{.}}"{{end}}>
<label for="f-{{.Name}}">{{.Label}}</label>
{{- with .Help}}
<p class="hint" id="f-{{$f.Name}}-help">{{.}}</p>
{{- end}}
{{- else}}
<label for="f-{{.Name}}">{{.Label}}{{if not .Required}} (optional){{end}}</label>
{{- with .Help}}
<p class="hint" id="f-{{$f.Name}}-help">{{.}}</p>
{{- end}}
{{- with .Error}}
<p class="error" id="f-{{$f.Name}}-error"><span class="vh">Error: </span>{{.}}</p>
{{- end}}
{{- if eq .Kind "textarea"}}
<textarea id="f-{{.Name}}" name="{{.Name}}" rows="6"{{if .Required}} required{{end}}{{if .MaxLength}} maxlength="{{.MaxLength}}"{{end}}{{if .Error}} aria-invalid="true"{{end}}{{with .Describedby}} aria-describedby="{{.}}"{{end}}>{{.Value}}</textarea>
{{- else if eq .Kind "select"}}
<select id="f-{{.Name}}" name="{{.Name}}"{{if .Required}} required{{end}}{{if .Error}} aria-invalid="true"{{end}}{{with .Describedby}} aria-describedby="{{.}}"{{end}}>
<option value="">Choose one</option>
{{- $v := .Value}}
{{- range .Options}}
<option{{if eq . $v}} selected{{end}}>{{.}}</option>
{{- end}}
</select>
{{- else}}
<input type="{{.Kind}}" id="f-{{.Name}}" name="{{.Name}}" value="{{.Value}}"{{if .Required}} required{{end}}{{if .MaxLength}} maxlength="{{.MaxLength}}"{{end}}{{with .Autocomplete}} autocomplete="{{.}}"{{end}}{{if eq .Kind "email"}} spellcheck="false"{{end}}{{if .Error}} aria-invalid="true"{{end}}{{with .Describedby}} aria-describedby="{{.}}"{{end}}>
{{- end}}
{{- end}}
</div>
{{- end}}
{{- with .Centre}}
<input type="hidden" name="centre" value="{{.}}">
{{- end}}
<div class="hp" aria-hidden="true">
<label for="f-website">Leave this field empty</label>
<input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off">
</div>
<button type="submit">Send request</button>
</form>
{{- end}}
{{- if .DPOEmail}}
{{- if .Thanks}}
<p>If you have a question about your request, write to our data protection officer at <a href="mailto:{{.DPOEmail}}">{{.DPOEmail}}</a>{{with .DPOPhone}} or phone {{.}}{{end}}.</p>
{{- else}}
<p>You can also make your request by writing to our data protection officer at <a href="mailto:{{.DPOEmail}}">{{.DPOEmail}}</a>{{with .DPOPhone}} or by phoning {{.}}{{end}}.</p>
{{- end}}
{{- end}}
{{- with .Back}}
<p><a href="{{.}}">Back to the website</a></p>
{{- end}}
</main>
<footer class="site">
{{- with .Site.Organisation}}{{if .Name}}
<p>{{.Name}}{{with .Address}} · {{.}}{{end}}{{with .Email}} · <a href="mailto:{{.}}">{{.}}</a>{{end}}{{with .Phone}} · <a href="tel:{{tel .}}">{{.}}</a>{{end}}</p>
{{- end}}{{end}}
<ul class="links">
<li><a href="{{.Home}}">All policies</a></li>
<li><a href="{{.Home}}changes/">What’s changed</a></li>
<li><a href="{{.Home}}requests/">Make a data protection request</a></li>
{{- with .Site.Cookies}}{{with .Policy}}
<li><a href="{{$.Home}}{{.}}/">Cookie policy</a></li>
{{- end}}{{end}}
</ul>
<p class="cookie-note">This page sets no cookies.</p>
</footer>
</body>
</html>
`))

type pageData struct {
	Lang, Title, Org   string
	Message            string
	Errors             []pageError
	Form               bool
	Action             string
	ActionOrigin       string
	TypeError          string
	Types              []pageType
	Fields             []pageField
	Thanks             *pageThanks
	DPOEmail, DPOPhone string
	Back               string
	// Centre is the school id the form posts back (form.CentreField).
	Centre string
	// The site the relay serves, for the header and footer its pages
	// share with the site's; Home is its address (base_url).
	Site  *config.Site
	Home  string
	Style pageStyle
}

// pageThanks is what the thanks page says: the reference ("" when the link
// held none we could read) and the next steps, dated when the request is
// still in the spool.
type pageThanks struct {
	Reference      string
	QuoteReference string
	Steps          []form.Step
	AckNote        string
}

type pageError struct{ Anchor, Message string }

type pageType struct {
	form.Type
	Checked bool
}

type pageField struct {
	form.Field
	Value, Error string
}

// Describedby lists the ids of the field's error and hint.
func (f pageField) Describedby() string {
	s := ""
	if f.Error != "" {
		s = "f-" + f.Name + "-error"
	}
	if f.Help != "" {
		if s != "" {
			s += " "
		}
		s += "f-" + f.Name + "-help"
	}
	return s
}

// formPage is the page with errors, the submitted values filled back in.
// school is the school whose centre the form came from (nil for the
// trust's): the page posts back as its form did, and names its officer.
func (r *Relay) formPage(values form.Values, errs []form.FieldError, school *config.School) pageData {
	spec := r.Config.Spec
	byField := map[string]string{}
	for _, e := range errs {
		if _, ok := byField[e.Field]; !ok {
			byField[e.Field] = e.Message
		}
	}
	first := func(name string) string {
		if v := values[name]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	d := r.basePage("Make a data protection request")
	d.forSchool(r.Config, school)
	d.Form, d.Action, d.TypeError = true, spec.RelayURL, byField[form.TypeField]
	for _, t := range spec.Types {
		d.Types = append(d.Types, pageType{Type: t, Checked: first(form.TypeField) == t.ID})
	}
	for _, f := range spec.Fields {
		d.Fields = append(d.Fields, pageField{Field: f, Value: first(f.Name), Error: byField[f.Name]})
	}
	for _, e := range errs {
		anchor := "f-" + e.Field
		if e.Field == form.TypeField && len(spec.Types) > 0 {
			anchor = "type-" + spec.Types[0].ID
		}
		d.Errors = append(d.Errors, pageError{Anchor: anchor, Message: e.Message})
	}
	return d
}

// forSchool makes d the page of a school's centre: its officer, and links
// back to its centre. sc nil leaves the trust's.
func (d *pageData) forSchool(c *Config, sc *config.School) {
	if sc == nil {
		return
	}
	dpo := dpoOf(c.SiteConfig, c.DPOEmail, sc)
	d.Centre, d.DPOEmail, d.DPOPhone = sc.ID, dpo.Email, dpo.Phone
	d.Home = d.Home + sc.ID + "/"
	d.Back = d.Home
}

func (r *Relay) basePage(title string) pageData {
	site := r.Config.SiteConfig
	return pageData{
		Site: site, Home: site.BaseURL, Style: style(r.Config.Site, site.Theme),
		Lang: site.Language, Title: title, Org: site.Organisation.Name,
		ActionOrigin: r.Config.RelayURLOrigin,
		DPOEmail:     r.Config.DPOEmail, DPOPhone: site.DPO.Phone, Back: site.BaseURL,
	}
}

// thanks serves GET /requests/thanks?ref=DSR-…, where a form posted
// without JavaScript is sent once its request is safe. It shows the
// reference and, while the request is still in the spool, the dates it
// must be answered by: nothing the person wrote. The reference is read as
// NormalizeReference reads one, so only a well-formed reference is ever
// shown. One that is not in the spool still gets the page, without dates:
// it may have been purged after retention_days, or be a honeypot's, which
// must look accepted; and references cannot be guessed, so the page tells
// nobody anything about anyone else.
func (r *Relay) thanks(w http.ResponseWriter, req *http.Request) {
	ref := ""
	if q := req.URL.Query().Get("ref"); len(q) <= 32 {
		ref = NormalizeReference(q)
	}
	if ref == "" {
		d := r.basePage("We cannot find that request reference")
		d.Message = "The link you followed does not hold a request reference. If you have made a request, its reference is in the acknowledgement we emailed you."
		writePage(w, http.StatusNotFound, d)
		return
	}
	due, ext := "", ""
	rec, ok := r.dates(ref)
	if ok {
		due, ext = longDate(rec.Due, r.Config.SiteConfig.Language), longDate(rec.Extended, r.Config.SiteConfig.Language)
	}
	d := r.basePage(form.ReceivedTitle)
	if rec.Centre != "" {
		d.forSchool(r.Config, r.Config.SiteConfig.School(rec.Centre))
	}
	d.Thanks = &pageThanks{Reference: ref, QuoteReference: form.QuoteReference, Steps: form.NextSteps(due, ext), AckNote: form.AckNote}
	writePage(w, http.StatusOK, d)
}

// dates reads the due dates of the request ref, and its centre, from the
// spool. Only those are decoded: the answers in the file are skipped.
func (r *Relay) dates(ref string) (rec struct {
	Due      date.Date `json:"due"`
	Extended date.Date `json:"extended_due"`
	Centre   string    `json:"centre"`
}, ok bool) {
	// The worker may move the file between Find and Read: look twice.
	for range 2 {
		st := r.Spool.Find(FileName(ref))
		if st == "" {
			return rec, false
		}
		b, err := r.Spool.Read(st, FileName(ref))
		if err == nil {
			return rec, json.Unmarshal(b, &rec) == nil && !rec.Due.IsZero()
		}
	}
	return rec, false
}

// longDate is a date as the emails and pages give a deadline: "Friday 28
// February 2025", or "Friday, February 28, 2025" in en-US.
func longDate(d date.Date, lang string) string {
	day := d.Time().Weekday().String()
	if strings.HasPrefix(strings.ToLower(lang), "en-us") {
		return day + ", " + d.Format(lang)
	}
	return day + " " + d.Format(lang)
}

// writePage renders d with status. The page may hold what the person
// typed, or their reference: it must not be cached anywhere, nor its
// address (which holds the reference) sent on to sites it links to.
func writePage(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, d); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", strings.TrimSpace(d.Style.CSP+" "+d.ActionOrigin))
	// same-origin, not no-referrer: under no-referrer a browser sends
	// "Origin: null" with the post of the form on this page, and the origin
	// check refuses it.
	h.Set("Referrer-Policy", "same-origin")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
