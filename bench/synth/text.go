package synth

import (
	"hash/fnv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// span is a half-open byte range [start,end).
type span struct{ start, end int }

func (s span) len() int { return s.end - s.start }

// tokens returns the whitespace-separated tokens of text[start:end], with
// offsets into text.
func tokens(text string, start, end int) []span {
	var out []span
	i := start
	for i < end {
		r, n := utf8.DecodeRuneInString(text[i:end])
		if unicode.IsSpace(r) {
			i += n
			continue
		}
		j := i
		for j < end {
			r, n := utf8.DecodeRuneInString(text[j:end])
			if unicode.IsSpace(r) {
				break
			}
			j += n
		}
		out = append(out, span{i, j})
		i = j
	}
	return out
}

// isWord reports whether a token counts as a word: it holds a letter or digit.
func isWord(tok string) bool {
	return strings.IndexFunc(tok, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) >= 0
}

// countWords counts the word tokens of s.
func countWords(s string) int {
	n := 0
	for _, t := range tokens(s, 0, len(s)) {
		if isWord(s[t.start:t.end]) {
			n++
		}
	}
	return n
}

// normWords lowercases s, strips everything but letters and digits from
// each whitespace token and drops tokens left empty: the word sequence the
// 8-gram overlap test compares.
func normWords(s string) []string {
	var out []string
	var b strings.Builder
	for _, t := range tokens(s, 0, len(s)) {
		b.Reset()
		for _, r := range s[t.start:t.end] {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		if b.Len() > 0 {
			out = append(out, b.String())
		}
	}
	return out
}

// ngramHashes returns the 64-bit FNV-1a hashes of the word n-grams of words.
func ngramHashes(words []string, n int) []uint64 {
	if len(words) < n {
		return nil
	}
	out := make([]uint64, 0, len(words)-n+1)
	h := fnv.New64a()
	for i := 0; i+n <= len(words); i++ {
		h.Reset()
		for _, w := range words[i : i+n] {
			h.Write([]byte(w))
			h.Write([]byte{0})
		}
		out = append(out, h.Sum64())
	}
	return out
}

// digitShare is the share of s's word tokens that contain a digit: high for
// earnings tables and other template stories.
func digitShare(s string) float64 {
	words, digits := 0, 0
	for _, t := range tokens(s, 0, len(s)) {
		tok := s[t.start:t.end]
		if !isWord(tok) {
			continue
		}
		words++
		if strings.IndexFunc(tok, unicode.IsDigit) >= 0 {
			digits++
		}
	}
	if words == 0 {
		return 0
	}
	return float64(digits) / float64(words)
}

// sentence is one sentence of a document: its byte span (no surrounding
// whitespace), the paragraph it belongs to and its word count.
type sentence struct {
	span
	para  int
	words int
}

// paragraphs returns the spans of the paragraphs of text (runs of non-blank
// lines), trimmed of surrounding whitespace.
func paragraphs(text string) []span {
	var out []span
	start := -1 // start of the current paragraph's content, -1 when between paragraphs
	lastContent := 0
	lineStart := 0
	for lineStart <= len(text) {
		lineEnd := strings.IndexByte(text[lineStart:], '\n')
		if lineEnd < 0 {
			lineEnd = len(text)
		} else {
			lineEnd += lineStart
		}
		line := text[lineStart:lineEnd]
		if strings.TrimSpace(line) == "" {
			if start >= 0 {
				out = append(out, span{start, lastContent})
				start = -1
			}
		} else {
			lead := len(line) - len(strings.TrimLeftFunc(line, unicode.IsSpace))
			if start < 0 {
				start = lineStart + lead
			}
			lastContent = lineStart + len(strings.TrimRightFunc(line, unicode.IsSpace))
		}
		if lineEnd == len(text) {
			break
		}
		lineStart = lineEnd + 1
	}
	if start >= 0 {
		out = append(out, span{start, lastContent})
	}
	return out
}

// sentences splits text into sentences: paragraphs are hard boundaries, and
// inside a paragraph a sentence ends at [.!?] (plus closing quotes or
// brackets) followed by whitespace and a capital letter (after optional
// opening quotes or brackets), except after a known abbreviation or an
// initial.
func sentences(text string) []sentence {
	var out []sentence
	for pi, p := range paragraphs(text) {
		start := p.start
		i := p.start
		for i < p.end {
			c := text[i]
			if c != '.' && c != '!' && c != '?' {
				i++
				continue
			}
			j := i + 1
			for j < p.end {
				r, n := utf8.DecodeRuneInString(text[j:p.end])
				if !isCloser(r) {
					break
				}
				j += n
			}
			k := j
			for k < p.end {
				r, n := utf8.DecodeRuneInString(text[k:p.end])
				if !unicode.IsSpace(r) {
					break
				}
				k += n
			}
			if k > j && k < p.end && startsSentence(text[k:p.end]) && !(c == '.' && isAbbrev(text[start:i+1])) {
				out = append(out, sentence{span: span{start, j}, para: pi, words: countWords(text[start:j])})
				start, i = k, k
				continue
			}
			i = j
		}
		if start < p.end {
			out = append(out, sentence{span: span{start, p.end}, para: pi, words: countWords(text[start:p.end])})
		}
	}
	return out
}

func isCloser(r rune) bool {
	switch r {
	case '"', '\'', ')', ']', '\u201d', '\u2019', '\u00bb':
		return true
	}
	return false
}

func isOpener(r rune) bool {
	switch r {
	case '"', '\'', '(', '[', '\u201c', '\u2018', '\u00ab':
		return true
	}
	return false
}

// startsSentence reports whether s begins with optional opening quotes or
// brackets and then an upper-case letter.
func startsSentence(s string) bool {
	for _, r := range s {
		if isOpener(r) {
			continue
		}
		return unicode.IsUpper(r)
	}
	return false
}

var abbrevs = map[string]bool{
	"mr.": true, "mrs.": true, "ms.": true, "dr.": true, "st.": true, "jr.": true, "sr.": true,
	"prof.": true, "gov.": true, "sen.": true, "rep.": true, "gen.": true, "col.": true, "lt.": true,
	"sgt.": true, "capt.": true, "rev.": true, "hon.": true, "pres.": true,
	"inc.": true, "corp.": true, "co.": true, "ltd.": true, "plc.": true, "bhd.": true, "cos.": true,
	"bros.": true, "dept.": true, "univ.": true, "assn.": true,
	"jan.": true, "feb.": true, "mar.": true, "apr.": true, "jun.": true, "jul.": true, "aug.": true,
	"sep.": true, "sept.": true, "oct.": true, "nov.": true, "dec.": true,
	"vs.": true, "v.": true, "mt.": true, "ft.": true, "ave.": true,
}

// isAbbrev reports whether the sentence prefix s (ending in '.') ends with
// an abbreviation: a listed one, a single capital (an initial, as in
// "U. S." or "Donald J. Trump"), or dotted letters ("U.S.", "e.g.").
// Abbreviations usually followed by a number ("No. 2", "p. 5") are not
// listed: the split needs a capital after the stop anyway.
func isAbbrev(s string) bool {
	w := s
	if i := strings.LastIndexFunc(s, unicode.IsSpace); i >= 0 {
		w = s[i+1:]
	}
	w = strings.TrimLeftFunc(w, func(r rune) bool { return isOpener(r) })
	if abbrevs[strings.ToLower(w)] {
		return true
	}
	core := strings.TrimSuffix(w, ".")
	if core == "" {
		return false
	}
	if r, n := utf8.DecodeRuneInString(core); n == len(core) && unicode.IsUpper(r) {
		return true
	}
	if !strings.Contains(core, ".") {
		return false
	}
	for _, part := range strings.Split(core, ".") {
		r, n := utf8.DecodeRuneInString(part)
		if n != len(part) || !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}
