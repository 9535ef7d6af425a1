package relay

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/policysite/policysite/generator/form"
)

// The form page again, for a browser without JavaScript whose submission
// had mistakes: the errors summarised at the top and linked to their
// fields, each field showing its own error and what was typed. It is
// generated from the same Spec as the site's /requests/ page and uses the
// same ids, so links and labels match. html/template escapes every value.
var pageTmpl = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="{{.Lang}}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>{{if .Errors}}Error: {{end}}{{.Title}}{{with .Org}} · {{.}}{{end}}</title>
<style>
body{font:1.1rem/1.5 system-ui,sans-serif;max-width:40rem;margin:0 auto;padding:1rem;color:#0b0c0c;background:#fff}
a{color:#1d4ed8}.summary{border:4px solid #b91c1c;padding:1rem;margin:1rem 0}.summary:focus{outline:3px solid #fd0}
.error{color:#b91c1c;font-weight:bold;margin:.25rem 0}.field,.choice{margin:1rem 0}.invalid{border-left:4px solid #b91c1c;padding-left:.75rem}
label{display:block;font-weight:bold}.choice label{display:inline;font-weight:normal}.hint{color:#505a5f;margin:.25rem 0}
input[type=text],input[type=email],input[type=tel],select,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.4rem;border:2px solid #0b0c0c}
[aria-invalid=true]{border-color:#b91c1c}fieldset{border:0;padding:0}legend{font-weight:bold;font-size:1.2rem}
button{font:inherit;padding:.5rem 1rem;background:#00703c;color:#fff;border:0;cursor:pointer}.hp{position:absolute;left:-10000px}
@media (prefers-color-scheme:dark){body{background:#111;color:#eee}.hint{color:#bbb}a{color:#8ab4f8}input,select,textarea{background:#222;color:#eee;border-color:#eee}}
</style>
</head>
<body>
<main>
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
{{- if .Form}}
<form method="post" action="{{.Action}}" novalidate>
<fieldset class="{{if .TypeError}}invalid{{end}}"{{if .TypeError}} aria-describedby="type-error"{{end}}>
<legend>What would you like us to do?</legend>
{{- with .TypeError}}
<p class="error" id="type-error"><span class="visually-hidden">Error: </span>{{.}}</p>
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
<p class="error" id="f-{{$f.Name}}-error"><span class="visually-hidden">Error: </span>{{.}}</p>
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
<p class="error" id="f-{{$f.Name}}-error"><span class="visually-hidden">Error: </span>{{.}}</p>
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
<div class="hp" aria-hidden="true">
<label for="f-website">Leave this field empty</label>
<input type="text" id="f-website" name="website" tabindex="-1" autocomplete="off">
</div>
<button type="submit">Send request</button>
</form>
{{- end}}
{{- if .DPOEmail}}
<p>You can also make your request by writing to our data protection officer at <a href="mailto:{{.DPOEmail}}">{{.DPOEmail}}</a>{{with .DPOPhone}} or by phoning {{.}}{{end}}.</p>
{{- end}}
{{- with .Back}}
<p><a href="{{.}}">Back to the website</a></p>
{{- end}}
</main>
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
	DPOEmail, DPOPhone string
	Back               string
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
func (r *Relay) formPage(values form.Values, errs []form.FieldError) pageData {
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
	d.Form, d.Action, d.TypeError = true, spec.RelayURL, byField[form.TypeField]
	d.ActionOrigin = r.Config.RelayURLOrigin
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

func (r *Relay) basePage(title string) pageData {
	site := r.Config.SiteConfig
	return pageData{
		Lang: site.Language, Title: title, Org: site.Organisation.Name,
		DPOEmail: r.Config.DPOEmail, DPOPhone: site.DPO.Phone, Back: site.BaseURL,
	}
}

// writePage renders d with status. The page may hold what the person
// typed: it must not be cached anywhere.
func writePage(w http.ResponseWriter, status int, d pageData) {
	var b bytes.Buffer
	if err := pageTmpl.Execute(&b, d); err != nil {
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self' "+d.ActionOrigin+"; base-uri 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}
