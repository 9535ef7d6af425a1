package form

import (
	"net/url"
	"strings"
)

// Mailto returns a mailto: URI to address asking for request type t: the
// subject names the right, and the body says what is asked, with lines for
// the requester to fill in. Every part is percent-encoded (RFC 6068), so a
// label with &, ? or # stays in its place.
func Mailto(address, org string, t Type) string {
	subject := "Data protection request: " + t.Label
	var b strings.Builder
	b.WriteString("Dear data protection officer,\n\n")
	b.WriteString("I am making a data protection request to " + org + ". I am asking you to: " + lowerFirst(t.Label) + ".\n")
	if t.Help != "" {
		b.WriteString("(" + t.Help + ")\n")
	}
	b.WriteString("\nMy full name:\nMy relationship to you (pupil, parent or carer, member of staff, other):\nWhat my request is about, and any dates that help you find it:\n\n")
	b.WriteString("I understand you may ask me to prove my identity.\n")
	q := "subject=" + escape(subject) + "&body=" + escape(b.String())
	return "mailto:" + url.PathEscape(address) + "?" + q
}

// escape percent-encodes s for a mailto: URI: spaces as %20 (not +, which
// mail programs show as it is) and line breaks as %0D%0A.
func escape(s string) string {
	s = strings.ReplaceAll(s, "\n", "\r\n")
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
