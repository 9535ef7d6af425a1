// Package strictyaml decodes a yaml.Node into a Go struct field by field, so
// every problem (an unknown key, a value of the wrong type, an impossible date)
// is reported with the line and column of the node that caused it, and
// decoding carries on to find the rest.
//
// Keys are matched to fields by their `yaml:"name"` tag. Strings keep the
// literal text of the scalar: `version: 1.10` decodes to "1.10", never 1.1.
// A field whose type implements Unmarshaler decodes itself.
//
// Text never holds a control character (C0 but tab and newline, DEL, C1),
// which YAML's double-quoted escapes can write ("\e", "\x1b"): each is a
// problem at its scalar. Every unknown key of a mapping is a problem:
// printing only the first few of a kind is the reader's concern (check's
// TextCap), and the json form lists them all.
package strictyaml

import (
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/policysite/policysite/generator/diag"
	"gopkg.in/yaml.v3"

	"github.com/policysite/policysite/internal/textdist"
)

// A Problem is one thing wrong with the document, at Node.
type Problem struct {
	Node    *yaml.Node
	Message string
	// Unknown is set when the problem is a key the struct does not have.
	Unknown bool
}

// An Unmarshaler decodes its own value from a scalar or other node; the
// returned error's text becomes the Problem's message.
type Unmarshaler interface {
	UnmarshalStrictYAML(n *yaml.Node) error
}

// Decode fills v, a pointer to a struct, from node (a document or mapping node)
// and returns every problem found. Fields absent from the node keep their values.
func Decode(node *yaml.Node, v any) []Problem {
	d := &decoder{}
	if node.Kind == yaml.DocumentNode {
		if len(node.Content) == 0 {
			return nil
		}
		node = node.Content[0]
	}
	d.value(node, reflect.ValueOf(v).Elem(), "")
	return d.problems
}

type decoder struct {
	problems []Problem
	aliases  int
}

// maxAliases bounds alias expansion, so a few lines of YAML cannot expand
// into millions of values (the "billion laughs").
const maxAliases = 1000

func (d *decoder) fail(n *yaml.Node, format string, args ...any) {
	d.problems = append(d.problems, Problem{Node: n, Message: fmt.Sprintf(format, args...)})
}

var unmarshalerType = reflect.TypeFor[Unmarshaler]()

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.AliasNode:
		return "an alias"
	}
	return fmt.Sprintf("%q", n.Value)
}

func (d *decoder) value(n *yaml.Node, v reflect.Value, name string) {
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if d.aliases++; d.aliases > maxAliases {
			if d.aliases == maxAliases+1 {
				d.fail(n, "%stoo many aliases", prefix(name))
			}
			return
		}
		n = n.Alias
	}
	if v.CanAddr() && v.Addr().Type().Implements(unmarshalerType) {
		if err := v.Addr().Interface().(Unmarshaler).UnmarshalStrictYAML(n); err != nil {
			d.fail(n, "%s%s", prefix(name), err.Error())
		}
		return
	}
	if isNull(n) && v.Kind() != reflect.Struct {
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			v.Set(reflect.New(v.Type().Elem()))
		}
		d.value(n, v.Elem(), name)
	case reflect.Struct:
		if isNull(n) {
			return
		}
		if n.Kind != yaml.MappingNode {
			d.fail(n, "%sexpected a mapping of keys to values, found %s", prefix(name), kindName(n))
			return
		}
		fields := structFields(v.Type())
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if seen[k.Value] {
				d.fail(k, "%s is set twice", join(name, k.Value))
				continue
			}
			seen[k.Value] = true
			idx, ok := fields[k.Value]
			if !ok {
				// The search for the key meant is among the struct's few
				// fields: a document of many unknown keys costs a
				// problem each, linear in its size.
				msg := fmt.Sprintf("unknown field %q", join(name, k.Value))
				if s := suggest(k.Value, fields); s != "" {
					msg += fmt.Sprintf(" (did you mean %q?)", s)
				}
				d.problems = append(d.problems, Problem{Node: k, Message: msg, Unknown: true})
				continue
			}
			d.value(val, v.FieldByIndex(idx), join(name, k.Value))
		}
	case reflect.Slice:
		if n.Kind != yaml.SequenceNode {
			if n.Kind == yaml.ScalarNode && v.Type().Elem().Kind() == reflect.String {
				// A single string where a list is wanted: a list of one.
				if !d.text(n, name) {
					return
				}
				v.Set(reflect.Append(reflect.MakeSlice(v.Type(), 0, 1), reflect.ValueOf(n.Value).Convert(v.Type().Elem())))
				return
			}
			d.fail(n, "%sexpected a list, found %s", prefix(name), kindName(n))
			return
		}
		s := reflect.MakeSlice(v.Type(), len(n.Content), len(n.Content))
		for i, item := range n.Content {
			d.value(item, s.Index(i), fmt.Sprintf("%s[%d]", name, i))
		}
		v.Set(s)
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			d.fail(n, "%sexpected a mapping, found %s", prefix(name), kindName(n))
			return
		}
		if v.IsNil() {
			v.Set(reflect.MakeMap(v.Type()))
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, val := n.Content[i], n.Content[i+1]
			if !d.text(k, name) {
				continue
			}
			e := reflect.New(v.Type().Elem()).Elem()
			d.value(val, e, join(name, k.Value))
			v.SetMapIndex(reflect.ValueOf(k.Value).Convert(v.Type().Key()), e)
		}
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.fail(n, "%sexpected text, found %s", prefix(name), kindName(n))
			return
		}
		if d.text(n, name) {
			v.SetString(n.Value)
		}
	case reflect.Bool:
		b, ok := parseBool(n)
		if !ok {
			d.fail(n, "%sexpected true or false, found %s", prefix(name), kindName(n))
			return
		}
		v.SetBool(b)
	case reflect.Int, reflect.Int64, reflect.Int32:
		i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 10, 64)
		if n.Kind != yaml.ScalarNode || err != nil || v.OverflowInt(i) {
			d.fail(n, "%sexpected a whole number, found %s", prefix(name), kindName(n))
			return
		}
		v.SetInt(i)
	case reflect.Float64:
		f, err := strconv.ParseFloat(n.Value, 64)
		if n.Kind != yaml.ScalarNode || err != nil {
			d.fail(n, "%sexpected a number, found %s", prefix(name), kindName(n))
			return
		}
		v.SetFloat(f)
	case reflect.Interface:
		var x any
		if err := n.Decode(&x); err != nil {
			d.fail(n, "%s%v", prefix(name), err)
			return
		}
		if x != nil {
			v.Set(reflect.ValueOf(x))
		}
	default:
		panic("strictyaml: unsupported field type " + v.Type().String())
	}
}

// text reports whether scalar n's text is free of control characters,
// failing at n when it is not.
func (d *decoder) text(n *yaml.Node, name string) bool {
	r, ok := Control(n.Value)
	if !ok {
		return true
	}
	d.fail(n, "%scontrol character %U in the text: remove it", prefix(name), r)
	return false
}

// Control returns the first control character in s other than tab and
// newline (C0, DEL, C1), and whether there is one. Nothing a reader sees is
// written with one, and they break the outputs: RFC 5545 forbids them in
// calendars, XML 1.0 in feeds and sitemaps, and ESC and BS reach pages.
func Control(s string) (rune, bool) {
	for _, r := range s {
		if IsControl(r) {
			return r, true
		}
	}
	return 0, false
}

// IsControl reports whether r is a control character other than tab and
// newline: U+0000-U+001F, U+007F-U+009F. Carriage return counts: YAML
// turns the line endings it is given into newlines, so one in text was
// written as an escape.
func IsControl(r rune) bool {
	return r < 0x20 && r != '\t' && r != '\n' || 0x7f <= r && r <= 0x9f
}

func parseBool(n *yaml.Node) (bool, bool) {
	if n.Kind != yaml.ScalarNode {
		return false, false
	}
	switch strings.ToLower(n.Value) {
	case "true", "yes", "on":
		return true, true
	case "false", "no", "off":
		return false, true
	}
	return false, false
}

func prefix(name string) string {
	if name == "" {
		return ""
	}
	return name + ": "
}

func join(parent, key string) string {
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// fieldsOf holds structFields' maps by type: every policy's front matter
// decodes into the same struct.
var fieldsOf sync.Map // reflect.Type to map[string][]int

// structFields maps yaml keys to field indexes, following embedded
// structs. The map is shared: it is read, never changed.
func structFields(t reflect.Type) map[string][]int {
	if m, ok := fieldsOf.Load(t); ok {
		return m.(map[string][]int)
	}
	m := fieldsIn(t)
	fieldsOf.Store(t, m)
	return m
}

// fieldsIn is structFields without the cache.
func fieldsIn(t reflect.Type) map[string][]int {
	m := map[string][]int{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("yaml")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && (opts == "inline" || tag == "") && f.Type.Kind() == reflect.Struct {
			for k, idx := range structFields(f.Type) {
				m[k] = append([]int{i}, idx...)
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		m[name] = []int{i}
	}
	return m
}

// Keys returns the yaml keys a struct type accepts, for listing in help.
func Keys(t reflect.Type) []string {
	var out []string
	for k := range structFields(t) {
		out = append(out, k)
	}
	return out
}

// suggest returns the known key closest to k when it is a likely misspelling.
func suggest(k string, fields map[string][]int) string {
	best, bestD := "", 3
	for f := range fields {
		if d := textdist.Distance(strings.ToLower(k), f); d < bestD || (d == bestD && f < best && best != "") {
			best, bestD = f, d
		}
	}
	if bestD > 2 || (bestD == 2 && len(k) < 5) {
		return ""
	}
	return best
}

// Lookup returns the value node at a path of mapping keys, or the deepest node found.
func Lookup(n *yaml.Node, path ...string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, key := range path {
		if n == nil || n.Kind != yaml.MappingNode {
			return n
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return n
		}
		n = next
	}
	return n
}

// LookupPath is Lookup for a dotted path with list indexes, as
// "requests.fields[2].kind"; it returns the deepest node found.
func LookupPath(n *yaml.Node, path string) *yaml.Node {
	if n != nil && n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	for _, part := range strings.Split(path, ".") {
		key, rest, _ := strings.Cut(part, "[")
		if key != "" {
			next := Lookup(n, key)
			if next == n {
				return n
			}
			n = next
		}
		for rest != "" {
			idx, after, _ := strings.Cut(rest, "]")
			i, err := strconv.Atoi(idx)
			if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
				return n
			}
			n = n.Content[i]
			rest = strings.TrimPrefix(after, "[")
		}
	}
	return n
}

// NodePos returns the position of a YAML node in file, whose YAML starts
// lineOffset lines into the file (front matter starts after its --- line).
func NodePos(file string, lineOffset int, n *yaml.Node) diag.Pos {
	if n == nil || n.Line == 0 {
		return diag.Pos{File: file, Line: lineOffset + 1, Col: 1}
	}
	return diag.Pos{File: file, Line: n.Line + lineOffset, Col: n.Column}
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// SyntaxError turns a yaml.v3 syntax error into a positioned diagnostic. This is
// the one place that reads an error's text: yaml.v3 reports syntax errors
// only as text.
func SyntaxError(file string, lineOffset int, data []byte, err error) diag.Diagnostic {
	msg := err.Error()
	line := 1
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	if strings.Contains(msg, "mapping values are not allowed") {
		msg += ` (put quotes around a value that contains ": ")`
	}
	return diag.Diagnostic{Pos: diag.Pos{File: file, Line: line + lineOffset, Col: 1}, Message: "invalid YAML: " + msg}
}
