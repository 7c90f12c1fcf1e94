package minhash

import (
	"errors"
	"fmt"
	"slices"
	"sync"
)

// ID identifies a signature inside an index: the n-th signature added gets
// ID n-1. Compact integer ids keep the index in flat arrays; callers map
// them to their own passages.
type ID = uint32

// Index finds the signatures that share at least one LSH band with a query:
// the candidates for a similarity of at least the threshold the bands and
// rows were chosen for. Both implementations, LSH (reprint's own) and
// EkzhuLSH (github.com/ekzhu/minhash-lsh behind the same interface), return
// the same candidates for the same signatures.
type Index interface {
	// Add inserts a signature and returns its ID.
	Add(sig Signature) (ID, error)
	// Query replaces c's content with the candidates for sig.
	Query(sig Signature, c *Candidates) error
	// Len returns the number of signatures added.
	Len() int
	// Params returns the params the index was made with.
	Params() Params
}

// Candidates is the result of a query. Reuse one value across queries to
// avoid allocation.
type Candidates struct {
	// IDs are the candidates, sorted and without repeats.
	IDs []ID
	// HotBands counts the bands whose bucket for the query held more than
	// the index's bucket cap: those buckets were not listed, so candidates
	// that share only such a band (boilerplate shared by thousands of
	// passages) are missing. Zero means the answer is complete.
	HotBands int
}

// DefaultBucketCap is the default number of entries a bucket holds before it
// is marked hot (see Candidates.HotBands).
const DefaultBucketCap = 1000

// ErrParamsMismatch is returned when a signature does not fit an index's
// params, or a stored index is opened with other params.
var ErrParamsMismatch = errors.New("minhash: params do not match the index")

// LSH is reprint's in-memory LSH index. Each band has an open-addressing
// table of 64-bit slots that pack a 32-bit fingerprint of the band's values
// with the ID: eight bytes a band and entry at 100% load, grown by doubling,
// so Add is amortised O(bands) and nothing is ever re-sorted.
//
// Two different band values share a fingerprint with probability 2^-32; the
// index then returns a false candidate, which exact verification removes.
//
// An LSH is safe for concurrent use: any number of goroutines may Query
// while one or more Add (Adds are serialised; a Query sees every Add that
// returned before it started).
type LSH struct {
	p         Params
	bucketCap int

	mu     sync.RWMutex
	n      int
	tables []table
}

// table is one band's hash table.
type table struct {
	slots []uint64       // fingerprint<<32 | (id+1); 0 is empty, fingerprint<<32 a tombstone
	used  int            // live entries and tombstones
	hot   map[uint32]int // fingerprints over the cap, with their full size
}

// LSHOption configures NewLSH.
type LSHOption func(*LSH)

// WithBucketCap sets how many entries a bucket keeps before it is marked
// hot and left out of query results (default DefaultBucketCap); n ≤ 0 means
// no cap.
func WithBucketCap(n int) LSHOption { return func(l *LSH) { l.bucketCap = n } }

// WithCapacity pre-sizes the tables for n signatures.
func WithCapacity(n int) LSHOption {
	return func(l *LSH) {
		for b := range l.tables {
			l.tables[b].slots = make([]uint64, tableSize(n))
		}
	}
}

// NewLSH returns an empty index for signatures made with p.
func NewLSH(p Params, opts ...LSHOption) (*LSH, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	l := &LSH{p: p, bucketCap: DefaultBucketCap, tables: make([]table, p.Bands)}
	for b := range l.tables {
		l.tables[b].slots = make([]uint64, 16)
	}
	for _, o := range opts {
		o(l)
	}
	return l, nil
}

// tableSize returns the number of slots that holds n entries at the
// maximum load: tables are not powers of two (a slot's home is found by
// multiplying, not masking), so a batch fills its table to exactly 3/4.
func tableSize(n int) int {
	return max(16, n*maxLoadDen/maxLoadNum+1)
}

// A table grows when it is more than 3/4 full: linear probing stays short.
// A slot costs 8/(3/4) ≈ 11 bytes per entry after a batch, and at most
// 8/(3/8) ≈ 21 bytes just after a table doubles under single Adds.
const (
	maxLoadNum = 3
	maxLoadDen = 4
)

// Params returns the params the index was made with.
func (l *LSH) Params() Params { return l.p }

// Len returns the number of signatures added.
func (l *LSH) Len() int {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.n
}

// Add inserts sig and returns its ID.
func (l *LSH) Add(sig Signature) (ID, error) {
	if len(sig) != l.p.NumHash {
		return 0, fmt.Errorf("%w: signature has %d values, params want %d", ErrParamsMismatch, len(sig), l.p.NumHash)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if uint64(l.n) >= 1<<32-1 {
		return 0, errors.New("minhash: index is full (2^32-1 signatures)")
	}
	id := ID(l.n)
	for b := range l.tables {
		l.tables[b].insert(BandFingerprint(sig, b, l.p.Rows), id, l.bucketCap)
	}
	l.n++
	return id, nil
}

// AddBatch inserts sigs in order, as len(sigs) calls of Add would, filling
// the tables band by band (each band's table stays in cache) on up to
// workers goroutines. It returns the ID of the first signature.
func (l *LSH) AddBatch(sigs []Signature, workers int) (ID, error) {
	for i, s := range sigs {
		if len(s) != l.p.NumHash {
			return 0, fmt.Errorf("%w: signature %d has %d values, params want %d", ErrParamsMismatch, i, len(s), l.p.NumHash)
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if uint64(l.n)+uint64(len(sigs)) >= 1<<32-1 {
		return 0, errors.New("minhash: index is full (2^32-1 signatures)")
	}
	first := ID(l.n)
	parallelFor(len(l.tables), workers, func(b int) {
		t := &l.tables[b]
		t.reserve(t.used + len(sigs))
		for i, s := range sigs {
			t.insert(BandFingerprint(s, b, l.p.Rows), first+ID(i), l.bucketCap)
		}
	})
	l.n += len(sigs)
	return first, nil
}

// Query replaces c's content with the sorted candidates for sig.
func (l *LSH) Query(sig Signature, c *Candidates) error {
	c.IDs, c.HotBands = c.IDs[:0], 0
	if len(sig) != l.p.NumHash {
		return fmt.Errorf("%w: signature has %d values, params want %d", ErrParamsMismatch, len(sig), l.p.NumHash)
	}
	l.mu.RLock()
	for b := range l.tables {
		var hot bool
		c.IDs, hot = l.tables[b].lookup(BandFingerprint(sig, b, l.p.Rows), c.IDs)
		if hot {
			c.HotBands++
		}
	}
	l.mu.RUnlock()
	if len(c.IDs) > 1 {
		slices.Sort(c.IDs)
		c.IDs = slices.Compact(c.IDs)
	}
	return nil
}

// BytesPerEntry reports the memory the tables hold per signature.
func (l *LSH) BytesPerEntry() float64 {
	l.mu.RLock()
	defer l.mu.RUnlock()
	if l.n == 0 {
		return 0
	}
	total := 0
	for _, t := range l.tables {
		total += 8 * len(t.slots)
	}
	return float64(total) / float64(l.n)
}

// BandFingerprint returns the 32-bit key of band b (rows values from
// b*rows) of sig, never 0 (the index marks empty slots with 0). The band
// index is mixed in so that equal values in different bands do not share a
// key.
func BandFingerprint(sig Signature, b, rows int) uint32 {
	h := uint64(b+1) * 0x9e3779b97f4a7c15
	for _, v := range sig[b*rows : (b+1)*rows] {
		h = (h ^ uint64(v)) * 0xbf58476d1ce4e5b9
		h ^= h >> 29
	}
	fp := uint32(mix64(h) >> 32)
	if fp == 0 {
		fp = 1
	}
	return fp
}

func (t *table) reserve(n int) {
	if size := tableSize(n); size > len(t.slots) {
		t.grow(size)
	}
}

func (t *table) grow(size int) {
	old := t.slots
	t.slots = make([]uint64, size)
	t.used = 0
	for _, s := range old {
		if uint32(s) == 0 { // empty or tombstone
			continue
		}
		t.used++
		i := home(uint32(s>>32), size)
		for t.slots[i] != 0 {
			i = next(i, size)
		}
		t.slots[i] = s
	}
}

// home is a fingerprint's first slot in a table of size slots: fingerprints
// are uniform, so Lemire's multiply-shift spreads them over any size.
func home(fp uint32, size int) int { return int(uint64(fp) * uint64(size) >> 32) }

// next is the slot after i, wrapping around.
func next(i, size int) int {
	if i++; i == size {
		return 0
	}
	return i
}

func (t *table) insert(fp uint32, id ID, bucketCap int) {
	if t.hot != nil {
		if _, ok := t.hot[fp]; ok {
			t.hot[fp]++
			return
		}
	}
	if (t.used+1)*maxLoadDen > len(t.slots)*maxLoadNum {
		t.grow(2 * len(t.slots))
	}
	size := len(t.slots)
	i := home(fp, size)
	count := 0
	for t.slots[i] != 0 {
		if s := t.slots[i]; uint32(s>>32) == fp && uint32(s) != 0 {
			count++
		}
		i = next(i, size)
	}
	if bucketCap > 0 && count >= bucketCap {
		t.makeHot(fp, count+1)
		return
	}
	t.slots[i] = uint64(fp)<<32 | uint64(id+1)
	t.used++
}

// makeHot marks a bucket hot and turns its entries into tombstones: a
// bucket that big is boilerplate, and listing it would make work quadratic.
// Its entries all lie in the probe run from its home to the first empty
// slot, so this costs the run, not the table.
func (t *table) makeHot(fp uint32, entries int) {
	if t.hot == nil {
		t.hot = make(map[uint32]int)
	}
	t.hot[fp] = entries
	size := len(t.slots)
	for i := home(fp, size); t.slots[i] != 0; i = next(i, size) {
		if uint32(t.slots[i]>>32) == fp {
			t.slots[i] = uint64(fp) << 32 // tombstone: keeps probe runs intact
		}
	}
}

// lookup appends the IDs in fp's bucket to dst; hot reports a bucket over
// the cap, whose IDs are not listed.
func (t *table) lookup(fp uint32, dst []ID) ([]ID, bool) {
	if t.hot != nil {
		if _, ok := t.hot[fp]; ok {
			return dst, true
		}
	}
	size := len(t.slots)
	for i := home(fp, size); t.slots[i] != 0; i = next(i, size) {
		if s := t.slots[i]; uint32(s>>32) == fp && uint32(s) != 0 {
			dst = append(dst, ID(uint32(s))-1)
		}
	}
	return dst, false
}

// parallelFor runs f(0..n-1) on up to workers goroutines (at least one).
func parallelFor(n, workers int, f func(i int)) {
	if workers < 1 {
		workers = 1
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			f(i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
