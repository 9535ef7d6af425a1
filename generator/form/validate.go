package form

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Values are submitted values by input name, as url.Values holds them.
type Values map[string][]string

// A Request is a submission that passed Validate: the chosen type and one
// Answer per declared field, in declaration order. Undeclared inputs are
// dropped (data minimisation).
type Request struct {
	Type    string   `json:"type"`
	Answers []Answer `json:"answers"`
}

// An Answer is the cleaned value of one field: trimmed, line breaks as "\n"
// (textarea only), a ticked checkbox as CheckboxValue, "" when left empty.
// Label and Kind are copied from the Spec so the answer reads the same after
// the declaration changes.
type Answer struct {
	Name  string `json:"name"`
	Label string `json:"label"`
	Kind  string `json:"kind"`
	Value string `json:"value"`
}

// Value returns the answer to the named field, or "".
func (r *Request) Value(name string) string {
	for _, a := range r.Answers {
		if a.Name == name {
			return a.Value
		}
	}
	return ""
}

// Email returns the first non-empty answer to an email field: where the
// acknowledgement goes.
func (r *Request) Email() string {
	for _, a := range r.Answers {
		if a.Kind == KindEmail && a.Value != "" {
			return a.Value
		}
	}
	return ""
}

// A FieldError is one problem with a submission. Field is the input's name
// (TypeField for the request type); Message is a sentence in plain en-GB to
// show next to it and in the error summary.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Validate checks submitted values against the Spec, which should have had
// ApplyDefaults. It returns the cleaned Request, or the problems in page
// order (the type first, then each field as declared). It rejects: a
// missing or unknown type; a required field left empty; more than one value
// for a field; invalid UTF-8; control characters; line breaks in a
// single-line field; more characters than MaxLength; an email address not of
// the plain form name@example.com; a select value not among its options.
// The honeypot is the caller's business. Validate is pure.
func Validate(s *Spec, v Values) (Request, []FieldError) {
	var req Request
	var errs []FieldError
	fail := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}

	switch tv := v[TypeField]; {
	case len(tv) > 1:
		fail(TypeField, "Choose only one thing for us to do")
	case len(tv) == 0 || strings.TrimSpace(tv[0]) == "":
		fail(TypeField, "Choose what you would like us to do")
	default:
		if _, ok := s.Type(strings.TrimSpace(tv[0])); !ok {
			fail(TypeField, "Choose one of the requests listed")
		} else {
			req.Type = strings.TrimSpace(tv[0])
		}
	}

	for _, f := range s.Fields {
		label := strings.TrimRight(f.Label, ".:?! ")
		vals := v[f.Name]
		if len(vals) > 1 {
			fail(f.Name, "%s: give one answer only", label)
			continue
		}
		raw := ""
		if len(vals) == 1 {
			raw = vals[0]
		}
		if !utf8.ValidString(raw) {
			fail(f.Name, "%s: contains characters we cannot read; please type it again", label)
			continue
		}
		if f.Kind == KindCheckbox {
			val := ""
			if strings.TrimSpace(raw) != "" {
				val = CheckboxValue
			} else if f.Required {
				fail(f.Name, "%s", requiredMessage(f, label))
				continue
			}
			req.Answers = append(req.Answers, Answer{Name: f.Name, Label: f.Label, Kind: f.Kind, Value: val})
			continue
		}
		val := raw
		if f.SingleLine() {
			if strings.ContainsAny(val, "\r\n\u2028\u2029\u0085") {
				fail(f.Name, "%s: must be on one line; remove the line breaks", label)
				continue
			}
		} else {
			// Browsers submit a textarea's line breaks as CRLF.
			val = strings.ReplaceAll(val, "\r\n", "\n")
			val = strings.ReplaceAll(val, "\r", "\n")
		}
		if hasControl(val, !f.SingleLine()) {
			fail(f.Name, "%s: contains control characters we cannot accept", label)
			continue
		}
		val = strings.TrimSpace(val)
		if val == "" {
			if f.Required {
				fail(f.Name, "%s", requiredMessage(f, label))
				continue
			}
			req.Answers = append(req.Answers, Answer{Name: f.Name, Label: f.Label, Kind: f.Kind, Value: ""})
			continue
		}
		if n := utf8.RuneCountInString(val); f.MaxLength > 0 && n > f.MaxLength {
			fail(f.Name, "%s: use %d characters or fewer (you used %d)", label, f.MaxLength, n)
			continue
		}
		switch f.Kind {
		case KindEmail:
			if !ValidEmail(val) {
				fail(f.Name, "Enter an email address in the correct format, like name@example.com")
				continue
			}
		case KindTel:
			if !validTel(val) {
				fail(f.Name, "Enter a telephone number, like 01632 960 001 or +44 808 157 0192")
				continue
			}
		case KindSelect:
			if !contains(f.Options, val) {
				fail(f.Name, "%s: choose one of the options given", label)
				continue
			}
		}
		req.Answers = append(req.Answers, Answer{Name: f.Name, Label: f.Label, Kind: f.Kind, Value: val})
	}
	if len(errs) > 0 {
		return Request{}, errs
	}
	return req, nil
}

func requiredMessage(f Field, label string) string {
	if f.Error != "" {
		return f.Error
	}
	your := strings.HasPrefix(strings.ToLower(label), "your ")
	switch {
	case f.Kind == KindCheckbox:
		return "Tick the box to confirm: " + label
	case f.Kind == KindSelect && your:
		return "Choose " + lowerFirst(label)
	case f.Kind == KindSelect:
		return "Choose an answer to: " + label
	case your:
		return "Enter " + lowerFirst(label)
	}
	return "Enter an answer to: " + label
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasControl reports a control character (C0, DEL or C1) other than tab,
// and other than newline when newlines are allowed.
func hasControl(s string, newlines bool) bool {
	for _, r := range s {
		if r == '\t' || (newlines && r == '\n') {
			continue
		}
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return true
		}
	}
	return false
}

// ValidEmail reports whether s is a bare address like name@example.com: no
// display name, no comments, no quoted local part, a dotted domain, at most
// 254 bytes. Such an address is safe in a To or Reply-To header.
func ValidEmail(s string) bool {
	if len(s) > DefaultMaxEmail || strings.ContainsAny(s, "\"\\ <>()[],;:\t\r\n") {
		return false
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	local, domain := s[:at], s[at+1:]
	if local == "" || len(local) > 64 || !strings.Contains(domain, ".") {
		return false
	}
	for _, label := range strings.Split(domain, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, r := range label {
			if r != '-' && !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return false
			}
		}
	}
	return true
}

func validTel(s string) bool {
	digits := 0
	for i, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case r == '+' && i == 0, r == ' ', r == '-', r == '(', r == ')', r == '.':
		default:
			return false
		}
	}
	return digits >= 5 && digits <= 20
}
