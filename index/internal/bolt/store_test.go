package bolt

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/index/internal/backend"
)

func TestBlockRoundTrip(t *testing.T) {
	tests := map[string][]posting{
		"one":          {{7, 1}},
		"repeated key": {{5, 1}, {5, 9}, {5, 1 << 31}, {6, 2}},
		"extremes":     {{0, 0}, {1<<32 - 1, 1<<32 - 1}},
	}
	rng := rand.New(rand.NewPCG(1, 1))
	var random []posting
	for range 1000 {
		random = append(random, posting{rng.Uint32(), rng.Uint32()})
	}
	slices.SortFunc(random, comparePostings)
	tests["random"] = random
	for name, ps := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := decodeBlock(nil, ps[0].key, encodeBlock(nil, ps))
			require.NoError(t, err)
			assert.Equal(t, ps, got)
		})
	}
}

func TestBlocksNeverSplitAKey(t *testing.T) {
	ps := make([]posting, 0, 600)
	for i := range 600 {
		ps = append(ps, posting{uint32(i / 300), uint32(i)}) // two keys of 300 postings
	}
	n := blockLen(ps)
	assert.Equal(t, 300, n)
	assert.Equal(t, 300, blockLen(ps[n:]))
}

func TestDecodeBlockRejectsGarbage(t *testing.T) {
	for _, b := range [][]byte{nil, {0xff}, {5, 1}, {1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}} {
		_, err := decodeBlock(nil, 0, b)
		assert.ErrorIs(t, err, ErrCorrupt)
	}
}

func TestPutLookupDeleteAndMerge(t *testing.T) {
	ctx := context.Background()
	s, err := Open(filepath.Join(t.TempDir(), "s.db"), Options{Meta: []byte("{}")})
	require.NoError(t, err)
	defer s.Close()
	// 64 single-document puts: the runs merge like a binary counter.
	for i := range 64 {
		require.NoError(t, s.Put(ctx, []Doc{{ID: string(rune('A' + i)), Record: []byte{byte(i)}, Keys: []uint32{uint32(i), 1000, uint32(i)}, Words: 3}}))
	}
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 64, st.Documents)
	assert.Equal(t, 128, st.Postings)
	assert.Equal(t, 1, st.Runs)

	n, err := s.Delete(ctx, []string{"A", "B", "missing"})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	require.NoError(t, s.View(ctx, func(v backend.Snapshot) error {
		found, hot, err := v.Lookup([]uint32{0, 2, 1000, 5000}, 10)
		require.NoError(t, err)
		assert.Equal(t, 1, hot, "key 1000 is in 64 documents")
		assert.Len(t, found[0], 1, "dead until a merge drops it")
		recs, err := v.Records([]backend.Num{found[0][0], found[2][0]})
		require.NoError(t, err)
		assert.NotContains(t, recs, found[0][0], "document A was removed")
		assert.Equal(t, []byte{2}, recs[found[2][0]])
		assert.NotContains(t, found, uint32(5000))
		return nil
	}))
	st, err = s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 62, st.Documents)
	assert.Equal(t, 4, st.DeadPostings)
}

func FuzzDecodeBlock(f *testing.F) {
	f.Add(uint32(5), encodeBlock(nil, []posting{{5, 1}, {5, 9}, {6, 2}}))
	f.Add(uint32(0), []byte{})
	f.Fuzz(func(t *testing.T, first uint32, b []byte) {
		ps, err := decodeBlock(nil, first, b)
		if err != nil || len(ps) == 0 {
			return
		}
		// What decodes re-encodes to the same postings.
		again, err := decodeBlock(nil, ps[0].key, encodeBlock(nil, ps))
		require.NoError(t, err)
		assert.Equal(t, ps, again)
	})
}
