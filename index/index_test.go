package index_test

import (
	"context"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/minhash"
)

func TestIndexKeepsDocumentsByteIdentical(t *testing.T) {
	seeds := readSeeds(t)
	seeds[0].Source, seeds[0].Title, seeds[0].URL = "Reuters", "Khan", "https://example.com/a"
	seeds[1].Date = reprint.Date{Time: time.Date(2017, 6, 9, 14, 5, 0, 0, time.FixedZone("", 3600)), Granularity: reprint.GranularityMinute, HasZone: true}
	ix, path := newIndex(t, seeds, index.Options{BatchSize: 2})
	require.NoError(t, ix.Close())

	ro, err := index.Open(context.Background(), path, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer ro.Close()
	for _, want := range seeds {
		got, ok, err := ro.Document(context.Background(), want.ID)
		require.NoError(t, err)
		require.True(t, ok, want.ID)
		assert.Equal(t, want.Text, got.Text)
		assert.Equal(t, want.TextOffset, got.TextOffset)
		assert.Equal(t, want.Source, got.Source)
		assert.Equal(t, want.Title, got.Title)
		assert.Equal(t, want.URL, got.URL)
		assert.Equal(t, want.Date.String(), got.Date.String())
		assert.True(t, want.Date.Time.Equal(got.Date.Time))
	}
	st, err := ro.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 5, st.Documents)
	assert.Positive(t, st.Passages)
	assert.Positive(t, st.Anchors)
	assert.Equal(t, 4, st.Dated, "three seeds carry a date prefix, one was given a date")
	assert.Equal(t, "2017-06-06", st.First.Format("2006-01-02"))
	assert.Equal(t, minhash.DefaultParams(), st.Params.Params)
}

func TestIndexReAddReplacesAndRemoveDeletes(t *testing.T) {
	seeds := readSeeds(t)
	ix, _ := newIndex(t, seeds, index.Options{})
	before, err := ix.Stats(context.Background())
	require.NoError(t, err)

	changed := seeds[2]
	changed.Text = "A short replacement text with nothing in common with the others at all."
	require.NoError(t, ix.Add(context.Background(), changed))
	got, ok, err := ix.Document(context.Background(), changed.ID)
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, changed.Text, got.Text)
	after, err := ix.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before.Documents, after.Documents)
	assert.Less(t, after.Words, before.Words)

	n, err := ix.Remove(context.Background(), seeds[0].ID, "no-such-id")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, ok, err = ix.Document(context.Background(), seeds[0].ID)
	require.NoError(t, err)
	assert.False(t, ok)
	ids, err := ix.IDs(context.Background())
	require.NoError(t, err)
	assert.Len(t, ids, 4)
}

func TestIndexRefusesOtherParams(t *testing.T) {
	ix, path := newIndex(t, readSeeds(t)[:1], index.Options{})
	require.NoError(t, ix.Close())
	other := minhash.DefaultParams()
	other.NumHash, other.Bands, other.Rows = 64, 16, 4
	tests := []struct {
		name string
		o    index.Options
	}{
		{"num_hash", index.Options{Params: other}},
		{"verify shingle", index.Options{VerifyShingle: 4}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.o.Timeout = time.Second
			_, err := index.Open(context.Background(), path, tt.o)
			require.ErrorIs(t, err, minhash.ErrParamsMismatch)
			assert.Contains(t, err.Error(), path)
		})
	}
}

func TestOpenIndexRejectsForeignAndDamagedFiles(t *testing.T) {
	dir := t.TempDir()
	ix, good := newIndex(t, readSeeds(t), index.Options{})
	require.NoError(t, ix.Close())
	data, err := os.ReadFile(good)
	require.NoError(t, err)

	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 64<<10)
	for i := range random {
		random[i] = byte(rng.Uint32())
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, b, 0o644))
		return p
	}
	foreign := filepath.Join(dir, "foreign.db")
	db, err := bolt.Open(foreign, 0o644, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("widgets"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	}))
	require.NoError(t, db.Close())

	tests := []struct {
		name string
		path string
		want error
	}{
		{"random bytes", write("random.db", random), index.ErrNotIndex},
		{"text file", write("notes.txt", []byte("Just some notes.\nNot an index.\n")), index.ErrNotIndex},
		{"foreign bbolt", foreign, index.ErrNotIndex},
		{"truncated", write("trunc.db", data[:len(data)/2]), index.ErrCorrupt},
		{"header only", write("head.db", data[:4096]), nil},
		{"missing", filepath.Join(dir, "nope.db"), os.ErrNotExist},
	}
	for _, tt := range tests {
		for _, ro := range []bool{true, false} {
			t.Run(tt.name, func(t *testing.T) {
				if !ro && tt.want == os.ErrNotExist {
					t.Skip("a writer creates a missing index")
				}
				var ix *index.Index
				var err error
				require.NotPanics(t, func() {
					ix, err = index.Open(context.Background(), tt.path, index.Options{ReadOnly: ro, Timeout: time.Second})
				})
				if ix != nil {
					ix.Close()
				}
				require.Error(t, err)
				if tt.want != nil {
					assert.ErrorIs(t, err, tt.want)
				}
				assert.Contains(t, err.Error(), tt.path)
			})
		}
	}
}

func TestCorruptedPagesNeverPanic(t *testing.T) {
	ix, good := newIndex(t, synthetic(200, 5), index.Options{})
	require.NoError(t, ix.Close())
	data, err := os.ReadFile(good)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(7, 7))
	for i := range 30 {
		bad := append([]byte(nil), data...)
		// Damage some bytes past the two meta pages.
		for range 1 + rng.IntN(200) {
			bad[8192+rng.IntN(len(bad)-8192)] = byte(rng.Uint32())
		}
		p := filepath.Join(t.TempDir(), "bad.db")
		require.NoError(t, os.WriteFile(p, bad, 0o644))
		require.NotPanics(t, func() {
			ix, err := index.Open(context.Background(), p, index.Options{ReadOnly: true})
			if err != nil {
				return
			}
			defer ix.Close()
			_, _ = ix.Stats(context.Background())
			_, _ = audit.Run(context.Background(), ix, synthetic(5, uint64(i)), audit.DefaultPolicy())
		}, "round %d", i)
	}
}

func TestMemoryIndexHasNoLocation(t *testing.T) {
	ix, err := index.Open(context.Background(), "", index.Options{})
	require.NoError(t, err)
	require.NoError(t, ix.Add(context.Background(), readSeeds(t)...))
	assert.Empty(t, ix.Location())
	st, err := ix.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 5, st.Documents)
	require.NoError(t, ix.Close())
}

func TestAddIsIncrementalAndMergesRuns(t *testing.T) {
	docs := synthetic(400, 9)
	ix, _ := newIndex(t, nil, index.Options{BatchSize: 10})
	var committed []string
	ix2, err := index.Open(context.Background(), "", index.Options{BatchSize: 25, OnCommit: func(ids []string) { committed = append(committed, ids...) }})
	require.NoError(t, err)
	defer ix2.Close()
	require.NoError(t, ix2.Add(context.Background(), docs...))
	assert.Len(t, committed, len(docs))
	for _, d := range docs {
		require.NoError(t, ix.Add(context.Background(), d))
	}
	st, err := ix.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, len(docs), st.Documents)
	assert.LessOrEqual(t, st.Runs, 10, "runs merge like a binary counter")

	// Both indexes find the same things.
	targets := synthetic(30, 99)
	a, err := audit.Run(context.Background(), ix, targets, audit.DefaultPolicy())
	require.NoError(t, err)
	b, err := audit.Run(context.Background(), ix2, targets, audit.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, a.Articles, b.Articles)
}

// One writer and several readers at once, in one process: run with -race.
func TestConcurrentAddAndAudit(t *testing.T) {
	docs := synthetic(300, 17)
	ix, _ := newIndex(t, docs[:100], index.Options{BatchSize: 20})
	done := make(chan error, 1)
	go func() { done <- ix.Add(context.Background(), docs[100:]...) }()
	for i := 0; i < 5; i++ {
		rep, err := audit.Run(context.Background(), ix, docs[250:260], audit.DefaultPolicy())
		require.NoError(t, err)
		require.Len(t, rep.Articles, 10)
		_, err = ix.Stats(context.Background())
		require.NoError(t, err)
	}
	require.NoError(t, <-done)
	st, err := ix.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, 300, st.Documents)
}

func TestCompactDropsDeadAnchorsAndKeepsDocuments(t *testing.T) {
	docs := synthetic(200, 23)
	ix, path := newIndex(t, docs, index.Options{BatchSize: 30})
	_, err := ix.Remove(context.Background(), docs[0].ID, docs[1].ID)
	require.NoError(t, err)
	require.NoError(t, ix.Add(context.Background(), docs[5:40]...)) // replaced: their old anchors die
	before, err := ix.Stats(context.Background())
	require.NoError(t, err)
	require.Positive(t, before.DeadAnchors)
	dst := filepath.Join(filepath.Dir(path), "compact.db")
	require.NoError(t, ix.Compact(dst))
	require.Error(t, ix.Compact(dst), "never overwrites")

	cx, err := index.Open(context.Background(), dst, index.Options{ReadOnly: true})
	require.NoError(t, err)
	defer cx.Close()
	after, err := cx.Stats(context.Background())
	require.NoError(t, err)
	assert.Equal(t, before.Documents, after.Documents)
	assert.Equal(t, before.Anchors, after.Anchors)
	assert.Zero(t, after.DeadAnchors)
	assert.Equal(t, 1, after.Runs)
	assert.LessOrEqual(t, after.FileBytes, before.FileBytes)
	targets := synthetic(20, 31)
	a, err := audit.Run(context.Background(), ix, targets, audit.DefaultPolicy())
	require.NoError(t, err)
	b, err := audit.Run(context.Background(), cx, targets, audit.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, a.Articles, b.Articles)
}
