package minhash_test

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	minhashlsh "github.com/ekzhu/minhash-lsh"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

// corpus is a set of signatures with planted near-duplicates: groups of a
// base set and variants that replace part of its shingles, so that LSH
// buckets hold realistic mixes of singletons and small groups.
type corpus struct {
	sigs    []minhash.Signature
	queries []minhash.Signature // variants of indexed sets, not indexed themselves
}

func newCorpus(t testing.TB, p minhash.Params, groups int, seed uint64) corpus {
	t.Helper()
	rng := rand.New(rand.NewPCG(seed, 99))
	sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
	require.NoError(t, err)
	var c corpus
	sign := func(set []uint64) minhash.Signature {
		s, err := sk.Sketch(nil, set)
		require.NoError(t, err)
		return s
	}
	for range groups {
		base := make([]uint64, 20+rng.IntN(280))
		for i := range base {
			base[i] = rng.Uint64()
		}
		c.sigs = append(c.sigs, sign(base))
		for v := rng.IntN(5); v > 0; v-- {
			c.sigs = append(c.sigs, sign(variant(rng, base, 0.05+0.5*rng.Float64())))
		}
		if rng.IntN(4) == 0 {
			c.queries = append(c.queries, sign(variant(rng, base, 0.3*rng.Float64())))
		}
	}
	return c
}

// variant returns a copy of set with a share of its elements replaced.
func variant(rng *rand.Rand, set []uint64, share float64) []uint64 {
	out := slices.Clone(set)
	for i := range out {
		if rng.Float64() < share {
			out[i] = rng.Uint64()
		}
	}
	return out
}

func queryAll(t testing.TB, idx minhash.Index, sigs []minhash.Signature) [][]minhash.ID {
	t.Helper()
	out := make([][]minhash.ID, len(sigs))
	var c minhash.Candidates
	for i, s := range sigs {
		require.NoError(t, idx.Query(s, &c))
		require.Zero(t, c.HotBands, "query %d met a hot bucket", i)
		out[i] = slices.Clone(c.IDs)
	}
	return out
}

func ekzhuCandidates(l *minhashlsh.MinhashLSH, sig []uint64) []minhash.ID {
	var ids []minhash.ID
	for _, k := range l.Query(sig) {
		ids = append(ids, k.(minhash.ID))
	}
	slices.Sort(ids)
	return ids
}

func toUint64(s minhash.Signature) []uint64 {
	out := make([]uint64, len(s))
	for i, v := range s {
		out[i] = uint64(v)
	}
	return out
}

// TestLSHMatchesEkzhuMinhashLSH is the differential test against the
// reference: ekzhu's native MinhashLSH fed our raw signature values picks
// (k rows, l bands) for a threshold; LSH with the same bands and rows and no
// bucket cap must return the same candidates for every query. LSH keys a
// band by a 32-bit fingerprint, so it may return a few extra candidates
// (about entries × bands × 2^-32 a query): each extra must be such a
// fingerprint collision, and none of ekzhu's candidates may be missing.
func TestLSHMatchesEkzhuMinhashLSH(t *testing.T) {
	base := minhash.Params{Shingle: 5, NumHash: 128, Seed: 7, Bands: 1, Rows: 1}
	c := newCorpus(t, base, 1000, 1)
	require.Greater(t, len(c.sigs), 2000)
	for _, threshold := range []float64{0.3, 0.5, 0.8} {
		t.Run(fmt.Sprintf("threshold=%.1f", threshold), func(t *testing.T) {
			ref := minhashlsh.NewMinhashLSH64(base.NumHash, threshold, len(c.sigs))
			for i, s := range c.sigs {
				ref.Add(minhash.ID(i), toUint64(s))
			}
			ref.Index()
			k, l := ref.Params()
			p := base
			p.Bands, p.Rows = l, k
			lsh, err := minhash.NewLSH(p, minhash.WithBucketCap(0))
			require.NoError(t, err)
			for _, s := range c.sigs {
				_, err := lsh.Add(s)
				require.NoError(t, err)
			}
			queries := append(slices.Clone(c.sigs), c.queries...)
			got := queryAll(t, lsh, queries)
			total, extra := 0, 0
			for i, q := range queries {
				want := ekzhuCandidates(ref, toUint64(q))
				total += len(want)
				for _, id := range got[i] {
					if _, found := slices.BinarySearch(want, id); !found {
						require.True(t, fingerprintCollision(p, q, c.sigs[id]), "query %d: extra candidate %d shares a band with it", i, id)
						extra++
					}
				}
				for _, id := range want {
					_, found := slices.BinarySearch(got[i], id)
					require.True(t, found, "query %d: ekzhu candidate %d missing (bands %d, rows %d)", i, id, l, k)
				}
			}
			assert.LessOrEqual(t, extra, 1, "fingerprint collisions")
			t.Logf("bands %d rows %d: %d queries, %.2f candidates each, %d fingerprint collisions",
				l, k, len(queries), float64(total)/float64(len(queries)), extra)
		})
	}
}

// fingerprintCollision reports whether a and b share a band fingerprint
// without sharing that band's values.
func fingerprintCollision(p minhash.Params, a, b minhash.Signature) bool {
	for band := range p.Bands {
		lo, hi := band*p.Rows, (band+1)*p.Rows
		if slices.Equal(a[lo:hi], b[lo:hi]) {
			return false
		}
	}
	for band := range p.Bands {
		if minhash.BandFingerprint(a, band, p.Rows) == minhash.BandFingerprint(b, band, p.Rows) {
			return true
		}
	}
	return false
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}

func TestEkzhuAdapterMatchesLSHWithDefaultParams(t *testing.T) {
	p := minhash.DefaultParams()
	c := newCorpus(t, p, 1000, 2)
	lsh, err := minhash.NewLSH(p)
	require.NoError(t, err)
	ek, err := minhash.NewEkzhuLSH(p, len(c.sigs))
	require.NoError(t, err)
	assert.Equal(t, p, ek.Params())
	for i, s := range c.sigs {
		id1, err := lsh.Add(s)
		require.NoError(t, err)
		id2, err := ek.Add(s)
		require.NoError(t, err)
		require.Equal(t, minhash.ID(i), id1)
		require.Equal(t, id1, id2)
	}
	assert.Equal(t, len(c.sigs), ek.Len())
	queries := append(slices.Clone(c.sigs), c.queries...)
	assert.Equal(t, queryAll(t, lsh, queries), queryAll(t, ek, queries))
}

func TestEkzhuAdapterSeesAddsBetweenQueries(t *testing.T) {
	p := minhash.DefaultParams()
	c := newCorpus(t, p, 50, 3)
	ek, err := minhash.NewEkzhuLSH(p, 0)
	require.NoError(t, err)
	var cand minhash.Candidates
	for i, s := range c.sigs {
		id, err := ek.Add(s)
		require.NoError(t, err)
		require.NoError(t, ek.Query(s, &cand))
		require.Contains(t, cand.IDs, id, "signature %d", i)
	}
}

// TestCandidateShareFollowsTheSCurve checks that pairs of sets at Jaccard j
// become candidates with probability CandidateProbability(bands, rows, j):
// for each j, 400 pairs of sets with unions of 1,000 shingles; the observed
// share must be within 4 binomial standard errors plus 0.02 (the bins of
// one signature are not quite independent) of the curve.
func TestCandidateShareFollowsTheSCurve(t *testing.T) {
	const pairs = 400
	p := minhash.Params{Shingle: 3, NumHash: 128, Seed: 11, Bands: 1, Rows: 1}
	sk, err := minhash.NewSketcher(p.NumHash, p.Seed)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(5, 5))
	type pairSigs struct{ a, b []minhash.Signature }
	sims := []float64{0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	bySim := make([]pairSigs, len(sims))
	for si, j := range sims {
		for range pairs {
			a, b, _ := setPair(rng, 1000, j)
			sa, err := sk.Sketch(nil, a)
			require.NoError(t, err)
			sb, err := sk.Sketch(nil, b)
			require.NoError(t, err)
			bySim[si].a = append(bySim[si].a, sa)
			bySim[si].b = append(bySim[si].b, sb)
		}
	}
	for _, br := range []struct{ bands, rows int }{{42, 3}, {25, 5}, {9, 13}} {
		t.Run(fmt.Sprintf("bands=%d/rows=%d", br.bands, br.rows), func(t *testing.T) {
			q := p
			q.Bands, q.Rows = br.bands, br.rows
			for si, j := range sims {
				lsh, err := minhash.NewLSH(q)
				require.NoError(t, err)
				_, err = lsh.AddBatch(bySim[si].a, 2)
				require.NoError(t, err)
				hits := 0
				var c minhash.Candidates
				for i, s := range bySim[si].b {
					require.NoError(t, lsh.Query(s, &c))
					if _, ok := slices.BinarySearch(c.IDs, minhash.ID(i)); ok {
						hits++
					}
				}
				want := minhash.CandidateProbability(br.bands, br.rows, j)
				got := float64(hits) / pairs
				tol := 4*math.Sqrt(want*(1-want)/pairs) + 0.02
				assert.InDelta(t, want, got, tol, "j=%.1f", j)
			}
		})
	}
}

func TestLSHQueryReturnsSortedUniqueCandidates(t *testing.T) {
	p := minhash.DefaultParams()
	c := newCorpus(t, p, 300, 4)
	lsh, err := minhash.NewLSH(p)
	require.NoError(t, err)
	for i, s := range c.sigs {
		id, err := lsh.Add(s)
		require.NoError(t, err)
		require.Equal(t, minhash.ID(i), id, "ids are sequential")
	}
	assert.Equal(t, len(c.sigs), lsh.Len())
	var cand minhash.Candidates
	cand.IDs = []minhash.ID{999999} // a reused value is replaced, not appended to
	for i, s := range c.sigs {
		require.NoError(t, lsh.Query(s, &cand))
		assert.True(t, slices.IsSorted(cand.IDs), "query %d: %v", i, cand.IDs)
		assert.Equal(t, len(slices.Compact(slices.Clone(cand.IDs))), len(cand.IDs), "query %d repeats", i)
		assert.Contains(t, cand.IDs, minhash.ID(i), "a signature finds itself")
	}
}

func TestLSHAddBatchEqualsRepeatedAdd(t *testing.T) {
	p := minhash.DefaultParams()
	c := newCorpus(t, p, 500, 5)
	// Five identical signatures exceed the cap of 3, so hot buckets must
	// come out the same way too.
	dup := c.sigs[0]
	sigs := append(slices.Clone(c.sigs), dup, dup, dup, dup)
	queries := append(slices.Clone(sigs), c.queries...)

	one, err := minhash.NewLSH(p, minhash.WithBucketCap(3))
	require.NoError(t, err)
	for _, s := range sigs {
		_, err := one.Add(s)
		require.NoError(t, err)
	}
	for _, workers := range []int{0, 1, 3, 64} {
		t.Run(fmt.Sprintf("workers=%d", workers), func(t *testing.T) {
			batch, err := minhash.NewLSH(p, minhash.WithBucketCap(3), minhash.WithCapacity(10))
			require.NoError(t, err)
			_, err = batch.Add(sigs[0])
			require.NoError(t, err)
			first, err := batch.AddBatch(sigs[1:100], workers)
			require.NoError(t, err)
			assert.Equal(t, minhash.ID(1), first)
			first, err = batch.AddBatch(sigs[100:], workers)
			require.NoError(t, err)
			assert.Equal(t, minhash.ID(100), first)
			assert.Equal(t, len(sigs), batch.Len())
			var c1, c2 minhash.Candidates
			for i, q := range queries {
				require.NoError(t, one.Query(q, &c1))
				require.NoError(t, batch.Query(q, &c2))
				require.Equal(t, c1, c2, "query %d", i)
			}
			// A batch sizes its tables exactly; single Adds grow by doubling.
			assert.LessOrEqual(t, batch.BytesPerEntry(), one.BytesPerEntry())
		})
	}
}

func TestLSHHotBucketsAreCapped(t *testing.T) {
	p := minhash.DefaultParams()
	others := newCorpus(t, p, 100, 6).sigs
	// The boilerplate signature is unrelated to the others.
	hot := newCorpus(t, p, 1, 60).sigs[0]
	lsh, err := minhash.NewLSH(p, minhash.WithBucketCap(10))
	require.NoError(t, err)
	for _, s := range others[:len(others)/2] {
		_, err := lsh.Add(s)
		require.NoError(t, err)
	}
	for range 50 {
		_, err := lsh.Add(hot)
		require.NoError(t, err)
	}
	_, err = lsh.AddBatch(others[len(others)/2:], 2)
	require.NoError(t, err)

	var cand minhash.Candidates
	require.NoError(t, lsh.Query(hot, &cand))
	assert.Equal(t, p.Bands, cand.HotBands, "every band of the boilerplate signature is hot")
	assert.LessOrEqual(t, len(cand.IDs), 10, "hot buckets are not listed")

	for _, s := range others {
		require.NoError(t, lsh.Query(s, &cand))
		assert.Zero(t, cand.HotBands)
		assert.NotEmpty(t, cand.IDs, "other signatures are still found")
	}

	uncapped, err := minhash.NewLSH(p, minhash.WithBucketCap(0))
	require.NoError(t, err)
	for range 50 {
		_, err := uncapped.Add(hot)
		require.NoError(t, err)
	}
	require.NoError(t, uncapped.Query(hot, &cand))
	assert.Zero(t, cand.HotBands)
	assert.Len(t, cand.IDs, 50, "no cap lists every entry")
}

func TestIndexesRejectMismatchedSignatures(t *testing.T) {
	p := minhash.DefaultParams()
	lsh, err := minhash.NewLSH(p)
	require.NoError(t, err)
	ek, err := minhash.NewEkzhuLSH(p, 0)
	require.NoError(t, err)
	short := make(minhash.Signature, p.NumHash-1)
	var c minhash.Candidates
	for name, idx := range map[string]minhash.Index{"LSH": lsh, "EkzhuLSH": ek} {
		t.Run(name, func(t *testing.T) {
			_, err := idx.Add(short)
			assert.ErrorIs(t, err, minhash.ErrParamsMismatch)
			assert.ErrorIs(t, idx.Query(short, &c), minhash.ErrParamsMismatch)
			assert.ErrorIs(t, idx.Query(nil, &c), minhash.ErrParamsMismatch)
			assert.Zero(t, idx.Len())
		})
	}
	_, err = lsh.AddBatch([]minhash.Signature{make(minhash.Signature, p.NumHash), short}, 2)
	assert.ErrorIs(t, err, minhash.ErrParamsMismatch)
	assert.Zero(t, lsh.Len(), "a failed batch adds nothing")

	_, err = minhash.NewLSH(minhash.Params{})
	assert.ErrorIs(t, err, minhash.ErrParams)
	_, err = minhash.NewEkzhuLSH(minhash.Params{}, 0)
	assert.ErrorIs(t, err, minhash.ErrParams)
}

func TestLSHBytesPerEntry(t *testing.T) {
	p := minhash.DefaultParams()
	lsh, err := minhash.NewLSH(p)
	require.NoError(t, err)
	assert.Zero(t, lsh.BytesPerEntry(), "empty index")
	c := newCorpus(t, p, 4000, 7)
	_, err = lsh.AddBatch(c.sigs, 2)
	require.NoError(t, err)
	// Eight bytes a band at full load, at most 8/(3/8) just after growth.
	b := lsh.BytesPerEntry()
	assert.GreaterOrEqual(t, b, 8.0*float64(p.Bands))
	assert.LessOrEqual(t, b, 8.0/(3.0/8.0)*float64(p.Bands))
	t.Logf("%d entries, %d bands: %.1f bytes an entry", lsh.Len(), p.Bands, b)
}

// TestLSHConcurrentQueriesWhileAdding is meant for -race: readers query
// signatures added before they started (and must always find them) while
// writers add more, one at a time and in batches.
func TestLSHConcurrentQueriesWhileAdding(t *testing.T) {
	p := minhash.DefaultParams()
	c := newCorpus(t, p, 600, 8)
	pre, rest := c.sigs[:500], c.sigs[500:]
	for name, newIndex := range map[string]func() minhash.Index{
		"LSH": func() minhash.Index { l, _ := minhash.NewLSH(p); return l },
		"EkzhuLSH": func() minhash.Index {
			e, _ := minhash.NewEkzhuLSH(p, 0)
			return e
		},
	} {
		t.Run(name, func(t *testing.T) {
			idx := newIndex()
			for _, s := range pre {
				_, err := idx.Add(s)
				require.NoError(t, err)
			}
			var wg sync.WaitGroup
			errs := make(chan error, 16)
			for r := range 4 {
				wg.Go(func() {
					var cand minhash.Candidates
					for i := r; i < len(pre); i += 4 {
						if err := idx.Query(pre[i], &cand); err != nil {
							errs <- err
							return
						}
						if !slices.Contains(cand.IDs, minhash.ID(i)) {
							errs <- fmt.Errorf("query %d lost its own signature", i)
							return
						}
					}
				})
			}
			wg.Go(func() {
				half := len(rest) / 2
				for _, s := range rest[:half] {
					if _, err := idx.Add(s); err != nil {
						errs <- err
						return
					}
				}
				if l, ok := idx.(*minhash.LSH); ok {
					if _, err := l.AddBatch(rest[half:], 2); err != nil {
						errs <- err
					}
					return
				}
				for _, s := range rest[half:] {
					if _, err := idx.Add(s); err != nil {
						errs <- err
						return
					}
				}
			})
			wg.Wait()
			close(errs)
			for err := range errs {
				t.Error(err)
			}
			assert.Equal(t, len(c.sigs), idx.Len())
		})
	}
}
