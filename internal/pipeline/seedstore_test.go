package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSeedStoreSpills: documents past the memory limit go to the spill
// file and read back the same, masked when asked; a wall of text stays
// wild.
func TestSeedStoreSpills(t *testing.T) {
	sp := &Spill{Dir: t.TempDir()}
	docs := []Seeds{
		packSeeds([]uint64{1 << 60, 3 << 60, 2 << 60}),
		packSeeds([]uint64{5 << 58, 7 << 58}),
		{Wild: true},
		packSeeds([]uint64{9 << 59, 1 << 59, 4 << 59, 6 << 59, 8 << 59}),
		packSeeds(nil),
	}
	s := NewSeedStore(4*5, sp, 1) // the first two documents fit
	for _, d := range docs {
		require.NoError(t, s.Add(d))
	}
	defer s.Close()
	assert.Positive(t, sp.Bytes(), "the rest spilled")
	var b SeedBuf
	for i, d := range docs {
		got, err := s.Get(int32(i), &b)
		require.NoError(t, err)
		assert.Equal(t, d.Wild, got.Wild, "document %d", i)
		assert.Equal(t, d.PosBits, got.PosBits, "document %d", i)
		assert.Equal(t, len(d.Keys), len(got.Keys), "document %d", i)
		for j := range d.Keys {
			assert.Equal(t, d.Keys[j], got.Keys[j], "document %d key %d", i, j)
		}
	}
	s.SetMasks(map[int32][]Range{0: {{0, 1}}, 3: {{1, 3}}})
	for _, i := range []int32{0, 3} {
		got, err := s.Get(i, &b)
		require.NoError(t, err)
		want := docs[i].Mask(s.masks[i], 1)
		assert.Equal(t, want.Keys, got.Keys, "document %d masked", i)
		assert.Less(t, len(got.Keys), len(docs[i].Keys), "document %d lost its masked seeds", i)
	}
	_, err := s.Get(5, &b)
	assert.Error(t, err, "no such document")
}
