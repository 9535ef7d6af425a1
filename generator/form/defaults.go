package form

// DefaultTypes are the rights offered when site.yaml lists no request types:
// the rights of Articles 15 to 22 of the UK GDPR that a person exercises by
// asking (the right to be informed is met by the privacy notice itself).
var DefaultTypes = []Type{
	{ID: "access", Label: "See the information you hold about me", Help: "A copy of your personal information and how we use it (a subject access request)."},
	{ID: "rectification", Label: "Correct information about me", Help: "Put right information that is wrong, or complete information that is missing."},
	{ID: "erasure", Label: "Delete information about me", Help: "Remove your information where we no longer have a good reason to keep it."},
	{ID: "restriction", Label: "Limit how you use information about me", Help: "Keep your information but stop using it, for example while you check it is accurate."},
	{ID: "portability", Label: "Give me my information to take elsewhere", Help: "Information you gave us, in a format another organisation can use."},
	{ID: "objection", Label: "Stop using information about me", Help: "Object to our using your information for a task in the public interest or for direct marketing."},
	{ID: "automated", Label: "Ask about a decision made by a computer", Help: "Ask for a person to review a decision made about you by automated means alone."},
}

// DefaultFields are the questions asked when site.yaml lists none: only what
// is needed to identify the person and act on the request (data minimisation).
var DefaultFields = []Field{
	{Name: "name", Label: "Your full name", Kind: KindText, Required: true, MaxLength: 200, Autocomplete: "name"},
	{Name: "email", Label: "Your email address", Kind: KindEmail, Required: true, MaxLength: 254, Autocomplete: "email", Help: "We will send your acknowledgement and our reply here."},
	{Name: "relationship", Label: "Your relationship to us", Kind: KindSelect, Required: true, Error: "Choose your relationship to us",
		Options: []string{"Pupil", "Parent or carer", "Member of staff", "Former pupil", "Job applicant", "Other"}},
	{Name: "details", Label: "Tell us about your request", Kind: KindTextarea, Required: true, MaxLength: 5000,
		Help: "Say what information or which records it is about, and any dates that help us find them.", Error: "Tell us about your request"},
	{Name: "declaration", Label: "The information I have given is true, and I understand you may ask me to prove my identity.", Kind: KindCheckbox, Required: true,
		Error: "Tick the box to confirm the declaration"},
}

// Default maximum lengths, in characters, by kind. An email address is at
// most 254 characters (RFC 5321); the textarea limit keeps a whole
// submission well inside the relay's 32 KB body limit.
const (
	DefaultMaxText     = 200
	DefaultMaxEmail    = 254
	DefaultMaxTel      = 40
	DefaultMaxTextarea = 5000
)

// Default returns the form offered when site.yaml has `requests:` with no
// types or fields: the seven rights and the five default fields.
func Default() *Spec {
	s := &Spec{}
	s.ApplyDefaults()
	return s
}

// ApplyDefaults fills in what the declaration leaves out: the default types
// and fields when none are listed, the label and help of a well-known type
// given by id alone, kind text, a maximum length for every typed-in kind,
// and an autocomplete token for the usual name, email and tel fields. It is
// idempotent.
func (s *Spec) ApplyDefaults() {
	if len(s.Types) == 0 {
		s.Types = append([]Type(nil), DefaultTypes...)
	}
	if len(s.Fields) == 0 {
		s.Fields = make([]Field, len(DefaultFields))
		for i, f := range DefaultFields {
			f.Options = append([]string(nil), f.Options...)
			s.Fields[i] = f
		}
	}
	for i := range s.Types {
		t := &s.Types[i]
		for _, d := range DefaultTypes {
			if d.ID != t.ID {
				continue
			}
			if t.Label == "" {
				t.Label = d.Label
			}
			if t.Help == "" {
				t.Help = d.Help
			}
		}
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Kind == "" {
			f.Kind = KindText
		}
		if f.MaxLength == 0 {
			switch f.Kind {
			case KindText:
				f.MaxLength = DefaultMaxText
			case KindEmail:
				f.MaxLength = DefaultMaxEmail
			case KindTel:
				f.MaxLength = DefaultMaxTel
			case KindTextarea:
				f.MaxLength = DefaultMaxTextarea
			}
		}
		if f.Autocomplete == "" {
			switch {
			case f.Kind == KindEmail:
				f.Autocomplete = "email"
			case f.Kind == KindTel:
				f.Autocomplete = "tel"
			case f.Kind == KindText && f.Name == "name":
				f.Autocomplete = "name"
			}
		}
	}
}
