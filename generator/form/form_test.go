package form

import (
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/tools/txtar"
)

var update = flag.Bool("update", false, "rewrite testdata wants")

func testSpec() *Spec {
	s := &Spec{RelayURL: "https://relay.example.org/requests"}
	s.ApplyDefaults()
	return s
}

func TestDefault(t *testing.T) {
	s := Default()
	s.RelayURL = "https://relay.example.org/requests"
	if errs := s.Check(); errs != nil {
		t.Fatalf("default spec fails its own check: %v", errs)
	}
	var ids []string
	for _, ty := range s.Types {
		ids = append(ids, ty.ID)
		if ty.Label == "" || ty.Help == "" {
			t.Errorf("type %s lacks label or help", ty.ID)
		}
	}
	if got, want := strings.Join(ids, ","), "access,rectification,erasure,restriction,portability,objection,automated"; got != want {
		t.Errorf("types = %s, want %s", got, want)
	}
	var names []string
	for _, f := range s.Fields {
		names = append(names, f.Name+":"+f.Kind)
	}
	if got, want := strings.Join(names, ","), "name:text,email:email,relationship:select,details:textarea,declaration:checkbox"; got != want {
		t.Errorf("fields = %s, want %s", got, want)
	}
	rel, _ := s.Field("relationship")
	if got, want := strings.Join(rel.Options, "|"), "Pupil|Parent or carer|Member of staff|Former pupil|Job applicant|Other"; got != want {
		t.Errorf("relationship options = %s, want %s", got, want)
	}
	decl, _ := s.Field("declaration")
	if !decl.Required {
		t.Error("declaration is not required")
	}
	// Defaults are copies: changing one Spec leaves the next alone.
	s.Fields[2].Options[0] = "changed"
	if Default().Fields[2].Options[0] != "Pupil" {
		t.Error("ApplyDefaults shares option slices between specs")
	}
}

func TestApplyDefaultsKeepsDeclared(t *testing.T) {
	s := &Spec{
		Types:  []Type{{ID: "access"}, {ID: "complaint", Label: "Complain"}},
		Fields: []Field{{Name: "email", Kind: "email"}, {Name: "phone", Kind: "tel"}, {Name: "name"}, {Name: "notes", Kind: "textarea", MaxLength: 100}},
	}
	s.ApplyDefaults()
	s.ApplyDefaults() // idempotent
	if len(s.Types) != 2 || s.Types[0].Label != DefaultTypes[0].Label || s.Types[1].Help != "" {
		t.Errorf("types = %+v", s.Types)
	}
	for _, tc := range []struct {
		name, kind, auto string
		max              int
	}{
		{"email", "email", "email", 254},
		{"phone", "tel", "tel", 40},
		{"name", "text", "name", 200},
		{"notes", "textarea", "", 100},
	} {
		f, _ := s.Field(tc.name)
		if f.Kind != tc.kind || f.Autocomplete != tc.auto || f.MaxLength != tc.max {
			t.Errorf("%s = %+v, want kind %s autocomplete %q max %d", tc.name, f, tc.kind, tc.auto, tc.max)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(s *Spec)
		want string // one error, or "" for none
	}{
		{"default", func(s *Spec) {}, ""},
		{"no relay url", func(s *Spec) { s.RelayURL = "" }, "requests.relay_url: is required: the form posts to it (or set mode: email for a page of ready-made emails, with no relay)"},
		{"relative relay url", func(s *Spec) { s.RelayURL = "/requests" }, `requests.relay_url: "/requests" is not an absolute http(s) URL`},
		{"ftp relay url", func(s *Spec) { s.RelayURL = "ftp://x.example/requests" }, `requests.relay_url: "ftp://x.example/requests" is not an absolute http(s) URL`},
		{"http relay url", func(s *Spec) { s.RelayURL = "http://127.0.0.1:8025/requests" }, ""},
		{"duplicate field", func(s *Spec) { s.Fields[1].Name = "name" }, `requests.fields[1].name: "name" is listed twice`},
		{"reserved field", func(s *Spec) { s.Fields[0].Name = "website" }, `requests.fields[0].name: "website" is reserved by the form`},
		{"field named as the centre", func(s *Spec) { s.Fields[0].Name = "centre" }, `requests.fields[0].name: "centre" is reserved by the form`},
		{"bad field name", func(s *Spec) { s.Fields[0].Name = "Full Name" }, `requests.fields[0].name: "Full Name" is not a field name (lower-case letters, digits and underscores, starting with a letter)`},
		{"unknown kind", func(s *Spec) { s.Fields[0].Kind = "date" }, `requests.fields[0].kind: "date" is not a kind (want one of text, email, tel, textarea, select, checkbox)`},
		{"duplicate type", func(s *Spec) { s.Types[1].ID = "access" }, `requests.types[1].id: "access" is listed twice`},
		{"bad type id", func(s *Spec) { s.Types[0].ID = "Access Request" }, `requests.types[0].id: "Access Request" is not an id (lower-case letters, digits and hyphens, starting with a letter)`},
		{"type without label", func(s *Spec) { s.Types[0].Label = " " }, `requests.types[0].label: is required for type "access"`},
		{"field without label", func(s *Spec) { s.Fields[0].Label = "" }, `requests.fields[0].label: is required for field "name"`},
		{"select without options", func(s *Spec) { s.Fields[2].Options = nil }, `requests.fields[2].options: a select needs options`},
		{"duplicate option", func(s *Spec) { s.Fields[2].Options[1] = "Pupil" }, `requests.fields[2].options[1]: "Pupil" is listed twice`},
		{"multi-line option", func(s *Spec) { s.Fields[2].Options[1] = "a\nb" }, `requests.fields[2].options[1]: "a\nb" is not an option (one line of text)`},
		{"options on text", func(s *Spec) { s.Fields[0].Options = []string{"a"} }, `requests.fields[0].options: only a select has options, not a text`},
		{"huge max length", func(s *Spec) { s.Fields[3].MaxLength = 1 << 20 }, `requests.fields[3].max_length: must be between 1 and 10000`},
		{"no email field", func(s *Spec) { s.Fields[1].Kind = "text" }, `requests.fields: include an email field, so the requester can be sent an acknowledgement`},
		{"no types", func(s *Spec) { s.Types = []Type{} }, `requests.types: list at least one request type`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := testSpec()
			tc.edit(s)
			var got []string
			for _, e := range s.Check() {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("Check() =\n%s\nwant\n%s", strings.Join(got, "\n"), tc.want)
			}
		})
	}
}

func good() url.Values {
	return url.Values{
		"type": {"erasure"}, "name": {"Ada Lovelace"}, "email": {"ada@example.org"},
		"relationship": {"Parent or carer"}, "details": {"Please delete\r\nthe photos."}, "declaration": {"yes"},
	}
}

func TestValidate(t *testing.T) {
	s := testSpec()
	long := strings.Repeat("é", 201)
	for _, tc := range []struct {
		name string
		edit func(v url.Values)
		want string // "field: message" lines, or "" for valid
	}{
		{"valid", func(v url.Values) {}, ""},
		{"no type", func(v url.Values) { delete(v, "type") }, "type: Choose what you would like us to do"},
		{"unknown type", func(v url.Values) { v.Set("type", "complaint") }, "type: Choose one of the requests listed"},
		{"two types", func(v url.Values) { v.Add("type", "access") }, "type: Choose only one thing for us to do"},
		{"no name", func(v url.Values) { v.Set("name", "   ") }, "name: Enter your full name"},
		{"no declaration", func(v url.Values) { delete(v, "declaration") }, "declaration: Tick the box to confirm the declaration"},
		{"no relationship", func(v url.Values) { v.Set("relationship", "") }, "relationship: Choose your relationship to us"},
		{"bad relationship", func(v url.Values) { v.Set("relationship", "Governor") }, "relationship: Your relationship to us: choose one of the options given"},
		{"name too long", func(v url.Values) { v.Set("name", long) }, "name: Your full name: use 200 characters or fewer (you used 201)"},
		{"name at max", func(v url.Values) { v.Set("name", long[2:]) }, ""},
		{"CR in name", func(v url.Values) { v.Set("name", "Ada\rBcc: x@evil.example") }, "name: Your full name: must be on one line; remove the line breaks"},
		{"LF in email", func(v url.Values) { v.Set("email", "ada@example.org\nBcc: x@evil.example") }, "email: Your email address: must be on one line; remove the line breaks"},
		{"unicode line separator", func(v url.Values) { v.Set("name", "Ada\u2028Lovelace") }, "name: Your full name: must be on one line; remove the line breaks"},
		{"NUL in details", func(v url.Values) { v.Set("details", "a\x00b") }, "details: Tell us about your request: contains control characters we cannot accept"},
		{"invalid UTF-8", func(v url.Values) { v.Set("name", "Ada \xff") }, "name: Your full name: contains characters we cannot read; please type it again"},
		{"two names", func(v url.Values) { v.Add("name", "Bob") }, "name: Your full name: give one answer only"},
		{"display-name email", func(v url.Values) { v.Set("email", "Ada <ada@example.org>") }, "email: Enter an email address in the correct format, like name@example.com"},
		{"email without dot", func(v url.Values) { v.Set("email", "ada@localhost") }, "email: Enter an email address in the correct format, like name@example.com"},
		{"email list", func(v url.Values) { v.Set("email", "ada@example.org,bob@example.org") }, "email: Enter an email address in the correct format, like name@example.com"},
		{"many at once", func(v url.Values) { delete(v, "type"); v.Set("email", "x"); delete(v, "details") },
			"type: Choose what you would like us to do\nemail: Enter an email address in the correct format, like name@example.com\ndetails: Tell us about your request"},
		{"textarea keeps lines", func(v url.Values) { v.Set("details", "line one\nline two") }, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			v := good()
			tc.edit(v)
			req, errs := Validate(s, Values(v))
			var got []string
			for _, e := range errs {
				got = append(got, e.Error())
			}
			if strings.Join(got, "\n") != tc.want {
				t.Errorf("errors =\n%s\nwant\n%s", strings.Join(got, "\n"), tc.want)
			}
			if tc.want == "" && req.Type != v.Get("type") {
				t.Errorf("Type = %q", req.Type)
			}
		})
	}
}

func TestValidateCleans(t *testing.T) {
	v := good()
	v.Set("name", "  Ada Lovelace \t")
	v.Set("declaration", "on")
	v.Set("website", "")
	v.Set("extra", "dropped")
	req, errs := Validate(testSpec(), Values(v))
	if errs != nil {
		t.Fatal(errs)
	}
	for name, want := range map[string]string{
		"name": "Ada Lovelace", "details": "Please delete\nthe photos.", "declaration": "yes", "extra": "",
	} {
		if got := req.Value(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	if req.Email() != "ada@example.org" {
		t.Errorf("Email() = %q", req.Email())
	}
	if len(req.Answers) != 5 {
		t.Errorf("answers = %d, want the 5 declared", len(req.Answers))
	}
}

func TestValidEmail(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"a@example.org", true},
		{"first.last+tag@sub.example.co.uk", true},
		{"a@b", false},
		{"@example.org", false},
		{"a@", false},
		{"a@@example.org", false},
		{`"a b"@example.org`, false},
		{"a@-example.org", false},
		{"a@example..org", false},
		{"a@exa_mple.org", false},
		{"a@example.org (comment)", false},
		{strings.Repeat("a", 65) + "@example.org", false},
	} {
		if got := ValidEmail(tc.in); got != tc.ok {
			t.Errorf("ValidEmail(%q) = %v, want %v", tc.in, got, tc.ok)
		}
	}
}

// TestTestdata runs each testdata/validate/*.txtar: a form-encoded `body`
// and the `want`ed result, "ok" with the cleaned answers or the errors.
func TestTestdata(t *testing.T) {
	files, _ := filepath.Glob("testdata/validate/*.txtar")
	if len(files) == 0 {
		t.Fatal("no testdata")
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			body, want := section(ar, "body"), section(ar, "want")
			got := result(testSpec(), strings.TrimSuffix(body, "\n"))
			if *update {
				for i := range ar.Files {
					if ar.Files[i].Name == "want" {
						ar.Files[i].Data = []byte(got)
					}
				}
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if got != want {
				t.Errorf("got\n%swant\n%s", got, want)
			}
		})
	}
}

func section(ar *txtar.Archive, name string) string {
	for _, f := range ar.Files {
		if f.Name == name {
			return string(f.Data)
		}
	}
	return ""
}

func result(s *Spec, body string) string {
	v, _ := url.ParseQuery(body)
	req, errs := Validate(s, Values(v))
	var b strings.Builder
	if errs != nil {
		for _, e := range errs {
			fmt.Fprintf(&b, "%s\n", e)
		}
		return b.String()
	}
	fmt.Fprintf(&b, "ok type=%s\n", req.Type)
	for _, a := range req.Answers {
		fmt.Fprintf(&b, "%s=%q\n", a.Name, a.Value)
	}
	return b.String()
}

// FuzzValidate checks, for any form-encoded body, that Validate does not
// panic and that whatever it accepts keeps the package's invariants.
func FuzzValidate(f *testing.F) {
	files, _ := filepath.Glob("testdata/validate/*.txtar")
	for _, file := range files {
		ar, err := txtar.ParseFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(strings.TrimSuffix(section(ar, "body"), "\n"))
	}
	s := testSpec()
	f.Fuzz(func(t *testing.T, body string) {
		v, _ := url.ParseQuery(body)
		req, errs := Validate(s, Values(v))
		if errs != nil {
			for _, e := range errs {
				if _, ok := s.Field(e.Field); !ok && e.Field != TypeField {
					t.Fatalf("error for undeclared field %q", e.Field)
				}
				if e.Message == "" {
					t.Fatalf("empty message for %s", e.Field)
				}
			}
			return
		}
		if _, ok := s.Type(req.Type); !ok {
			t.Fatalf("accepted unknown type %q", req.Type)
		}
		if len(req.Answers) != len(s.Fields) {
			t.Fatalf("%d answers for %d fields", len(req.Answers), len(s.Fields))
		}
		for i, a := range req.Answers {
			fld := s.Fields[i]
			switch {
			case a.Name != fld.Name:
				t.Fatalf("answer %d is %s, want %s", i, a.Name, fld.Name)
			case !utf8.ValidString(a.Value):
				t.Fatalf("%s: invalid UTF-8 accepted", a.Name)
			case fld.SingleLine() && strings.ContainsAny(a.Value, "\r\n"):
				t.Fatalf("%s: line break accepted: %q", a.Name, a.Value)
			case strings.ContainsRune(a.Value, '\r'):
				t.Fatalf("%s: CR kept: %q", a.Name, a.Value)
			case fld.MaxLength > 0 && utf8.RuneCountInString(a.Value) > fld.MaxLength:
				t.Fatalf("%s: too long", a.Name)
			case fld.Required && a.Value == "":
				t.Fatalf("%s: required but empty", a.Name)
			case fld.Kind == KindSelect && a.Value != "" && !contains(fld.Options, a.Value):
				t.Fatalf("%s: %q is not an option", a.Name, a.Value)
			case fld.Kind == KindEmail && a.Value != "" && !ValidEmail(a.Value):
				t.Fatalf("%s: bad address %q accepted", a.Name, a.Value)
			}
		}
	})
}

// Mailto: one prefilled email per type, every part percent-encoded, so a
// label holding &, ? or # cannot end the subject or start a new header.
func TestMailto(t *testing.T) {
	got := Mailto("dpo@example.org", "Larkfield & Co", Type{ID: "access", Label: "See my data? #1 & more", Help: "A copy."})
	want := "mailto:dpo@example.org?subject=Data%20protection%20request%3A%20See%20my%20data%3F%20%231%20%26%20more&body=Dear%20data%20protection%20officer%2C%0D%0A%0D%0AI%20am%20making%20a%20data%20protection%20request%20to%20Larkfield%20%26%20Co.%20I%20am%20asking%20you%20to%3A%20see%20my%20data%3F%20%231%20%26%20more.%0D%0A%28A%20copy.%29%0D%0A"
	if !strings.HasPrefix(got, want) {
		t.Errorf("Mailto =\n%s\nwant a prefix\n%s", got, want)
	}
	if strings.ContainsAny(got, " \n\r+") || strings.Count(got, "?") != 1 || strings.Count(got, "&") != 1 {
		t.Errorf("Mailto is not one encoded URI: %s", got)
	}
}
