package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/internal/pgtest"
)

// model is what an index should hold: per id, its record and keys.
type model map[string]backend.Doc

// check compares every lookup, record and count of s with m, and the
// runs' accounting with Check.
func (m model) check(t *testing.T, loc string, s *Store, keys []uint32) {
	t.Helper()
	ctx := context.Background()
	want := map[uint32][]string{}
	for id, d := range m {
		for _, k := range d.Keys {
			want[k] = append(want[k], id)
		}
	}
	require.NoError(t, s.View(ctx, func(v backend.Snapshot) error {
		found, hot, err := v.Lookup(keys, 0)
		require.NoError(t, err)
		assert.Zero(t, hot)
		got := map[uint32][]string{}
		var nums []backend.Num
		for _, ns := range found {
			nums = append(nums, ns...)
		}
		recs, err := v.Records(nums)
		require.NoError(t, err)
		for k, ns := range found {
			require.True(t, slices.IsSorted(ns))
			for _, n := range ns {
				rec, ok := recs[n]
				require.True(t, ok, "a lookup returned document %d, which is not stored", n)
				got[k] = append(got[k], string(rec))
			}
		}
		for k := range want {
			slices.Sort(want[k])
			slices.Sort(got[k])
		}
		for _, k := range keys {
			assert.Equal(t, want[k], got[k], "key %d", k)
		}
		n, err := v.Len()
		require.NoError(t, err)
		assert.Equal(t, len(m), n)
		return nil
	}))
	require.NoError(t, Check(ctx, loc))
}

func randomDoc(rng *rand.Rand, id string, keySpace uint32) backend.Doc {
	keys := make([]uint32, 1+rng.IntN(40))
	for i := range keys {
		keys[i] = rng.Uint32N(keySpace)
	}
	slices.Sort(keys)
	return backend.Doc{ID: id, Record: []byte(id), Keys: slices.Compact(keys), Words: 1, Units: 1, Bytes: 1}
}

// Batches of adds, re-adds and removals keep every lookup exact as the
// runs merge, and compacting leaves one run without dead postings.
func TestRunsMergeRetireAndCompact(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)
	s, err := Open(ctx, loc, Options{Meta: []byte("{}")})
	require.NoError(t, err)
	defer s.Close()
	rng := rand.New(rand.NewPCG(7, 7))
	const keySpace = 1 << 12 // keys shared by many documents
	m := model{}
	var probe []uint32
	for k := uint32(0); k < keySpace; k += 3 {
		probe = append(probe, k)
	}
	for step := range 40 {
		var batch []backend.Doc
		for range 1 + rng.IntN(60) {
			id := fmt.Sprintf("d%d", rng.IntN(400)) // re-adds as often as not
			batch = append(batch, randomDoc(rng, id, keySpace))
		}
		require.NoError(t, s.Put(ctx, batch))
		for _, d := range batch {
			m[d.ID] = d
		}
		if step%5 == 4 {
			var gone []string
			for id := range m {
				if rng.IntN(6) == 0 {
					gone = append(gone, id)
				}
			}
			n, err := s.Delete(ctx, append(gone, "never-added"))
			require.NoError(t, err)
			assert.Equal(t, len(gone), n)
			for _, id := range gone {
				delete(m, id)
			}
		}
		m.check(t, loc, s, probe)
	}
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Positive(t, st.DeadPostings, "re-adds and removals leave postings to drop")
	assert.Less(t, st.Runs, 10, "the runs merge")

	require.NoError(t, s.Compact(""))
	st, err = s.Stats(ctx)
	require.NoError(t, err)
	assert.Zero(t, st.DeadPostings)
	assert.Equal(t, 1, st.Runs)
	assert.Zero(t, pgtest.QueryInt(t, loc, "SELECT count(*) FROM reprint_dead"))
	m.check(t, loc, s, probe)
}

// A merge in the background lets adds and removals commit while it reads
// and writes the runs: a document removed meanwhile keeps its postings in
// the merged run and its number in reprint_dead, lookups skip it, and
// compacting drops both.
func TestMergeWhileAddingAndRemoving(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)
	s, err := Open(ctx, loc, Options{Meta: []byte("{}")})
	require.NoError(t, err)
	batch := func(prefix string) []backend.Doc {
		var docs []backend.Doc
		for i := range 10 {
			keys := make([]uint32, 20)
			for j := range keys {
				keys[j] = uint32(7*i + 3*j)
			}
			docs = append(docs, backend.Doc{ID: fmt.Sprint(prefix, i), Record: []byte(fmt.Sprint(prefix, i)), Keys: keys, Units: 1, Words: 1, Bytes: 1})
		}
		return docs
	}
	m := model{}
	var probe []uint32
	for k := range uint32(200) {
		probe = append(probe, k)
	}
	ran := false
	testHookMerge = func() {
		if ran {
			return
		}
		ran = true
		// The merge of a* and b* has read their postings and the removed
		// documents (none): remove one of each and add c*.
		n, err := s.Delete(ctx, []string{"a3", "b5"})
		assert.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.NoError(t, s.Put(ctx, batch("c")[:4]))
	}
	defer func() { testHookMerge = nil }()
	for _, p := range []string{"a", "b"} { // equal runs: the second add merges them
		require.NoError(t, s.Put(ctx, batch(p)))
		for _, d := range batch(p) {
			m[d.ID] = d
		}
	}
	require.NoError(t, s.Close()) // waits for the merge
	require.True(t, ran, "the runs merged")
	delete(m, "a3")
	delete(m, "b5")
	for _, d := range batch("c")[:4] {
		m[d.ID] = d
	}

	s, err = Open(ctx, loc, Options{})
	require.NoError(t, err)
	defer s.Close()
	m.check(t, loc, s, probe)
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 2, st.Runs, "a and b merged, c apart")
	assert.Equal(t, 2*20, st.DeadPostings, "the postings of a3 and b5 wait in the merged run")
	assert.Equal(t, 2, pgtest.QueryInt(t, loc, "SELECT count(*) FROM reprint_dead"))
	require.NoError(t, s.Compact(""))
	m.check(t, loc, s, probe)
	assert.Zero(t, pgtest.QueryInt(t, loc, "SELECT count(*) FROM reprint_dead"))
}

// A writer of an older version merges in its own transaction without the
// merge lock: a background merge that read the runs it merged gives up
// its swap rather than store their postings twice.
func TestMergeLostToAnOlderWriter(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)
	s, err := Open(ctx, loc, Options{Meta: []byte("{}")})
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(9, 9))
	m := model{}
	ran := false
	testHookMerge = func() {
		if ran {
			return
		}
		ran = true
		// What an older writer's batch did: merge under the writers' lock.
		assert.NoError(t, s.write(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writerLock); err != nil {
				return err
			}
			return mergeAll(ctx, tx)
		}))
	}
	defer func() { testHookMerge = nil }()
	for b := range 2 { // equal runs: the second add merges them
		var batch []backend.Doc
		for i := range 10 {
			d := randomDoc(rng, fmt.Sprintf("d%d-%d", b, i), 1<<10)
			d.Keys = d.Keys[:1]
			batch = append(batch, d)
		}
		require.NoError(t, s.Put(ctx, batch))
		for _, d := range batch {
			m[d.ID] = d
		}
	}
	require.NoError(t, s.Close())
	require.True(t, ran, "the background merge ran")
	s, err = Open(ctx, loc, Options{})
	require.NoError(t, err)
	defer s.Close()
	var probe []uint32
	for k := range uint32(1 << 10) {
		probe = append(probe, k)
	}
	m.check(t, loc, s, probe) // Check: no posting twice
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Runs)
}

// A version 1 database (a row a posting) migrates to runs of blocks: the
// same lookups, records and counts, and it takes adds and removals after.
func TestMigrateFromVersion1(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)
	pool, err := connect(ctx, loc, Options{})
	require.NoError(t, err)
	from, to, err := migrate(ctx, pool, 0, 1)
	require.NoError(t, err)
	require.Equal(t, [2]int{0, 1}, [2]int{from, to})

	// Fill it as version 1 did: documents (with their keys) and one row a
	// posting.
	rng := rand.New(rand.NewPCG(8, 8))
	m := model{}
	var rows [][]any
	for i := range 300 {
		d := randomDoc(rng, fmt.Sprintf("v1-%d", i), 1<<14)
		m[d.ID] = d
		num := int64(i + 1)
		_, err := pool.Exec(ctx, `INSERT INTO reprint_documents (num, id, record, units, words, bytes, anchors, keys) VALUES ($1, $2, $3, 1, 1, 1, $4, '\x00')`,
			num, d.ID, d.Record, len(d.Keys))
		require.NoError(t, err)
		for _, k := range d.Keys {
			rows = append(rows, []any{int32(k), num})
		}
	}
	_, err = pool.CopyFrom(ctx, pgx.Identifier{"reprint_anchors"}, []string{"key", "num"}, pgx.CopyFromRows(rows))
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `SELECT setval('reprint_document_num', 300)`)
	require.NoError(t, err)
	_, err = pool.Exec(ctx, `UPDATE reprint_schema SET meta = '{}', documents = 300`)
	require.NoError(t, err)
	pool.Close()

	_, err = Open(ctx, loc, Options{ReadOnly: true})
	require.ErrorIs(t, err, backend.ErrFormat, "a reader does not migrate")
	assert.Contains(t, err.Error(), "run reprint index migrate")

	from, to, err = Migrate(ctx, loc, Options{})
	require.NoError(t, err)
	assert.Equal(t, [2]int{1, SchemaVersion}, [2]int{from, to})
	assert.Zero(t, pgtest.QueryInt(t, loc, "SELECT count(*) FROM pg_tables WHERE tablename = 'reprint_anchors' AND schemaname = current_schema()"))
	assert.Zero(t, pgtest.QueryInt(t, loc, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'reprint_documents' AND column_name = 'keys' AND table_schema = current_schema()"))

	s, err := Open(ctx, loc, Options{})
	require.NoError(t, err)
	defer s.Close()
	var probe []uint32
	for k := uint32(0); k < 1<<14; k += 7 {
		probe = append(probe, k)
	}
	m.check(t, loc, s, probe)
	st, err := s.Stats(ctx)
	require.NoError(t, err)
	assert.Equal(t, 300, st.Documents)
	assert.Equal(t, 1, st.Runs)

	// Adds and removals go on from where version 1 left off.
	var batch []backend.Doc
	for i := range 50 {
		batch = append(batch, randomDoc(rng, fmt.Sprintf("v1-%d", i*5), 1<<14))
	}
	require.NoError(t, s.Put(ctx, batch))
	for _, d := range batch {
		m[d.ID] = d
	}
	_, err = s.Delete(ctx, []string{"v1-1", "v1-2"})
	require.NoError(t, err)
	delete(m, "v1-1")
	delete(m, "v1-2")
	m.check(t, loc, s, probe)
}
