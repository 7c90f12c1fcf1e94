package pipeline

import (
	"cmp"
	"context"
	"sync"

	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// nearFraction is the share of the larger unit's shingles that two units
// must share to be near-identical (a word or a date changed), and
// nearMinShingles the fewest shingles a unit needs for the test: shorter
// units are boilerplate only when identical.
const (
	nearFraction    = 0.6
	nearMinShingles = 6
)

// specialGroups gathers what Specials needs of the special buckets'
// groups: documents, shingles (from the units' texts, on the stage's
// workers) and, for wide buckets, the units' seeds.
func (c *Config) specialGroups(ctx context.Context, u *Units, g *groups, special []bucket, o CandidateOptions) ([]SpecialGroup, error) {
	index := map[uint32]bool{}
	var list []uint32
	for _, b := range special {
		for _, gi := range b.members {
			if !index[gi] {
				index[gi] = true
				list = append(list, gi)
			}
		}
	}
	out := make([]SpecialGroup, len(list))
	var (
		mu      sync.Mutex
		firstEr error
	)
	fail := func(err error) {
		mu.Lock()
		firstEr = cmp.Or(firstEr, err)
		mu.Unlock()
	}
	err := pool.Run(ctx, len(list), pool.Options{Workers: c.Workers}, func() func(int) {
		h, _ := minhash.NewHasher(c.Params) // validated
		var toks []minhash.Token
		var buf SeedBuf
		return func(i int) {
			gi := list[i]
			r := g.rep[gi]
			doc := u.DocOf(int(r))
			t, err := o.Text(doc)
			if err != nil {
				fail(err)
				return
			}
			sp := u.Spans[r]
			sg := SpecialGroup{ID: uint64(gi), Docs: g.docsOf(gi)}
			sg.Shingles, toks = c.UnitShingles(h, t[sp.Start:sp.End], toks)
			if o.Seeds != nil {
				s, err := o.Seeds(doc, &buf)
				if err != nil {
					fail(err)
					return
				}
				sg.Seeds, _ = UnitSeeds(nil, s, u.Toks[r], c.Params.Shingle)
			}
			out[i] = sg
		}
	})
	return out, cmp.Or(err, firstEr)
}

// nearIdentical reports whether two units' shingle sets (sorted, each
// once) share at least nearFraction of the larger.
func nearIdentical(a, b []uint64) bool {
	if min(len(a), len(b)) < nearMinShingles {
		return false
	}
	shared := 0
	for x, y := 0, 0; x < len(a) && y < len(b); {
		switch {
		case a[x] < b[y]:
			x++
		case a[x] > b[y]:
			y++
		default:
			shared++
			x++
			y++
		}
	}
	return float64(shared) >= nearFraction*float64(max(len(a), len(b)))
}
