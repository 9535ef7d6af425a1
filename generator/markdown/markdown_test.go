package markdown

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

func TestSlug(t *testing.T) {
	tests := map[string]string{
		"Your rights":                 "your-rights",
		"Who we are & what we do":     "who-we-are-what-we-do",
		"1.2 Scope":                   "12-scope",
		"  Trim -- me_too  ":          "trim-me-too",
		"Données personnelles":        "données-personnelles",
		"Ysgol Gymraeg: ein polisi":   "ysgol-gymraeg-ein-polisi",
		"データ保護":                       "データ保護",
		"!!!":                         "",
		"CCTV (closed-circuit) video": "cctv-closed-circuit-video",
	}
	for in, want := range tests {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRender(t *testing.T) {
	tests := []struct {
		name, in string
		opts     Options
		contains []string
		absent   []string
		problems []string
	}{
		{name: "heading ids unique",
			in:       "## Rights\n\n## Rights\n\n## Rights\n",
			contains: []string{`id="rights"`, `id="rights-1"`, `id="rights-2"`}},
		{name: "heading with markup",
			in:       "## The *UK* `GDPR`\n",
			contains: []string{`<h2 id="the-uk-gdpr">`}},
		{name: "numbered",
			in:       "## A\n\n### A1\n\n### A2\n\n## B\n\n### B1\n",
			opts:     Options{Numbered: true},
			contains: []string{`>1 A</h2>`, `>1.2 A2</h3>`, `>2.1 B1</h3>`}},
		{name: "raw html dropped",
			in:       "Hi <script>alert(1)</script>\n\n<iframe src=x></iframe>\n",
			absent:   []string{"<script", "<iframe"},
			problems: []string{"3:warning:raw HTML", "19:warning:raw HTML", "30:warning:raw HTML"}},
		{name: "raw html allowed",
			in:       "<abbr title=\"x\">X</abbr>\n",
			opts:     Options{UnsafeHTML: true},
			contains: []string{"<abbr"}},
		{name: "comment is quiet",
			in:     "Text <!-- check: ignore placeholder -->\n\n<!-- note -->\n",
			absent: []string{"<!-- check"}},
		{name: "javascript link neutralised",
			in:       "[click](javascript:alert(1)) and [x](JAVASCRIPT:void) and [y](\tjavascript:x) ![i](data:image/png;base64,AA)",
			absent:   []string{"javascript", "JAVASCRIPT", "data:"},
			contains: []string{"click and x and"},
			problems: []string{"0:warning:link to a javascript:", "33:warning:link to a javascript:", "58:warning:link to a javascript:", "77:warning:link to a data:"}},
		{name: "vbscript autolink",
			in:       "<vbscript:msgbox>",
			absent:   []string{"href"},
			problems: []string{"0:warning:link to a vbscript:"}},
		{name: "safe links kept",
			in:       "[a](https://ico.org.uk/) [b](mailto:dpo@example.org) [c](tel:+441632960000) [d](#top) [e](/requests/)",
			contains: []string{`href="https://ico.org.uk/"`, `href="mailto:dpo@example.org"`, `href="tel:+441632960000"`, `href="#top"`, `href="/requests/"`}},
		{name: "policy link rewritten",
			in:       "[p](privacy-notice.md#your-rights) [q](../cookies/index.md)",
			opts:     Options{Path: "content/data-protection/index.md", BasePath: "/policies/"},
			contains: []string{`href="/policies/privacy-notice/#your-rights"`, `href="/policies/cookies/"`}},
		{name: "link out of content",
			in:       "[p](../../etc/passwd.md)",
			opts:     Options{Path: "content/x.md"},
			problems: []string{"0:error:link to \"../../etc/passwd.md\" points outside content/"}},
		{name: "tables use classes not styles",
			in:       "| a | b |\n|--:|:-:|\n| 1 | 2 |\n",
			contains: []string{`<td class="r">1</td>`, `<td class="c">2</td>`},
			absent:   []string{"style=", "align="}},
		{name: "definition list and footnote",
			in:       "Term\n: Meaning\n\nSee note[^1].\n\n[^1]: The note.\n",
			contains: []string{"<dl>", "<dt>Term</dt>", `role="doc-noteref"`}},
		{name: "typography",
			in:       `"Quoted" -- and ... it's`,
			contains: []string{"&ldquo;Quoted&rdquo;", "&ndash;", "&hellip;", "it&rsquo;s"}},
	}
	for _, tt := range tests {
		if tt.opts.Path == "" {
			tt.opts.Path = "content/p.md"
		}
		r := Render([]byte(tt.in), tt.opts)
		html := string(r.HTML)
		for _, c := range tt.contains {
			if !strings.Contains(html, c) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, c, html)
			}
		}
		for _, c := range tt.absent {
			if strings.Contains(html, c) {
				t.Errorf("%s: output has %q:\n%s", tt.name, c, html)
			}
		}
		var got []string
		for _, p := range r.Problems {
			got = append(got, strings.Join([]string{strconv.Itoa(p.Offset), p.Severity.String(), p.Message}, ":"))
		}
		if len(got) != len(tt.problems) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.problems)
			continue
		}
		for i := range got {
			if !strings.HasPrefix(got[i], tt.problems[i]) {
				t.Errorf("%s: problem %q, want prefix %q", tt.name, got[i], tt.problems[i])
			}
		}
	}
}

// Contents text is a heading's text as readers see it, decoded once; ids
// come from that text with punctuation dropped; the id the heading had
// when typographer entities leaked into ids stays as an alias.
func TestHeadings(t *testing.T) {
	tests := []struct {
		name, in        string
		text, id, alias string // alias "": none; text "": no heading kept
	}{
		{"apostrophe", "## Pupils' records", "Pupils’ records", "pupils-records", "pupilsrsquo-records"},
		{"contraction", "## Who's who at Hollin Vale", "Who’s who at Hollin Vale", "whos-who-at-hollin-vale", "whorsquos-who-at-hollin-vale"},
		{"double quotes", `## The "need to know" test`, "The “need to know” test", "the-need-to-know-test", "the-ldquoneed-to-knowrdquo-test"},
		{"quotes, ampersand, en dash", `## Parents' & carers' "rights" -- overview`, "Parents’ & carers’ “rights” – overview", "parents-carers-rights-overview", "parentsrsquo-carersrsquo-ldquorightsrdquo-ndash-overview"},
		{"em dash", "## Trips --- day and residential", "Trips — day and residential", "trips-day-and-residential", "trips-mdash-day-and-residential"},
		{"ellipsis", "## And finally...", "And finally…", "and-finally", "and-finallyhellip"},
		{"guillemets", "## <<Bienvenue>> families", "«Bienvenue» families", "bienvenue-families", "laquobienvenueraquo-families"},
		{"ampersand", "## Fees & charges", "Fees & charges", "fees-charges", ""},
		{"entity ampersand", "## Fees &amp; charges", "Fees & charges", "fees-charges", "fees-amp-charges"},
		{"escaped img text", `## Using the \<img> element`, "Using the <img> element", "using-the-img-element", ""},
		{"entity img text", "## The &lt;img&gt; tag", "The <img> tag", "the-img-tag", "the-ltimggt-tag"},
		{"code span kept literal", "## The `&amp;` sign", "The &amp; sign", "the-amp-sign", ""},
		{"numeric reference", "## Caf&#233; rota", "Café rota", "café-rota", "caf233-rota"},
		{"welsh apostrophe", "## Polisi'r ysgol", "Polisi’r ysgol", "polisir-ysgol", "polisirsquor-ysgol"},
		{"non-Latin", "## 個人情報の取り扱い", "個人情報の取り扱い", "個人情報の取り扱い", ""},
		{"greek with quote", "## Γονείς' δικαιώματα", "Γονείς’ δικαιώματα", "γονείς-δικαιώματα", "γονείςrsquo-δικαιώματα"},
		{"image and text", "## ![crest](crest.png) Admissions", "Admissions", "admissions", "crest-admissions"},
		{"raw HTML only", "## <img src=crest.png>", "", "", ""},
		{"image only", "## ![Hollin Vale crest](crest.png)", "", "", ""},
		{"empty", "##", "", "", ""},
		{"the theme's main", "## Main", "Main", "main-1", ""},
		{"the theme's consent", "## Consent", "Consent", "consent-1", ""},
		{"the theme's contents", "## TOC", "TOC", "toc-1", ""},
		{"a cookie switch's", "## CC analytics", "CC analytics", "s-cc-analytics", ""},
		{"a footnote's", "## Fn 1", "Fn 1", "s-fn-1", ""},
	}
	for _, tt := range tests {
		for _, unsafe := range []bool{false, true} {
			r := Render([]byte(tt.in+"\n"), Options{Path: "content/p.md", UnsafeHTML: unsafe})
			if tt.text == "" {
				if len(r.Headings) != 0 || strings.Contains(r.HTML, "id=") {
					t.Errorf("%s: headings %+v, HTML %s; want none, no id", tt.name, r.Headings, r.HTML)
				}
				if !slices.ContainsFunc(r.Problems, func(p Problem) bool { return p.Rule == "empty-heading" && p.Offset == 0 }) {
					t.Errorf("%s: problems %+v, want empty-heading at 0", tt.name, r.Problems)
				}
				continue
			}
			if len(r.Headings) != 1 {
				t.Errorf("%s: headings %+v", tt.name, r.Headings)
				continue
			}
			h := r.Headings[0]
			if h.Text != tt.text || h.ID != tt.id || strings.Join(h.Aliases, " ") != tt.alias {
				t.Errorf("%s: text %q id %q aliases %q, want %q %q %q", tt.name, h.Text, h.ID, h.Aliases, tt.text, tt.id, tt.alias)
			}
			want := `<h2 id="` + tt.id + `">`
			if tt.alias != "" {
				want += `<span id="` + tt.alias + `"></span>`
			}
			if !strings.HasPrefix(r.HTML, want) {
				t.Errorf("%s: HTML %s, want it to start %s", tt.name, r.HTML, want)
			}
		}
	}
}

// An alias never takes an id another heading has, nor numbering its place.
func TestHeadingAliases(t *testing.T) {
	r := Render([]byte("## Staff's duties\n\n## Staffrsquos duties\n\n## Staff's duties\n"), Options{Path: "content/p.md", Numbered: true})
	var got []string
	for _, h := range r.Headings {
		got = append(got, h.ID+"="+strings.Join(h.Aliases, ","))
	}
	// The old ids were staffrsquos-duties, -1 and -2: the first is now the
	// second heading's own id, so the first heading loses it.
	if want := []string{"staffs-duties=", "staffrsquos-duties=staffrsquos-duties-1", "staffs-duties-1=staffrsquos-duties-2"}; !slices.Equal(got, want) {
		t.Errorf("ids=aliases %q, want %q", got, want)
	}
	if want := `<h2 id="staffs-duties-1"><span id="staffrsquos-duties-2"></span>3 Staff&rsquo;s duties</h2>`; !strings.Contains(r.HTML, want) {
		t.Errorf("HTML lacks %s:\n%s", want, r.HTML)
	}
}

// An image's alt text, kept when its link is removed, is decoded once.
func TestUnwrapImageText(t *testing.T) {
	r := Render([]byte(`![Fish &amp; chips, 'Friday'](data:x) ![a \&copy; b](data:y)`), Options{Path: "content/p.md"})
	if want := "Fish &amp; chips, ‘Friday’ a &amp;copy; b"; !strings.Contains(r.HTML, want) {
		t.Errorf("HTML %s, want %s", r.HTML, want)
	}
}

func TestLinks(t *testing.T) {
	r := Render([]byte("Intro.\n\nSee [a](a.md#x) and [b](#local).\n"), Options{Path: "content/p.md"})
	if len(r.Links) != 2 || r.Links[0].Target != "content/a.md" || r.Links[0].Fragment != "x" || r.Links[0].Offset != 12 ||
		r.Links[1].Target != "" || r.Links[1].Fragment != "local" {
		t.Errorf("Links = %+v", r.Links)
	}
}

// An archived version resolves links from its policy's index.md.
func TestLinkBase(t *testing.T) {
	r := Render([]byte("[a](../a.md#x)\n"), Options{Path: "content/p/history/1.0.md", LinkBase: "content/p/index.md"})
	if len(r.Links) != 1 || r.Links[0].Target != "content/a.md" || !strings.Contains(string(r.HTML), `href="/a/#x"`) {
		t.Errorf("Links = %+v, HTML %s", r.Links, r.HTML)
	}
}

func FuzzRender(f *testing.F) {
	for _, s := range []string{"## A\n\ntext [a](b.md#c)\n", "[x](javascript:y)", "| a |\n|---|\n| b |", "Term\n: def\n\n[^1]\n\n[^1]: n", "<div>\n", "## \n"} {
		f.Add([]byte(s), true)
	}
	f.Fuzz(func(t *testing.T, body []byte, numbered bool) {
		r := Render(body, Options{Path: "content/p.md", Numbered: numbered})
		for _, p := range r.Problems {
			if p.Offset < 0 || p.Offset > len(body) {
				t.Fatalf("problem offset %d outside body of %d bytes", p.Offset, len(body))
			}
		}
		for _, l := range r.Links {
			if l.Offset < 0 || int(l.Offset) > len(body) {
				t.Fatalf("link offset %d out of bounds", l.Offset)
			}
		}
		seen := map[string]bool{}
		for _, h := range r.Headings {
			for _, id := range append([]string{h.ID}, h.Aliases...) {
				if seen[id] {
					t.Fatalf("duplicate heading id or alias %q", id)
				}
				seen[id] = true
			}
		}
		if utf8.Valid(body) && !utf8.ValidString(r.HTML) {
			t.Fatalf("valid UTF-8 in, invalid out")
		}
		if strings.Contains(strings.ToLower(string(r.HTML)), "javascript:") && strings.Contains(string(r.HTML), "href=\"javascript") {
			t.Fatalf("javascript: href in output")
		}
	})
}

// linkifyCases are texts where bare URLs and addresses may or may not be
// links: quickLinkify must refuse only what goldmark's own parser refuses.
var linkifyCases = []string{
	"see www.example.com and http://a.b/c?d=e, https://x.org. ftp://f.net/x",
	"mail dpo@school.org or (office@trust.ac.uk) *a@b.co* _c@d.io_ ~e@f.gg~",
	"HTTP://upper.case WWW.UPPER.COM Www.mixed.com hTTp://x.y",
	"a@b no.dot@host @alone x@ @@ a@b.c- a@b.c_ trailing.dot@host.com.",
	"tab\tw@x.yz\tand\twww.tab.com\nline head www.start.com\nuser@start.org begins",
	"a " + strings.Repeat("x", 63) + "@long.com and " + strings.Repeat("y", 64) + "@longer.com and " + strings.Repeat("z", 65) + "@longest.com",
	"[label www.inside.com](x.md) and [a@b.com](y.md) and <http://auto.link>",
	"héllo@exämple.com naïve www.ünï.com (http://paren.com/a_(b)) www.x.com/a?b=c&amp;",
	"| www.cell.com | a@cell.org |\n|---|---|\n| http://c.d | e |",
}

// quickLinkify gives the HTML goldmark's linkify gives.
func TestQuickLinkify(t *testing.T) {
	theirs := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, extension.Linkify))
	ours := goldmark.New(goldmark.WithExtensions(extension.Table, extension.Strikethrough, linkify{}))
	for _, s := range linkifyCases {
		var want, got bytes.Buffer
		if err := theirs.Convert([]byte(s), &want); err != nil {
			t.Fatal(err)
		}
		if err := ours.Convert([]byte(s), &got); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%q:\ngot  %s\nwant %s", s, got.String(), want.String())
		}
	}
}

func FuzzQuickLinkify(f *testing.F) {
	for _, s := range linkifyCases {
		f.Add(s)
	}
	theirs := goldmark.New(goldmark.WithExtensions(extension.Linkify))
	ours := goldmark.New(goldmark.WithExtensions(linkify{}))
	f.Fuzz(func(t *testing.T, s string) {
		var want, got bytes.Buffer
		theirs.Convert([]byte(s), &want)
		ours.Convert([]byte(s), &got)
		if got.String() != want.String() {
			t.Fatalf("%q:\ngot  %s\nwant %s", s, got.String(), want.String())
		}
	})
}

// Documents as people write them: a contents list of their own, annexes
// among numbered sections, links by the site's URLs.
func TestWrittenAsInWord(t *testing.T) {
	const own = "## Contents\n\n1. Scope\n2. Roles\n3. Annex A: Forms\n\n## Scope\n\nText.\n\n## Roles\n\n### Governors\n\nText.\n\n## Annex A: Forms\n\n### Consent form\n\nText.\n\n## Appendix 2\n\nText.\n\n## Schedule of charges\n\nText.\n"
	tests := []struct {
		name, in string
		opts     Options
		headings string // "number text" of each, joined by "|"
		contains []string
		absent   []string
		problems []string // "offset:rule"
		own      bool     // Result.OwnContents is set
	}{
		{name: "own contents left out, annexes unnumbered", in: own, opts: Options{Numbered: true},
			headings: "1 Scope|2 Roles|2.1 Governors| Annex A: Forms| Consent form| Appendix 2|3 Schedule of charges",
			contains: []string{`<h2 id="annex-a-forms">Annex A: Forms</h2>`, `>3 Schedule of charges</h2>`},
			absent:   []string{"Contents", "<ol>"},
			problems: []string{"0:own-contents"}, own: true},
		{name: "table of contents, unnumbered", in: "# Title\n\n## Table of contents\n\n- Scope\n- Elsewhere\n\n## Scope\n\nText.\n",
			headings: " Title| Scope", absent: []string{"<ul>", "Elsewhere"}, problems: []string{"9:own-contents"}, own: true},
		{name: "a list naming too few headings stays", in: "## Contents\n\n- A torch\n- A map\n- Scope\n\n## Scope\n\nText.\n",
			headings: " Contents| Scope", contains: []string{"<li>A torch</li>"}},
		{name: "contents heading without a list stays", in: "## Contents\n\nThe box holds a torch.\n\n## Scope\n",
			headings: " Contents| Scope"},
		{name: "annex words", in: "## Annexe 3\n\n## ANNEX\n\n## Appendix iv – Glossary\n\n## Appendices\n\n## Schedule: fees\n", opts: Options{Numbered: true},
			headings: " Annexe 3| ANNEX| Appendix iv – Glossary|1 Appendices| Schedule: fees"},
		{name: "root-relative links under the base path", in: "[form](/requests/) [p](/privacy-notice/#rights) [home](/) [q](/requests/?type=access)",
			opts:     Options{BasePath: "/policies/"},
			contains: []string{`href="/policies/requests/"`, `href="/policies/privacy-notice/#rights"`, `href="/policies/"`, `href="/policies/requests/?type=access"`}},
		{name: "root-relative images under the base path, relative ones as written", in: "![crest](/crest.png) ![map](site-map.png) ![cdn](//cdn.example/x.png) [![linked](/crest.png)](/requests/)",
			opts:     Options{BasePath: "/policies/"},
			contains: []string{`src="/policies/crest.png" alt="crest"`, `src="site-map.png"`, `src="//cdn.example/x.png"`, `<a href="/policies/requests/"><img src="/policies/crest.png" alt="linked">`}},
	}
	for _, tt := range tests {
		tt.opts.Path = "content/p.md"
		r := Render([]byte(tt.in), tt.opts)
		var hs []string
		for _, h := range r.Headings {
			hs = append(hs, h.Number+" "+h.Text)
		}
		if got := strings.Join(hs, "|"); tt.headings != "" && got != tt.headings {
			t.Errorf("%s: headings %q, want %q", tt.name, got, tt.headings)
		}
		for _, c := range tt.contains {
			if !strings.Contains(r.HTML, c) {
				t.Errorf("%s: output lacks %q:\n%s", tt.name, c, r.HTML)
			}
		}
		for _, c := range tt.absent {
			if strings.Contains(r.HTML, c) {
				t.Errorf("%s: output has %q:\n%s", tt.name, c, r.HTML)
			}
		}
		var got []string
		for _, p := range r.Problems {
			got = append(got, strconv.Itoa(p.Offset)+":"+p.Rule)
		}
		if !slices.Equal(got, tt.problems) {
			t.Errorf("%s: problems %q, want %q", tt.name, got, tt.problems)
		}
		if (r.OwnContents != nil) != tt.own {
			t.Errorf("%s: OwnContents %v, want %v", tt.name, r.OwnContents != nil, tt.own)
		}
	}
}

func TestRootRelativeLinks(t *testing.T) {
	r := Render([]byte("[a](/requests/?x=1#form) [b](/data-protection/history/) [c](/privacy-notice.md) [d](//cdn.example/x) ![e](/crest.png) ![f](crest.png)"), Options{Path: "content/p.md", BasePath: "/policies/"})
	var got []string
	for _, k := range r.Links {
		got = append(got, k.Target+"|"+k.Path+"|"+k.Fragment+"|"+strings.Join(k.Slugs(), ",")+"|"+strconv.FormatBool(k.Image))
	}
	want := []string{"|/requests/|form|requests|false", "|/data-protection/history/||data-protection/history,data-protection|false", "content/privacy-notice.md|||privacy-notice|false", "|/crest.png||crest.png|true"}
	if !slices.Equal(got, want) {
		t.Errorf("links %q, want %q", got, want)
	}
}
