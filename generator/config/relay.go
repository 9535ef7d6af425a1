package config

import (
	"fmt"
	"net/netip"
	"net/url"
	"strings"

	"github.com/policysite/policysite/generator/diag"
)

// RelayRule is the id of the findings of CheckRelay.
const RelayRule = "relay-url"

// CheckRelay reports a request form that cannot work where the site is
// published: an https site whose requests.relay_url is plain http (the
// browser blocks the post as mixed content), or a loopback, private or
// single-label address (no visitor can reach it). It reads BaseURL as the
// build sets it (--base-url included), and says nothing for a site whose
// base_url is unset, http or itself on this machine: the local preview
// (serve, at http://127.0.0.1) posts to a relay on this machine.
func (s *Site) CheckRelay() diag.List {
	if s.Requests == nil || s.Requests.Email() || s.Requests.RelayURL == "" {
		return nil
	}
	site, err := url.Parse(s.BaseURL)
	if err != nil || site.Scheme != "https" || local(site.Hostname()) {
		return nil
	}
	relay, err := url.Parse(s.Requests.RelayURL)
	if err != nil {
		return nil // Check reported it
	}
	var msg string
	switch h := relay.Hostname(); {
	case local(h):
		msg = fmt.Sprintf("requests.relay_url: %q is an address on this machine or a private network: no visitor of %s can reach it, so every request would fail", s.Requests.RelayURL, s.BaseURL)
	case relay.Scheme != "https":
		msg = fmt.Sprintf("requests.relay_url: %q is plain http: browsers refuse to post a form from an https page to it; use https", s.Requests.RelayURL)
	default:
		return nil
	}
	msg += `. Run formrelay on a server (docs/publishing.md, "The request form"), or set requests.mode: email for a page of ready-made emails`
	pos, ok := s.Pos["requests.relay_url"]
	if !ok {
		pos = s.At("requests")
	}
	return diag.List{{Pos: pos, Severity: diag.Error, Message: msg, Rule: RelayRule}}
}

// local reports whether host is reachable only from this machine or its
// network: localhost, a loopback, private, link-local or unspecified IP,
// or a name of one label (relay, intranet).
func local(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") || strings.HasSuffix(h, ".local") || strings.HasSuffix(h, ".internal") {
		return true
	}
	if ip, err := netip.ParseAddr(h); err == nil {
		ip = ip.Unmap()
		return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsUnspecified() ||
			(ip.Is4() && ip.As4()[0] == 100 && ip.As4()[1]&0xc0 == 64) // 100.64.0.0/10, carrier-grade NAT
	}
	return !strings.Contains(h, ".")
}
