package reprint_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/bench/scale"
	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/minhash"
)

// viaStages runs the detection as the Beam pipeline does: documents
// sketched apart and filed, candidates, the seed filter and alignment pair
// by pair (in reverse order, as workers may return them), then a second
// Detector that only makes the report, given the texts of the matched and
// boilerplate documents alone.
func viaStages(t *testing.T, docs []reprint.Document, opts ...reprint.Option) *reprint.Report {
	t.Helper()
	in := staged(t, docs, opts...)
	rep, err := in.st.Report(context.Background(), in.matches, in.boiler, in.hot)
	require.NoError(t, err)
	return rep
}

// reportInput is what the report stage of the Beam pipeline gets: a
// Detector's stages with the documents filed by AddReported, and the
// matches, boilerplate and hot-bucket count of the stages before.
type reportInput struct {
	st      *reprint.Stages
	matches []pipeline.Match
	boiler  []pipeline.Boilerplate
	hot     int
}

// staged runs the stages up to the report as viaStages says.
func staged(t *testing.T, docs []reprint.Document, opts ...reprint.Option) reportInput {
	t.Helper()
	ctx := context.Background()
	st, cfg, words := filed(t, docs, opts...)
	cand, err := st.Candidates(ctx)
	require.NoError(t, err)
	defer cand.Pairs.Close()
	h, err := minhash.NewHasher(cfg.Params)
	require.NoError(t, err)
	f := cfg.NewFilter()
	var al align.Aligner
	var matches []pipeline.Match
	var bufA, bufB pipeline.SeedBuf
	for {
		p, ok := cand.Pairs.Next()
		if !ok {
			break
		}
		a, b := int32(p>>32), int32(uint32(p))
		sa, err := st.Seeds(a, &bufA)
		require.NoError(t, err)
		f.Reset(sa)
		sb, err := st.Seeds(b, &bufB)
		require.NoError(t, err)
		if !f.MayAlign(sb) {
			continue
		}
		ta, err := st.Text(a)
		require.NoError(t, err)
		tb, err := st.Text(b)
		require.NoError(t, err)
		pa, pb := cfg.Prepare(h, ta, cand.Mask[a]), cfg.Prepare(h, tb, cand.Mask[b])
		if m, ok := cfg.Verify(h, &al, a, b, pa, pb); ok {
			matches = append([]pipeline.Match{m}, matches...)
		}
	}
	require.NoError(t, cand.Pairs.Err())

	quoted := map[int32]bool{}
	for _, m := range matches {
		quoted[m.A], quoted[m.B] = true, true
	}
	for _, b := range cand.Boilerplate {
		quoted[b.Doc] = true
	}
	rd, err := reprint.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { rd.Close() })
	rs := rd.Stages()
	for i, d := range docs {
		n := len(d.Text)
		if !quoted[int32(i)] {
			d.Text = ""
		}
		require.NoError(t, rs.AddReported(d, n, words[i]))
	}
	return reportInput{rs, matches, cand.Boilerplate, cand.Hot}
}

// filed sketches docs apart and files them with a new Detector's Stages,
// as the Beam pipeline's candidate worker does; it returns the stages,
// their configuration and the documents' word counts.
func filed(t *testing.T, docs []reprint.Document, opts ...reprint.Option) (*reprint.Stages, *pipeline.Config, []int) {
	t.Helper()
	det, err := reprint.New(opts...)
	require.NoError(t, err)
	t.Cleanup(func() { det.Close() })
	st := det.Stages()
	cfg, err := st.Config()
	require.NoError(t, err)
	sk, err := cfg.NewSketcher(false)
	require.NoError(t, err)
	words := make([]int, len(docs))
	for i, d := range docs {
		s, _ := sk.Sketch(d.Text, false)
		words[i] = s.Words
		require.NoError(t, st.Add(d, &s))
	}
	return st, cfg, words
}

// TestStagesGiveDetectsReport: the stages run apart, as the Beam
// pipeline runs them, give Detect's report byte for byte: with the
// report made on one machine (Report), and with provenance spread over
// workers (Assemble, InferProvenance per batch in shuffled orders,
// ApplyProvenance, the values through gob).
func TestStagesGiveDetectsReport(t *testing.T) {
	var boiler []reprint.Document
	for i := range 30 {
		own := fmt.Sprintf("Alpha%d beta%d gamma%d delta%d epsilon%d zeta%d.", i, i, i, i, i, i)
		boiler = append(boiler, reprint.Document{ID: fmt.Sprint(i), Text: own + " All rights reserved by the publisher of this fine newspaper today."})
	}
	archive, _ := generated(t, scale.ShapeArchive, 2000)
	day := func(s string) reprint.Date {
		tm, err := time.Parse("2006-01-02", s)
		require.NoError(t, err)
		return reprint.Date{Time: tm, Granularity: reprint.GranularityDay}
	}
	future := readSeeds(t)
	future[1].Date = day("2030-01-01")
	clock := reprint.WithClock(func() time.Time { return day("2029-12-01").Time })
	multi := 0 // cases with a batch of several clusters
	for _, tc := range []struct {
		name string
		docs []reprint.Document
		opts []reprint.Option
	}{
		{"seeds", readSeeds(t), nil},
		{"seeds without dates", readSeeds(t), []reprint.Option{reprint.WithIgnoreDates(true)}},
		{"seeds with hard dates", readSeeds(t), []reprint.Option{reprint.WithHardDates(time.Hour)}},
		{"a future date", future, []reprint.Option{clock}},
		{"synthetic", synthetic(200, 11), nil},
		{"boilerplate over the cap", boiler, []reprint.Option{reprint.WithBucketCap(10)}},
		{"archive", archive, nil},
		{"archive in small memory batches", archive, []reprint.Option{reprint.WithSpillLimits(64<<10, -1, -1, 0, -1), reprint.WithTmpDir(t.TempDir())}},
		{"wall of text", wallOfText(), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := detect(t, tc.docs, tc.opts...)
			require.True(t, len(want.Matches) > 0 || want.Limits != nil, "a case with something to report")
			got := viaStages(t, tc.docs, tc.opts...)
			require.Equal(t, string(marshal(t, want)), string(marshal(t, got)))
			for seed := range uint64(3) {
				got, batches := viaWorkers(t, seed, tc.docs, tc.opts...)
				require.Equal(t, string(marshal(t, want)), string(marshal(t, got)), "provenance on workers, batch order %d", seed)
				if slices.ContainsFunc(batches, func(b reprint.ProvenanceBatch) bool { return len(b.Clusters) > 1 }) {
					multi++
				}
			}
		})
	}
	require.Positive(t, multi, "some component links several clusters")
}

// TestStagesText: the texts filed come back, those kept in memory and
// those past the budget, read from the temporary file.
func TestStagesText(t *testing.T) {
	docs := synthetic(40, 5)
	st, _, _ := filed(t, docs, reprint.WithSpillLimits(2000, -1, -1, 0, -1), reprint.WithTmpDir(t.TempDir()))
	total := 0
	for i, d := range docs {
		total += len(d.Text)
		got, err := st.Text(int32(i))
		require.NoError(t, err)
		require.Equal(t, d.Text, got, "document %d", i)
	}
	require.Greater(t, total, 2*2000, "some texts must be past the budget")
	for _, doc := range []int32{-1, int32(len(docs))} {
		_, err := st.Text(doc)
		require.Error(t, err, "document %d", doc)
	}
}

func TestStagesRefuseEkzhu(t *testing.T) {
	det, err := reprint.New(reprint.WithBackend(reprint.BackendEkzhu))
	require.NoError(t, err)
	defer det.Close()
	_, err = det.Stages().Config()
	require.ErrorIs(t, err, reprint.ErrStagesBackend)
}
