// Package browsertest holds the tests that prove a built site in real
// Chromium: the cookie notice and consent, the Content-Security-Policy of
// _headers, keyboard operation, the review warning re-evaluated in the
// browser, pages without JavaScript, and axe-core's WCAG 2.2 A/AA checks in
// light and dark colour schemes. Chromium starts once per test binary; each
// test gets its own browser context, so cookies never leak between tests,
// and every page's clock starts at a fixed instant in a fixed time zone
// (testtools.PinClock), so no test depends on the day it runs.
package browsertest
