package bruteforce

import (
	"cmp"
	"context"
	"runtime"
	"slices"
	"sync"

	"github.com/reprint-dev/reprint/minhash"
)

// Doc is one document of the corpus.
type Doc struct {
	ID   string
	Text string
}

// Pair is two documents that share at least one shingle. A and B index the
// docs slice given to Pairs, A < B.
type Pair struct {
	A, B int
	// Shared is the number of distinct shingles the two share.
	Shared int
	// ContainmentA is Shared over A's distinct shingles: how much of A is
	// found in B. ContainmentB is the reverse.
	ContainmentA, ContainmentB float64
}

// MaxContainment is the larger of the two containments.
func (p Pair) MaxContainment() float64 { return max(p.ContainmentA, p.ContainmentB) }

// Pairs returns every pair of docs whose larger containment is at least
// minContainment, with shingles of k words made by reprint's tokenizer
// (seed 0), sorted by (A, B). It uses all cores.
func Pairs(ctx context.Context, docs []Doc, k int, minContainment float64) ([]Pair, error) {
	sets := make([][]uint64, len(docs))
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			var tok minhash.Tokenizer
			var tokens []minhash.Token
			for i := w; i < len(docs); i += workers {
				tokens = tok.Tokens(tokens[:0], docs[i].Text)
				s := minhash.Shingles(nil, tokens, k, 0)
				slices.Sort(s)
				sets[i] = slices.Compact(s)
			}
		}(w)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	// Postings: every (shingle, doc) sorted by shingle, then doc.
	type posting struct {
		h   uint64
		doc int32
	}
	total := 0
	for _, s := range sets {
		total += len(s)
	}
	post := make([]posting, 0, total)
	for d, s := range sets {
		for _, h := range s {
			post = append(post, posting{h, int32(d)})
		}
	}
	slices.SortFunc(post, func(a, b posting) int {
		if c := cmp.Compare(a.h, b.h); c != 0 {
			return c
		}
		return cmp.Compare(a.doc, b.doc)
	})
	// byDoc[d] lists the postings runs (start, end) of d's shingles, so
	// that each worker counts the pairs (d, e>d) of its own documents.
	runsOf := make([][]int32, len(docs))
	for i := 0; i < len(post); {
		j := i
		for j < len(post) && post[j].h == post[i].h {
			j++
		}
		if j-i > 1 {
			for x := i; x < j; x++ {
				runsOf[post[x].doc] = append(runsOf[post[x].doc], int32(x))
			}
		}
		i = j
	}

	results := make([][]Pair, workers)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			count := make([]int32, len(docs))
			var touched []int32
			for d := w; d < len(docs); d += workers {
				if d%256 == 0 && ctx.Err() != nil {
					return
				}
				for _, x := range runsOf[d] {
					h := post[x].h
					for y := int(x) + 1; y < len(post) && post[y].h == h; y++ {
						e := post[y].doc
						if count[e] == 0 {
							touched = append(touched, e)
						}
						count[e]++
					}
				}
				slices.Sort(touched)
				for _, e := range touched {
					shared := int(count[e])
					count[e] = 0
					p := Pair{A: d, B: int(e), Shared: shared,
						ContainmentA: float64(shared) / float64(len(sets[d])),
						ContainmentB: float64(shared) / float64(len(sets[e]))}
					if p.MaxContainment() >= minContainment {
						results[w] = append(results[w], p)
					}
				}
				touched = touched[:0]
			}
		}(w)
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	var all []Pair
	for _, r := range results {
		all = append(all, r...)
	}
	slices.SortFunc(all, func(a, b Pair) int {
		if c := cmp.Compare(a.A, b.A); c != 0 {
			return c
		}
		return cmp.Compare(a.B, b.B)
	})
	return all, nil
}
