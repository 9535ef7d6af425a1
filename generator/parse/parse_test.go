package parse

import "testing"

// A policy's text without control characters is returned as it is, not
// copied.
func TestDropControlsNone(t *testing.T) {
	data := []byte("---\ntitle: x\n---\nTab\tCR\r\nC2 A0:\u00a0 é\n")
	out, body, l := dropControls("content/a.md", data, 16)
	if &out[0] != &data[0] || string(body) != string(data[16:]) || l != nil {
		t.Errorf("dropControls copied or warned: %q %v", body, l)
	}
}
