package relay

import (
	"testing"
	"time"

	"github.com/policysite/policysite/cmd/formrelay/smtptest"
)

// A request's due dates come from the nation relay.yaml names and the
// one-offs it declares, in years no list ever covered, with receipt
// counted in UK time.
func TestRecordDueDates(t *testing.T) {
	s, _ := smtptest.New()
	london, err := time.LoadLocation("Europe/London")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		config        string
		received      time.Time
		due, extended string
	}{
		// 11 April 2031 is Good Friday, 14 April Easter Monday but in
		// England and Wales only.
		{"", time.Date(2031, 3, 14, 10, 0, 0, 0, time.UTC), "2031-04-15", "2031-06-16"},
		{"bank_holidays: scotland\n", time.Date(2031, 3, 14, 10, 0, 0, 0, time.UTC), "2031-04-14", "2031-06-16"},
		// 23:30 UTC on 13 March 2031 is still 13 March in London (GMT)...
		{"", time.Date(2031, 3, 13, 23, 30, 0, 0, time.UTC), "2031-04-15", "2031-06-13"},
		// ...but 23:30 UTC on 13 April is 14 April (BST): due 14 May.
		{"", time.Date(2031, 4, 13, 23, 30, 0, 0, time.UTC), "2031-05-14", "2031-07-14"},
		// Christmas 2032 is a Saturday: 27 and 28 December are the
		// substitute days.
		{"bank_holidays: northern-ireland\n", time.Date(2032, 11, 27, 10, 0, 0, 0, time.UTC), "2032-12-29", "2033-02-28"},
		// A one-off declared in relay.yaml moves the due date.
		{"bank_holiday_changes: [{add: 2031-04-15, name: A one-off holiday}]\n", time.Date(2031, 3, 14, 10, 0, 0, 0, time.UTC), "2031-04-16", "2031-06-16"},
	} {
		cfg := testConfig(t, t.TempDir(), s, tc.config)
		rec := (&Relay{Config: cfg, Now: func() time.Time { return tc.received }, Zone: london}).newRecord("DSR-AAAA-BBBB-CC", "access", nil)
		if rec.Due.String() != tc.due || rec.Extended.String() != tc.extended {
			t.Errorf("%q received %s: due %s, extended %s; want %s, %s", tc.config, tc.received, rec.Due, rec.Extended, tc.due, tc.extended)
		}
	}
}
