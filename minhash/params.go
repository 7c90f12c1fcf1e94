package minhash

import (
	"errors"
	"fmt"
	"math"
	"sync"
)

// Limits on Params.
const (
	MaxNumHash = 4096
	MaxShingle = 32
)

// Weights of the two errors when ChooseBands picks bands and rows: a missed
// match (a pair at or above the threshold that never becomes a candidate)
// costs MissWeight, a false candidate (a pair below the threshold that does)
// costs FalseCandidateWeight. Candidates are verified exactly afterwards, so
// a false candidate only costs time while a miss loses a finding for good.
const (
	MissWeight           = 4.0
	FalseCandidateWeight = 1.0
)

// DefaultThreshold is the Jaccard similarity that Default's bands and rows
// are chosen for.
const DefaultThreshold = 0.3

// ErrParams is wrapped by every error Validate returns.
var ErrParams = errors.New("minhash: invalid params")

// Params holds everything that decides whether signatures and index entries
// are comparable. It serialises to JSON with the field names of the report's
// "params" object; a stored index keeps its Params and refuses queries made
// with others.
type Params struct {
	// Shingle is the number of words in a shingle (k of the k-grams).
	Shingle int `json:"shingle"`
	// NumHash is the number of values in a signature.
	NumHash int `json:"num_hash"`
	// Seed seeds every hash; signatures with different seeds are unrelated.
	Seed uint64 `json:"seed"`
	// Bands and Rows split a signature for LSH: a pair is a candidate when
	// all Rows values of at least one of the Bands bands agree.
	// Bands*Rows must not exceed NumHash.
	Bands int `json:"bands"`
	Rows  int `json:"rows"`
}

// DefaultParams returns the default params: shingles of DefaultShingle
// words, 128 hashes, seed 1, bands and rows chosen for DefaultThreshold.
func DefaultParams() Params {
	p := Params{Shingle: DefaultShingle, NumHash: 128, Seed: 1}
	p.Bands, p.Rows, _ = ChooseBands(p.NumHash, DefaultThreshold)
	return p
}

// DefaultShingle is the default shingle size in words; the README gives the
// measurements behind it.
const DefaultShingle = 3

// Validate reports whether p is usable, with an error wrapping ErrParams
// that names the offending field.
func (p Params) Validate() error {
	switch {
	case p.Shingle < 1 || p.Shingle > MaxShingle:
		return fmt.Errorf("%w: shingle %d out of range 1..%d", ErrParams, p.Shingle, MaxShingle)
	case p.NumHash < 1 || p.NumHash > MaxNumHash:
		return fmt.Errorf("%w: num_hash %d out of range 1..%d", ErrParams, p.NumHash, MaxNumHash)
	case p.Bands < 1 || p.Rows < 1:
		return fmt.Errorf("%w: bands %d and rows %d must both be at least 1", ErrParams, p.Bands, p.Rows)
	case p.Bands*p.Rows > p.NumHash:
		return fmt.Errorf("%w: bands %d × rows %d exceeds num_hash %d", ErrParams, p.Bands, p.Rows, p.NumHash)
	}
	return nil
}

// CandidateProbability is the S-curve of LSH with the given bands and rows:
// the probability that two signatures whose sets have Jaccard similarity j
// share at least one band, 1 − (1 − j^rows)^bands.
func CandidateProbability(bands, rows int, j float64) float64 {
	return 1 - math.Pow(1-math.Pow(j, float64(rows)), float64(bands))
}

// ChooseBands picks the bands and rows (bands*rows ≤ numHash) that minimise
// MissWeight × (expected misses above threshold) + FalseCandidateWeight ×
// (expected false candidates below it), each the integral of the S-curve's
// error over [threshold, 1] or [0, threshold] for uniformly spread
// similarities. Ties go to fewer bands (a smaller index).
func ChooseBands(numHash int, threshold float64) (bands, rows int, err error) {
	if numHash < 1 || numHash > MaxNumHash {
		return 0, 0, fmt.Errorf("%w: num_hash %d out of range 1..%d", ErrParams, numHash, MaxNumHash)
	}
	if !(threshold > 0 && threshold < 1) {
		return 0, 0, fmt.Errorf("%w: threshold %v must be inside (0, 1)", ErrParams, threshold)
	}
	// The search integrates hundreds of S-curves (milliseconds): its
	// answers are kept, since callers ask the same few questions.
	key := chooseKey{numHash, threshold}
	if v, ok := chosen.Load(key); ok {
		br := v.([2]int)
		return br[0], br[1], nil
	}
	bands, rows = chooseBands(numHash, threshold)
	chosen.Store(key, [2]int{bands, rows})
	return bands, rows, nil
}

type chooseKey struct {
	numHash   int
	threshold float64
}

var chosen sync.Map // chooseKey → [2]int{bands, rows}

func chooseBands(numHash int, threshold float64) (bands, rows int) {
	best := math.Inf(1)
	for r := 1; r <= numHash; r++ {
		for b := 1; b*r <= numHash; b++ {
			miss := integrate(func(j float64) float64 { return 1 - CandidateProbability(b, r, j) }, threshold, 1)
			fc := integrate(func(j float64) float64 { return CandidateProbability(b, r, j) }, 0, threshold)
			cost := MissWeight*miss + FalseCandidateWeight*fc
			if cost < best-1e-12 || (math.Abs(cost-best) <= 1e-12 && b < bands) {
				best, bands, rows = cost, b, r
			}
		}
	}
	return bands, rows
}

// integrate is the midpoint rule with 200 steps: smooth integrands, and
// ChooseBands only compares costs.
func integrate(f func(float64) float64, a, b float64) float64 {
	const steps = 200
	h := (b - a) / steps
	sum := 0.0
	for i := 0; i < steps; i++ {
		sum += f(a + (float64(i)+0.5)*h)
	}
	return sum * h
}
