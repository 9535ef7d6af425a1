// Package corpus writes a deterministic site of N realistic policies, for
// benchmarks: 1,500 to 3,000 words each in 8 to 18 sections, with lists,
// tables, definition lists, footnotes and links to other policies, and about
// 30% of them overdue for review on the given day. The same N and seed
// always give the same files.
package corpus

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/policysite/policysite/generator/date"
)

var words = strings.Fields(`trust school pupil parent staff governor record data personal
information officer request access erasure retention schedule review consent lawful basis
processing controller processor breach incident report secure encrypt device password
backup supplier contract safeguarding concern referral designated lead training annual
policy procedure responsibility accountable transparent fair accurate minimal storage
limited purpose legitimate interest public task vital legal obligation special category
health ethnicity biometric photograph video closed circuit camera visitor volunteer
contractor agency local authority department education inspection complaint appeal
within days weeks months years calendar working term holiday archive destroy shred
delete anonymise pseudonymise share transfer international adequate safeguard clause
the a of and to in for on with by at from that which must should may will can`)

var headings = []string{"Purpose", "Scope", "Roles and responsibilities", "Definitions",
	"Lawful bases", "Collecting information", "Keeping information secure", "Sharing information",
	"Retention", "Your rights", "Requests for information", "Breaches", "Training", "Monitoring",
	"Complaints", "Related policies", "Photographs and video", "Biometric data", "CCTV", "Review"}

// Write writes site.yaml and content/ for n policies into dir, with review
// dates spread around now so that about 30% are overdue.
func Write(dir string, n int, seed uint64, now date.Date) error {
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		return err
	}
	cfg := "title: Benchmark trust policies\nbase_url: https://policies.example.org/\norganisation:\n  name: Benchmark Trust\ndpo:\n  email: dpo@example.org\n"
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte(cfg), 0o644); err != nil {
		return err
	}
	for i := range n {
		r := rand.New(rand.NewPCG(seed, uint64(i)))
		if err := os.WriteFile(filepath.Join(dir, "content", Slug(i)+".md"), Policy(r, i, n, now), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// WriteLarge writes site.yaml and content/handbook.md, one policy of
// about size bytes (Large), into dir.
func WriteLarge(dir string, size int) error {
	if err := os.MkdirAll(filepath.Join(dir, "content"), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "site.yaml"), []byte("title: Handbook\norganisation:\n  name: Benchmark Trust\n"), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "content", "handbook.md"), Large(size), 0o644)
}

// Slug is the slug of policy i.
func Slug(i int) string { return fmt.Sprintf("policy-%05d", i) }

// Policy returns the text of policy i of n.
func Policy(r *rand.Rand, i, n int, now date.Date) []byte {
	var b strings.Builder
	effective := now.AddDays(-30 - r.IntN(700))
	next := now.AddDays(1 + r.IntN(500))
	if r.IntN(10) < 3 {
		next = now.AddDays(-1 - r.IntN(400))
		if !next.After(effective) {
			effective = next.AddDays(-365)
		}
	}
	fmt.Fprintf(&b, "---\ntitle: %s policy %d\nversion: \"%d.%02d\"\neffective: %s\nnext_review: %s\nowner: %s\nsummary: %s.\ncategory: %s\nweight: %d\nnumbered: %v\n---\n\n",
		headings[r.IntN(len(headings))], i, 1+r.IntN(4), r.IntN(20), effective, next,
		[]string{"Data protection officer", "Headteacher", "Trust board", "IT manager"}[r.IntN(4)],
		sentence(r, 12), []string{"Data protection", "Safeguarding", "Our service", "Staff"}[r.IntN(4)], r.IntN(50), r.IntN(2) == 0)
	target := 1500 + r.IntN(1500)
	sections := 8 + r.IntN(11)
	per := target / sections
	b.WriteString(paragraph(r, 60) + "\n\n")
	for s := range sections {
		fmt.Fprintf(&b, "## %s %d\n\n", headings[(s+i)%len(headings)], s+1)
		written := 0
		for written < per {
			switch r.IntN(7) {
			case 0:
				for range 3 + r.IntN(4) {
					b.WriteString("- " + sentence(r, 10) + "\n")
					written += 10
				}
				b.WriteString("\n")
			case 1:
				b.WriteString("| Record | Kept for | Then |\n|---|---|---|\n")
				for range 3 + r.IntN(5) {
					fmt.Fprintf(&b, "| %s | %d years | %s |\n", sentence(r, 3), 1+r.IntN(25), sentence(r, 3))
					written += 8
				}
				b.WriteString("\n")
			case 2:
				term := words[r.IntN(len(words))]
				fmt.Fprintf(&b, "%s\n: %s\n\n", strings.ToUpper(term[:1])+term[1:], sentence(r, 20))
				written += 21
			case 3:
				other := r.IntN(n)
				fmt.Fprintf(&b, "%s See [the related policy](%s.md#%s).\n\n", sentence(r, 15), Slug(other), "in-brief")
				written += 18
			default:
				p := 40 + r.IntN(60)
				b.WriteString(paragraph(r, p) + "\n\n")
				written += p
			}
		}
		if s == 0 {
			b.WriteString("### In brief\n\n" + paragraph(r, 40) + "[^1]\n\n")
		}
	}
	b.WriteString("[^1]: " + sentence(r, 12) + "\n")
	return []byte(b.String())
}

func sentence(r *rand.Rand, n int) string {
	ws := make([]string, n)
	for i := range ws {
		ws[i] = words[r.IntN(len(words))]
		for i > 0 && ws[i] == ws[i-1] { // an editor's slip the linter reports, not realistic prose
			ws[i] = words[r.IntN(len(words))]
		}
	}
	s := strings.Join(ws, " ")
	return strings.ToUpper(s[:1]) + s[1:]
}

func paragraph(r *rand.Rand, n int) string {
	var parts []string
	for n > 0 {
		k := min(n, 8+r.IntN(14))
		parts = append(parts, sentence(r, k)+".")
		n -= k
	}
	return strings.Join(parts, " ")
}

// Large returns one policy of about size bytes, as a trust's
// handbook merged into a single file grows: thousands of headings of a
// few sequence families (Part 12, Appendix C, Key Stage 2, Section 1991)
// that differ from one another by a number or a letter, some real typos
// and exact repeats among them, long lists and long paragraphs. The same
// size always gives the same text.
func Large(size int) []byte {
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString("---\ntitle: Staff handbook\nversion: \"4.2\"\neffective: 2026-09-01\nnext_review: 2027-09-01\nowner: Trust board\n---\n")
	b.WriteString("The handbook gathers every procedure the trust's academies follow in one place.\n\n")
	topics := []string{"Data retention", "Attendance and absence", "Behaviour and rewards", "Curriculum planning",
		"Safer recruitment", "Educational visits", "Premises and security", "Staff wellbeing"}
	letters := "ABCDEFGHJKLMNPQRSTUVWXYZ"
	roman := []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"}
	para := strings.Repeat("Each academy keeps a written record of the decision, the reasons for it and the people who took it, and the head of the academy reviews that record with the governing body at the end of every term. ", 4)
	for i := 0; b.Len() < size; i++ {
		topic := topics[i%len(topics)]
		intro := para // a long paragraph now and then
		if i%5 != 0 {
			intro = para[:200]
		}
		fmt.Fprintf(&b, "## Part %d: %s\n\n%s\n\n", i+1, topic, intro)
		for j := 0; j < 6; j++ {
			r := i % 3
			switch j % 6 {
			case 0:
				fmt.Fprintf(&b, "### Key Stage %d arrangements\n\n", r+i%2+1)
			case 1:
				fmt.Fprintf(&b, "### Appendix %c: %s forms\n\n", letters[(i+r)%len(letters)], topic)
			case 2:
				fmt.Fprintf(&b, "### Section %d of the %s procedure\n\n", 1990+i*7+r, strings.ToLower(topic))
			case 3:
				fmt.Fprintf(&b, "### Schedule %s for year %d\n\n", roman[(i+r)%len(roman)], 7+r)
			case 4:
				fmt.Fprintf(&b, "### %s in practice, part %d\n\n", topic, r+1)
			case 5:
				// A typo of the part's topic now and then, which the rule
				// must still find.
				if i%50 == 0 {
					fmt.Fprintf(&b, "### %s review\n\n", strings.Replace(topic, "e", "ee", 1))
				} else {
					fmt.Fprintf(&b, "### %s review %d\n\n", topic, r+1)
				}
			}
			b.WriteString(para[:80+(i*31+j*17)%200])
			b.WriteString("\n\n")
			if j == 0 && i%2 == 0 {
				b.WriteString("The steps are:\n\n")
				for k := 0; k < 12; k++ {
					fmt.Fprintf(&b, "- step %d: the member of staff named in the schedule records the outcome and informs the lead\n", k+1)
				}
				b.WriteString("\n")
			}
		}
	}
	return []byte(b.String())
}
