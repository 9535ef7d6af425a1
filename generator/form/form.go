// Package form is the one definition of the data-subject request form. The
// generator renders the /requests/ page from a Spec and formrelay validates
// submissions against the same Spec, so a field changed in site.yaml changes
// both.
//
// Input: a Spec decoded from `requests:` in site.yaml. Call ApplyDefaults, then
// Check. Output: Validate turns submitted values into a Request or a list of
// FieldErrors. Invariants: Validate is pure (no I/O, no clock); a Request it
// returns holds only the declared fields, each valid UTF-8 within its maximum
// length, with no line breaks in single-line fields.
package form

// Names the page and the relay agree on besides the declared fields.
const (
	// TypeField is the name of the radio group choosing one of Spec.Types.
	TypeField = "type"
	// HoneypotField is a text input hidden from people; a value in it marks
	// the submission as automated. The relay answers as if it had succeeded
	// and stores nothing.
	HoneypotField = "website"
	// CentreField is the hidden input of a school's centre's form: the
	// school's id (site.yaml schools:), so that formrelay sends the
	// request to that school's data protection officer. The trust's
	// centre's form has none.
	CentreField = "centre"
	// CheckboxValue is the value a ticked checkbox submits (and the value
	// stored for it). Any non-empty value counts as ticked.
	CheckboxValue = "yes"
)

// Modes of taking requests.
const (
	ModeRelay = "relay"
	ModeEmail = "email"
)

// Email reports whether requests are asked for by email, with no form.
func (s *Spec) Email() bool { return s.Mode == ModeEmail }

// Field kinds.
const (
	KindText     = "text"
	KindEmail    = "email"
	KindTel      = "tel"
	KindTextarea = "textarea"
	KindSelect   = "select"
	KindCheckbox = "checkbox"
)

// Kinds lists the field kinds in the order the docs give them.
var Kinds = []string{KindText, KindEmail, KindTel, KindTextarea, KindSelect, KindCheckbox}

// A Spec is the request form declared under `requests:` in site.yaml.
type Spec struct {
	// Mode is how requests are taken: ModeRelay (the default) posts a form
	// to formrelay at RelayURL; ModeEmail publishes no form but a guide to
	// asking by email, phone or letter, with a prefilled email per type,
	// for a site that runs no relay.
	Mode string `yaml:"mode"`
	// RelayURL is the public URL the form posts to (formrelay's POST /requests).
	RelayURL string `yaml:"relay_url"`
	// Types are the rights a visitor may exercise, in the order offered.
	Types []Type `yaml:"types"`
	// Fields are the questions asked, in order.
	Fields []Field `yaml:"fields"`
}

// A Type is one kind of request, such as access or erasure.
type Type struct {
	ID    string `yaml:"id"`
	Label string `yaml:"label"`
	Help  string `yaml:"help"`
}

// A Field is one input of the form.
type Field struct {
	// Name is the input's name and the key in JSON submissions.
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	// Kind is text, email, tel, textarea, select or checkbox.
	Kind     string `yaml:"kind"`
	Required bool   `yaml:"required"`
	// MaxLength is the most characters accepted; ApplyDefaults sets it for
	// every kind but select and checkbox. Render it as maxlength.
	MaxLength int    `yaml:"max_length"`
	Help      string `yaml:"help"`
	// Autocomplete is the HTML autocomplete token, such as name or email.
	Autocomplete string `yaml:"autocomplete"`
	// Options are the choices of a select, each submitted as its own text.
	Options []string `yaml:"options"`
	// Error is the message shown when a required field is left empty, such
	// as "Enter your full name". Empty, Validate words one from the label.
	Error string `yaml:"error"`
}

// Type returns the request type with the given id.
func (s *Spec) Type(id string) (Type, bool) {
	for _, t := range s.Types {
		if t.ID == id {
			return t, true
		}
	}
	return Type{}, false
}

// Field returns the field with the given name.
func (s *Spec) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

// SingleLine reports whether the field's value must fit on one line (every
// kind but textarea). Line breaks in such a field are rejected: they are how
// header injection starts.
func (f Field) SingleLine() bool { return f.Kind != KindTextarea }
