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
// is needed to identify the person and act on the request.
var DefaultFields = []Field{
	{Name: "name", Label: "Your full name", Kind: "text", Required: true, MaxLength: 200, Autocomplete: "name"},
	{Name: "email", Label: "Your email address", Kind: "email", Required: true, MaxLength: 254, Autocomplete: "email", Help: "We will send your acknowledgement and our reply here."},
	{Name: "relationship", Label: "Your relationship to us", Kind: "select", Required: true,
		Options: []string{"Pupil", "Parent or carer", "Member of staff", "Former pupil", "Former member of staff", "Job applicant", "Other"}},
	{Name: "details", Label: "Tell us about your request", Kind: "textarea", Required: true, MaxLength: 5000,
		Help: "Say what information or which records it is about, and any dates that help us find them."},
	{Name: "declaration", Label: "The information I have given is true, and I understand you may ask me to prove my identity.", Kind: "checkbox", Required: true},
}

// ApplyDefaults fills in the default types and fields where the declaration
// leaves them out, and a default maximum length for text fields.
func (s *Spec) ApplyDefaults() {
	if len(s.Types) == 0 {
		s.Types = append([]Type(nil), DefaultTypes...)
	}
	if len(s.Fields) == 0 {
		s.Fields = append([]Field(nil), DefaultFields...)
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if f.Kind == "" {
			f.Kind = "text"
		}
		if f.MaxLength == 0 {
			switch f.Kind {
			case "textarea":
				f.MaxLength = 5000
			case "text", "email", "tel":
				f.MaxLength = 200
			}
		}
	}
}
