package check

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/yuin/goldmark/ast"
	east "github.com/yuin/goldmark/extension/ast"

	"github.com/policysite/policysite/generator/config"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/diag"
	"github.com/policysite/policysite/generator/site"
)

// Trust runs the rules on site.yaml's certifications and processors:
// certificate-expired and certificate-due-soon (against now, due soon
// within warnDays), at the certificate's expires: value, and
// processor-incomplete, at the entry of a processor in use on now with no
// location or no safeguard.
func Trust(cfg *config.Site, now date.Date, warnDays int) diag.List {
	var l diag.List
	for _, c := range cfg.Certifications {
		if c.Expires.IsZero() {
			continue
		}
		days := c.Expires.Sub(now)
		switch site.CertStatusOf(c, now, warnDays) {
		case site.Expired:
			l = append(l, diag.Diagnostic{Pos: c.ExpiresPos, Severity: diag.Error, Rule: "certificate-expired",
				Message: fmt.Sprintf("%s expired on %s: renew it and update the entry, or remove it (the site shows it as expired, not held)", c.Name, c.Expires.Format("en-GB"))})
		case site.Expiring:
			l = append(l, diag.Diagnostic{Pos: c.ExpiresPos, Severity: diag.Warning, Rule: "certificate-due-soon",
				Message: fmt.Sprintf("%s expires on %s, in %d %s", c.Name, c.Expires.Format("en-GB"), days, plural(days, "day", "days"))})
		}
	}
	for i, p := range cfg.Processors {
		if !p.Current(now) {
			continue
		}
		var missing []string
		if strings.TrimSpace(p.Location) == "" {
			missing = append(missing, "location (the country where the data is handled)")
		}
		if strings.TrimSpace(p.Safeguard) == "" {
			missing = append(missing, "safeguard (what makes a transfer lawful, or that the data stays in the UK)")
		}
		if len(missing) > 0 {
			l = append(l, diag.Diagnostic{Pos: p.Pos, Severity: diag.Warning, Rule: "processor-incomplete",
				Message: fmt.Sprintf("processors[%d] (%s) has no %s", i, p.Name, strings.Join(missing, " and no "))})
		}
	}
	l.Sort()
	return l
}

// processorsIntro matches prose that promises a list of processors:
// "the processors we use are listed below", "the following
// subprocessors", "a list of our data processors".
var processorsIntro = regexp.MustCompile(`(?i)\b(?:(?:sub-?)?processors\b[^.!?;\x00]{0,80}?\b(?:are|is)\s+(?:listed|set out|named|shown|detailed|given)\s+(?:below|here|overleaf|at\b|in (?:the |this )?(?:table|annex|appendix|schedule|list)|on (?:our|the|this) (?:website|web site|page|site))|(?:the following |list of (?:our |the |all )?)(?:data )?(?:sub-?)?processors\b)`)

// processorsAt returns where in s the leftmost "processors" is, in any
// case as (?i) folds it (ſ for s), or -1. Every match of processorsIntro
// holds the word and starts at most processorsLead bytes before it
// ("the following data sub-"), so the expression is tried only from
// there: tried at every position of every paragraph it was a fifth of a
// 100-policy build's CPU (docs/performance.md).
func processorsAt(s []byte) int {
	const word = "processors"
	for i := 0; i+len(word) <= len(s); i++ {
		j, k := i, 0
		for ; k < len(word) && j < len(s); k++ {
			switch c := word[k]; {
			case s[j]|0x20 == c: // p, r, o, c and e fold to their ASCII capitals alone
				j++
			case c == 's' && j+1 < len(s) && s[j] == 0xc5 && s[j+1] == 0xbf: // ſ
				j += 2
			default:
				k = len(word) + 1
			}
		}
		if k == len(word) {
			return i
		}
	}
	return -1
}

// findProcessorsIntro returns where processorsIntro's leftmost match in s
// starts, or -1.
func findProcessorsIntro(s []byte) int {
	from := processorsAt(s)
	if from < 0 {
		return -1
	}
	from = max(0, from-processorsLead)
	m := processorsIntro.FindIndex(s[from:])
	if m == nil {
		return -1
	}
	return from + m[0]
}

// processorsLead is the most bytes a match of processorsIntro has before
// its "processors": "the following " (14), "data " (5), "sub-" (5 with ſ),
// rounded up.
const processorsLead = 32

// processorList runs processor-list-missing on a paragraph: one that
// promises a list of processors must be followed by a list or table,
// link to where the list is, or be in a policy with a section headed
// config.ProcessorsHeading, which the build ends with the table of the
// processors site.yaml declares.
func (k *linter) processorList(p *ast.Paragraph, t *text, hasSection bool) {
	if hasSection {
		return
	}
	m := findProcessorsIntro(t.s)
	if m < 0 {
		return
	}
	switch p.NextSibling().(type) {
	case *ast.List, *east.Table:
		return
	}
	for c := p.FirstChild(); c != nil; c = c.NextSibling() {
		if _, ok := c.(*ast.Link); ok {
			return
		}
	}
	k.add("processor-list-missing", t.off(m), "the text promises a list of processors that the policy never gives: add a section headed %q (the build puts the table of site.yaml's processors: there), link to /processors/, or list them", config.ProcessorsHeading)
}

// hasHeading reports whether the document has a heading whose text is
// name, in any case.
func hasHeading(doc ast.Node, src []byte, name string) bool {
	for n := doc.FirstChild(); n != nil; n = n.NextSibling() {
		if h, ok := n.(*ast.Heading); ok && strings.EqualFold(strings.TrimSpace(headingText(h, src)), name) {
			return true
		}
	}
	return false
}
