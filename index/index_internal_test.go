package index

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/minhash"
)

func TestDocumentRecordRoundTrip(t *testing.T) {
	tests := map[string]reprint.Document{
		"bare":       {ID: "a", Text: "x"},
		"empty text": {ID: "a"},
		"everything": {ID: "reuters-1", Path: "wire/a.md", Title: "T", Source: "Reuters", URL: "https://e.com/a",
			Text: strings.Repeat("Showers continued throughout the week. ", 40), TextOffset: 31, LineOffset: 3,
			Date: reprint.Date{Time: time.Date(1987, 2, 26, 15, 1, 1, 500, time.FixedZone("", -5*3600)), Granularity: reprint.GranularitySecond, HasZone: true}},
		"day": {ID: "d", Text: "ü", Date: reprint.Date{Time: time.Date(2017, 6, 9, 0, 0, 0, 0, time.UTC), Granularity: reprint.GranularityDay}},
	}
	for name, d := range tests {
		t.Run(name, func(t *testing.T) {
			got, err := decodeDocument(encodeDocument(d))
			require.NoError(t, err)
			assert.True(t, d.Date.Time.Equal(got.Date.Time))
			_, off1 := d.Date.Time.Zone()
			_, off2 := got.Date.Time.Zone()
			assert.Equal(t, off1, off2)
			d.Date.Time, got.Date.Time = time.Time{}, time.Time{}
			assert.Equal(t, d, got)
		})
	}
}

func FuzzDecodeDocument(f *testing.F) {
	f.Add(encodeDocument(reprint.Document{ID: "a", Text: strings.Repeat("some text ", 30), Date: reprint.Date{Time: time.Unix(0, 0).UTC(), Granularity: reprint.GranularityDay}}))
	f.Add([]byte{recordVersion, 1, 'a'})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := decodeDocument(b)
		if err == nil {
			// What decodes re-encodes to something that decodes the same.
			d2, err := decodeDocument(encodeDocument(d))
			require.NoError(t, err)
			assert.Equal(t, d.Text, d2.Text)
			assert.Equal(t, d.ID, d2.ID)
		}
	})
}

// Any run of at least verify shingle + window - 1 identical tokens shared
// by two documents gives both a common anchor: the winnowing guarantee the
// audit relies on.
func TestAnchorsShareEveryLongEnoughRun(t *testing.T) {
	p := Params{Params: minhash.DefaultParams(), VerifyShingle: reprint.DefaultVerifyShingle, AnchorWindow: DefaultAnchorWindow}
	pc := pipeline.Config{Params: p.Params, VerifyShingle: p.VerifyShingle, MinWords: reprint.DefaultMinWords, BucketCap: minhash.DefaultBucketCap, Workers: 1}
	h, err := minhash.NewHasher(p.Params)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(3, 4))
	word := func() string {
		return string(rune('a'+rng.IntN(26))) + string(rune('a'+rng.IntN(26))) + string(rune('a'+rng.IntN(26)))
	}
	words := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = word()
		}
		return strings.Join(w, " ")
	}
	minRun := p.VerifyShingle + DefaultAnchorWindow - 1
	for i := range 300 {
		shared := words(minRun + rng.IntN(3))
		ta := words(rng.IntN(60)) + " " + shared + " " + words(rng.IntN(60))
		tb := words(rng.IntN(60)) + " " + shared + " " + words(rng.IntN(60))
		ha, hb := positional(t, pc, h, ta), positional(t, pc, h, tb)
		ka := anchors(ha, DefaultAnchorWindow)
		kb := anchors(hb, DefaultAnchorWindow)
		common := false
		for _, k := range ka {
			if _, ok := slicesIndex(kb, k); ok {
				common = true
				break
			}
		}
		require.True(t, common, "round %d: a shared run of %d words has no common anchor", i, len(strings.Fields(shared)))
	}
}

func slicesIndex(s []uint32, k uint32) (int, bool) {
	for i, x := range s {
		if x == k {
			return i, true
		}
	}
	return 0, false
}

// positional returns the verification shingle hashes of a prepared text
// in text order, from PrepareLean, checking that they are PrepareWhole's.
func positional(t *testing.T, pc pipeline.Config, h *minhash.Hasher, text string) []uint64 {
	t.Helper()
	pd := pc.PrepareWhole(h, text, nil)
	var lean pipeline.Lean
	hs, words, units := pc.PrepareLean(h, text, &lean)
	require.Len(t, hs, len(pd.Entries))
	for _, e := range pd.Entries {
		require.Equal(t, e.Hash, hs[e.Pos])
	}
	require.Equal(t, len(pd.Tokens), words)
	require.Equal(t, pipeline.CountUnits(pd), units)
	return slices.Clone(hs)
}
