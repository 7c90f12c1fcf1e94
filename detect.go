package reprint

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// ErrDuplicateID is returned by Add for a document whose ID was added
// before; ErrEmptyID for a document without one.
var (
	ErrDuplicateID = errors.New("reprint: duplicate document id")
	ErrEmptyID     = errors.New("reprint: document has no id")
)

// Detector finds recycled passages among the documents added to it. Add
// documents, then call Detect. A Detector is not safe for concurrent use;
// Detect itself uses several goroutines.
type Detector struct {
	cfg  config
	docs []Document
	ids  map[string]int
}

// New returns a Detector configured by opts.
func New(opts ...Option) (*Detector, error) {
	cfg := defaultConfig()
	for _, o := range opts {
		if err := o(&cfg); err != nil {
			return nil, err
		}
	}
	b, r, err := minhash.ChooseBands(cfg.params.NumHash, cfg.threshold)
	if err != nil {
		return nil, fmt.Errorf("reprint: %w", err)
	}
	cfg.params.Bands, cfg.params.Rows = b, r
	if err := cfg.params.Validate(); err != nil {
		return nil, fmt.Errorf("reprint: %w", err)
	}
	return &Detector{cfg: cfg, ids: make(map[string]int)}, nil
}

// Params returns the similarity params the Detector uses.
func (d *Detector) Params() minhash.Params { return d.cfg.params }

// Add adds documents. It fails, adding none of the remaining ones, on an
// empty or repeated ID.
func (d *Detector) Add(docs ...Document) error {
	for _, doc := range docs {
		if doc.ID == "" {
			return ErrEmptyID
		}
		if _, dup := d.ids[doc.ID]; dup {
			return fmt.Errorf("%w: %q", ErrDuplicateID, doc.ID)
		}
		d.ids[doc.ID] = len(d.docs)
		d.docs = append(d.docs, doc)
	}
	return nil
}

// prepared is one document cut up for matching.
type prepared struct {
	tokens  []minhash.Token
	units   []segment.Unit
	sigs    []minhash.Signature
	keys    []uint64      // exact content key per unit
	seeds   align.Doc     // signature-size shingles and numbers: alignment
	entries []align.Entry // verify-size shingles: exact containment
	lines   []int         // byte offsets of '\n' in Text
}

// Detect finds the recycled passages among the documents added so far and
// returns the report. It honours ctx's cancellation.
func (d *Detector) Detect(ctx context.Context) (*Report, error) {
	prep, err := d.prepare(ctx)
	if err != nil {
		return nil, err
	}
	pairs, limits, err := d.candidatePairs(ctx, prep)
	if err != nil {
		return nil, err
	}
	found, err := d.alignPairs(ctx, prep, pairs)
	if err != nil {
		return nil, err
	}
	r := d.assemble(prep, found)
	if len(limits.Boilerplate) > 0 || limits.HotBuckets > 0 {
		r.Limits = limits
	}
	tokens := make([][]minhash.Token, len(prep))
	for i := range prep {
		tokens[i] = prep[i].tokens
	}
	applyProvenance(d.docs, tokens, r, d.cfg.provenanceOptions())
	return r, nil
}

func (d *Detector) prepare(ctx context.Context) ([]prepared, error) {
	prep := make([]prepared, len(d.docs))
	err := parallel(ctx, len(d.docs), d.cfg.workers, func() func(i int) {
		h, _ := minhash.NewHasher(d.cfg.params) // params were validated by New
		return func(i int) { prep[i] = prepareDoc(h, d.cfg, d.docs[i].Text) }
	})
	return prep, err
}

// prepareDoc tokenizes a document's text, cuts it into units and signs
// them, and sorts its shingles for alignment and verification.
func prepareDoc(h *minhash.Hasher, cfg config, text string) prepared {
	p := cfg.params
	var pd prepared
	// Sized ahead (news text runs five to six bytes a word): grown from
	// nil, the tokens were copied and cleared a few times over.
	pd.tokens = h.Tokens(make([]minhash.Token, 0, len(text)/5+16), text)
	bounds := segment.Boundaries(text, pd.tokens)
	pd.units = segment.Units(bounds, segment.Options{})
	pd.sigs = make([]minhash.Signature, len(pd.units))
	pd.keys = make([]uint64, len(pd.units))
	flat := make(minhash.Signature, len(pd.units)*p.NumHash)
	for u, unit := range pd.units {
		toks := pd.tokens[unit.Start:unit.End]
		pd.sigs[u], _ = h.SignTokens(flat[u*p.NumHash:(u+1)*p.NumHash:(u+1)*p.NumHash], toks)
		pd.keys[u] = contentKey(toks)
	}
	shingles := make([]uint64, 0, len(pd.tokens)) // at most one a token; scratch, as Sorted copies them
	if len(pd.tokens) >= p.Shingle {
		pd.seeds.Shingles = align.Sorted(minhash.Shingles(shingles, pd.tokens, p.Shingle, p.Seed))
		pd.seeds.Numbers = make([]bool, len(pd.tokens))
		pd.seeds.Tokens = make([]uint64, len(pd.tokens))
		pd.seeds.Stops = make([]bool, len(pd.tokens))
		for t, tok := range pd.tokens {
			pd.seeds.Numbers[t] = minhash.IsNumber(text[tok.Start:tok.End])
			pd.seeds.Tokens[t] = tok.Hash
			pd.seeds.Stops[t] = t+1 < len(bounds) && bounds[t+1] != segment.None
		}
	}
	if len(pd.tokens) >= cfg.verifyK {
		pd.entries = align.Sorted(minhash.Shingles(shingles, pd.tokens, cfg.verifyK, p.Seed))
	}
	for j := 0; ; {
		k := strings.IndexByte(text[j:], '\n')
		if k < 0 {
			break
		}
		pd.lines = append(pd.lines, j+k)
		j += k + 1
	}
	return pd
}

// contentKey identifies a unit's exact token sequence, so that identical
// units (templates, boilerplate) are indexed once.
func contentKey(toks []minhash.Token) uint64 {
	h := uint64(len(toks))
	for _, t := range toks {
		h = (h ^ t.Hash) * 0x9e3779b97f4a7c15
		h ^= h >> 32
	}
	return h
}

// unitRef names one unit: document and unit index.
type unitRef struct{ doc, unit int32 }

// candidatePairs returns the sorted pairs of documents (a < b, packed as
// a<<32|b) that share a unit group or an LSH band. Groups of identical
// units found in more documents than the bucket cap are boilerplate: they
// are left out, and listed in the returned limits.
func (d *Detector) candidatePairs(ctx context.Context, prep []prepared) ([]uint64, *Limits, error) {
	// Group identical units; the group's first unit represents it.
	groupOf := make(map[uint64]int32)
	var groups [][]unitRef
	var reps []minhash.Signature
	for di := range prep {
		for u, key := range prep[di].keys {
			g, ok := groupOf[key]
			if !ok {
				g = int32(len(groups))
				groupOf[key] = g
				groups = append(groups, nil)
				reps = append(reps, prep[di].sigs[u])
			}
			groups[g] = append(groups[g], unitRef{int32(di), int32(u)})
		}
	}

	limits := &Limits{}
	boiler := make([]bool, len(groups))
	for g, members := range groups {
		if n := distinctDocs(members); d.cfg.bucketCap > 0 && n > d.cfg.bucketCap {
			boiler[g] = true
			r := members[0]
			unit := prep[r.doc].units[r.unit]
			toks := prep[r.doc].tokens
			text := d.docs[r.doc].Text[toks[unit.Start].Start:toks[unit.End-1].End]
			limits.Boilerplate = append(limits.Boilerplate, Boilerplate{Text: text, Documents: n})
		}
	}
	// Candidate groups: pairs of groups whose representatives share an
	// LSH band. The reprint backend joins the bands in one batch; the
	// ekzhu backend builds its index and queries it with every group.
	var groupPairs []uint64
	var err error
	if d.cfg.backend == BackendEkzhu {
		groupPairs, limits.HotBuckets, err = d.queryPairs(ctx, reps)
	} else {
		groupPairs, limits.HotBuckets, err = minhash.SelfJoin(reps, d.cfg.params, d.cfg.bucketCap, d.cfg.workers)
	}
	if err != nil {
		return nil, nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}

	// Document pairs: within each group (identical units), and across
	// candidate groups; boilerplate groups take no part.
	docsOf := make([][]int32, len(groups)) // each group's documents, once
	for g, members := range groups {
		docsOf[g] = make([]int32, len(members))
		for i, r := range members {
			docsOf[g][i] = r.doc
		}
	}
	var all []uint64
	for g := range groups {
		if !boiler[g] && len(groups[g]) > 1 {
			all = appendPairs(all, docsOf[g], docsOf[g])
		}
	}
	for _, gp := range groupPairs {
		ga, gb := int(gp>>32), int(uint32(gp))
		if boiler[ga] || boiler[gb] {
			continue
		}
		all = appendPairs(all, docsOf[ga], docsOf[gb])
	}
	slices.Sort(all)
	return slices.Compact(all), limits, nil
}

// queryPairs builds ekzhu's index over the group representatives and
// queries it with each of them: the pairs SelfJoin computes in batch.
func (d *Detector) queryPairs(ctx context.Context, reps []minhash.Signature) ([]uint64, int, error) {
	idx, err := minhash.NewEkzhuLSH(d.cfg.params, len(reps))
	if err != nil {
		return nil, 0, err
	}
	for _, s := range reps {
		if _, err := idx.Add(s); err != nil {
			return nil, 0, err
		}
	}
	perGroup := make([][]uint64, len(reps))
	var hot atomic.Int64
	err = parallel(ctx, len(reps), d.cfg.workers, func() func(i int) {
		var c minhash.Candidates
		return func(g int) {
			if err := idx.Query(reps[g], &c); err != nil {
				return
			}
			hot.Add(int64(c.HotBands))
			for _, id := range c.IDs {
				if int(id) > g {
					perGroup[g] = append(perGroup[g], uint64(g)<<32|uint64(id))
				}
			}
		}
	})
	var all []uint64
	for _, p := range perGroup {
		all = append(all, p...)
	}
	return all, int(hot.Load()), err
}

// distinctDocs counts the documents a group of units lies in (a document
// may repeat a unit).
func distinctDocs(members []unitRef) int {
	n, last := 0, int32(-1)
	for _, m := range members { // members are in document order
		if m.doc != last {
			n, last = n+1, m.doc
		}
	}
	return n
}

func appendPairs(out []uint64, as, bs []int32) []uint64 {
	for _, a := range as {
		for _, b := range bs {
			switch {
			case a < b:
				out = append(out, uint64(a)<<32|uint64(b))
			case b < a:
				out = append(out, uint64(b)<<32|uint64(a))
			}
		}
	}
	return out
}

// minSimilarity is the share of a segment's tokens that must lie in exactly
// matching runs: below it, the "copy" is a shared template with other
// names and numbers filled in. Measured on the dev corpus (README).
const minSimilarity = 0.6

// pairResult is the alignment of one candidate pair.
type pairResult struct {
	a, b     int
	segments []align.Segment
	overlap  overlap
}

// overlap counts two documents' distinct shingles and those they share.
type overlap struct{ a, b, shared int }

func (o overlap) jaccard() float64      { return ratio(o.shared, o.a+o.b-o.shared) }
func (o overlap) containmentA() float64 { return ratio(o.shared, o.a) }
func (o overlap) containmentB() float64 { return ratio(o.shared, o.b) }

func (d *Detector) alignPairs(ctx context.Context, prep []prepared, pairs []uint64) ([]pairResult, error) {
	res := make([]pairResult, len(pairs))
	err := parallel(ctx, len(pairs), d.cfg.workers, func() func(i int) {
		var al align.Aligner
		return func(i int) {
			a, b := int(pairs[i]>>32), int(uint32(pairs[i]))
			res[i] = pairResult{a: a, b: b}
			res[i].segments, res[i].overlap = alignDocs(&al, d.cfg, &prep[a], &prep[b])
		}
	})
	if err != nil {
		return nil, err
	}
	out := res[:0]
	for _, r := range res {
		if len(r.segments) > 0 {
			out = append(out, r)
		}
	}
	return out, nil
}

// alignDocs finds the recycled passages two prepared documents share and,
// when there are any, counts their shingle overlap exactly.
func alignDocs(al *align.Aligner, cfg config, a, b *prepared) ([]align.Segment, overlap) {
	k := cfg.params.Shingle
	opt := align.Options{K: k, Gap: 4, MinRun: max(k, 5), MinWords: max(cfg.minWords, k), MaxRepeat: 16, MinSimilarity: minSimilarity}
	segs := al.Align(a.seeds, b.seeds, opt)
	if len(segs) == 0 {
		return nil, overlap{}
	}
	return slices.Clone(segs), overlapOf(a.entries, b.entries)
}

// overlapOf counts exactly the distinct shingles of two documents and those
// they share.
func overlapOf(a, b []align.Entry) overlap {
	inter, na, nb := 0, 0, 0
	x, y := 0, 0
	for x < len(a) || y < len(b) {
		switch {
		case y == len(b) || (x < len(a) && a[x].Hash < b[y].Hash):
			na++
			x = skipHash(a, x)
		case x == len(a) || b[y].Hash < a[x].Hash:
			nb++
			y = skipHash(b, y)
		default:
			inter++
			na++
			nb++
			x, y = skipHash(a, x), skipHash(b, y)
		}
	}
	return overlap{a: na, b: nb, shared: inter}
}

func skipHash(e []align.Entry, i int) int {
	h := e[i].Hash
	for i < len(e) && e[i].Hash == h {
		i++
	}
	return i
}

// parallel runs body(i) for i in [0, n) on workers goroutines, each with its
// own body made by mk, and stops early when ctx is cancelled.
func parallel(ctx context.Context, n, workers int, mk func() func(i int)) error {
	return parallelChunks(ctx, n, workers, func() (func(int), func()) { return mk(), func() {} })
}

// parallelChunks is parallel with a done function per worker, called after
// its last item.
func parallelChunks(ctx context.Context, n, workers int, mk func() (func(i int), func())) error {
	const chunk = 64
	workers = max(1, min(workers, (n+chunk-1)/chunk))
	var next int64
	var mu sync.Mutex
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, done := mk()
			defer done()
			for ctx.Err() == nil {
				mu.Lock()
				start := int(next)
				next += chunk
				mu.Unlock()
				if start >= n {
					return
				}
				for i := start; i < min(start+chunk, n); i++ {
					body(i)
				}
			}
		}()
	}
	wg.Wait()
	return ctx.Err()
}

// lineOf returns the 1-based line of byte offset off in a document.
func lineOf(lines []int, off int) int {
	return sort.SearchInts(lines, off) + 1
}
