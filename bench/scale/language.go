package scale

import (
	"slices"
	"strconv"
	"strings"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// functionWords are the most frequent English words, most frequent first:
// the head of the vocabulary, so that the shortest, commonest words and the
// stop words provenance knows are real ones.
var functionWords = strings.Fields(`the of and to a in is that for it was on with he as
be by at his are this from or had not but have they an which one you were her all
she there would their we him been has when who will more no if out so said what up
its about into than them can only other new some could time these two may then do
first any my now such like our over me even most made after also did many before
must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get
here between both life being under never day same another know while last might us
great old year off come since against go came right used take three`)

// Word shapes of the invented part of the vocabulary.
var (
	onsets = strings.Fields("b c d f g h j k l m n p r s t v w z br ch cl cr dr fl gr pl pr sh sl st th tr")
	nuclei = strings.Fields("a e i o u a e i o u ai ea ou ie io")
	codas  = append([]string{"", "", "", ""}, strings.Fields("n r s t l m nd st ng ck")...)
)

// Shape of the text, as the archive describes it.
const (
	vocabSize     = 50_000 // words, function words included
	nameShare     = 0.04   // invented words that are proper names (always capitalised)
	numberShare   = 0.015  // tokens that are numbers
	commaShare    = 0.05   // words followed by a comma
	minSentence   = 6      // words per sentence, before the paragraph's tail is folded in
	maxSentence   = 18
	minParagraph  = 25 // words per paragraph
	maxParagraph  = 60
	minParagraphs = 6 // paragraphs per article
	maxParagraphs = 14
)

// language is a Zipf-distributed vocabulary (exponent 1: the i-th word is
// drawn with weight 1/i) whose head is English function words and whose
// tail is invented words that grow longer as they grow rarer, as real
// words do. It is read-only once built, so one language serves every
// stream.
type language struct {
	words []string
	cum   []uint64 // cum[i] is the total weight of words[:i+1], the whole weight 1<<63
}

// newLanguage builds the vocabulary of a seed: the same seed, the same words.
func newLanguage(seed int64) *language {
	r := splitmix.New(seed, "vocabulary")
	words := slices.Clone(functionWords)
	seen := make(map[string]bool, vocabSize)
	for _, w := range words {
		seen[w] = true
	}
	for len(words) < vocabSize {
		rank := len(words)
		// One to four syllables, more for rarer words: lengths run from
		// about four letters near the head to eight and more in the tail.
		syll := 1 + r.IntN(2)
		if rank > 2_000 && r.Chance(0.6) {
			syll++
		}
		if rank > 15_000 && r.Chance(0.4) {
			syll++
		}
		var b strings.Builder
		for range syll {
			b.WriteString(onsets[r.IntN(len(onsets))])
			b.WriteString(nuclei[r.IntN(len(nuclei))])
		}
		b.WriteString(codas[r.IntN(len(codas))])
		w := b.String()
		if len(w) < 3 || seen[w] {
			continue
		}
		seen[w] = true
		if r.Chance(nameShare) {
			w = capitalize(w)
		}
		words = append(words, w)
	}
	total := 0.0
	for i := range words {
		total += 1 / float64(i+1)
	}
	cum := make([]uint64, len(words))
	acc := 0.0
	for i := range words {
		acc += 1 / float64(i+1)
		cum[i] = uint64(acc / total * (1 << 63))
	}
	cum[len(cum)-1] = 1 << 63
	return &language{words: words, cum: cum}
}

// word draws one word.
func (l *language) word(r *splitmix.Rand) string {
	u := r.Uint64() >> 1
	i, _ := slices.BinarySearch(l.cum, u+1) // the first word whose cum passes u
	return l.words[i]
}

// token draws one token: a word, or now and then a number.
func (l *language) token(r *splitmix.Rand) string {
	if !r.Chance(numberShare) {
		return l.word(r)
	}
	switch r.IntN(5) {
	case 0:
		return strconv.Itoa(1990 + r.IntN(36)) // a year
	case 1:
		return strconv.Itoa(r.IntN(100)) + "," + strconv.Itoa(100+r.IntN(900)) // thousands
	case 2:
		return strconv.Itoa(r.IntN(20)) + "." + strconv.Itoa(r.IntN(10))
	case 3:
		return strconv.Itoa(1+r.IntN(99)) + "%"
	}
	return strconv.Itoa(2 + r.IntN(98))
}

// paragraph draws a paragraph of minParagraph to maxParagraph words as
// tokens: sentences of minSentence to maxSentence words (a tail too short
// to stand alone joins the sentence before it), each capitalised and ended
// by a full stop, with a comma now and then.
func (l *language) paragraph(r *splitmix.Rand) []string {
	return l.sentences(r, r.Between(minParagraph, maxParagraph))
}

// sentences draws n words of sentences, as paragraph does.
func (l *language) sentences(r *splitmix.Rand, n int) []string {
	toks := make([]string, 0, n)
	for len(toks) < n {
		k := r.Between(minSentence, maxSentence)
		if rest := n - len(toks) - k; rest < minSentence {
			k += rest
		}
		// No sentence starts with a number, none ends with a comma.
		toks = append(toks, capitalize(l.word(r)))
		for j := 1; j < k; j++ {
			t := l.token(r)
			if j < k-1 && r.Chance(commaShare) {
				t += ","
			}
			toks = append(toks, t)
		}
		toks[len(toks)-1] += "."
	}
	return toks
}

// capitalize upper-cases the first letter of an ASCII word.
func capitalize(w string) string {
	if w == "" || w[0] < 'a' || w[0] > 'z' {
		return w
	}
	return string(w[0]-'a'+'A') + w[1:]
}

// substitute replaces toks[i]'s word by another word of the language,
// keeping its capital and trailing punctuation; it returns the word
// replaced and its replacement (without punctuation).
func (l *language) substitute(r *splitmix.Rand, toks []string, i int) (from, to string) {
	tok := toks[i]
	from = strings.TrimRight(tok, ".,")
	punct := tok[len(from):]
	for {
		to = l.word(r)
		if from != "" && from[0] >= 'A' && from[0] <= 'Z' {
			to = capitalize(to)
		}
		if !strings.EqualFold(to, from) {
			break
		}
	}
	toks[i] = to + punct
	return from, to
}
