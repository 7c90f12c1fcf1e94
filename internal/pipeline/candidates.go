package pipeline

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/bits"
	"runtime"
	"slices"
	"sync"

	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// Units is the unit table of a corpus, in document order: what Sketch
// kept of every unit.
type Units struct {
	// docs are the documents with units, ascending, and starts each
	// one's first unit: 8 bytes a document, not 4 a unit.
	docs   []int32
	starts []uint32
	// Keys are the units' content keys, Spans their bytes in their
	// documents' texts and Toks their token ranges.
	Keys  []uint64
	Spans []Span
	Toks  []Range
	// Bands holds each unit's band fingerprints, a row a unit.
	Bands *Columns
	// Sigs are the units' signatures, for the ekzhu backend only.
	Sigs []minhash.Signature
	// parked is set while Park holds the rows on disk, keys while the
	// candidate stage holds the keys alone there (CandidateOptions.ParkKeys).
	parked, keys *parked
}

// Len is the number of units, parked or not.
func (u *Units) Len() int {
	if u.parked != nil {
		return u.parked.rows
	}
	return len(u.Spans)
}

// DocOf returns unit i's document.
func (u *Units) DocOf(i int) int32 {
	k, _ := slices.BinarySearch(u.starts, uint32(i)+1) // the first start past i
	return u.docs[k-1]
}

// docWalk returns the units' documents for unit indexes that never go
// down, in constant time each.
type docWalk struct {
	u *Units
	k int
}

func (w *docWalk) at(i int) int32 {
	for w.k+1 < len(w.u.starts) && int(w.u.starts[w.k+1]) <= i {
		w.k++
	}
	return w.u.docs[w.k]
}

// addDoc records that the next n units are document doc's.
func (u *Units) addDoc(doc int32, n int) error {
	if n == 0 {
		return nil
	}
	if k := len(u.docs) - 1; k >= 0 && u.docs[k] == doc {
		return nil
	} else if k >= 0 && doc < u.docs[k] {
		return fmt.Errorf("pipeline: units of document %d after document %d's", doc, u.docs[k])
	}
	if len(u.Spans) > math.MaxUint32 {
		return fmt.Errorf("pipeline: more than %d units", uint32(math.MaxUint32))
	}
	u.docs, u.starts = append(u.docs, doc), append(u.starts, uint32(len(u.Spans)))
	return nil
}

// Bytes is the memory the table's rows take (band fingerprints aside),
// parked or not.
func (u *Units) Bytes() int64 { return int64(u.Len()) * unitRowSize }

// Append adds the units of document doc, sketched as s.
func (u *Units) Append(doc int32, s *Sketch) error {
	if err := u.Unpark(); err != nil {
		return err
	}
	if err := u.addDoc(doc, len(s.Keys)); err != nil {
		return err
	}
	u.Keys = append(u.Keys, s.Keys...)
	u.Spans = append(u.Spans, s.Spans...)
	u.Toks = append(u.Toks, s.Toks...)
	u.Sigs = append(u.Sigs, s.Sigs...)
	return u.Bands.Append(s.Bands)
}

// CandidateOptions configure Candidates.
type CandidateOptions struct {
	// Ekzhu finds the pairs of units through github.com/ekzhu/minhash-lsh
	// (Units.Sigs must be filled) instead of the band join.
	Ekzhu bool
	// PairLimit is the number of pairs the pair sorters hold in memory
	// before spilling (≤ 0: no limit).
	PairLimit int
	// Spill makes the spill files.
	Spill *Spill
	// Text returns a document's text, for the near-duplicate check of
	// buckets over the cap.
	Text func(doc int32) (string, error)
	// Seeds returns a document's seeds, for the pairs of wide buckets
	// (see WideBucket). Nil: wide buckets pair all their groups.
	Seeds func(doc int32, b *SeedBuf) (Seeds, error)
	// Scratch bounds the memory of the band join's workers (each sorts a
	// band's fingerprints: 20 bytes a unit): fewer workers run when all
	// of them would not fit (≤ 0: no bound).
	Scratch int64
	// ParkKeys makes the units' content keys wait in a spill file while
	// the band join runs (only grouping reads them), for a large table.
	ParkKeys bool
}

// WideBucket is the number of distinct units a band bucket may hold and
// still pair them all. A wider bucket is, in practice, short units that
// share a frequent shingle by chance ("said on Monday that"): its size
// grows with the corpus and its pairs with the square of it. It pairs
// only the units whose own shingles form a run that alignment could
// start from (the rule of [Filter], on the shingles inside both units).
// A unit so has at most WideBucket-1 unchecked partners a band, and the
// candidate pairs grow linearly with the corpus. Measured (README): the
// dev corpus and a 10k scale corpus give the same report as pairing
// every bucket in full; 100k scale articles lose 2 of 10,215 document
// pairs, 8-word chance matches between unrelated articles.
const WideBucket = 64

// Boilerplate is a passage found in more documents than the bucket cap,
// identical or near-identical (a word or a date changed): it is reported
// once and pairs no documents.
type Boilerplate struct {
	// Doc and Span locate the passage in the first document that has it.
	Doc  int32
	Span Span
	// Documents counts the documents that have it.
	Documents int
}

// Candidates is the result of the candidate stage.
type Candidates struct {
	// Pairs are the candidate document pairs, a<<32 | b with a < b, in
	// order, each once.
	Pairs *SortedValues
	// Boilerplate lists the boilerplate passages by first appearance.
	Boilerplate []Boilerplate
	// Mask holds, per document with boilerplate, its boilerplate's byte
	// spans: verification does not seed alignments inside them.
	Mask map[int32][]Span
	// MaskTokens are the same spans as token ranges (see Seeds.Mask).
	MaskTokens map[int32][]Range
	// Hot counts the units in band buckets over the cap that are not
	// boilerplate: the pairs only such a bucket would give are missing.
	Hot int
	// Groups is the number of distinct units.
	Groups int
}

// groups are the distinct units of a corpus: units with equal content
// keys, numbered by first appearance.
type groups struct {
	of   []uint32 // each unit's group
	rep  []uint32 // each group's first unit
	off  []uint32 // group g's documents are docs[off[g]:off[g+1]], ascending
	docs []int32
}

func (g *groups) docsOf(i uint32) []int32 { return g.docs[g.off[i]:g.off[i+1]] }

// groupUnits numbers the distinct units of u. Beside the result it needs
// 4 bytes a unit (the units in key order) and a bucket table of one or two
// bytes a unit: no copy of the keys, which at a million documents would take
// gigabytes. Once the units' groups are known, before their documents
// are listed, it calls done (which may park the keys: they are not read
// after it).
func groupUnits(u *Units, done func() error) (*groups, error) {
	n := len(u.Keys)
	g := &groups{of: make([]uint32, n)}
	// First the first unit of each key's run, then group numbers in unit
	// order: a unit that is its run's first opens a group.
	perm := unitsByKey(u.Keys)
	for i := 0; i < n; {
		j := i
		for j < n && u.Keys[perm[j]] == u.Keys[perm[i]] {
			g.of[perm[j]] = perm[i]
			j++
		}
		i = j
	}
	perm = nil
	if done != nil {
		if err := done(); err != nil {
			return nil, err
		}
	}
	for i := range n {
		if first := g.of[i]; first == uint32(i) {
			g.of[i] = uint32(len(g.rep))
			g.rep = append(g.rep, uint32(i))
		} else {
			g.of[i] = g.of[first]
		}
	}
	// Each group's documents, ascending, each once: counted, then
	// placed, a document at a time (its units' groups sorted, so that a
	// group twice in one document counts once).
	off := make([]uint32, len(g.rep)+1)
	var gs []uint32
	each := func(f func(gi uint32, d int32)) {
		for k, d := range u.docs {
			end := n
			if k+1 < len(u.starts) {
				end = int(u.starts[k+1])
			}
			gs = append(gs[:0], g.of[u.starts[k]:end]...)
			slices.Sort(gs)
			for _, gi := range slices.Compact(gs) {
				f(gi, d)
			}
		}
	}
	each(func(gi uint32, _ int32) { off[gi+1]++ })
	for i := 1; i < len(off); i++ {
		off[i] += off[i-1]
	}
	g.docs = make([]int32, off[len(off)-1])
	each(func(gi uint32, d int32) { g.docs[off[gi]] = d; off[gi]++ })
	// Placing moved each group's start to the next one's: move back.
	copy(off[1:], off[:len(off)-1])
	off[0] = 0
	g.off = off
	return g, nil
}

// unitsByKey returns the indexes of keys ordered by key, then index: a
// counting sort on the keys' top bits (uniformly distributed hashes), then
// each small bucket sorted by full comparison.
func unitsByKey(keys []uint64) []uint32 {
	n := len(keys)
	perm := make([]uint32, n)
	byKey := func(x, y uint32) int { return cmp.Or(cmp.Compare(keys[x], keys[y]), cmp.Compare(x, y)) }
	if n < 1024 {
		for i := range perm {
			perm[i] = uint32(i)
		}
		slices.SortFunc(perm, byKey)
		return perm
	}
	b := bits.Len(uint(n)) - 2 // about four keys a bucket
	shift := 64 - b
	end := make([]uint32, 1<<b) // counts, then starts, then ends
	for _, k := range keys {
		end[k>>shift]++
	}
	sum := uint32(0)
	for d, c := range end {
		end[d] = sum
		sum += c
	}
	for i, k := range keys {
		d := k >> shift
		perm[end[d]] = uint32(i)
		end[d]++
	}
	lo := uint32(0)
	for _, hi := range end {
		if hi-lo > 1 {
			slices.SortFunc(perm[lo:hi], byKey)
		}
		lo = hi
	}
	return perm
}

// Candidates finds the candidate document pairs of the units u: pairs that share an identical unit, and pairs whose units
// share an LSH band. A unit found in more than BucketCap documents is
// boilerplate; so is a family of near-identical units (each sharing at
// least 60% of its shingles with the family's most common unit) that
// fills a band bucket over the cap: boilerplate is grouped once, reported
// once, and pairs no documents, so that its cost is linear in the number
// of its copies. Other band buckets over the cap are left out (Hot).
func (c *Config) Candidates(ctx context.Context, u *Units, o CandidateOptions) (*Candidates, error) {
	g, err := groupUnits(u, func() error {
		if o.ParkKeys {
			return u.parkKeys(o.Spill)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	res := &Candidates{Groups: len(g.rep)}
	boiler := make([]bool, len(g.rep))
	anyBoiler := false
	for i := range g.rep {
		if c.Boiler(len(g.docsOf(uint32(i)))) {
			boiler[i], anyBoiler = true, true
		}
	}
	groupPairs := NewSorter(o.PairLimit, o.Spill)
	var special []bucket
	if o.Ekzhu {
		res.Hot, err = c.ekzhuPairs(ctx, u, g, o.Seeds, groupPairs)
	} else {
		special, err = c.bandPairs(ctx, u, g, boiler, o, groupPairs)
	}
	if err != nil {
		return nil, err
	}
	if len(special) > 0 {
		groups, err := c.specialGroups(ctx, u, g, special, o)
		if err != nil {
			return nil, err
		}
		bands := make([]SpecialBand, len(special))
		for i, b := range special {
			bands[i] = SpecialBand{Band: b.band, Members: make([]uint64, len(b.members))}
			for x, gi := range b.members {
				bands[i].Members[x] = uint64(gi)
			}
		}
		sr, err := c.Specials(groups, bands, o.Seeds != nil)
		if err != nil {
			return nil, err
		}
		for _, gi := range sr.Boiler {
			boiler[gi], anyBoiler = true, true
		}
		pairs := make([]uint64, len(sr.Pairs))
		for i, p := range sr.Pairs {
			pairs[i] = p[0]<<32 | p[1]
		}
		if err := groupPairs.Add(pairs...); err != nil {
			return nil, err
		}
		res.Hot = sr.Hot
	}
	if anyBoiler {
		hasToks := len(u.Toks) == u.Len()
		res.Boilerplate, res.Mask, res.MaskTokens = Boilerplates(func(yield func(BoilerUnit) bool) {
			w := docWalk{u: u}
			for i := range u.Len() {
				if gi := g.of[i]; boiler[gi] {
					bu := BoilerUnit{Doc: w.at(i), Index: uint32(i), Group: uint64(gi), Span: u.Spans[i]}
					if hasToks {
						bu.Tok = u.Toks[i]
					}
					if !yield(bu) {
						return
					}
				}
			}
		}, hasToks)
	}
	docPairs := NewSorter(o.PairLimit, o.Spill)
	gp, err := groupPairs.Sorted()
	if err != nil {
		return nil, err
	}
	defer gp.Close()
	var buf []uint64
	flush := func() error {
		err := docPairs.Add(buf...)
		buf = buf[:0]
		return err
	}
	for i := range g.rep {
		if ds := g.docsOf(uint32(i)); !boiler[i] && len(ds) > 1 {
			buf = AppendDocPairs(buf, ds, ds)
			if len(buf) > 1<<16 {
				if err := flush(); err != nil {
					return nil, err
				}
			}
		}
	}
	for n := 0; ; n++ {
		p, ok := gp.Next()
		if !ok {
			break
		}
		if n%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		ga, gb := uint32(p>>32), uint32(p)
		if boiler[ga] || boiler[gb] {
			continue
		}
		buf = AppendDocPairs(buf, g.docsOf(ga), g.docsOf(gb))
		if len(buf) > 1<<16 {
			if err := flush(); err != nil {
				return nil, err
			}
		}
	}
	if err := gp.Err(); err != nil {
		return nil, err
	}
	if err := flush(); err != nil {
		return nil, err
	}
	res.Pairs, err = docPairs.Sorted()
	return res, err
}

// bucket is a band bucket over the cap, or holding boilerplate: its
// groups, ascending.
type bucket struct {
	band    int
	members []uint32
}

// bandPairs joins the groups band by band: groups whose representatives
// share a band's fingerprint are candidate pairs (packed ga<<32 | gb,
// ga < gb; in a wide bucket only those that may align), added to out.
// Buckets that span more than the cap of documents, or hold boilerplate,
// are returned for the near-duplicate check instead.
func (c *Config) bandPairs(ctx context.Context, u *Units, g *groups, boiler []bool, o CandidateOptions, out *Sorter) ([]bucket, error) {
	p := c.Params
	workers := c.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	// A worker holds a band's column (4 bytes a unit) and sorts the
	// groups' fingerprints (16 bytes a group). When one worker would not
	// fit the scratch budget, each band is joined in parts, by the top
	// bits of the fingerprint: a bucket lies in one part, and the parts
	// come in fingerprint order, so the result is the same.
	parts := 1
	perWorker := func() int64 { return int64(4*u.Len() + 16*len(g.rep)/parts) }
	for o.Scratch > 0 && parts < maxJoinParts && perWorker() > o.Scratch {
		parts *= 2
	}
	if o.Scratch > 0 && perWorker() > 0 {
		workers = int(max(1, min(int64(workers), o.Scratch/perWorker())))
	}
	partBits := bits.Len(uint(parts - 1))
	var (
		mu      sync.Mutex
		special []bucket
		firstEr error
	)
	err := pool.RunDone(ctx, p.Bands, pool.Options{Workers: workers, Chunk: 1}, func() (func(int), func()) {
		var col []uint32
		size := len(g.rep)
		if parts > 1 {
			size = len(g.rep)/parts + len(g.rep)/parts/8 // a part's share and more
		}
		keys := make([]uint64, 0, size)
		tmp := make([]uint64, size)
		var pairs []uint64
		seen := NewStamps(0)
		uf := c.newUnitFilter(u, g, o.Seeds)
		return func(b int) {
			var err error
			col, err = u.Bands.Column(b, col)
			if err != nil {
				mu.Lock()
				firstEr = cmp.Or(firstEr, err)
				mu.Unlock()
				return
			}
			pairs = pairs[:0]
			var mine []bucket
			for part := range uint32(parts) {
				keys = keys[:0]
				for gi, r := range g.rep {
					if partBits == 0 || col[r]>>(32-partBits) == part {
						keys = append(keys, uint64(col[r])<<32|uint64(gi))
					}
				}
				tmp = slices.Grow(tmp[:0], len(keys))[:len(keys)]
				sorted := minhash.SortByFingerprint(keys, tmp)
				for i := 0; i < len(sorted); {
					j := i + 1
					for j < len(sorted) && sorted[j]>>32 == sorted[i]>>32 {
						j++
					}
					if j-i >= 2 {
						members := sorted[i:j]
						docsOf := func(x int) []int32 { return g.docsOf(uint32(members[x])) }
						isBoiler := func(x int) bool { return boiler[uint32(members[x])] }
						if c.SpecialBucket(len(members), docsOf, isBoiler, &seen) {
							m := make([]uint32, len(members))
							for x, k := range members {
								m[x] = uint32(k)
							}
							mine = append(mine, bucket{b, m})
						} else {
							uf.resetKeys(members)
							c.BucketPairs(uf.f, len(members), uf.seedsFunc(), func(x, y int) {
								pairs = append(pairs, members[x]<<32|members[y]&0xffffffff)
							})
						}
					}
					i = j
				}
			}
			slices.Sort(pairs)
			pairs = slices.Compact(pairs)
			mu.Lock()
			firstEr = cmp.Or(firstEr, uf.err, out.Add(pairs...))
			special = append(special, mine...)
			mu.Unlock()
		}, func() {}
	})
	if err = cmp.Or(err, firstEr); err != nil {
		return nil, err
	}
	slices.SortFunc(special, func(x, y bucket) int {
		return cmp.Or(cmp.Compare(x.band, y.band), cmp.Compare(x.members[0], y.members[0]))
	})
	return special, nil
}

// maxJoinParts bounds the parts a band is joined in (see bandPairs).
const maxJoinParts = 64

// ekzhuPairs builds ekzhu's index over the groups' representatives and
// queries it with each of them: the pairs the band join computes, wide
// buckets included.
func (c *Config) ekzhuPairs(ctx context.Context, u *Units, g *groups, seedsOf func(int32, *SeedBuf) (Seeds, error), out *Sorter) (int, error) {
	reps := make([]minhash.Signature, len(g.rep))
	for i, r := range g.rep {
		reps[i] = u.Sigs[r]
	}
	idx, err := minhash.NewEkzhuLSH(c.Params, len(reps))
	if err != nil {
		return 0, err
	}
	for _, s := range reps {
		if _, err := idx.Add(s); err != nil {
			return 0, err
		}
	}
	wide, err := c.wideBuckets(u, g, seedsOf)
	if err != nil {
		return 0, err
	}
	perGroup := make([][]uint64, len(reps))
	hot := make([]int, len(reps))
	var (
		mu      sync.Mutex
		seedErr error
	)
	err = pool.Run(ctx, len(reps), pool.Options{Workers: c.Workers}, func() func(int) {
		var cd minhash.Candidates
		uf := c.newUnitFilter(u, g, seedsOf)
		return func(gi int) {
			defer func() {
				if uf.err != nil {
					mu.Lock()
					seedErr = cmp.Or(seedErr, uf.err)
					mu.Unlock()
				}
			}()
			if err := idx.Query(reps[gi], &cd); err != nil {
				return
			}
			hot[gi] = cd.HotBands
			for _, id := range cd.IDs {
				if int(id) > gi && wide.mayPair(uf, uint32(gi), uint32(id)) {
					perGroup[gi] = append(perGroup[gi], uint64(gi)<<32|uint64(id))
				}
			}
		}
	})
	total := 0
	for gi, p := range perGroup {
		total += hot[gi]
		if err := out.Add(p...); err != nil {
			return 0, err
		}
	}
	return total, cmp.Or(err, seedErr)
}

// wide holds the groups' band fingerprints and, per band, those of the
// wide buckets, for the backend that does not join by band itself.
type wide struct {
	cols [][]uint32 // cols[b][gi]: group gi's fingerprint in band b
	fps  []map[uint32]bool
}

// wideBuckets finds the wide buckets of every band (nil when seedsOf is:
// then no bucket is wide).
func (c *Config) wideBuckets(u *Units, g *groups, seedsOf func(int32, *SeedBuf) (Seeds, error)) (*wide, error) {
	if seedsOf == nil {
		return nil, nil
	}
	w := &wide{cols: make([][]uint32, c.Params.Bands), fps: make([]map[uint32]bool, c.Params.Bands)}
	var col []uint32
	for b := range c.Params.Bands {
		var err error
		if col, err = u.Bands.Column(b, col); err != nil {
			return nil, err
		}
		w.cols[b] = make([]uint32, len(g.rep))
		count := map[uint32]int{}
		for gi, r := range g.rep {
			w.cols[b][gi] = col[r]
			count[col[r]]++
		}
		w.fps[b] = map[uint32]bool{}
		for fp, n := range count {
			if n > WideBucket {
				w.fps[b][fp] = true
			}
		}
	}
	return w, nil
}

// mayPair reports whether the band join pairs groups ga and gb: they
// share a band bucket that is not wide, or their units may align.
func (w *wide) mayPair(uf *unitFilter, ga, gb uint32) bool {
	if w == nil {
		return true
	}
	for b, col := range w.cols {
		if col[ga] == col[gb] && !w.fps[b][col[ga]] {
			return true
		}
	}
	uf.groups = append(uf.groups[:0], ga, gb)
	uf.load(uf.groups)
	return uf.mayAlign(0, 1)
}

// unitFilter tests the pairs of a wide bucket's groups: it lets a pair
// through if the signature-size shingles inside both groups' units form
// a run on one diagonal (by the rule of [Filter]). A unit's shingles
// depend on its words alone, so the test holds for every copy of it.
type unitFilter struct {
	u       *Units
	g       *groups
	seedsOf func(int32, *SeedBuf) (Seeds, error)
	k       int
	f       *Filter
	active  bool
	groups  []uint32
	members []unitSeeds
	keys    []uint32
	last    int
	buf     SeedBuf
	err     error // the first error reading seeds
}

// unitSeeds locate a unit's seeds in unitFilter.keys.
type unitSeeds struct {
	off, n  int
	posBits uint8
	wild    bool
}

func (c *Config) newUnitFilter(u *Units, g *groups, seedsOf func(int32, *SeedBuf) (Seeds, error)) *unitFilter {
	return &unitFilter{u: u, g: g, seedsOf: seedsOf, k: c.Params.Shingle, f: c.NewFilter()}
}

// reset sets the bucket's groups: mayAlign then tests their pairs (all
// pass when the bucket is not wide). The filter keeps groups until the
// next reset.
func (uf *unitFilter) reset(groups []uint32) {
	if uf.active = uf.seedsOf != nil && len(groups) > WideBucket; uf.active {
		uf.load(groups)
	}
}

// load reads the seeds of groups' units for mayAlign, whatever their
// number.
func (uf *unitFilter) load(groups []uint32) {
	uf.active = true
	uf.keys, uf.members, uf.last = uf.keys[:0], uf.members[:0], -1
	for _, gi := range groups {
		uf.members = append(uf.members, uf.unitSeeds(gi))
	}
}

// resetKeys is reset for band join keys (fingerprint<<32 | group).
func (uf *unitFilter) resetKeys(keys []uint64) {
	if uf.seedsOf == nil || len(keys) <= WideBucket {
		uf.active = false
		return
	}
	uf.groups = uf.groups[:0]
	for _, k := range keys {
		uf.groups = append(uf.groups, uint32(k))
	}
	uf.reset(uf.groups)
}

// unitSeeds appends to uf.keys the seeds of the shingles inside group
// gi's unit.
func (uf *unitFilter) unitSeeds(gi uint32) unitSeeds {
	r := uf.g.rep[gi]
	s, err := uf.seedsOf(uf.u.DocOf(int(r)), &uf.buf)
	if err != nil {
		uf.err = cmp.Or(uf.err, err)
	}
	us := unitSeeds{off: len(uf.keys), posBits: s.PosBits, wild: s.Wild}
	in, keys := UnitSeeds(uf.keys, s, uf.u.Toks[r], uf.k)
	uf.keys, us.n = keys, len(in.Keys)
	return us
}

// seedsFunc returns the seeds of the bucket's groups for BucketPairs: nil
// when the filter is not active (the bucket is not wide).
func (uf *unitFilter) seedsFunc() func(x int) Seeds {
	if !uf.active {
		return nil
	}
	return uf.seeds
}

func (uf *unitFilter) seeds(x int) Seeds {
	m := uf.members[x]
	return Seeds{Keys: uf.keys[m.off : m.off+m.n : m.off+m.n], PosBits: m.posBits, Wild: m.wild}
}

// mayAlign reports whether the bucket's x-th and y-th groups are paired.
// Calls for one x come together, so that the filter is set once for it.
func (uf *unitFilter) mayAlign(x, y int) bool {
	if !uf.active {
		return true
	}
	if x != uf.last {
		uf.f.Reset(uf.seeds(x))
		uf.last = x
	}
	return uf.f.MayAlign(uf.seeds(y))
}

// parked is where Park put a unit table's rows.
type parked struct {
	f    *spillFile
	rows int
}

// unitRowSize is the bytes of one unit's row as Park writes it: document,
// key, span, token range.
const unitRowSize = 4 + 8 + 8 + 8

// Park moves the unit table's rows (all but the band fingerprints, which
// live in their own table) to a spill file and frees their memory: the
// stages after the candidate stage do not read them. Append and Unpark
// bring them back. A table with signatures (the ekzhu backend) stays.
func (u *Units) Park(sp *Spill) error {
	if u.parked != nil || len(u.Sigs) > 0 || u.Len() == 0 {
		return nil
	}
	f, err := sp.newFile()
	if err != nil {
		return err
	}
	var buf, kb []byte
	w := docWalk{u: u}
	for i := 0; i < u.Len(); {
		buf = buf[:0]
		end := min(i+4096, u.Len())
		keys := u.Keys[min(i, len(u.Keys)):min(end, len(u.Keys))]
		if u.keys != nil { // read back a chunk at a time
			kb = slices.Grow(kb[:0], 8*(end-i))[:8*(end-i)]
			if err := u.keys.f.readAt(kb, int64(8*i)); err != nil {
				f.close()
				return err
			}
		}
		for x := 0; i < end; i, x = i+1, x+1 {
			le := binary.LittleEndian
			key := uint64(0)
			if u.keys != nil {
				key = le.Uint64(kb[8*x:])
			} else {
				key = keys[x]
			}
			buf = le.AppendUint32(buf, uint32(w.at(i)))
			buf = le.AppendUint64(buf, key)
			buf = le.AppendUint32(le.AppendUint32(buf, u.Spans[i].Start), u.Spans[i].End)
			buf = le.AppendUint32(le.AppendUint32(buf, uint32(u.Toks[i].Start)), uint32(u.Toks[i].End))
		}
		if err := f.write(buf); err != nil {
			f.close()
			return err
		}
	}
	if u.keys != nil {
		err = u.keys.f.close()
		u.keys = nil
	}
	u.parked = &parked{f, u.Len()}
	u.docs, u.starts, u.Keys, u.Spans, u.Toks = nil, nil, nil, nil, nil
	return err
}

// parkKeys moves the units' content keys alone to a spill file and frees
// their memory; Unpark brings them back.
func (u *Units) parkKeys(sp *Spill) error {
	if u.keys != nil || u.parked != nil || len(u.Keys) == 0 {
		return nil
	}
	f, err := sp.newFile()
	if err != nil {
		return err
	}
	var buf []byte
	for i := 0; i < len(u.Keys); i += 4096 {
		buf = buf[:0]
		for _, k := range u.Keys[i:min(i+4096, len(u.Keys))] {
			buf = binary.LittleEndian.AppendUint64(buf, k)
		}
		if err := f.write(buf); err != nil {
			f.close()
			return err
		}
	}
	u.keys = &parked{f, len(u.Keys)}
	u.Keys = nil
	return nil
}

// unparkKeys reads back the keys parkKeys moved to disk.
func (u *Units) unparkKeys() error {
	p := u.keys
	if p == nil {
		return nil
	}
	u.keys = nil
	defer p.f.close()
	u.Keys = make([]uint64, p.rows)
	buf := make([]byte, 8*4096)
	for i := 0; i < p.rows; i += 4096 {
		n := min(4096, p.rows-i)
		if err := p.f.readAt(buf[:8*n], int64(8*i)); err != nil {
			return err
		}
		for x := range n {
			u.Keys[i+x] = binary.LittleEndian.Uint64(buf[8*x:])
		}
	}
	return nil
}

// Close frees the table's files (the band fingerprints' and the parked
// rows').
func (u *Units) Close() error {
	var err error
	for _, p := range []**parked{&u.parked, &u.keys} {
		if *p != nil {
			err = cmp.Or(err, (*p).f.close())
			*p = nil
		}
	}
	if u.Bands != nil {
		err = cmp.Or(err, u.Bands.Close())
	}
	return err
}

// Unpark reads back the rows Park moved to disk.
func (u *Units) Unpark() error {
	p := u.parked
	if p == nil {
		return u.unparkKeys()
	}
	u.parked = nil
	defer p.f.close()
	u.Keys = make([]uint64, 0, p.rows)
	u.Spans, u.Toks = make([]Span, 0, p.rows), make([]Range, 0, p.rows)
	buf := make([]byte, 4096*unitRowSize)
	le := binary.LittleEndian
	for done := 0; done < p.rows; {
		n := min(4096, p.rows-done)
		if err := p.f.readAt(buf[:n*unitRowSize], int64(done*unitRowSize)); err != nil {
			return err
		}
		for r := buf[:n*unitRowSize]; len(r) > 0; r = r[unitRowSize:] {
			if err := u.addDoc(int32(le.Uint32(r)), 1); err != nil {
				return err
			}
			u.Keys = append(u.Keys, le.Uint64(r[4:]))
			u.Spans = append(u.Spans, Span{le.Uint32(r[12:]), le.Uint32(r[16:])})
			u.Toks = append(u.Toks, Range{int32(le.Uint32(r[20:])), int32(le.Uint32(r[24:]))})
		}
		done += n
	}
	return nil
}
