package minhash

import (
	"fmt"
	"slices"
	"sync"

	minhashlsh "github.com/ekzhu/minhash-lsh"
)

// EkzhuLSH exposes github.com/ekzhu/minhash-lsh's MinhashLSH, the reference
// implementation, behind Index. It gives the same candidates as LSH for the
// same signatures and params, so users can select it to cross-check results.
//
// MinhashLSH chooses its own bands and rows from a threshold; to honour
// Params exactly, the adapter configures it with one row per band and feeds
// it, for each signature, the vector of band fingerprints (see
// BandFingerprint) instead of the raw values. MinhashLSH must re-sort every
// table before a query sees new entries; the adapter does so lazily on the
// first query after an Add, so alternating Add and Query is slow: that is
// the reference's design, and the reason LSH exists. It never marks buckets
// hot. Safe for concurrent use, like LSH.
type EkzhuLSH struct {
	p     Params
	mu    sync.RWMutex
	lsh   *minhashlsh.MinhashLSH
	n     int
	dirty bool
}

// NewEkzhuLSH returns an empty EkzhuLSH for signatures made with p.
func NewEkzhuLSH(p Params, capacity int) (*EkzhuLSH, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	// A threshold near zero makes MinhashLSH's optimiser pick one row per
	// band and every "hash" as a band.
	lsh := minhashlsh.NewMinhashLSH64(p.Bands, 1e-9, capacity)
	if k, l := lsh.Params(); k != 1 || l != p.Bands {
		return nil, fmt.Errorf("minhash: ekzhu index chose %d rows × %d bands, want 1 × %d", k, l, p.Bands)
	}
	return &EkzhuLSH{p: p, lsh: lsh}, nil
}

// Params returns the params the index was made with.
func (e *EkzhuLSH) Params() Params { return e.p }

// Len returns the number of signatures added.
func (e *EkzhuLSH) Len() int {
	e.mu.RLock()
	defer e.mu.RUnlock()
	return e.n
}

// Add inserts sig and returns its ID.
func (e *EkzhuLSH) Add(sig Signature) (ID, error) {
	if len(sig) != e.p.NumHash {
		return 0, fmt.Errorf("%w: signature has %d values, params want %d", ErrParamsMismatch, len(sig), e.p.NumHash)
	}
	keys := make([]uint64, e.p.Bands)
	for b := range keys {
		keys[b] = uint64(BandFingerprint(sig, b, e.p.Rows))
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	id := ID(e.n)
	e.lsh.Add(id, keys)
	e.n++
	e.dirty = true
	return id, nil
}

// Query replaces c's content with the sorted candidates for sig.
func (e *EkzhuLSH) Query(sig Signature, c *Candidates) error {
	c.IDs, c.HotBands = c.IDs[:0], 0
	if len(sig) != e.p.NumHash {
		return fmt.Errorf("%w: signature has %d values, params want %d", ErrParamsMismatch, len(sig), e.p.NumHash)
	}
	keys := make([]uint64, e.p.Bands)
	for b := range keys {
		keys[b] = uint64(BandFingerprint(sig, b, e.p.Rows))
	}
	e.mu.RLock()
	if e.dirty {
		e.mu.RUnlock()
		e.mu.Lock()
		if e.dirty {
			e.lsh.Index()
			e.dirty = false
		}
		e.mu.Unlock()
		e.mu.RLock()
	}
	for _, k := range e.lsh.Query(keys) {
		c.IDs = append(c.IDs, k.(ID))
	}
	e.mu.RUnlock()
	slices.Sort(c.IDs)
	return nil
}

var (
	_ Index = (*LSH)(nil)
	_ Index = (*EkzhuLSH)(nil)
)
