package docx

import (
	"strconv"
	"strings"
)

// A style is one w:style of styles.xml.
type style struct {
	typ, name, basedOn string
	outline            int // w:outlineLvl, 0-based; -1 when not set
	numID, ilvl        string
	hasNum             bool
	bold, italic       int // 1 set, 0 cleared, -1 not said
}

// styles resolves paragraph and character styles through their basedOn chains.
type styles struct {
	byID  map[string]*style
	paras map[string]paraKind // para's answers, by style id
}

func parseStyles(root *node) *styles {
	s := &styles{byID: map[string]*style{}, paras: map[string]paraKind{}}
	if root == nil {
		return s
	}
	for _, n := range root.kids {
		if n.name != "style" {
			continue
		}
		st := &style{typ: n.get("type"), outline: -1, bold: -1, italic: -1}
		st.name = n.child("name").get("val")
		st.basedOn = n.child("basedOn").get("val")
		if ppr := n.child("pPr"); ppr != nil {
			if o := ppr.child("outlineLvl"); o != nil {
				if v, err := strconv.Atoi(o.get("val")); err == nil {
					st.outline = v
				}
			}
			if np := ppr.child("numPr"); np != nil {
				st.hasNum = true
				st.numID = np.child("numId").get("val")
				st.ilvl = np.child("ilvl").get("val")
			}
		}
		if rpr := n.child("rPr"); rpr != nil {
			st.bold = tri(rpr.child("b"))
			st.italic = tri(rpr.child("i"))
		}
		id := n.get("styleId")
		if _, dup := s.byID[id]; !dup {
			s.byID[id] = st
		}
	}
	return s
}

func tri(n *node) int {
	if n == nil {
		return -1
	}
	if n.on() {
		return 1
	}
	return 0
}

// chain calls f on the style id and each style it is based on, nearest
// first, until f returns true; cycles and chains longer than 32 stop it.
func (s *styles) chain(id string, f func(id string, st *style) bool) {
	for i := 0; i < 32 && id != ""; i++ {
		st := s.byID[id]
		if st == nil {
			f(id, &style{outline: -1, bold: -1, italic: -1})
			return
		}
		if f(id, st) {
			return
		}
		id = st.basedOn
	}
}

// headingNames match the names of heading styles in the languages Word and
// LibreOffice are used in: "heading 1", "Überschrift 1", "Titre 1",
// "Título 1", "Kop 1", "Rubrik 1", "Nagłówek 1", "Otsikko 1".
var headingName = compiled(`^(?i:heading|überschrift|titre|título|titulo|titolo|kop|rubrik|overskrift|nagłówek|otsikko|nadpis|cím|заголовок|başlık)\s*([1-9])$`)

var titleName = compiled(`^(?i:title|titel|titre|título|titulo|titolo|tytuł|otsikko|rubrik|nadpis|cím)$`)
var subtitleName = compiled(`^(?i:subtitle|untertitel|sous-titre|subtítulo|sottotitolo|ondertitel|undertitel|podtytuł)$`)
var tocName = compiled(`^(?i:toc|contents|inhaltsverzeichnis|verzeichnis|table des matières|tdm|índice|inhoudsopgave)\s*[1-9]$|^(?i:toc heading|contents heading)$`)

// paraKind is what a paragraph style makes of a paragraph.
type paraKind struct {
	heading                 int
	title, subtitle, toc    bool
	numID, ilvl             string
	hasNum                  bool
	outlineSet, nameMatched bool
}

// para resolves a paragraph style: its heading level from its name or
// outline level (the nearest in the chain that says), whether it is the
// title, and the numbering it brings.
func (s *styles) para(id string) paraKind {
	if k, ok := s.paras[id]; ok {
		return k
	}
	k := s.resolvePara(id)
	s.paras[id] = k
	return k
}

func (s *styles) resolvePara(id string) paraKind {
	var k paraKind
	if id == "" {
		id = s.defaultPara()
	}
	s.chain(id, func(sid string, st *style) bool {
		name := strings.TrimSpace(st.name)
		if !k.hasNum && st.hasNum {
			k.hasNum, k.numID, k.ilvl = true, st.numID, st.ilvl
		}
		if k.heading == 0 && !k.title && !k.toc {
			switch m := headingName().FindStringSubmatch(name); {
			case m != nil:
				k.heading = int(m[1][0] - '0')
			case titleName().MatchString(name) || sid == "Title":
				k.title = true
			case subtitleName().MatchString(name) || sid == "Subtitle":
				k.subtitle = true
			case tocName().MatchString(name):
				k.toc = true
			case st.outline >= 0 && st.outline < 9:
				k.heading = st.outline + 1
			default:
				if m := headingName().FindStringSubmatch(strings.TrimSpace(splitCamel(sid))); m != nil {
					k.heading = int(m[1][0] - '0')
				}
			}
		}
		return false
	})
	return k
}

// splitCamel turns a style id such as "Heading1" into "Heading1" with a
// space before the digit: "Heading 1".
func splitCamel(id string) string {
	if n := len(id); n > 1 && id[n-1] >= '1' && id[n-1] <= '9' {
		return id[:n-1] + " " + id[n-1:]
	}
	return id
}

func (s *styles) defaultPara() string {
	if _, ok := s.byID["Normal"]; ok {
		return "Normal"
	}
	return ""
}

// char resolves a character style to bold and italic (-1 when it says
// nothing). Word's "Strong" and LibreOffice's "StrongEmphasis" are bold,
// "Emphasis" is italic, whatever their properties.
func (s *styles) char(id string) (bold, italic int) {
	bold, italic = -1, -1
	s.chain(id, func(sid string, st *style) bool {
		n := strings.ToLower(strings.ReplaceAll(st.name+"|"+sid, " ", ""))
		if bold < 0 {
			if st.bold >= 0 {
				bold = st.bold
			} else if strings.Contains(n, "strong") {
				bold = 1
			}
		}
		if italic < 0 {
			if st.italic >= 0 {
				italic = st.italic
			} else if strings.HasPrefix(n, "emphasis|") || strings.HasSuffix(n, "|emphasis") {
				italic = 1
			}
		}
		return bold >= 0 && italic >= 0
	})
	return
}

// A level is one level of a list definition.
type level struct {
	format string // numFmt: bullet, decimal, lowerLetter, none, ...
	start  int
}

// numbering resolves w:numId and w:ilvl to a list format.
type numbering struct {
	abstract map[string]map[int]level
	nums     map[string]string      // numId -> abstractNumId
	starts   map[string]map[int]int // numId -> ilvl -> startOverride
	counters map[string]map[int]int // numId -> ilvl -> last number given
}

func parseNumbering(root *node) *numbering {
	nb := &numbering{abstract: map[string]map[int]level{}, nums: map[string]string{}, starts: map[string]map[int]int{}, counters: map[string]map[int]int{}}
	if root == nil {
		return nb
	}
	for _, n := range root.kids {
		switch n.name {
		case "abstractNum":
			lv := map[int]level{}
			for _, l := range n.kids {
				if l.name != "lvl" {
					continue
				}
				i, err := strconv.Atoi(l.get("ilvl"))
				if err != nil || i < 0 || i > 9 {
					continue
				}
				v := level{format: l.child("numFmt").get("val"), start: 1}
				if st, err := strconv.Atoi(l.child("start").get("val")); err == nil {
					v.start = st
				}
				if v.format == "" {
					v.format = "decimal"
				}
				lv[i] = v
			}
			nb.abstract[n.get("abstractNumId")] = lv
		case "num":
			id := n.get("numId")
			nb.nums[id] = n.child("abstractNumId").get("val")
			for _, o := range n.kids {
				if o.name != "lvlOverride" {
					continue
				}
				i, err1 := strconv.Atoi(o.get("ilvl"))
				st, err2 := strconv.Atoi(o.child("startOverride").get("val"))
				if err1 == nil && err2 == nil {
					if nb.starts[id] == nil {
						nb.starts[id] = map[int]int{}
					}
					nb.starts[id][i] = st
				}
			}
		}
	}
	return nb
}

// item returns the list item for a paragraph numbered numID at ilvl, and
// counts it; ok is false for no numbering (numId 0, a format of none or a
// numId numbering.xml does not define).
func (nb *numbering) item(numID string, ilvl int) (ListItem, bool) {
	if numID == "" || numID == "0" {
		return ListItem{}, false
	}
	abs, ok := nb.nums[numID]
	if !ok {
		return ListItem{}, false
	}
	lv, ok := nb.abstract[abs][ilvl]
	if !ok {
		lv = level{format: "bullet", start: 1}
	}
	if lv.format == "none" {
		return ListItem{}, false
	}
	c := nb.counters[numID]
	if c == nil {
		c = map[int]int{}
		nb.counters[numID] = c
	}
	n, seen := c[ilvl]
	if !seen {
		n = lv.start
		if st, ok := nb.starts[numID][ilvl]; ok {
			n = st
		}
	} else {
		n++
	}
	c[ilvl] = n
	for k := range c {
		if k > ilvl {
			delete(c, k)
		}
	}
	return ListItem{Level: ilvl, Ordered: lv.format != "bullet", Number: n, ID: numID}, true
}
