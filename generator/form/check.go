package form

import (
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"
)

// A CheckError is one mistake in the declaration. Key is the site.yaml path
// of the offending value, such as requests.fields[2].kind, so a caller with
// the YAML tree can turn it into a line and column.
type CheckError struct {
	Key     string
	Message string
}

func (e *CheckError) Error() string { return e.Key + ": " + e.Message }

var (
	nameRE = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)
	idRE   = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)
)

// maxMaxLength bounds max_length: the relay refuses bodies over 32 KB.
const maxMaxLength = 10000

// Check reports every mistake in the declaration, in order: type ids and
// field names unique and well formed (field names also become HTML ids and
// JSON keys), kinds known, labels present, options only on selects, at least
// one email field so the requester can be acknowledged, and relay_url an
// absolute http(s) URL. Call it after ApplyDefaults. Nil means the form can
// be published and validated against.
func (s *Spec) Check() []error {
	var errs []error
	fail := func(key, format string, args ...any) {
		errs = append(errs, &CheckError{Key: "requests." + key, Message: fmt.Sprintf(format, args...)})
	}
	switch s.Mode {
	case "", ModeRelay:
	case ModeEmail:
	default:
		fail("mode", "%q is not a mode (want relay, a form posted to formrelay, or email, a page of ready-made emails)", s.Mode)
	}
	if s.Email() {
		if s.RelayURL != "" {
			fail("relay_url", "mode email sends no form: remove relay_url, or remove mode to post the form to it")
		}
	} else if s.RelayURL == "" {
		fail("relay_url", "is required: the form posts to it (or set mode: email for a page of ready-made emails, with no relay)")
	} else if u, err := url.Parse(s.RelayURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" {
		fail("relay_url", "%q is not an absolute http(s) URL", s.RelayURL)
	}
	if len(s.Types) == 0 {
		fail("types", "list at least one request type")
	}
	ids := map[string]bool{}
	for i, t := range s.Types {
		key := fmt.Sprintf("types[%d]", i)
		switch {
		case !idRE.MatchString(t.ID):
			fail(key+".id", "%q is not an id (lower-case letters, digits and hyphens, starting with a letter)", t.ID)
		case ids[t.ID]:
			fail(key+".id", "%q is listed twice", t.ID)
		}
		ids[t.ID] = true
		if strings.TrimSpace(t.Label) == "" {
			fail(key+".label", "is required for type %q", t.ID)
		}
		checkText(fail, key, t.Label, t.Help)
	}
	names := map[string]bool{}
	emails := 0
	for i, f := range s.Fields {
		key := fmt.Sprintf("fields[%d]", i)
		switch {
		case !nameRE.MatchString(f.Name):
			fail(key+".name", "%q is not a field name (lower-case letters, digits and underscores, starting with a letter)", f.Name)
		case f.Name == TypeField || f.Name == HoneypotField || f.Name == CentreField:
			fail(key+".name", "%q is reserved by the form", f.Name)
		case names[f.Name]:
			fail(key+".name", "%q is listed twice", f.Name)
		}
		names[f.Name] = true
		if !slices.Contains(Kinds, f.Kind) {
			fail(key+".kind", "%q is not a kind (want one of %s)", f.Kind, strings.Join(Kinds, ", "))
		}
		if strings.TrimSpace(f.Label) == "" {
			fail(key+".label", "is required for field %q", f.Name)
		}
		checkText(fail, key, f.Label, f.Help)
		if f.MaxLength < 0 || f.MaxLength > maxMaxLength {
			fail(key+".max_length", "must be between 1 and %d", maxMaxLength)
		}
		if f.Kind == KindSelect {
			if len(f.Options) == 0 {
				fail(key+".options", "a select needs options")
			}
			seen := map[string]bool{}
			for j, o := range f.Options {
				switch {
				case strings.TrimSpace(o) == "" || o != strings.TrimSpace(o) || strings.ContainsAny(o, "\r\n") || !utf8.ValidString(o):
					fail(fmt.Sprintf("%s.options[%d]", key, j), "%q is not an option (one line of text)", o)
				case seen[o]:
					fail(fmt.Sprintf("%s.options[%d]", key, j), "%q is listed twice", o)
				}
				seen[o] = true
			}
		} else if len(f.Options) > 0 {
			fail(key+".options", "only a select has options, not a %s", f.Kind)
		}
		if f.Kind == KindEmail {
			emails++
		}
	}
	if len(s.Fields) > 0 && emails == 0 {
		fail("fields", "include an email field, so the requester can be sent an acknowledgement")
	}
	return errs
}

func checkText(fail func(key, format string, args ...any), key string, texts ...string) {
	for _, t := range texts {
		if !utf8.ValidString(t) {
			fail(key, "is not valid UTF-8")
		}
	}
}
