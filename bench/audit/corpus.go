package audit

import (
	"bufio"
	"cmp"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/reprint-dev/reprint"
)

// DefaultDevCorpus is the dev corpus's path from this package's directory.
const DefaultDevCorpus = "../../../shared/corpora/reuters21578-dev.jsonl"

// LoadDev reads the dev corpus (JSON Lines with id, text, source, date
// as an RFC 3339 time).
func LoadDev(path string) ([]reprint.Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var docs []reprint.Document
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var r struct{ ID, Text, Source, Title string }
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		docs = append(docs, reprint.Document{ID: r.ID, Text: r.Text, Source: r.Source, Title: r.Title})
	}
	return docs, sc.Err()
}

// Corpus makes replicas of base: replica 0 is base itself, replica r > 0
// maps each word to another word whose frequency rank is within the same
// band of 64 ranks, by a permutation seeded with r. Ids get a "/r" suffix.
// A Corpus is not safe for concurrent use.
type Corpus struct {
	base  []reprint.Document
	vocab []string       // words by falling frequency
	rank  map[string]int // word → rank
	perms map[int][]int  // replica → rank → rank
}

// NewCorpus prepares replicas of base.
func NewCorpus(base []reprint.Document) *Corpus {
	freq := map[string]int{}
	for _, d := range base {
		forWords(d.Text, func(w string) { freq[strings.ToLower(w)]++ })
	}
	c := &Corpus{base: base, rank: make(map[string]int, len(freq)), perms: map[int][]int{}}
	for w := range freq {
		c.vocab = append(c.vocab, w)
	}
	slices.SortFunc(c.vocab, func(a, b string) int { return cmp.Or(-cmp.Compare(freq[a], freq[b]), cmp.Compare(a, b)) })
	for i, w := range c.vocab {
		c.rank[w] = i
	}
	return c
}

// Len returns the number of base documents.
func (c *Corpus) Len() int { return len(c.base) }

// Doc returns document i of replica r.
func (c *Corpus) Doc(r, i int) reprint.Document {
	d := c.base[i]
	if r == 0 {
		return d
	}
	d.ID = fmt.Sprintf("%s/%d", d.ID, r)
	d.Text = c.mapText(r, d.Text)
	return d
}

// Docs returns the first n documents of replicas 0, 1, 2…
func (c *Corpus) Docs(n int) []reprint.Document {
	out := make([]reprint.Document, 0, n)
	for r := 0; len(out) < n; r++ {
		for i := 0; i < len(c.base) && len(out) < n; i++ {
			out = append(out, c.Doc(r, i))
		}
	}
	return out
}

const band = 64

func (c *Corpus) mapText(r int, text string) string {
	var b strings.Builder
	b.Grow(len(text))
	last := 0
	forWordSpans(text, func(start, end int) {
		b.WriteString(text[last:start])
		w := text[start:end]
		b.WriteString(c.mapWord(r, w))
		last = end
	})
	b.WriteString(text[last:])
	return b.String()
}

func (c *Corpus) mapWord(r int, w string) string {
	k, ok := c.rank[strings.ToLower(w)]
	if !ok {
		return w
	}
	perm, ok := c.perms[r]
	if !ok {
		// Permute each band of ranks.
		perm = make([]int, len(c.vocab))
		rng := rand.New(rand.NewPCG(uint64(r), 7))
		for lo := 0; lo < len(perm); lo += band {
			hi := min(lo+band, len(perm))
			for j, x := range rng.Perm(hi - lo) {
				perm[lo+j] = lo + x
			}
		}
		c.perms[r] = perm
	}
	out := c.vocab[perm[k]]
	if first, _ := utf8.DecodeRuneInString(w); unicode.IsUpper(first) {
		if strings.ToUpper(w) == w && len(w) > 1 {
			return strings.ToUpper(out)
		}
		f, n := utf8.DecodeRuneInString(out)
		return string(unicode.ToUpper(f)) + out[n:]
	}
	return out
}

// Targets returns n articles to audit: every other one carries one or two
// paragraphs (20+ words) copied verbatim from docs, the rest are unseen
// text (a replica not in the index). Deterministic for a seed.
func (c *Corpus) Targets(n int, docs []reprint.Document, unseen int, seed uint64) []reprint.Document {
	rng := rand.New(rand.NewPCG(seed, 99))
	out := make([]reprint.Document, n)
	for i := range out {
		own := c.Doc(unseen, rng.IntN(len(c.base)))
		text := own.Text
		if i%2 == 0 {
			for range 1 + rng.IntN(2) {
				src := docs[rng.IntN(len(docs))]
				paras := strings.Split(src.Text, "\n\n")
				p := paras[rng.IntN(len(paras))]
				if len(strings.Fields(p)) < 20 {
					p = src.Text
				}
				text += "\n\n" + p
			}
		}
		out[i] = reprint.Document{ID: fmt.Sprintf("target-%03d", i), Text: text}
	}
	return out
}

func forWords(text string, fn func(w string)) {
	forWordSpans(text, func(s, e int) { fn(text[s:e]) })
}

// forWordSpans calls fn for each run of letters.
func forWordSpans(text string, fn func(start, end int)) {
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			fn(start, i)
			start = -1
		}
	}
	if start >= 0 {
		fn(start, len(text))
	}
}
