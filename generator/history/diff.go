package history

import (
	"html/template"
	"strings"

	"golang.org/x/net/html/atom"
)

// An op is one step of a diff of two block lists: a block kept (a and b
// are its indexes), removed (a) or added (b).
type op struct {
	kind byte // '=', '-', '+'
	a, b int
}

// Bounds that keep a diff linear in its input, however the texts differ.
const (
	// maxDepth is how often a gap between matched blocks is split again
	// at blocks found once in each side (patience diff).
	maxDepth = 3
	// maxGap is the largest gap (blocks of one side times the other's)
	// compared block by block for a longest common subsequence; a larger
	// one with no block found once in each side is shown as replaced.
	maxGap = 4096
	// maxWords is the longest text of one block whose words are compared;
	// a longer changed block is shown removed, then added.
	maxWords = 16 << 10
)

// diffBlocks returns the steps from a to b, compared by key: common
// ends, then blocks found once in each side as anchors (their longest
// increasing run, as patience diff does), then a bounded longest common
// subsequence in each gap. Removed blocks come before added ones in a gap.
func diffBlocks(a, b []block) []op {
	var out []op
	var rec func(a0, a1, b0, b1, depth int)
	rec = func(a0, a1, b0, b1, depth int) {
		for a0 < a1 && b0 < b1 && a[a0].key == b[b0].key {
			out = append(out, op{'=', a0, b0})
			a0, b0 = a0+1, b0+1
		}
		end := a1
		for a1 > a0 && b1 > b0 && a[a1-1].key == b[b1-1].key {
			a1, b1 = a1-1, b1-1
		}
		defer func() { // the common end, after the rest
			for i, j := a1, b1; i < end; i, j = i+1, j+1 {
				out = append(out, op{'=', i, j})
			}
		}()
		if a0 == a1 || b0 == b1 || depth >= maxDepth {
			if depth >= maxDepth && (a1-a0)*(b1-b0) <= maxGap {
				lcs(a, b, a0, a1, b0, b1, &out)
				return
			}
			replace(a0, a1, b0, b1, &out)
			return
		}
		anchors := unique(a, b, a0, a1, b0, b1)
		if len(anchors) == 0 {
			if (a1-a0)*(b1-b0) <= maxGap {
				lcs(a, b, a0, a1, b0, b1, &out)
			} else {
				replace(a0, a1, b0, b1, &out)
			}
			return
		}
		pa, pb := a0, b0
		for _, an := range anchors {
			rec(pa, an[0], pb, an[1], depth+1)
			out = append(out, op{'=', an[0], an[1]})
			pa, pb = an[0]+1, an[1]+1
		}
		rec(pa, a1, pb, b1, depth+1)
	}
	rec(0, len(a), 0, len(b), 0)
	return out
}

func replace(a0, a1, b0, b1 int, out *[]op) {
	for i := a0; i < a1; i++ {
		*out = append(*out, op{'-', i, -1})
	}
	for j := b0; j < b1; j++ {
		*out = append(*out, op{'+', -1, j})
	}
}

// unique returns the pairs of indexes of blocks found once in a[a0:a1] and
// once in b[b0:b1], the longest run of them in order in both.
func unique(a, b []block, a0, a1, b0, b1 int) [][2]int {
	type seen struct{ na, nb, ia, ib int }
	m := make(map[uint64]*seen, a1-a0)
	for i := a0; i < a1; i++ {
		s := m[a[i].key]
		if s == nil {
			s = &seen{}
			m[a[i].key] = s
		}
		s.na++
		s.ia = i
	}
	for j := b0; j < b1; j++ {
		if s := m[b[j].key]; s != nil {
			s.nb++
			s.ib = j
		}
	}
	var pairs [][2]int
	for i := a0; i < a1; i++ {
		if s := m[a[i].key]; s.na == 1 && s.nb == 1 {
			pairs = append(pairs, [2]int{s.ia, s.ib})
		}
	}
	// pairs are in a's order; keep the longest run increasing in b.
	js := make([]int, len(pairs))
	for k, p := range pairs {
		js[k] = p[1]
	}
	keep := lis(js)
	var out [][2]int
	for _, p := range pairs {
		if keep[p[1]] {
			out = append(out, p)
		}
	}
	return out
}

// lcs appends the steps of a longest common subsequence of two small
// gaps, found by dynamic programming over at most maxGap cells.
func lcs(a, b []block, a0, a1, b0, b1 int, out *[]op) {
	n, m := a1-a0, b1-b0
	t := make([]int, (n+1)*(m+1)) // t[i*(m+1)+j]: LCS of a[a0+i:], b[b0+j:]
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[a0+i].key == b[b0+j].key {
				t[i*(m+1)+j] = t[(i+1)*(m+1)+j+1] + 1
			} else {
				t[i*(m+1)+j] = max(t[(i+1)*(m+1)+j], t[i*(m+1)+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[a0+i].key == b[b0+j].key:
			*out = append(*out, op{'=', a0 + i, b0 + j})
			i, j = i+1, j+1
		case j < m && (i == n || t[i*(m+1)+j+1] >= t[(i+1)*(m+1)+j]):
			*out = append(*out, op{'+', -1, b0 + j})
			j++
		default:
			*out = append(*out, op{'-', a0 + i, -1})
			i++
		}
	}
}

// An item is one block of a section's diff as shown.
type item struct {
	wrap atom.Atom
	html string
}

// render shows a section's blocks from old to new: kept blocks as they
// are, removed and added ones marked, and a removed block followed by an
// added one of the same kind and mostly the same words as one changed
// block with its words marked. Consecutive list items and table rows
// stand in their list or table.
func render(old, new []block) template.HTML {
	ops := diffBlocks(old, new)
	var items []item
	for k := 0; k < len(ops); {
		if ops[k].kind == '=' {
			b := new[ops[k].b]
			items = append(items, item{b.wrap, b.markup()})
			k++
			continue
		}
		// A gap: its removed blocks, then its added ones.
		var dels, adds []int
		for ; k < len(ops) && ops[k].kind != '='; k++ {
			if ops[k].kind == '-' {
				dels = append(dels, ops[k].a)
			} else {
				adds = append(adds, ops[k].b)
			}
		}
		// Pair each removed block with the next added one like it, in order.
		paired := make(map[int]int, len(dels)) // added index -> removed index
		next := 0
		for _, d := range dels {
			for j := next; j < len(adds) && j < next+3; j++ {
				if alike(&old[d], &new[adds[j]]) {
					paired[j] = d
					next = j + 1
					break
				}
			}
		}
		// Removed blocks show where they stood: before the first added
		// block whose pair comes after them.
		limit := make([]int, len(adds)+1) // the removed index of the next pair at or after j
		limit[len(adds)] = len(old)
		for j := len(adds) - 1; j >= 0; j-- {
			limit[j] = limit[j+1]
			if d, ok := paired[j]; ok {
				limit[j] = d
			}
		}
		used := make(map[int]bool, len(paired))
		for _, d := range paired {
			used[d] = true
		}
		di := 0
		flush := func(upTo int) {
			for ; di < len(dels) && dels[di] < upTo; di++ {
				if !used[dels[di]] {
					items = append(items, item{old[dels[di]].wrap, old[dels[di]].marked("del", "removed")})
				}
			}
		}
		for j, ai := range adds {
			flush(limit[j])
			if d, ok := paired[j]; ok {
				items = append(items, item{new[ai].wrap, changed(&old[d], &new[ai])})
			} else {
				items = append(items, item{new[ai].wrap, new[ai].marked("ins", "added")})
			}
		}
		flush(len(old))
	}
	var s strings.Builder
	for i := 0; i < len(items); {
		w := items[i].wrap
		open, close := "", ""
		switch w {
		case atom.Ul, atom.Ol, atom.Dl:
			open, close = "<"+w.String()+">", "</"+w.String()+">"
		case atom.Table:
			open, close = `<div class="table"><table>`, "</table></div>"
		}
		s.WriteString(open)
		for ; i < len(items) && items[i].wrap == w; i++ {
			s.WriteString(items[i].html)
			if w == 0 {
				i++
				break
			}
		}
		s.WriteString(close)
	}
	return template.HTML(s.String())
}

// alike reports whether two blocks are one block changed: the same kind
// in the same kind of list or table, sharing most of their words.
func alike(x, y *block) bool {
	if x.tag != y.tag || x.wrap != y.wrap || len(x.text) > maxWords || len(y.text) > maxWords {
		return false
	}
	if x.tag == atom.Tr && len(x.cells) != len(y.cells) {
		return false
	}
	return similarity(x.text, y.text) >= 0.4
}

// changed shows block x changed into y: y's element with the removed and
// added words marked; a table row cell by cell.
func changed(x, y *block) string {
	if y.tag == atom.Tr {
		var s strings.Builder
		s.WriteString(y.open)
		for i, c := range y.cells {
			if x.cells[i].text == c.text {
				s.WriteString(c.open + c.inner + c.close)
			} else {
				s.WriteString(c.open + string(Words(x.cells[i].text, c.text)) + c.close)
			}
		}
		s.WriteString(y.close)
		return s.String()
	}
	return y.open + string(Words(x.text, y.text)) + y.close
}
