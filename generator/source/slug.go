package source

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// translit spells letters that do not decompose into a base letter and a
// mark, as German, Danish, Polish and Icelandic writers would in a URL.
var translit = map[rune]string{
	'ß': "ss", 'æ': "ae", 'ø': "o", 'œ': "oe", 'ł': "l", 'đ': "d", 'ð': "d", 'þ': "th", 'ı': "i", 'ŀ': "l",
}

// Slug makes a policy's URL name from its title or its file's name, as
// people write them: lower case, diacritics dropped ("Política de
// Cookies" is politica-de-cookies), every other run of characters a hyphen
// ("privacy_policy" is privacy-policy), at most 60 bytes cut at a hyphen.
// A name that IsSlug is its own slug. It may return "" for a name with no
// letters or digits a URL can hold. source (file names), new (titles) and
// import (titles) all name policies through it.
func Slug(title string) string {
	if len(title) <= 60 && IsSlug(title) {
		return title // most files are named so: no need to spell them out
	}
	var b strings.Builder
	hyphen := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < 0x80 && (r >= 'a' && r <= 'z' || r >= '0' && r <= '9'):
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
		case translit[r] != "":
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteString(translit[r])
		case r == '\'' || r == '’' || r == '®' || r == '™' || r == '©':
			// "Children's" is childrens, not children-s.
		default:
			hyphen = true
		}
	}
	s := b.String()
	for len(s) > 60 {
		i := strings.LastIndexByte(s[:60], '-')
		if i <= 0 {
			s = s[:60]
			break
		}
		s = s[:i]
	}
	return strings.Trim(s, "-")
}
