// Package form is the one definition of the data-subject request form. The
// generator renders the /requests/ page from a Spec and formrelay validates
// submissions against the same Spec, so a field changed in site.yaml changes
// both.
package form

// A Spec is the request form declared under `requests:` in site.yaml.
type Spec struct {
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
	Name  string `yaml:"name"`
	Label string `yaml:"label"`
	// Kind is text, email, tel, textarea, select or checkbox.
	Kind         string   `yaml:"kind"`
	Required     bool     `yaml:"required"`
	MaxLength    int      `yaml:"max_length"`
	Help         string   `yaml:"help"`
	Autocomplete string   `yaml:"autocomplete"`
	Options      []string `yaml:"options"`
}
