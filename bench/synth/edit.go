package synth

import (
	"fmt"
	"math"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// edited is one copy of a source run after its edit operation.
type edited struct {
	text           string // the planted passage, attribution excluded
	src            span   // the carried-over part of the run, in the source's original text
	prefix, suffix string // attribution words around the passage
	changed        int    // words changed (see Copy.EditFraction)
	trimmed        int    // words dropped by a trim
	detail         string
}

// editor applies edit operations to runs of source sentences.
type editor struct {
	cfg   *Config
	vocab []string // lowercased words, with repetition: draws follow frequency
}

// apply applies op to the run of sentences sents (consecutive, in text);
// ok is false when op cannot be applied to this run.
func (e *editor) apply(r *splitmix.Rand, op Edit, text string, sents []sentence) (edited, bool) {
	run := span{sents[0].start, sents[len(sents)-1].end}
	switch op {
	case EditVerbatim:
		return edited{text: text[run.start:run.end], src: run}, true
	case EditTrim:
		return e.trim(r, text, sents)
	case EditSubstitute:
		return e.substitute(r, text, run)
	case EditPunctuation:
		return punctuate(r, text, run)
	case EditReorder:
		return reorder(r, text, sents)
	case EditAttribution:
		return attribute(r, text, run)
	}
	return edited{}, false
}

// trim drops whole sentences (half the time, when there are several) or
// words at the head or the tail, keeping at least MinWords words.
func (e *editor) trim(r *splitmix.Rand, text string, sents []sentence) (edited, bool) {
	head := r.Chance(0.5)
	end := "tail"
	if head {
		end = "head"
	}
	total := 0
	for _, s := range sents {
		total += s.words
	}
	n := len(sents)
	if n >= 2 && r.Chance(0.5) {
		var ks []int // how many sentences may go
		for k := 1; k < n; k++ {
			kept := 0
			if head {
				for _, s := range sents[k:] {
					kept += s.words
				}
			} else {
				for _, s := range sents[:n-k] {
					kept += s.words
				}
			}
			if kept >= e.cfg.MinWords {
				ks = append(ks, k)
			}
		}
		if len(ks) > 0 {
			k := ks[r.IntN(len(ks))]
			src := span{sents[k].start, sents[n-1].end}
			if !head {
				src = span{sents[0].start, sents[n-k-1].end}
			}
			t := text[src.start:src.end]
			return edited{text: t, src: src, trimmed: total - countWords(t), detail: end + " sentences"}, true
		}
	}
	toks := tokens(text, sents[0].start, sents[n-1].end)
	var words []span
	for _, t := range toks {
		if isWord(text[t.start:t.end]) {
			words = append(words, t)
		}
	}
	most := min(len(words)/2, len(words)-e.cfg.MinWords)
	if most < 1 {
		return edited{}, false
	}
	d := r.Between(max(1, len(words)/5), most)
	if d > most {
		d = most
	}
	src := span{words[d].start, words[len(words)-1].end}
	if !head {
		src = span{words[0].start, words[len(words)-1-d].end}
	}
	t := text[src.start:src.end]
	return edited{text: t, src: src, trimmed: total - countWords(t), detail: end + " words"}, true
}

// substitute replaces a drawn fraction of the run's words by vocabulary
// words, keeping their surrounding punctuation and capitalisation.
func (e *editor) substitute(r *splitmix.Rand, text string, run span) (edited, bool) {
	if len(e.vocab) == 0 {
		return edited{}, false
	}
	rate := e.cfg.SubstituteFractions[r.IntN(len(e.cfg.SubstituteFractions))]
	var cands []span // letter-only cores of tokens
	words := 0
	for _, t := range tokens(text, run.start, run.end) {
		tok := text[t.start:t.end]
		if !isWord(tok) {
			continue
		}
		words++
		lead := len(tok) - len(strings.TrimLeftFunc(tok, notLetter))
		core := strings.TrimFunc(tok, notLetter)
		if utf8.RuneCountInString(core) >= 2 && strings.IndexFunc(core, notLetter) < 0 {
			cands = append(cands, span{t.start + lead, t.start + lead + len(core)})
		}
	}
	n := int(math.Round(rate * float64(words)))
	n = min(max(n, 1), len(cands))
	if n == 0 {
		return edited{}, false
	}
	// A partial Fisher–Yates picks n candidates; they are then put back in
	// text order to rebuild the passage.
	for i := 0; i < n; i++ {
		j := i + r.IntN(len(cands)-i)
		cands[i], cands[j] = cands[j], cands[i]
	}
	chosen := cands[:n]
	sortSpans(chosen)
	var b strings.Builder
	last := run.start
	for _, c := range chosen {
		b.WriteString(text[last:c.start])
		b.WriteString(replacement(r, e.vocab, text[c.start:c.end]))
		last = c.end
	}
	b.WriteString(text[last:run.end])
	return edited{text: b.String(), src: run, changed: n, detail: fmt.Sprintf("rate %.2f", rate)}, true
}

func notLetter(r rune) bool { return !unicode.IsLetter(r) }

// replacement draws a vocabulary word other than word and gives it word's
// capitalisation.
func replacement(r *splitmix.Rand, vocab []string, word string) string {
	lower := strings.ToLower(word)
	w := vocab[r.IntN(len(vocab))]
	for i := 0; i < 16 && w == lower; i++ {
		w = vocab[r.IntN(len(vocab))]
	}
	if w == lower {
		w = w + "s"
	}
	first, _ := utf8.DecodeRuneInString(word)
	switch {
	case utf8.RuneCountInString(word) > 1 && strings.ToUpper(word) == word:
		return strings.ToUpper(w)
	case unicode.IsUpper(first):
		f, n := utf8.DecodeRuneInString(w)
		return string(unicode.ToUpper(f)) + w[n:]
	}
	return w
}

// punctuate changes quotes (straight to curly or back), drops commas and
// swaps dash styles, choosing a non-empty subset of the changes the run
// allows. Words are untouched.
func punctuate(r *splitmix.Rand, text string, run span) (edited, bool) {
	toks := tokens(text, run.start, run.end)
	strs := make([]string, len(toks))
	for i, t := range toks {
		strs[i] = text[t.start:t.end]
	}
	seg := text[run.start:run.end]
	hasStraight := strings.ContainsAny(seg, `"'`)
	hasCurly := strings.ContainsAny(seg, "\u201c\u201d\u2018\u2019")
	commas := droppableCommas(strs)
	hasDash := false
	for _, s := range strs {
		if isDashToken(s) || strings.ContainsAny(s, "\u2014\u2013") || strings.Contains(s, "--") {
			hasDash = true
			break
		}
	}
	kinds := []bool{hasStraight || hasCurly, len(commas) > 0, hasDash}
	do := make([]bool, len(kinds))
	picked := false
	for i, ok := range kinds {
		if ok && r.Chance(0.5) {
			do[i], picked = true, true
		}
	}
	if !picked {
		var ok []int
		for i, k := range kinds {
			if k {
				ok = append(ok, i)
			}
		}
		if len(ok) == 0 {
			return edited{}, false
		}
		do[ok[r.IntN(len(ok))]] = true
	}
	var details []string
	out := append([]string(nil), strs...)
	if do[0] {
		toCurly := hasStraight && (!hasCurly || r.Chance(0.5))
		for i := range out {
			out[i] = swapQuotes(out[i], toCurly)
		}
		if toCurly {
			details = append(details, "curly quotes")
		} else {
			details = append(details, "straight quotes")
		}
	}
	if do[1] {
		// Drop each comma with probability 0.7, and at least one.
		drop := make([]bool, len(commas))
		dropped := 0
		for i := range commas {
			if r.Chance(0.7) {
				drop[i] = true
				dropped++
			}
		}
		if dropped == 0 {
			drop[r.IntN(len(commas))] = true
		}
		for i := len(commas) - 1; i >= 0; i-- {
			if drop[i] {
				c := commas[i]
				s := out[c.tok]
				// The quote pass may have changed byte lengths before
				// the comma: find it again from the end.
				at := commaIndex(s, c.nth)
				out[c.tok] = s[:at] + s[at+1:]
			}
		}
		details = append(details, "commas dropped")
	}
	if do[2] {
		for i := range out {
			out[i] = swapDashes(out[i])
		}
		details = append(details, "dashes")
	}
	changed := 0
	var b strings.Builder
	last := run.start
	for i, t := range toks {
		b.WriteString(text[last:t.start])
		b.WriteString(out[i])
		last = t.end
		if out[i] != strs[i] {
			changed++
		}
	}
	b.WriteString(text[last:run.end])
	if changed == 0 {
		return edited{}, false
	}
	words := countWords(seg)
	return edited{text: b.String(), src: run, changed: min(changed, words), detail: strings.Join(details, ", ")}, true
}

// comma locates a droppable comma: token index and which comma of the
// token (counting from the end, so quote changes before it do not matter).
type comma struct{ tok, nth int }

// droppableCommas lists the commas that are punctuation, not digit group
// separators ("1,400").
func droppableCommas(toks []string) []comma {
	var out []comma
	for ti, s := range toks {
		var mine []int
		for i := 0; i < len(s); i++ {
			if s[i] != ',' {
				continue
			}
			if i > 0 && i+1 < len(s) && isDigitByte(s[i-1]) && isDigitByte(s[i+1]) {
				continue
			}
			mine = append(mine, i)
		}
		total := strings.Count(s, ",")
		for _, i := range mine {
			// nth from the end among all commas of the token
			nth := total - 1 - strings.Count(s[:i], ",")
			out = append(out, comma{tok: ti, nth: nth})
		}
	}
	return out
}

// commaIndex returns the byte index of the nth comma of s counting from the end.
func commaIndex(s string, nth int) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == ',' {
			if nth == 0 {
				return i
			}
			nth--
		}
	}
	return -1
}

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

func isDashToken(s string) bool {
	return s == "-" || s == "--" || s == "\u2014" || s == "\u2013"
}

// swapQuotes turns straight quotes curly (opening at the token's start or
// after an opener, closing elsewhere) or curly quotes straight.
func swapQuotes(s string, toCurly bool) string {
	var b strings.Builder
	prev := rune(0)
	for i, c := range s {
		switch {
		case toCurly && c == '"':
			if i == 0 || isOpener(prev) {
				b.WriteRune('\u201c')
			} else {
				b.WriteRune('\u201d')
			}
		case toCurly && c == '\'':
			if i == 0 || isOpener(prev) {
				b.WriteRune('\u2018')
			} else {
				b.WriteRune('\u2019')
			}
		case !toCurly && (c == '\u201c' || c == '\u201d'):
			b.WriteByte('"')
		case !toCurly && (c == '\u2018' || c == '\u2019'):
			b.WriteByte('\'')
		default:
			b.WriteRune(c)
		}
		prev = c
	}
	return b.String()
}

// swapDashes turns hyphen dashes into em dashes and em or en dashes into
// hyphens; inside a token, an em dash becomes "--" and "--" an em dash.
func swapDashes(s string) string {
	switch s {
	case "-", "--":
		return "\u2014"
	case "\u2014", "\u2013":
		return "-"
	}
	if strings.ContainsAny(s, "\u2014\u2013") {
		return strings.NewReplacer("\u2014", "--", "\u2013", "--").Replace(s)
	}
	return strings.ReplaceAll(s, "--", "\u2014")
}

// reorder permutes the run's sentences, keeping the whitespace between
// them in place; the permutation is never the identity.
func reorder(r *splitmix.Rand, text string, sents []sentence) (edited, bool) {
	n := len(sents)
	if n < 2 {
		return edited{}, false
	}
	perm := make([]int, n)
	for i := range perm {
		perm[i] = i
	}
	for try := 0; try < 8 && isIdentity(perm); try++ {
		r.Shuffle(n, func(i, j int) { perm[i], perm[j] = perm[j], perm[i] })
	}
	if isIdentity(perm) {
		// Rotate by one: never the identity for n >= 2.
		for i := range perm {
			perm[i] = (i + 1) % n
		}
	}
	var b strings.Builder
	order := make([]string, n)
	for i, p := range perm {
		b.WriteString(text[sents[p].start:sents[p].end])
		if i+1 < n {
			b.WriteString(text[sents[i].end:sents[i+1].start])
		}
		order[i] = fmt.Sprint(p + 1)
	}
	run := span{sents[0].start, sents[n-1].end}
	return edited{text: b.String(), src: run, detail: "order " + strings.Join(order, " ")}, true
}

func isIdentity(perm []int) bool {
	for i, p := range perm {
		if i != p {
			return false
		}
	}
	return true
}

// Attributions put before or after a passage.
var (
	attributionPrefixes = []string{"According to AP, ", "According to Reuters, ", "(Reuters) - ", "AP - "}
	attributionSuffixes = []string{", Reuters reported.", ", the Associated Press reported.", ", AP said."}
)

// attribute wraps the run in an attribution. A suffix replaces the run's
// final full stop, which is then not part of the copy.
func attribute(r *splitmix.Rand, text string, run span) (edited, bool) {
	if text[run.end-1] == '.' && run.len() > 1 && r.Chance(0.4) {
		suf := attributionSuffixes[r.IntN(len(attributionSuffixes))]
		src := span{run.start, run.end - 1}
		return edited{text: text[src.start:src.end], src: src, suffix: suf, detail: strings.TrimSpace(suf)}, true
	}
	pre := attributionPrefixes[r.IntN(len(attributionPrefixes))]
	return edited{text: text[run.start:run.end], src: run, prefix: pre, detail: strings.TrimSpace(pre)}, true
}

// sortSpans sorts spans by start (insertion sort: the slices are short).
func sortSpans(s []span) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j].start < s[j-1].start; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}
