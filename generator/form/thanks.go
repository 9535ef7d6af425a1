package form

// The wording that tells a requester their request has arrived and what
// happens next. Four places show it: the site's /requests/thanks/ page, the
// confirmation the form shows in place of itself when JavaScript sends it,
// formrelay's own thanks page (where a form posted without JavaScript
// lands) and the acknowledgement email. All of them take it from here, so
// they cannot drift apart.
const (
	// ReceivedTitle heads every confirmation.
	ReceivedTitle = "We have received your request"
	// QuoteReference follows "Your reference is DSR-…".
	QuoteReference = "Please quote it if you contact us about this request."
	// AckNote says the acknowledgement email is on its way.
	AckNote = "We are emailing you an acknowledgement with your reference and the date by which we will reply. If it has not arrived within an hour, check your junk mail folder."
	// ComplainURL is where the Information Commissioner's Office takes complaints.
	ComplainURL = "https://ico.org.uk/make-a-complaint/"
)

// A Step is one thing that happens after a request is made: a sentence,
// and the address of a page it refers to, shown after it.
type Step struct {
	Text string `json:"text"`
	URL  string `json:"url,omitempty"`
}

// NextSteps says what happens after a request, in the order the requester
// meets it. due and extended are the reply-by dates as they should read
// ("Tuesday 23 December 2025"); when due is "" (the static thanks page,
// which cannot know when the request arrived) the reply step gives the
// period instead.
func NextSteps(due, extended string) []Step {
	reply := "We will reply within one month of receiving your request. If your request is complex, we may extend this by up to two further months; if we do, we will tell you why within the first month."
	if due != "" {
		reply = "We will reply by " + due + ". If your request is complex, we may extend this by up to two further months"
		if extended != "" {
			reply += ", to " + extended
		}
		reply += "; if we do, we will tell you why within the first month."
	}
	return []Step{
		{Text: "We may ask you for proof of your identity, so that we never give your information to someone else. If we do, our time to reply starts when we receive it."},
		{Text: reply},
		{Text: "If you are unhappy with how we handle your request, you can complain to the Information Commissioner's Office:", URL: ComplainURL},
	}
}

// A Thanks is the wording of a confirmation, for templates.
type Thanks struct {
	Title, QuoteReference, AckNote string
	Steps                          []Step
}

// Thanks returns the confirmation's wording without dates, for the site's
// templates (as .Site.Config.Requests.Thanks).
func (s *Spec) Thanks() Thanks {
	return Thanks{Title: ReceivedTitle, QuoteReference: QuoteReference, AckNote: AckNote, Steps: NextSteps("", "")}
}
