package provenance

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/internal/credit"
	"github.com/reprint-dev/reprint/minhash"
)

// This file holds the text signals, each a small function of a copy's text
// and its host document, tested on its own.

// paragraphAround returns the bounds of the paragraph (the text between
// line breaks) that holds [start, end).
func paragraphAround(text string, start, end int) (int, int) {
	ps := strings.LastIndexByte(text[:start], '\n') + 1
	pe := strings.IndexByte(text[end:], '\n')
	if pe < 0 {
		pe = len(text)
	} else {
		pe += end
	}
	return ps, pe
}

// quotedShare is the share of the copy's tokens that lie inside double
// quotation marks. Quote state is tracked from the start of the paragraph:
// straight quotes toggle, curly and angle quotes open and close; a new
// paragraph starts outside any quote (news style reopens a quote that runs
// on).
func quotedShare(text string, start, end int, toks []token) float64 {
	if len(toks) == 0 {
		return 0
	}
	ps, _ := paragraphAround(text, start, end)
	in := false
	i := ps
	inside := 0
	for _, t := range toks {
		for i < int(t.Start) {
			r, n := utf8.DecodeRuneInString(text[i:])
			switch r {
			case '"':
				in = !in
			case '\u201c', '\u00ab', '\u201e':
				in = true
			case '\u201d', '\u00bb':
				in = false
			case '\n':
				in = false
			}
			i += n
		}
		if in {
			inside++
		}
	}
	return float64(inside) / float64(len(toks))
}

// speechBefore matches the end of the text before a copy that introduces
// it as someone's words: "Khan said:", "tweeted", "told reporters:".
var speechBefore = regexp.MustCompile(`(?i)(\b(said|says|say|saying|tweeted|tweets|wrote|writes|posted|added|adds|stated|states|declared|replied|insisted|warned|explained|told\s[^.:;"“”]{1,40}?|quoted as saying|in a statement)\s*[:,]?|:)\s*$`)

// speechAfter matches the start of the text after a copy that closes it as
// someone's words: `," he said`, "”, Trump tweeted".
var speechAfter = regexp.MustCompile(`^(\s*,|[\s.,!?;]{0,3}["”’']\s*[,.]?)\s*["”]?\s*(he|she|they|it|(a|an|the)\s+[\p{L}-]+|[\p{Lu}][\p{L}.'’-]*(\s+[\p{Lu}][\p{L}.'’-]*){0,3})\s+(had\s+)?(said|says|added|adds|wrote|tweeted|told|stated|explained|insisted|warned|replied)\b`)

// speechInside matches a quotation interrupted by its attribution inside
// a copy: `…for," he said. "When you…`.
var speechInside = regexp.MustCompile(`[,.!?]\s*["”]\s*(he|she|they|(a|an|the)\s+[\p{L}-]+|[\p{Lu}][\p{L}.'’-]*(\s+[\p{Lu}][\p{L}.'’-]*){0,3})\s+(said|says|added|adds|wrote|tweeted|told)\b[^"“]{0,40}["“]`)

// speechLead matches a quotation introduced near the start of a copy whose
// span took in the introduction: `tweet on Monday, Trump said: "…`.
var speechLead = regexp.MustCompile(`(?i)\b(said|says|saying|tweeted|wrote|writes|posted|added|stated|declared|told\s[^.:;"“”]{1,40}?)\s*[:,]\s*["“]`)

// introducedAsSpeech reports whether the copy is introduced or closed as
// someone's words within its paragraph, or holds a quotation interrupted
// by its attribution.
func introducedAsSpeech(text string, start, end int) bool {
	// Each regexp runs only where its match is possible: speechInside
	// needs a closing quotation mark and one of its verbs (most copies
	// have neither), speechLead an opening mark, speechBefore a colon or
	// one of its verbs. The checks are cheap; the regexps backtrack from
	// every position.
	copied, lead := text[start:end], text[start:min(end, start+100)]
	if strings.ContainsAny(copied, "\"”") && containsAny(copied, speechInsideVerbs) && speechInside.MatchString(copied) {
		return true
	}
	if strings.ContainsAny(lead, "\"“") && speechLead.MatchString(lead) {
		return true
	}
	ps, pe := paragraphAround(text, start, end)
	before := text[max(ps, start-120):start]
	before = strings.TrimRightFunc(before, func(r rune) bool { return unicode.IsSpace(r) || isOpenQuote(r) })
	if (strings.Contains(before, ":") || mayHoldFold(before, speechBeforeStems)) && speechBefore.MatchString(before) {
		return true
	}
	return speechAfter.MatchString(text[end:min(pe, end+80)])
}

// speechInsideVerbs are the verbs of speechInside, one of which every
// match holds (the regexp is case-sensitive).
var speechInsideVerbs = []string{"said", "says", "added", "adds", "wrote", "tweeted", "told"}

// speechBeforeStems are stems one of which every speechBefore match
// holds, in lower case, unless it is a colon.
var speechBeforeStems = []string{"say", "said", "tweet", "wrote", "writes", "posted", "add", "state", "declared",
	"replied", "insisted", "warned", "explained", "told"}

// containsAny reports whether s holds one of subs.
func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// mayHoldFold reports whether s may hold one of the lower-case ASCII
// stems under the case folding of a (?i) regexp: whether its lower case
// holds one, or it has non-ASCII text, where that folding knows more than
// strings.ToLower (ſ, K).
func mayHoldFold(s string, stems []string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return containsAny(strings.ToLower(s), stems)
}

func isOpenQuote(r rune) bool {
	switch r {
	case '"', '\u201c', '\u00ab', '\u201e', '\'', '\u2018', '(', '[':
		return true
	}
	return false
}

func isCloseQuote(r rune) bool {
	switch r {
	case '"', '\u201d', '\u00bb', '\'', '\u2019', ')', ']':
		return true
	}
	return false
}

// outsideCues are words near a copy that name a source outside the news
// story: a tweet, a statement, a briefing, an interview. They are matched
// in lower case at word boundaries ("tweet" also matches "tweets",
// "tweeted").
var outsideCues = []string{"tweet", "twitter", "statement", "briefing", "press release", "news release",
	"news conference", "press conference", "interview", "told reporters", "spokesman", "spokeswoman",
	"spokesperson", "in a post", "on facebook", "communique", "speaking to", "made the comments",
	"in comments to", "said in a speech"}

// outsideCueNear returns the cue nearest the copy: the first in the
// copy's first 100 bytes, else the last within 300 bytes before it, else
// the first within 300 bytes after it; or "". Cues are named in lower case
// by findCue: "tweet" for its inflections and Twitter, "statement" for a
// spokesman, "interview" for "speaking to" and the like, "speech".
func outsideCueNear(text string, start, end int) string {
	lo, hi := max(0, start-300), min(len(text), end+300)
	for i, w := range []string{text[start:min(end, start+100)], text[lo:start], text[end:hi]} {
		if m := findCue(strings.ToLower(w), i == 1); m != "" {
			return m
		}
	}
	return ""
}

// findCue returns the earliest outside cue in lower-case s, or the latest
// when last is set.
func findCue(s string, last bool) string {
	best, at := "", len(s)
	if last {
		at = -1
	}
	for _, c := range outsideCues {
		for from := 0; from < len(s); {
			k := strings.Index(s[from:], c)
			if k < 0 {
				break
			}
			k += from
			e := k + len(c)
			if c == "tweet" {
				for e < len(s) && isLetterByte(s[e]) {
					e++
				}
				if w := s[k:e]; w != "tweet" && w != "tweets" && w != "tweeted" {
					from = e
					continue
				}
			}
			if credit.IsWord(s, k, e) {
				if !last && k < at || last && k > at {
					best, at = c, k
				}
				if !last {
					break
				}
			}
			from = e
		}
	}
	switch best {
	case "twitter":
		return "tweet"
	case "spokesman", "spokeswoman", "spokesperson":
		return "statement"
	case "speaking to", "made the comments", "in comments to":
		return "interview"
	case "said in a speech":
		return "speech"
	}
	return best
}

// credits returns the outlets that the text near the copy (its
// paragraph, up to 200 bytes before and 100 after) credits as its source,
// named as the credits name them (credit.Credit.Name), each once, in the
// order of the credits; cr knows the outlets (the table's and the
// documents' own sources).
func credits(text string, start, end int, cr *credit.Matcher) []string {
	ps, pe := paragraphAround(text, start, end)
	lo, hi := max(ps, start-200), min(pe, end+100)
	var found []string
	for _, c := range cr.Find(text[lo:hi]) {
		if !slices.ContainsFunc(found, func(f string) bool { return credit.Same(f, c.Name) }) {
			found = append(found, c.Name)
		}
	}
	return found
}

// fragment reports whether a copy starts and ends inside a sentence of its
// host: a copy cut out of a longer sentence was more likely trimmed from
// it than written that way.
func fragment(text string, start, end int) (head, tail bool) {
	i := start
	for i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if !unicode.IsSpace(r) || r == '\n' {
			if !isOpenQuote(r) || r == '\'' {
				break
			}
		}
		i -= n
	}
	if i > 0 {
		r, n := utf8.DecodeLastRuneInString(text[:i])
		if isCloseQuote(r) && i-n > 0 {
			r, _ = utf8.DecodeLastRuneInString(text[:i-n])
		}
		head = !strings.ContainsRune(".!?:;\n—–-", r)
	}
	j := end
	for j < len(text) {
		r, n := utf8.DecodeRuneInString(text[j:])
		if r == '\n' || !(unicode.IsSpace(r) || isCloseQuote(r)) {
			break
		}
		j += n
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRightFunc(text[start:end], func(r rune) bool { return isCloseQuote(r) || unicode.IsSpace(r) }))
	if j < len(text) && !strings.ContainsRune(".!?", last) {
		r, _ := utf8.DecodeRuneInString(text[j:])
		tail = r != '\n' && !strings.ContainsRune(".!?;:—–", r)
	}
	return head, tail
}

// months are the month names' first three letters, January first.
var months = [12]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// latestMention returns the latest calendar day a text mentions ("March
// 14", "Mar. 14", "14 March"), as month*32+day, or 0 when it mentions none.
// A later version of a story tends to mention later days ("week ended
// March 21"). It scans by hand: a regular expression is ten times slower.
func latestMention(text string) int {
	best := 0
	for i := 0; i+3 <= len(text); i++ {
		c := text[i]
		if c < 'A' || c > 'S' || (i > 0 && isLetterByte(text[i-1])) {
			continue
		}
		mon := 0
		for k, m := range months {
			if text[i:i+3] == m {
				mon = k + 1
				break
			}
		}
		if mon == 0 {
			continue
		}
		j := i + 3
		for j < len(text) && isLetterByte(text[j]) {
			j++
		}
		if day := dayAfter(text, j); day > 0 {
			best = max(best, 32*mon+day)
		}
		if day := dayBefore(text, i); day > 0 {
			best = max(best, 32*mon+day)
		}
	}
	return best
}

func isLetterByte(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func isDigitByte(c byte) bool { return c >= '0' && c <= '9' }

// dayAfter reads ". 14" or " 14" at text[j:], a day of the month, or 0.
func dayAfter(text string, j int) int {
	if j < len(text) && text[j] == '.' {
		j++
	}
	k := j
	for k < len(text) && (text[k] == ' ' || text[k] == '\t') {
		k++
	}
	if k == j {
		return 0
	}
	return dayAt(text, k, true)
}

// dayBefore reads "14 " before text[i:], a day of the month, or 0.
func dayBefore(text string, i int) int {
	k := i
	for k > 0 && (text[k-1] == ' ' || text[k-1] == '\t') {
		k--
	}
	if k == i {
		return 0
	}
	e := k
	for k > 0 && isDigitByte(text[k-1]) {
		k--
	}
	if e-k < 1 || e-k > 2 || (k > 0 && (isLetterByte(text[k-1]) || text[k-1] == '.' || text[k-1] == ',')) {
		return 0
	}
	return dayAt(text, k, false)
}

// dayAt reads one or two digits at text[k:] not followed by another digit
// or letter, 1..31, or 0.
func dayAt(text string, k int, checkEnd bool) int {
	d, n := 0, 0
	for k+n < len(text) && n < 3 && isDigitByte(text[k+n]) {
		d = 10*d + int(text[k+n]-'0')
		n++
	}
	if n == 0 || n > 2 || d < 1 || d > 31 {
		return 0
	}
	if checkEnd && k+n < len(text) && (isLetterByte(text[k+n]) || (text[k+n] == ',' && k+n+1 < len(text) && isDigitByte(text[k+n+1]))) {
		return 0
	}
	return d
}

// countSaid counts the reporting verbs "said", "says" and "told" as whole
// words (as \b(said|says|told)\b would; \b is an ASCII word boundary,
// and two such four-letter words cannot overlap): a version that quotes
// and reports more is often the fuller, earlier one (a sign the weights
// learn).
func countSaid(text string) int {
	n := 0
	for i := 0; i+4 <= len(text); i++ {
		if c := text[i]; c != 's' && c != 't' {
			continue
		}
		if w := text[i : i+4]; (w == "said" || w == "says" || w == "told") &&
			(i == 0 || !isWordByte(text[i-1])) && (i+4 == len(text) || !isWordByte(text[i+4])) {
			n++
		}
	}
	return n
}

// isWordByte reports whether c is in \w: [0-9A-Za-z_].
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '_'
}

// revisionNote matches a wire editor's note on a revised story:
// "(Corrects dollar figure …)", "-- corrects year", "(Adds title)".
var revisionNote = regexp.MustCompile(`(?i)((\(|-{1,2})\s*(corrects|corrected|correction|adds|updates|recasts|repeats|inserts|clarifies|deletes)\b|\bnote:[^\n]{0,40}\bcorrects\b)`)

// hasRevisionNote is revisionNote.MatchString(text), faster: every match
// holds one of the note's verbs, so ASCII text without any of them (most
// stories) skips the case-insensitive regexp, which backtracks over the
// whole text. Non-ASCII text goes to the regexp, whose case folding knows
// more than strings.ToLower (ſ, K).
func hasRevisionNote(text string) bool {
	return mayHoldFold(text, revisionVerbs) && revisionNote.MatchString(text)
}

// revisionVerbs are the stems every revisionNote match contains.
var revisionVerbs = []string{"correct", "adds", "updates", "recasts", "repeats", "inserts", "clarifies", "deletes"}

// countParenAcronyms counts acronyms spelled out in parentheses,
// "(OECD)", which copy editors add: as \([A-Z][A-Z.&]{1,7}\) would, a
// match is '(', a capital, one to seven more of [A-Z.&] and ')', and as
// ')' and '(' are not in that class, matches cannot overlap and the run
// of the class after the capital must end at the ')'.
func countParenAcronyms(text string) int {
	n := 0
	for i := strings.IndexByte(text, '('); i >= 0; {
		j := i + 2
		if j <= len(text) && text[i+1] >= 'A' && text[i+1] <= 'Z' {
			for j < len(text) && j-(i+2) < 8 && isAcronymByte(text[j]) {
				j++
			}
			if l := j - (i + 2); l >= 1 && l <= 7 && j < len(text) && text[j] == ')' {
				n++
			}
		}
		k := strings.IndexByte(text[i+1:], '(')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return n
}

func isAcronymByte(c byte) bool { return c >= 'A' && c <= 'Z' || c == '.' || c == '&' }

// typography describes how a copy is typeset: curly or straight quotes
// and apostrophes, and commas per word. Copies often change typography.
func typography(s string, words int) (curly, straight bool, commas float64) {
	curly = strings.ContainsAny(s, "\u201c\u201d\u2018\u2019")
	straight = strings.ContainsAny(s, "\"'")
	if words > 0 {
		commas = float64(strings.Count(s, ",")) / float64(words)
	}
	return curly, straight, commas
}

// stopwords are the function words that say nothing about a passage's
// topic; fit with the host compares content words only.
var stopwords = func() map[uint64]bool {
	list := `a about above after again against all also am an and any are as at be because been before being below
between both but by can could did do does doing down during each few for from further had has have having he her
here hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
off on once only or other our ours out over own said same says she should so some such than that the their theirs
them themselves then there these they this those through to too under until up very was we were what when where
which while who whom why will with would you your yours mr mrs ms per pct one two three new last year told also`
	m := make(map[uint64]bool)
	for _, w := range strings.Fields(list) {
		m[minhash.HashWord(w)] = true
	}
	return m
}()

// isContent reports whether a token is a content word: not a stop word,
// not a number, at least three bytes long.
func isContent(text string, t token) bool {
	if t.End-t.Start < 3 || stopwords[t.Hash] {
		return false
	}
	return !minhash.IsNumber(text[t.Start:t.End])
}

// fitSets measures how well a passage (tokens [t0, t1) of its host) fits
// the host's own text: the share of the passage's content words that recur
// in the host within window tokens on either side (near), and anywhere
// else in the host (whole). ctx is false when the host has no content
// words outside the passage. An original passage is woven into its story;
// a pasted one often is not. It also returns the passage's distinct
// content words, sorted, and for each whether it recurs in the host
// outside the passage (what substitutedFitSorted counts, kept so that
// each pair of copies need not walk both hosts again).
func fitSets(text string, toks []token, t0, t1, window int) (near, whole float64, ctx bool, content []uint64, recurs []bool) {
	mine := make(map[uint64]bool)
	for _, t := range toks[t0:t1] {
		if isContent(text, t) {
			mine[t.Hash] = true
		}
	}
	if len(mine) == 0 {
		return 0, 0, false, nil, nil
	}
	nearSet := make(map[uint64]bool)
	allSet := make(map[uint64]bool)
	for i, t := range toks {
		if i >= t0 && i < t1 || !mine[t.Hash] {
			if (i < t0 || i >= t1) && isContent(text, t) {
				ctx = true
			}
			continue
		}
		ctx = true
		allSet[t.Hash] = true
		if i >= t0-window && i < t1+window {
			nearSet[t.Hash] = true
		}
	}
	content = make([]uint64, 0, len(mine))
	for x := range mine {
		content = append(content, x)
	}
	slices.Sort(content)
	recurs = make([]bool, len(content))
	for i, x := range content {
		recurs[i] = allSet[x]
	}
	return float64(len(nearSet)) / float64(len(mine)), float64(len(allSet)) / float64(len(mine)), ctx, content, recurs
}

// tokenRange returns the tokens of toks that lie inside [start, end).
func tokenRange(toks []token, start, end int) (int, int) {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := (lo + hi) / 2
		if int(toks[m].Start) < start {
			lo = m + 1
		} else {
			hi = m
		}
	}
	t0 := lo
	t1 := t0
	for t1 < len(toks) && int(toks[t1].End) <= end {
		t1++
	}
	return t0, t1
}

// trigrams returns the sorted, distinct hashes of a token sequence's word
// trigrams (of the whole sequence when it is shorter than three).
func trigrams(h []uint64) []uint64 {
	if len(h) == 0 {
		return nil
	}
	var out []uint64
	if len(h) < 3 {
		x := uint64(len(h))
		for _, v := range h {
			x = (x ^ v) * 0x9e3779b97f4a7c15
		}
		return []uint64{x}
	}
	for i := 0; i+3 <= len(h); i++ {
		x := (h[i]*0x9e3779b97f4a7c15 ^ h[i+1]) * 0xbf58476d1ce4e5b9
		out = append(out, (x^h[i+2])*0x94d049bb133111eb)
	}
	return sortedUnique(out)
}

func sortedUnique(s []uint64) []uint64 {
	if len(s) < 2 {
		return s
	}
	slices.Sort(s)
	j := 1
	for i := 1; i < len(s); i++ {
		if s[i] != s[j-1] {
			s[j] = s[i]
			j++
		}
	}
	return s[:j]
}

// extras compares copy a with copy b word by word: how many of a's tokens
// lie before the first, after the last and between the trigrams a shares
// with b. Tokens a has and b lacks at the head or tail mean b trimmed a (or
// a expanded b); in the middle, a sentence dropped or inserted.
func extras(a []uint64, bTri []uint64) (head, tail, mid int) {
	if len(a) < 3 {
		return 0, 0, 0
	}
	covered := make([]bool, len(a))
	any := false
	for i := 0; i+3 <= len(a); i++ {
		x := (a[i]*0x9e3779b97f4a7c15 ^ a[i+1]) * 0xbf58476d1ce4e5b9
		x = (x ^ a[i+2]) * 0x94d049bb133111eb
		if containsU64(bTri, x) {
			covered[i], covered[i+1], covered[i+2] = true, true, true
			any = true
		}
	}
	if !any {
		return 0, 0, 0
	}
	return coverageGaps(covered)
}

// coverageGaps returns how many words lie before the first covered word,
// after the last, and uncovered between them; covered holds one at least.
func coverageGaps(covered []bool) (head, tail, mid int) {
	first, last := 0, len(covered)-1
	for !covered[first] {
		first++
	}
	for !covered[last] {
		last--
	}
	for i := first; i <= last; i++ {
		if !covered[i] {
			mid++
		}
	}
	return first, len(covered) - 1 - last, mid
}

// trigramRanks returns what trigrams returns for h, and for each word
// trigram of h, in order, the index of its hash in that sorted set, so
// that extrasRanked can compare a copy with many others without hashing
// and searching its trigrams again.
func trigramRanks(h []uint64) (tri []uint64, rank []int32) {
	if len(h) < 3 {
		return trigrams(h), nil
	}
	seq := make([]uint64, len(h)-2)
	for i := range seq {
		x := (h[i]*0x9e3779b97f4a7c15 ^ h[i+1]) * 0xbf58476d1ce4e5b9
		seq[i] = (x ^ h[i+2]) * 0x94d049bb133111eb
	}
	tri = sortedUnique(slices.Clone(seq))
	rank = make([]int32, len(seq))
	for i, x := range seq {
		k, _ := slices.BinarySearch(tri, x)
		rank[i] = int32(k)
	}
	return tri, rank
}

// markShared sets inA[i] when a[i] is in b and inB[j] when b[j] is in a
// (a and b sorted sets; inA and inB as long as them, cleared, or both
// nil) and returns the size of the intersection.
func markShared(a, b []uint64, inA, inB []bool) int {
	n, i, j := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] < b[j]:
			i++
		case a[i] > b[j]:
			j++
		default:
			if inA != nil {
				inA[i], inB[j] = true, true
			}
			n++
			i++
			j++
		}
	}
	return n
}

// extrasRanked is extras for a copy of n words given by its trigram
// ranks (trigramRanks) and, per trigram of its sorted set, whether the
// other copy has it; covered is n cleared values of scratch space.
func extrasRanked(n int, rank []int32, shared, covered []bool) (head, tail, mid int) {
	if n < 3 {
		return 0, 0, 0
	}
	any := false
	for i, k := range rank {
		if shared[k] {
			covered[i], covered[i+1], covered[i+2] = true, true, true
			any = true
		}
	}
	if !any {
		return 0, 0, 0
	}
	return coverageGaps(covered[:n])
}

// jaccardCount is the Jaccard similarity of two sets of na and nb
// elements that share inter.
func jaccardCount(inter, na, nb int) float64 {
	union := na + nb - inter
	if union == 0 {
		return 0
	}
	return float64(inter) / float64(union)
}

// jaccard is the Jaccard similarity of two sorted sets.
func jaccard(a, b []uint64) float64 {
	return jaccardCount(intersect(a, b), len(a), len(b))
}

func intersect(a, b []uint64) int { return markShared(a, b, nil, nil) }

func containsU64(s []uint64, x uint64) bool {
	lo, hi := 0, len(s)
	for lo < hi {
		m := (lo + hi) / 2
		if s[m] < x {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(s) && s[lo] == x
}

// substitutedFitSorted is the share of a copy's content words missing
// from the other copy that recur elsewhere in the copy's host (outside
// the copy): a word that a copyist swapped in rarely belongs to the
// host's story, the word it replaced usually does. The copy is given by
// its distinct content words (sorted) and whether each recurs in its host
// (fitSets), the other by its sorted distinct words. ok is false when the
// copy has no such words.
func substitutedFitSorted(content []uint64, recurs []bool, other []uint64) (float64, bool) {
	missing, found, j := 0, 0, 0
	for i, x := range content {
		for j < len(other) && other[j] < x {
			j++
		}
		if j < len(other) && other[j] == x {
			continue
		}
		missing++
		if recurs[i] {
			found++
		}
	}
	if missing == 0 {
		return 0, false
	}
	return float64(found) / float64(missing), true
}
