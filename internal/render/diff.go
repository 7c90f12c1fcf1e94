package render

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// op is what a diff run does to the reference.
type op uint8

const (
	opSame op = iota // in both texts
	opDel            // only in the reference
	opIns            // only in the copy
)

// run is a stretch of words that a diff treats alike. Words keeps the
// words as they are written (punctuation attached), joined by one space.
type run struct {
	op    op
	words []string
}

// maxDiffCells bounds the LCS table (words × words) of one diff. Copies in
// one cluster are similar, so their common prefix and suffix are stripped
// first and the table stays small; past the bound the middles are shown as
// replaced whole rather than spending quadratic time and memory.
const maxDiffCells = 4 << 20

// wordDiff compares a copy with the reference copy word by word. Words are
// split at white space and compared exactly, so a changed quotation mark
// or comma marks its word as changed. The runs are in text order.
//
// A copy of a part of the reference is compared with the part it took:
// the longest common subsequence happily matches a copy's first word, say
// "said", with the reference's first "said", hundreds of words before the
// copy's real start, and would show the copy as one long deletion. Where
// islandCut finds such a chance match at either end, the copy is compared
// again with the reference cut down to the stretch it aligns with (as many
// words before and after as the copy has there), and the words cut off
// are deletions, which trimmed drops.
func wordDiff(ref, copy string) []run {
	a, b := strings.Fields(ref), strings.Fields(copy)
	rs := diffWords(a, b)
	lo, hi := 0, len(a)
	if r, c, ok := islandCut(rs); ok {
		lo = max(0, r-c)
	}
	if r, c, ok := islandCut(backwards(rs)); ok {
		hi = min(len(a), len(a)-r+c)
	}
	if lo == 0 && hi == len(a) || lo >= hi {
		return rs
	}
	var out runs
	out.add(opDel, a[:lo]...)
	for _, r := range diffWords(a[lo:hi], b) {
		out.add(r.op, r.words...)
	}
	out.add(opDel, a[hi:]...)
	return out
}

// islandFactor is how many deleted reference words each matched one must
// be outweighed by before islandCut calls the matched ones chance.
const islandFactor = 8

// islandCut looks for a chance match at the head of a diff: when the diff
// does not start with matched words (the copy starts inside the reference,
// or with words of its own), the head whose reference words deleted after
// its first match outnumber its matched ones most, and islandFactor times
// over, while the words matched after it are at least twice as many (the
// island is a stray, not the bulk of the alignment). It returns the
// number of reference words and of copy words in that head. A copy that
// starts like the reference keeps its alignment, whatever it later drops.
func islandCut(rs []run) (refWords, copyWords int, ok bool) {
	if len(rs) == 0 || rs[0].op == opSame {
		return 0, 0, false
	}
	best, ra, ca := 0, 0, 0
	// after counts the deletions after the first matched word, dels all
	// of them: those before it are the part of the reference the copy
	// did not take, which is no sign of chance.
	total := sameWords(rs)
	same, after, dels, ins := 0, 0, 0, 0
	for _, r := range rs {
		if r.op == opSame && same > 0 && 2*same <= total-same && after-islandFactor*same > best {
			best, ra, ca, ok = after-islandFactor*same, same+dels, same+ins, true
		}
		switch r.op {
		case opSame:
			same += len(r.words)
		case opDel:
			if same > 0 {
				after += len(r.words)
			}
			dels += len(r.words)
		case opIns:
			ins += len(r.words)
		}
	}
	return ra, ca, ok
}

// backwards is a diff's runs in reverse order, so that islandCut, which
// only counts their words, can look at the tail as a head.
func backwards(rs []run) []run {
	out := slices.Clone(rs)
	slices.Reverse(out)
	return out
}

func diffWords(a, b []string) []run {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var out runs
	out.add(opSame, a[:pre]...)
	ma, mb := a[pre:len(a)-suf], b[pre:len(b)-suf]
	if (len(ma)+1)*(len(mb)+1) > maxDiffCells {
		out.add(opDel, ma...)
		out.add(opIns, mb...)
	} else {
		lcs(&out, ma, mb)
	}
	out.add(opSame, a[len(a)-suf:]...)
	return out
}

// lcs appends the diff of a and b by a longest common subsequence,
// preferring deletions before insertions where both are possible.
func lcs(out *runs, a, b []string) {
	n, m := len(a), len(b)
	w := m + 1
	// t[i*w+j] is the LCS length of a[i:] and b[j:].
	t := make([]int32, (n+1)*w)
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i*w+j] = t[(i+1)*w+j+1] + 1
			} else {
				t[i*w+j] = max(t[(i+1)*w+j], t[i*w+j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n && j < m {
		switch {
		case a[i] == b[j]:
			out.add(opSame, a[i])
			i, j = i+1, j+1
		case t[(i+1)*w+j] >= t[i*w+j+1]:
			out.add(opDel, a[i])
			i++
		default:
			out.add(opIns, b[j])
			j++
		}
	}
	out.add(opDel, a[i:]...)
	out.add(opIns, b[j:]...)
}

// runs collects diff runs, merging neighbours with the same op.
type runs []run

func (rs *runs) add(o op, words ...string) {
	if len(words) == 0 {
		return
	}
	if n := len(*rs); n > 0 && (*rs)[n-1].op == o {
		(*rs)[n-1].words = append((*rs)[n-1].words, words...)
		return
	}
	*rs = append(*rs, run{op: o, words: append([]string(nil), words...)})
}

// trimmed drops the deletions at both ends of a diff: a copy that took only
// part of the reference is shown as that part, not as the whole reference
// with most of it struck out. Where an end deletion is part of a
// replacement (followed, at the head, or preceded, at the tail, by an
// insertion), as many deleted words are kept as were inserted, so that
// "“When" replaced by "When" still shows. It reports whether each end was
// cut.
func trimmed(rs []run) (out []run, head, tail bool) {
	out = slices.Clone(rs)
	if len(out) > 0 && out[0].op == opDel {
		keep := 0
		if len(out) > 1 && out[1].op == opIns {
			keep = len(out[1].words)
		}
		if w := out[0].words; len(w) > keep {
			head = true
			if keep == 0 {
				out = out[1:]
			} else {
				out[0].words = w[len(w)-keep:]
			}
		}
	}
	n := len(out)
	switch {
	case n > 0 && out[n-1].op == opDel:
		out, tail = out[:n-1], true
	case n > 1 && out[n-1].op == opIns && out[n-2].op == opDel:
		if keep, w := len(out[n-1].words), out[n-2].words; len(w) > keep {
			out[n-2].words, tail = w[:keep], true
		}
	}
	return out, head, tail
}

// changed reports whether a diff has any deletion or insertion.
func changed(rs []run) bool {
	for _, r := range rs {
		if r.op != opSame {
			return true
		}
	}
	return false
}

// sameWords counts the words a diff keeps.
func sameWords(rs []run) int {
	n := 0
	for _, r := range rs {
		if r.op == opSame {
			n += len(r.words)
		}
	}
	return n
}

// fold is the text of a passage with its white space folded, so that
// copies that differ only in line breaks count as the same text.
func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

// displayWidth is the number of terminal columns s takes: wide East Asian
// runes take two, combining marks none, control characters none.
func displayWidth(s string) int {
	n := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		n += runeWidth(r)
	}
	return n
}
