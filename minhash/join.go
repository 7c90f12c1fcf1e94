package minhash

import (
	"slices"
	"sync"
)

// SelfJoin returns every pair of signatures in sigs that share at least one
// LSH band under p: the pairs an LSH index holding all of sigs returns when
// queried with each of them, without building it. Each band's fingerprints
// are sorted rather than hashed into a table, which makes the batch case a
// few sequential passes instead of bands × len(sigs) random lookups.
//
// Pairs are packed as i<<32 | j with i < j, sorted, without repeats.
// Buckets holding more than bucketCap signatures (bucketCap ≤ 0: no cap)
// are boilerplate: their pairs are left out and counted in hot, one per
// signature of such a bucket, as Candidates.HotBands counts them for
// queries. It uses up to workers goroutines; the result does not depend on
// their number.
func SelfJoin(sigs []Signature, p Params, bucketCap, workers int) (pairs []uint64, hot int, err error) {
	if err := p.Validate(); err != nil {
		return nil, 0, err
	}
	for _, s := range sigs {
		if len(s) != p.NumHash {
			return nil, 0, ErrParamsMismatch
		}
	}
	if uint64(len(sigs)) >= 1<<32 {
		return nil, 0, ErrParamsMismatch
	}
	var mu sync.Mutex
	var all []uint64
	// Every band's fingerprints first, in one pass over each signature:
	// a pass over all signatures per band fetched each one's memory once
	// per band.
	n := len(sigs)
	fps := make([]uint32, p.Bands*n)
	const chunk = 1024
	parallelFor((n+chunk-1)/chunk, workers, func(c int) {
		for i := c * chunk; i < min(n, (c+1)*chunk); i++ {
			for b := range p.Bands {
				fps[b*n+i] = BandFingerprint(sigs[i], b, p.Rows)
			}
		}
	})
	parallelFor(p.Bands, workers, func(b int) {
		keys := make([]uint64, n)
		for i, fp := range fps[b*n : (b+1)*n] {
			keys[i] = uint64(fp)<<32 | uint64(i)
		}
		keys = SortByFingerprint(keys, make([]uint64, len(keys)))
		var out []uint64
		h := 0
		for i := 0; i < len(keys); {
			j := i + 1
			for j < len(keys) && keys[j]>>32 == keys[i]>>32 {
				j++
			}
			switch n := j - i; {
			case n < 2:
			case bucketCap > 0 && n > bucketCap:
				h += n
			default:
				for x := i; x < j; x++ {
					for y := x + 1; y < j; y++ {
						out = append(out, keys[x]<<32|keys[y]&0xffffffff)
					}
				}
			}
			i = j
		}
		slices.Sort(out)
		out = slices.Compact(out)
		mu.Lock()
		all = append(all, out...)
		hot += h
		mu.Unlock()
	})
	slices.Sort(all)
	return slices.Compact(all), hot, nil
}

// SortByFingerprint sorts keys (fingerprint<<32 | id, ids ascending) by
// fingerprint with a stable two-pass radix sort on 16-bit digits, using tmp
// as scratch: ids stay ascending within a fingerprint, so the result is
// what sorting the whole keys gives, in linear time. It returns the sorted
// slice (keys or tmp).
func SortByFingerprint(keys, tmp []uint64) []uint64 {
	var count [1 << 16]int
	for _, shift := range []uint{32, 48} {
		clear(count[:])
		for _, k := range keys {
			count[k>>shift&0xffff]++
		}
		sum := 0
		for d, c := range count {
			count[d] = sum
			sum += c
		}
		for _, k := range keys {
			d := k >> shift & 0xffff
			tmp[count[d]] = k
			count[d]++
		}
		keys, tmp = tmp, keys
	}
	return keys
}
