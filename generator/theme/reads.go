package theme

import (
	"crypto/sha256"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"text/template/parse"

	"github.com/policysite/policysite/generator/diag"
)

// What a theme's templates read, found from their text, so that a build
// knows which pages depend on what.

// Digest hashes every file theme.Load reads from layers, and the
// options, and returns the layouts it would use by name.
func Digest(layers []Layer, opts Options) ([sha256.Size]byte, map[string]string) {
	h := sha256.New()
	fmt.Fprintf(h, "%q %q %d\n", opts.BasePath, opts.Language, opts.WarnDays)
	layouts := map[string]string{}
	read := func(layer Layer, name string) ([]byte, error) {
		data, err := fs.ReadFile(layer.FS, name)
		fmt.Fprintf(h, "%q %q %d %v\n", layer.Name, name, len(data), err)
		h.Write(data)
		return data, err
	}
	for _, layer := range layers {
		for _, page := range append([]string{"base.html"}, Pages...) {
			data, err := read(layer, "layouts/"+page)
			if _, seen := layouts[page]; err == nil && !seen {
				layouts[page] = string(data)
			}
		}
		entries, err := fs.ReadDir(layer.FS, "assets")
		fmt.Fprintf(h, "%q assets %v\n", layer.Name, err)
		for _, e := range entries {
			if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
				read(layer, "assets/"+e.Name())
			}
		}
	}
	var sum [sha256.Size]byte
	h.Sum(sum[:0])
	return sum, layouts
}

// siteLayouts are the layouts of the pages that list every policy.
var siteLayouts = []string{"base.html", "index.html", "404.html", "requests.html", "thanks.html", "changes.html", "processors.html"}

// textNames are the fields and methods that lead to the text of a policy or
// version (its body, headings, links and comparisons): all a summary leaves out.
var textNames = map[string]bool{"Body": true, "Headings": true, "Contents": true, "Links": true, "Diff": true, "HasAnchor": true, "NearestAnchor": true}

// ReadsText reports whether any of the layouts of the pages that list
// every policy names a field leading to a policy's text, or might. When it
// says no, those pages read only policies' summaries.
func ReadsText(layouts map[string]string) bool {
	return anyChain(layouts, siteLayouts, func(ids []string) bool {
		return slices.ContainsFunc(ids, func(id string) bool { return textNames[id] })
	})
}

// anyChain reports whether f holds for a chain of field names (.A.B,
// $x.A.B, (pipeline).A.B) in the named layouts, or a layout does not parse.
func anyChain(layouts map[string]string, names []string, f func(ids []string) bool) bool {
	for _, name := range names {
		text, ok := layouts[name]
		if !ok {
			continue // theme.Load reports it
		}
		t := parse.New(name)
		t.Mode = parse.SkipFuncCheck
		trees := map[string]*parse.Tree{}
		if _, err := t.Parse(text, "", "", trees); err != nil {
			return true
		}
		for _, tr := range trees {
			if tr.Root != nil && chainIn(tr.Root, f) {
				return true
			}
		}
	}
	return false
}

func chainIn(n parse.Node, f func(ids []string) bool) bool {
	branch := func(b *parse.BranchNode) bool {
		return chainIn(b.Pipe, f) || chainIn(b.List, f) || (b.ElseList != nil && chainIn(b.ElseList, f))
	}
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return false
		}
		for _, c := range n.Nodes {
			if chainIn(c, f) {
				return true
			}
		}
	case *parse.ActionNode:
		return chainIn(n.Pipe, f)
	case *parse.PipeNode:
		if n == nil {
			return false
		}
		for _, c := range n.Cmds {
			if chainIn(c, f) {
				return true
			}
		}
	case *parse.CommandNode:
		for _, a := range n.Args {
			if chainIn(a, f) {
				return true
			}
		}
	case *parse.FieldNode:
		return f(n.Ident)
	case *parse.VariableNode:
		return f(n.Ident[1:]) // Ident[0] is the variable
	case *parse.ChainNode:
		return chainIn(n.Node, f) || f(n.Field)
	case *parse.IfNode:
		return branch(&n.BranchNode)
	case *parse.RangeNode:
		return branch(&n.BranchNode)
	case *parse.WithNode:
		return branch(&n.BranchNode)
	case *parse.TemplateNode:
		return chainIn(n.Pipe, f)
	}
	return false
}

// A Cache keeps the theme last loaded while its files and options stay
// the same (Digest).
type Cache struct {
	digest [sha256.Size]byte
	loaded *Loaded
}

// A Loaded is a theme loaded, with its findings and what its templates read.
type Loaded struct {
	Theme *Theme
	L     diag.List
	// ReadsText is set when the templates of the pages listing every
	// policy read more of a policy than its summary.
	ReadsText bool
}

// Load loads the theme of layers, or returns the one loaded last time.
func (c *Cache) Load(layers []Layer, opts Options) *Loaded {
	digest, layouts := Digest(layers, opts)
	if c.loaded == nil || c.digest != digest {
		th, l := Load(layers, opts)
		c.digest, c.loaded = digest, &Loaded{Theme: th, L: l, ReadsText: ReadsText(layouts)}
	}
	return c.loaded
}
