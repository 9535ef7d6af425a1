package form

import (
	"strings"
	"testing"
)

func TestNextSteps(t *testing.T) {
	for _, tc := range []struct {
		due, extended, want string
	}{
		{"", "", "We will reply within one month of receiving your request. If your request is complex, we may extend this by up to two further months; if we do,"},
		{"Friday 28 February 2025", "", "We will reply by Friday 28 February 2025. If your request is complex, we may extend this by up to two further months; if we do,"},
		{"Friday 28 February 2025", "Wednesday 30 April 2025", "We will reply by Friday 28 February 2025. If your request is complex, we may extend this by up to two further months, to Wednesday 30 April 2025; if we do,"},
	} {
		steps := NextSteps(tc.due, tc.extended)
		if len(steps) != 3 || !strings.HasPrefix(steps[1].Text, tc.want) {
			t.Errorf("NextSteps(%q, %q) = %+v", tc.due, tc.extended, steps)
		}
		if !strings.Contains(steps[0].Text, "proof of your identity") || steps[2].URL != ComplainURL {
			t.Errorf("identity and complaint steps: %+v", steps)
		}
	}
	if th := Default().Thanks(); th.Title != ReceivedTitle || th.Steps[1].Text != NextSteps("", "")[1].Text {
		t.Errorf("Thanks() = %+v", th)
	}
}
