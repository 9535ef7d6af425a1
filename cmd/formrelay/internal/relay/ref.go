package relay

import (
	"crypto/rand"
	"strings"
)

// crockford is Crockford's base32 alphabet: digits and letters without I, L,
// O and U, so a reference read out on the phone cannot be misheard as
// another.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewReference returns a fresh reference such as DSR-7KQ4-M9XT-2B: ten
// characters (50 bits) from crypto/rand, so it cannot be guessed, grouped in
// fours to be read aloud.
func NewReference() string {
	var b [10]byte
	rand.Read(b[:]) // never fails (crypto/rand panics rather than return short)
	var s strings.Builder
	s.WriteString("DSR")
	for i, c := range b {
		if i%4 == 0 {
			s.WriteByte('-')
		}
		s.WriteByte(crockford[c&31]) // 256 is a multiple of 32: uniform
	}
	return s.String()
}

// NormalizeReference reads a reference as a person might type it back:
// any case, with or without hyphens or spaces, and with I, L and O for 1, 1
// and 0. It returns "" if s cannot be a reference.
func NormalizeReference(s string) string {
	s = strings.ToUpper(strings.TrimSpace(s))
	s = strings.TrimPrefix(s, "DSR")
	var raw []byte
	for _, r := range s {
		switch r {
		case '-', ' ':
			continue
		case 'I', 'L':
			r = '1'
		case 'O':
			r = '0'
		}
		if r > 127 || !strings.ContainsRune(crockford, r) {
			return ""
		}
		raw = append(raw, byte(r))
	}
	if len(raw) != 10 {
		return ""
	}
	return "DSR-" + string(raw[0:4]) + "-" + string(raw[4:8]) + "-" + string(raw[8:10])
}
