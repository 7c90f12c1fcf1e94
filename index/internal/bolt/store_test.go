package bolt

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/index/internal/backend"
)

func TestBlocksNeverSplitAKey(t *testing.T) {
	ps := make([]posting, 0, 600)
	for i := range 600 {
		ps = append(ps, posting{Key: uint32(i / 300), Doc: uint32(i)}) // two keys of 300 postings
	}
	n := blockLen(ps)
	assert.Equal(t, 300, n)
	assert.Equal(t, 300, blockLen(ps[n:]))
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
