package pipeline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestColumnsStayInTheirRoom appends rows in batches to a table with a
// memory limit: its columns spill before they would pass the limit, so
// they never grow past the room made for them at the start; Settle moves
// the rest to disk and frees it, and the table reads back every row in
// order before and after, and takes more rows after.
func TestColumnsStayInTheirRoom(t *testing.T) {
	const n, batch = 3, 7
	limit := int64(4 * n * 50) // 50 rows
	c := NewColumns(n, limit, &Spill{Dir: t.TempDir()})
	defer c.Close()
	var want [n][]uint32
	add := func(batches int) {
		for range batches {
			var rows []uint32
			for range batch {
				for j := range n {
					v := uint32(c.Rows()*n + len(rows) + j)
					rows = append(rows, v)
					want[j] = append(want[j], v)
				}
			}
			require.NoError(t, c.Append(rows))
		}
	}
	check := func(what string) {
		for j := range n {
			col, err := c.Column(j, nil)
			require.NoError(t, err)
			assert.Equal(t, want[j], col, "column %d %s", j, what)
		}
	}
	add(1)
	room := cap(c.mem[0])
	add(20)
	require.True(t, c.Spilled())
	for j := range n {
		assert.Equal(t, room, cap(c.mem[j]), "column %d grew", j)
		assert.LessOrEqual(t, c.bytes(len(c.mem[j])), limit)
	}
	check("after spilling")

	require.NoError(t, c.Settle())
	for j := range n {
		assert.Zero(t, cap(c.mem[j]), "column %d still in memory after Settle", j)
	}
	check("after Settle")
	add(3)
	check("after more rows")
}

// TestColumnsSettleKeepsAnUnspilledTable: a table that never passed its
// limit stays in memory.
func TestColumnsSettleKeepsAnUnspilledTable(t *testing.T) {
	c := NewColumns(2, 1<<20, &Spill{Dir: t.TempDir()})
	defer c.Close()
	require.NoError(t, c.Append([]uint32{1, 2, 3, 4}))
	require.False(t, c.Spilled())
	require.NoError(t, c.Settle())
	assert.Equal(t, []uint32{1, 3}, c.mem[0])
	col, err := c.Column(1, nil)
	require.NoError(t, err)
	assert.Equal(t, []uint32{2, 4}, col)
}
