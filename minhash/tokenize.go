package minhash

import (
	"encoding/binary"
	"sort"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/cases"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Token is one word of a text: its byte span [Start, End) in the original
// text and the hash of its normalised form.
type Token struct {
	Start, End int
	Hash       uint64
}

// Tokenizer cuts text into normalised word tokens. Normalisation applies
// Unicode NFKC, full case folding and removal of diacritics (combining
// marks), folds apostrophe variants (don’t = don't = dont), drops
// punctuation, quotes and dashes, and joins initialisms so that "U. S.",
// "U.S." and "US" are the same token. Han, Hiragana and Katakana characters,
// which are written without spaces, are one token each.
//
// A Tokenizer keeps scratch buffers: it is not safe for concurrent use, and
// the zero value is ready to use.
type Tokenizer struct {
	raw    []byte // the token's word characters, apostrophes removed
	norm   []byte // the normalised token
	tmp    []byte
	folder cases.Caser
	init   bool
	keep   bool // leave each token's normalised bytes in raw

	// A text not already in NFKC is normalised whole before it is cut
	// into words (so that ™, ㎒ or a full-width "Ｕ．Ｓ．" become the
	// words they stand for), and spans are mapped back through segs.
	it   norm.Iter
	nfkc []byte
	segs []segmap
}

// segmap maps a stretch of the NFKC text, from out, to the original text,
// from in; same says the stretch was already normal, byte for byte.
type segmap struct {
	out, in int
	same    bool
}

// prepare returns the text to scan: text itself when it is already in NFKC
// (almost all text is, curly quotes included), else its NFKC form, whose
// spans map back through t.segs.
func (t *Tokenizer) prepare(text string) (scan string, mapped bool) {
	n := nfkcPrefix(text)
	if n == len(text) {
		return text, false
	}
	t.nfkc = append(t.nfkc[:0], text[:n]...)
	t.segs = append(t.segs[:0], segmap{0, 0, true})
	// Invalid bytes separate tokens (see Tokens); x/text would leave the
	// character after one unnormalised (\xf3Ŀ keeps its Ŀ whole), so the
	// iterator reads them as spaces, one byte for one.
	t.it.InitString(norm.NFKC, blankInvalid(text[n:]))
	segOut, segIn := len(t.nfkc), n
	for !t.it.Done() {
		t.nfkc = append(t.nfkc, t.it.Next()...)
		in := n + t.it.Pos()
		if in == segIn {
			continue // one character's expansion comes in pieces ("½" → "1", "⁄", "2")
		}
		same := in-segIn == len(t.nfkc)-segOut && string(t.nfkc[segOut:]) == text[segIn:in]
		if last := &t.segs[len(t.segs)-1]; !(same && last.same && last.out-last.in == segOut-segIn) {
			t.segs = append(t.segs, segmap{segOut, segIn, same})
		} // else it extends the identical stretch before it
		segOut, segIn = len(t.nfkc), in
	}
	t.segs = append(t.segs, segmap{len(t.nfkc), len(text), false})
	if len(t.nfkc) == 0 {
		return "", true
	}
	// The scan reads t.nfkc as a string without copying it; nothing
	// writes to t.nfkc until the next prepare.
	return unsafe.String(&t.nfkc[0], len(t.nfkc)), true
}

// blankInvalid returns s with each byte of invalid UTF-8 replaced by a
// space, so that offsets into it are offsets into s; s itself when it is
// valid.
func blankInvalid(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	b := []byte(s)
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			b[i] = ' '
		}
		i += size
	}
	return string(b)
}

// nfkcPrefix returns the length of text's longest prefix known to be in
// NFKC. It skips ASCII, and the curly quotes, dashes and bullet of news
// text (NFKC-stable starters that compose with nothing), itself, and asks
// x/text only about other characters, from the character before them,
// which a combining mark could join.
func nfkcPrefix(text string) int {
	stable := func(i int) bool { // ‘ ’ “ ” – — •
		if i+2 >= len(text) || text[i] != 0xe2 || text[i+1] != 0x80 {
			return false
		}
		switch text[i+2] {
		case 0x93, 0x94, 0x98, 0x99, 0x9c, 0x9d, 0xa2:
			return true
		}
		return false
	}
	for i := 0; i < len(text); {
		switch {
		case i+8 <= len(text) && ascii8(text[i:i+8]):
			i += 8
		case text[i] < utf8.RuneSelf:
			i++
		case stable(i):
			i += 3
		default:
			end := i
			for end < len(text) && text[end] >= utf8.RuneSelf && !stable(end) {
				end++
			}
			start := i
			if i > 0 {
				_, size := utf8.DecodeLastRuneInString(text[:i])
				start = i - size
			}
			if n := norm.NFKC.QuickSpanString(blankInvalid(text[start:end])); n < end-start {
				return start + n
			}
			i = end
		}
	}
	return len(text)
}

// ascii8 reports whether the eight bytes of s are ASCII.
func ascii8(s string) bool {
	v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
	return v&0x8080808080808080 == 0
}

// origin maps a token's span in the NFKC text back to the original text: a
// token inside an unchanged stretch keeps its offsets, one that starts or
// ends in a normalised character takes that character's whole span.
func (t *Tokenizer) origin(start, end int) (int, int) {
	at := func(off int) int { // the segment holding byte off
		return sort.Search(len(t.segs)-1, func(i int) bool { return t.segs[i+1].out > off })
	}
	s := t.segs[at(start)]
	if s.same {
		start = s.in + start - s.out
	} else {
		start = s.in
	}
	i := at(end - 1)
	if e := t.segs[i]; e.same {
		end = e.in + end - e.out
	} else {
		end = t.segs[i+1].in
	}
	return start, end
}

// Tokens appends the tokens of text to dst and returns the extended slice.
// Token spans lie inside text, never go back and do not overlap, except
// that the tokens of one character that stands for several words (㍻, ½)
// share its span; and the tokens either side of a character that
// normalisation changes overlap on it when its pieces fall in both ("0½0"
// gives "01" and "20", both spanning the ½; "罶ﾞ" the ideograph and a
// word starting with its voiced mark). Invalid UTF-8 bytes and
// NUL bytes separate tokens like punctuation.
func (t *Tokenizer) Tokens(dst []Token, text string) []Token {
	t.keep = false
	scan, mapped := t.prepare(text)
	pos := 0
	for {
		start, end, h, next := t.next(scan, pos)
		if start < 0 {
			return dst
		}
		if mapped {
			start, end = t.origin(start, end)
		}
		dst = append(dst, Token{Start: start, End: end, Hash: h})
		pos = next
	}
}

// AppendNormalized appends the normalised form of text to dst: its tokens'
// normalised forms separated by single spaces. It is idempotent: the
// normalised form of a normalised text is the text itself.
func (t *Tokenizer) AppendNormalized(dst []byte, text string) []byte {
	t.keep = true
	scan, _ := t.prepare(text)
	pos, first := 0, true
	for {
		start, _, _, next := t.next(scan, pos)
		if start < 0 {
			return dst
		}
		if !first {
			dst = append(dst, ' ')
		}
		first = false
		dst = append(dst, t.raw...)
		pos = next
	}
}

// Normalize returns the normalised form of text (see Tokenizer).
func Normalize(text string) string {
	var t Tokenizer
	return string(t.AppendNormalized(nil, text))
}

// HashWord returns the hash of a token's normalised form, the same value
// Tokens gives a token whose normalised form is word.
func HashWord(normalised string) uint64 { return hashWord(normalised, 0) }

// hashWord hashes s eight bytes at a time. Each loaded word is ORed with
// or: passing 0x2020202020202020 lower-cases ASCII letters in place (and
// leaves ASCII digits alone), so that the tokenizer hashes an ASCII word
// straight from the text, with no copy, to the same value as its lowered
// bytes.
func hashWord[S ~string | ~[]byte](s S, or uint64) uint64 {
	h := uint64(len(s)) * 0x9e3779b97f4a7c15
	for len(s) >= 8 {
		v := uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
		h = (h ^ (v | or)) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
		s = s[8:]
	}
	if len(s) > 0 {
		var v uint64
		for i := len(s) - 1; i >= 0; i-- {
			v = v<<8 | uint64(s[i])
		}
		h = (h ^ (v | or&(1<<(8*uint(len(s)))-1))) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
	}
	return mix64(h)
}

const lowerASCII = 0x2020202020202020

// short reports whether hashShort can hash text[start:end].
func short(text string, start, end int) bool { return end-start <= 8 && start+8 <= len(text) }

// hashShort is hashWord(text[start:end], lowerASCII) for a word of ASCII
// letters and digits of up to eight bytes with eight bytes of text from
// its start: read with one load and masked instead of byte by byte, in
// few enough steps to be inlined.
func hashShort(text string, start, end int) uint64 {
	v := binary.LittleEndian.Uint64(unsafe.Slice(unsafe.StringData(text[start:start+8]), 8))
	n := uint64(end - start)
	h := (n*0x9e3779b97f4a7c15 ^ (v|lowerASCII)&(^uint64(0)>>((64-8*n)&63))) * 0xbf58476d1ce4e5b9
	return mix64(h ^ h>>29)
}

// byte classes for the ASCII fast path.
const (
	clsOther = iota
	clsLower // a-z, 0-9: copied as is
	clsUpper // A-Z: lowered
	clsApos  // ' : dropped inside a word
	clsNonASCII
)

var asciiClass = func() (c [256]uint8) {
	for b := 0; b < 256; b++ {
		switch {
		case b >= 'a' && b <= 'z', b >= '0' && b <= '9':
			c[b] = clsLower
		case b >= 'A' && b <= 'Z':
			c[b] = clsUpper
		case b == '\'':
			c[b] = clsApos
		case b >= 0x80:
			c[b] = clsNonASCII
		}
	}
	return c
}()

// spacedWord returns the end of the run of ASCII letters and digits that
// starts at pos (text[pos] is one), and whether a space or the text's end
// ends it.
func spacedWord(text string, pos int) (end int, ok bool) {
	i := pos + 1
	for i < len(text) && asciiClass[text[i]]-clsLower <= clsUpper-clsLower {
		i++
	}
	return i, i == len(text) || text[i] == ' '
}

// plainEnd reports whether the ASCII punctuation at i ends the run of
// ASCII letters and digits text[pos:i] as a token as written: it neither
// makes it an initialism ("U.") nor goes on a number ("1.5").
func plainEnd(text string, pos, i int) bool {
	return asciiClass[text[i]] == clsOther && (text[pos] > 'Z' || i > pos+1 || text[i] != '.') && !numberGoesOn(text, i)
}

// genPunct reports whether text[i:] starts with a validly encoded General
// Punctuation character (U+2000 to U+206F: spaces, dashes, quotes), which
// next skips where a token would start, and which ends a word unless it
// is an apostrophe ’ or ‘ (see apos3).
func genPunct(text string, i int) bool {
	if i+2 >= len(text) || text[i] != 0xe2 {
		return false
	}
	b1, b2 := text[i+1], text[i+2]
	return (b1 == 0x80 && b2 >= 0x80 && b2 <= 0xbf) || (b1 == 0x81 && b2 >= 0x80 && b2 <= 0xaf)
}

// apos3 reports whether the General Punctuation character at i is an
// apostrophe, ’ or ‘.
func apos3(text string, i int) bool {
	return text[i+1] == 0x80 && (text[i+2] == 0x98 || text[i+2] == 0x99)
}

// next finds the first token at or after pos. It returns the token's span,
// its hash and the position to continue from; start is -1 when no token is
// left. With t.keep set, t.raw holds the token's normalised bytes.
func (t *Tokenizer) next(text string, pos int) (start, end int, hash uint64, nextPos int) {
	for pos < len(text) {
		c := text[pos]
		switch asciiClass[c] {
		case clsLower, clsUpper:
			// Fast path: a run of ASCII letters and digits ended by a
			// space, ASCII punctuation or General Punctuation other than
			// an apostrophe is hashed straight from the text.
			i, spaced := spacedWord(text, pos)
			if spaced || plainEnd(text, pos, i) || genPunct(text, i) && !apos3(text, i) {
				if t.keep {
					t.raw = t.raw[:0]
					for j := pos; j < i; j++ {
						t.raw = append(t.raw, text[j]|0x20)
					}
				}
				if short(text, pos, i) {
					return pos, i, hashShort(text, pos, i), i
				}
				return pos, i, hashWord(text[pos:i], lowerASCII), i
			}
			if s, e, n, np, ok := t.word(text, pos); ok {
				if t.keep {
					t.raw = append(t.raw[:0], n...)
				}
				return s, e, hashWord(n, 0), np
			} else {
				pos = max(np, pos+1) // always move on
			}
		case clsNonASCII:
			if genPunct(text, pos) { // dashes and quotes, the commonest
				pos += 3
				continue
			}
			r, size := utf8.DecodeRuneInString(text[pos:])
			switch {
			case isIdeograph(r):
				if n := t.ideograph(text[pos : pos+size]); len(n) > 0 {
					t.raw = append(t.raw[:0], n...)
					return pos, pos + size, hashWord(n, 0), pos + size
				}
				pos += size
			case isWordRune(r) && !isApostrophe(r):
				if s, e, n, np, ok := t.word(text, pos); ok {
					t.raw = append(t.raw[:0], n...)
					return s, e, hashWord(n, 0), np
				} else {
					pos = max(np, pos+size) // always move on
				}
			default:
				pos += size
			}
		default:
			pos++
		}
	}
	return -1, -1, 0, len(text)
}

// ideograph returns the normalised form of one Han, Hiragana or Katakana
// character, a token of its own; empty when it normalises to nothing.
func (t *Tokenizer) ideograph(c string) []byte {
	t.raw = append(t.raw[:0], c...)
	n := t.normalize(t.raw, true)
	if utf8.RuneCount(n) > 1 {
		// A digraph such as ヿ (koto) expands to several characters,
		// which would come back as several tokens: it stays one, as
		// written.
		n = append(n[:0], c...)
	}
	return n
}

// word scans the word that starts at pos. ok is false when the word
// normalises to nothing (for example a lone combining mark); nextPos is then
// where scanning goes on.
func (t *Tokenizer) word(text string, pos int) (start, end int, normalised []byte, nextPos int, ok bool) {
	if s, e, n, isInit := t.initialism(text, pos); isInit {
		return s, e, n, e, true
	}
	raw := t.raw[:0]
	ascii := true
	i := pos
scan:
	for i < len(text) {
		c := text[i]
		switch asciiClass[c] {
		case clsLower:
			raw = append(raw, c)
			i++
		case clsUpper:
			raw = append(raw, c|0x20)
			i++
		case clsApos:
			// An apostrophe inside a word (don't, Khan's) is dropped and
			// the word goes on; elsewhere it ends the word.
			if i+1 < len(text) && startsWord(text[i+1:]) {
				i++
				continue
			}
			break scan
		case clsNonASCII:
			r, size := utf8.DecodeRuneInString(text[i:])
			if isApostrophe(r) {
				if i+size < len(text) && startsWord(text[i+size:]) {
					i += size
					continue
				}
				break scan
			}
			if !isWordRune(r) || isIdeograph(r) {
				break scan
			}
			ascii = false
			raw = append(raw, text[i:i+size]...)
			i += size
		default:
			// A number goes on across a decimal point, a thousands
			// separator or a fraction slash: 1.30, 1,646,000, 5/8. The
			// separator is kept, except the thousands comma, so that
			// 1,400 and 1400 are one word.
			if numberGoesOn(text, i) {
				if c != ',' {
					raw = append(raw, c)
				}
				i++
				continue
			}
			break scan
		}
	}
	t.raw = raw
	if ascii {
		return pos, i, raw, i, len(raw) > 0
	}
	n := t.normalize(raw, false)
	return pos, i, n, i, len(n) > 0
}

// initialism recognises runs of single capital letters each followed by a
// period, with or without a space between them ("U. S.", "U.S.", "U.K"),
// and returns them as one token of the letters ("us"). A lone "J." is not
// an initialism.
func (t *Tokenizer) initialism(text string, pos int) (start, end int, normalised []byte, ok bool) {
	isUpper := func(i int) bool { return i < len(text) && text[i] >= 'A' && text[i] <= 'Z' }
	single := func(i int) bool { return isUpper(i) && (i+1 >= len(text) || !startsWord(text[i+1:])) }
	if !single(pos) || pos+1 >= len(text) || text[pos+1] != '.' {
		return 0, 0, nil, false
	}
	n := append(t.raw[:0], text[pos]|0x20)
	end = pos + 1
	i := pos + 2 // after "X."
	for {
		spaced := i < len(text) && text[i] == ' '
		j := i
		if spaced {
			j++
		}
		if !single(j) {
			break
		}
		if j+1 < len(text) && text[j+1] == '.' {
			n = append(n, text[j]|0x20)
			end = j + 1
			i = j + 2
			continue
		}
		if !spaced { // "U.S" without the final period
			n = append(n, text[j]|0x20)
			end = j + 1
		}
		break
	}
	t.raw = n
	if len(n) < 2 {
		return 0, 0, nil, false
	}
	return pos, end, n, true
}

// normalize applies the per-word normalisation to one raw word of NFKC
// text: case folding, decomposition and removal of combining marks,
// lowering, recomposition, and removal of anything that is not a letter or
// digit (NFKC can produce punctuation, as in ½ → 1⁄2). It reuses the
// Tokenizer's buffers and iterator, so it allocates nothing once they have
// grown.
func (t *Tokenizer) normalize(raw []byte, ideograph bool) []byte {
	if !t.init {
		t.folder = cases.Fold()
		t.init = true
	}
	t.norm = t.fold(t.norm[:0], raw)
	t.tmp = t.form(t.tmp[:0], t.norm, norm.NFKD)
	out := t.norm[:0]
	for i := 0; i < len(t.tmp); {
		r, size := utf8.DecodeRune(t.tmp[i:])
		if !unicode.Is(unicode.Mn, r) && r != utf8.RuneError {
			// Case folding maps Cherokee small letters to capitals;
			// lowering after it gives every script one fixed form.
			out = utf8.AppendRune(out, unicode.ToLower(r))
		}
		i += size
	}
	t.tmp = t.form(t.tmp[:0], out, norm.NFKC)
	out = out[:0]
	for i := 0; i < len(t.tmp); {
		r, size := utf8.DecodeRune(t.tmp[i:])
		// An ideograph made by NFKC inside a word (a㊀b → a一b) would
		// be cut off as a token of its own next time: it is dropped.
		if (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r)) && r != utf8.RuneError && !isApostrophe(r) && (ideograph || !isIdeograph(r)) {
			out = utf8.AppendRune(out, r)
		}
		i += size
	}
	t.norm = out
	return out
}

// form appends src in normalisation form f to dst, through the Tokenizer's
// iterator (norm.Form.Append allocates a buffer per call).
func (t *Tokenizer) form(dst, src []byte, f norm.Form) []byte {
	if f.QuickSpan(src) == len(src) {
		return append(dst, src...)
	}
	t.it.Init(f, src)
	for !t.it.Done() {
		dst = append(dst, t.it.Next()...)
	}
	return dst
}

// numberGoesOn reports whether text[i] is a '.', ',' or '/' between two
// ASCII digits, inside a number.
func numberGoesOn(text string, i int) bool {
	if i == 0 || i+1 >= len(text) {
		return false
	}
	c := text[i]
	return (c == '.' || c == ',' || c == '/') && isDigit(text[i-1]) && isDigit(text[i+1])
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsNumber reports whether a token's text (as written) is a number: it
// starts with a digit, or is an English number word (news style spells out
// numbers below ten). Copies that differ in numbers state different facts.
func IsNumber(word string) bool {
	if word == "" {
		return false
	}
	if isDigit(word[0]) {
		return true
	}
	if len(word) > 9 {
		return false
	}
	var lower [9]byte
	for i := 0; i < len(word); i++ {
		lower[i] = word[i] | 0x20
	}
	return numberWords[string(lower[:len(word)])]
}

var numberWords = map[string]bool{
	"zero": true, "one": true, "two": true, "three": true, "four": true, "five": true,
	"six": true, "seven": true, "eight": true, "nine": true, "ten": true, "eleven": true,
	"twelve": true, "thirteen": true, "fourteen": true, "fifteen": true, "sixteen": true,
	"seventeen": true, "eighteen": true, "nineteen": true, "twenty": true, "thirty": true,
	"forty": true, "fifty": true, "sixty": true, "seventy": true, "eighty": true,
	"ninety": true, "hundred": true, "thousand": true, "million": true, "billion": true,
	"trillion": true, "half": true, "quarter": true,
}

// startsWord reports whether s begins with a word character.
func startsWord(s string) bool {
	if s == "" {
		return false
	}
	if c := s[0]; c < 0x80 {
		cl := asciiClass[c]
		return cl == clsLower || cl == clsUpper
	}
	r, _ := utf8.DecodeRuneInString(s)
	return isWordRune(r) && !isIdeograph(r)
}

func isWordRune(r rune) bool {
	if r >= 0x2000 && r <= 0x206f { // General Punctuation: quotes, dashes, spaces
		return false
	}
	return r != utf8.RuneError && (unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r))
}

func isApostrophe(r rune) bool {
	return r == '’' || r == 'ʼ' || r == '＇' || r == '‘'
}

func isIdeograph(r rune) bool {
	return r >= 0x2E80 && (unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r))
}

// fold appends the case folding of src to dst, reusing dst's capacity so
// that folding allocates nothing once the buffers have grown.
func (t *Tokenizer) fold(dst, src []byte) []byte {
	need := 3*len(src) + 16
	if cap(dst) < need {
		dst = make([]byte, 0, need)
	}
	for {
		t.folder.Reset()
		n, _, err := t.folder.Transform(dst[:cap(dst)], src, true)
		if err != transform.ErrShortDst {
			// Any other error cannot happen with atEOF set; keep what
			// was folded.
			return dst[:n]
		}
		dst = make([]byte, 0, 2*cap(dst))
	}
}
