package serve

import (
	"net/http"
	"strings"
)

// A headerRule is one block of a _headers file (the format Netlify and
// Cloudflare Pages read): the headers for the paths a pattern matches.
type headerRule struct {
	pattern string // "/privacy/" exactly, or "/assets/*" for everything below
	header  http.Header
}

// parseHeaders reads a _headers file: a path line, then indented
// "Name: value" lines. Comments (#) and lines it cannot read are skipped,
// as the hosts skip them.
func parseHeaders(b []byte) []headerRule {
	var rules []headerRule
	for _, line := range strings.Split(string(b), "\n") {
		t := strings.TrimSpace(line)
		switch {
		case t == "" || strings.HasPrefix(t, "#"):
		case line[0] != ' ' && line[0] != '\t':
			rules = append(rules, headerRule{pattern: t, header: http.Header{}})
		case len(rules) > 0:
			if name, value, ok := strings.Cut(t, ":"); ok && strings.TrimSpace(name) != "" {
				rules[len(rules)-1].header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
			}
		}
	}
	return rules
}

func (r headerRule) matches(path string) bool {
	if prefix, ok := strings.CutSuffix(r.pattern, "*"); ok {
		return strings.HasPrefix(path, prefix)
	}
	return path == r.pattern
}

// applyHeaders sets on h the headers of every rule that matches path, so
// that a page served here gets the Content-Security-Policy it will get on
// the host: a theme's inline script is refused in the preview too. Caching
// is the preview's own (no-cache), so that no save is ever hidden.
func applyHeaders(h http.Header, rules []headerRule, path string) {
	for _, r := range rules {
		if !r.matches(path) {
			continue
		}
		for name, values := range r.header {
			if name != "Cache-Control" {
				h[name] = values
			}
		}
	}
}
