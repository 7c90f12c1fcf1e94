package reprint_test

import (
	"bytes"
	"context"
	"encoding/gob"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
	"github.com/reprint-dev/reprint/provenance"
)

// viaWorkers makes the report as the Beam pipeline does with provenance
// on many workers: Assemble on the report worker, each batch through gob
// to a worker of its own (a fresh Detector of the same options), the
// batches and then the verdicts in a shuffled order, and the report
// through gob to the step that applies the verdicts.
func viaWorkers(t *testing.T, seed uint64, docs []reprint.Document, opts ...reprint.Option) (*reprint.Report, []reprint.ProvenanceBatch) {
	t.Helper()
	in := staged(t, docs, opts...)
	rep, work, err := in.st.Assemble(context.Background(), in.matches, in.boiler, in.hot)
	require.NoError(t, err)
	batches := allBatches(t, work)
	rng := rand.New(rand.NewPCG(seed, seed))
	order := rng.Perm(len(batches))
	var verdicts []reprint.ProvenanceVerdict
	for _, k := range order {
		var b reprint.ProvenanceBatch
		throughGob(t, &batches[k], &b)
		worker, err := reprint.New(opts...)
		require.NoError(t, err)
		v, err := worker.Stages().InferProvenance(work.Sources, &b)
		worker.Close()
		require.NoError(t, err)
		var got reprint.ProvenanceVerdict
		throughGob(t, v, &got)
		verdicts = append(verdicts, got)
	}
	rng.Shuffle(len(verdicts), func(i, j int) { verdicts[i], verdicts[j] = verdicts[j], verdicts[i] })
	var shipped reprint.Report
	throughGob(t, rep, &shipped)
	require.NoError(t, in.st.ApplyProvenance(&shipped, verdicts))
	return &shipped, batches
}

// allBatches gathers every batch of work.
func allBatches(t *testing.T, work *reprint.ProvenanceWork) []reprint.ProvenanceBatch {
	t.Helper()
	var out []reprint.ProvenanceBatch
	for i := range work.Len() {
		b, err := work.Batch(i)
		require.NoError(t, err)
		out = append(out, *b)
	}
	_, err := work.Batch(work.Len())
	require.Error(t, err)
	return out
}

func throughGob(t *testing.T, v, out any) {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, gob.NewEncoder(&b).Encode(v))
	require.NoError(t, gob.NewDecoder(&b).Decode(out))
}

// wallOfText is a corpus with a document past pipeline.BigText (a wall
// of text, of which provenance reads excerpts) sharing passages with two
// others.
func wallOfText() []reprint.Document {
	rng := rand.New(rand.NewPCG(7, 7))
	var b strings.Builder
	quotes := []string{
		"the minister said on Tuesday that the talks on the new trade agreement would resume in Geneva next month",
		"analysts expect the central bank to hold its main lending rate steady at its meeting later this week",
	}
	for i := 0; b.Len() < 3<<20; i++ {
		fmt.Fprintf(&b, "w%d ", rng.IntN(1_000_000))
		if i == 100_000 || i == 400_000 {
			b.WriteString(quotes[i/400_000] + ". ")
		}
	}
	return []reprint.Document{
		{ID: "wall", Text: b.String()},
		{ID: "one", Text: "Geneva (Reuters) - " + quotes[0] + ". Then " + quotes[1] + "."},
		{ID: "two", Text: "Officials said: " + quotes[1] + ", and more."},
	}
}

// TestProvenanceBatchesAreComponents: Assemble's batches are the
// connected components of clusters linked by shared documents, each
// whole, every cluster in one; and ApplyProvenance refuses the verdicts
// of a component split in two, which would not be one run's.
func TestProvenanceBatchesAreComponents(t *testing.T) {
	docs, _ := generated(t, scale.ShapeArchive, 2000)
	in := staged(t, docs)
	rep, work, err := in.st.Assemble(context.Background(), in.matches, in.boiler, in.hot)
	require.NoError(t, err)
	batches := allBatches(t, work)
	batchOf := map[string]int{}
	var clusters []int
	split := -1 // a batch of several clusters
	for k, b := range batches {
		require.Len(t, b.Copies, len(b.Clusters))
		require.True(t, slices.IsSorted(b.Clusters))
		clusters = append(clusters, b.Clusters...)
		if len(b.Clusters) > 1 && split < 0 {
			split = k
		}
		for _, d := range b.Docs {
			other, seen := batchOf[d.Label]
			require.False(t, seen, "document %s in batches %d and %d", d.Label, other, k)
			batchOf[d.Label] = k
		}
		// One component: the clusters are connected through their
		// documents.
		reached := map[int]bool{0: true}
		for grew := true; grew; {
			grew = false
			docsReached := map[int]bool{}
			for c := range reached {
				for _, cp := range b.Copies[c].Copies {
					docsReached[cp.Doc] = true
				}
			}
			for c, cl := range b.Copies {
				if !reached[c] && slices.ContainsFunc(cl.Copies, func(cp provenance.Copy) bool { return docsReached[cp.Doc] }) {
					reached[c], grew = true, true
				}
			}
		}
		require.Len(t, reached, len(b.Clusters), "batch %d is one component", k)
	}
	slices.Sort(clusters)
	require.Equal(t, len(rep.Clusters), len(clusters))
	for i, c := range clusters {
		require.Equal(t, i, c, "every cluster in exactly one batch")
	}
	require.GreaterOrEqual(t, split, 0, "the corpus has a component of several clusters")

	// The component split in two: each half inferred alone.
	b := batches[split]
	var verdicts []reprint.ProvenanceVerdict
	for k := range batches {
		if k == split {
			continue
		}
		v, err := in.st.InferProvenance(work.Sources, &batches[k])
		require.NoError(t, err)
		verdicts = append(verdicts, *v)
	}
	for _, half := range [][]int{{0}, seq(1, len(b.Clusters))} {
		part := reprint.ProvenanceBatch{Docs: b.Docs}
		for _, k := range half {
			part.Clusters = append(part.Clusters, b.Clusters[k])
			part.Copies = append(part.Copies, b.Copies[k])
		}
		v, err := in.st.InferProvenance(work.Sources, &part)
		require.NoError(t, err)
		verdicts = append(verdicts, *v)
	}
	err = in.st.ApplyProvenance(rep, verdicts)
	require.ErrorContains(t, err, "component of linked clusters was split")

	// A cluster without its verdict is refused too.
	rep, work, err = in.st.Assemble(context.Background(), in.matches, in.boiler, in.hot)
	require.NoError(t, err)
	batches = allBatches(t, work)
	verdicts = verdicts[:0]
	for k := range batches[1:] {
		v, err := in.st.InferProvenance(work.Sources, &batches[k+1])
		require.NoError(t, err)
		verdicts = append(verdicts, *v)
	}
	require.ErrorContains(t, in.st.ApplyProvenance(rep, verdicts), "no provenance verdict for cluster")
}

func seq(from, to int) []int {
	var s []int
	for i := from; i < to; i++ {
		s = append(s, i)
	}
	return s
}
