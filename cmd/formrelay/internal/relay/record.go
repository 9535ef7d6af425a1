package relay

import (
	"encoding/json"
	"fmt"
	netmail "net/mail"
	"slices"
	"strings"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/internal/spool"
	"github.com/policysite/policysite/generator/date"
	"github.com/policysite/policysite/generator/form"
)

// A Record is one request as kept in the spool, a JSON file named after its
// reference. It holds what the person submitted and nothing about them
// beyond it: no IP address, no user agent.
type Record struct {
	Version   int           `json:"version"`
	Reference string        `json:"reference"`
	Received  time.Time     `json:"received"`
	Due       date.Date     `json:"due"`
	Extended  date.Date     `json:"extended_due"`
	Type      string        `json:"type"`
	TypeLabel string        `json:"type_label"`
	Answers   []form.Answer `json:"answers"`
	// Centre is the id of the school whose centre's form the request
	// came from (form.CentreField, checked against site.yaml's schools:
	// when accepted); it goes to that school's officer. Empty (and absent
	// from records made before schools) is the trust's centre.
	Centre string `json:"centre,omitempty"`
	// Failure says why a request in failed/ was refused.
	Failure *Failure `json:"failure,omitempty"`
}

// A Failure is a permanent refusal by the mail server.
type Failure struct {
	At time.Time `json:"at"`
	// Message is officer or acknowledgement: which email was refused.
	Message string `json:"message"`
	// OfficerNotified is set when the officer's email had gone before the
	// acknowledgement was refused.
	OfficerNotified bool   `json:"officer_notified"`
	Error           string `json:"error"`
}

// FileName is the spool file name of a reference.
func FileName(ref string) string { return ref + ".json" }

// Request returns the record's answers as a form.Request.
func (r *Record) Request() *form.Request {
	return &form.Request{Type: r.Type, Answers: r.Answers}
}

// An Entry is a record and the spool state it is in.
type Entry struct {
	State string `json:"state"`
	Record
}

// List reads every record in the spool, oldest first. A file that cannot
// be read or decoded is reported in bad and skipped.
func List(sp *spool.Spool) (entries []Entry, bad []error, err error) {
	var out []Entry
	for _, st := range spool.States {
		names, err := sp.List(st)
		if err != nil {
			return nil, nil, err
		}
		for _, n := range names {
			b, err := sp.Read(st, n)
			var e Entry
			if err == nil {
				err = json.Unmarshal(b, &e.Record)
			}
			if err != nil {
				bad = append(bad, fmt.Errorf("%s/%s: %v", st, n, err))
				continue
			}
			e.State = st
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b Entry) int {
		if c := a.Received.Compare(b.Received); c != 0 {
			return c
		}
		return strings.Compare(a.Reference, b.Reference)
	})
	return out, bad, nil
}

func mailParse(s string) (string, error) {
	a, err := netmail.ParseAddress(s)
	if err != nil {
		return "", err
	}
	return a.Address, nil
}
