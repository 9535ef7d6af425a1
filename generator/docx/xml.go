package docx

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// A node is an XML element with what the reader needs of it: its local name,
// attributes by local name, children and, for text elements, their text.
type node struct {
	name string
	attr []xml.Attr
	kids []*node
	text string
}

// get returns the attribute with the local name, or "".
func (n *node) get(local string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.attr {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// child returns the first child with the local name, or nil.
func (n *node) child(name string) *node {
	if n == nil {
		return nil
	}
	for _, k := range n.kids {
		if k.name == name {
			return k
		}
	}
	return nil
}

// path follows children by local name: n.path("pPr", "pStyle").
func (n *node) path(names ...string) *node {
	for _, s := range names {
		n = n.child(s)
	}
	return n
}

// on reports whether a toggle property such as <w:b/> is set: present and
// not w:val="0", "false" or "off".
func (n *node) on() bool {
	if n == nil {
		return false
	}
	switch n.get("val") {
	case "0", "false", "off", "none":
		return false
	}
	return true
}

// textElems are the elements whose character data the reader keeps.
var textElems = map[string]bool{"t": true, "delText": true, "instrText": true, "title": true}

// errDepth is returned for XML nested deeper than the limit.
var errDepth = errors.New("elements nested too deep")

// parseXML reads an XML part into a tree, refusing nesting beyond depth.
// Errors name the part: "word/document.xml: XML syntax error on line 3: ...".
//
// It reads raw tokens, which skips the decoder's namespace translation (a
// third of its time on a long document): the reader matches local names
// only. RawToken does not check that end tags match their start tags, so
// parseXML does, with the message Token would give.
func parseXML(part string, data []byte, depth int) (*node, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	root := &node{name: "#root"}
	stack := []*node{root}
	names := []xml.Name{{}}
	var text strings.Builder
	syntax := func(msg string) error {
		line, _ := d.InputPos()
		return fmt.Errorf("%s: %w", part, &xml.SyntaxError{Msg: msg, Line: line})
	}
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			if len(stack) > 1 {
				return nil, syntax("unexpected EOF")
			}
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %v", part, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) > depth {
				line, _ := d.InputPos()
				return nil, fmt.Errorf("%s: line %d: %w (more than %d levels)", part, line, errDepth, depth)
			}
			n := &node{name: t.Name.Local, attr: t.Attr}
			top := stack[len(stack)-1]
			top.kids = append(top.kids, n)
			stack = append(stack, n)
			names = append(names, t.Name)
			text.Reset()
		case xml.EndElement:
			if len(stack) == 1 {
				return nil, syntax("unexpected end element </" + t.Name.Local + ">")
			}
			if start := names[len(names)-1]; start != t.Name {
				return nil, syntax("element <" + start.Local + "> closed by </" + t.Name.Local + ">")
			}
			top := stack[len(stack)-1]
			if textElems[top.name] {
				top.text = text.String()
			}
			text.Reset()
			stack = stack[:len(stack)-1]
			names = names[:len(names)-1]
		case xml.CharData:
			if textElems[stack[len(stack)-1].name] {
				text.Write(t)
			}
		}
	}
	if len(root.kids) == 0 {
		return nil, fmt.Errorf("%s: no XML element", part)
	}
	return root.kids[0], nil
}
