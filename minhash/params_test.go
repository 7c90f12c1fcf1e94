package minhash_test

import (
	"encoding/json"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/minhash"
)

func TestParamsValidate(t *testing.T) {
	ok := minhash.Params{Shingle: 5, NumHash: 128, Seed: 1, Bands: 32, Rows: 4}
	with := func(f func(*minhash.Params)) minhash.Params {
		p := ok
		f(&p)
		return p
	}
	tests := []struct {
		name  string
		p     minhash.Params
		field string // named in the error; "" means valid
	}{
		{"valid", ok, ""},
		{"bands times rows equal to num_hash", with(func(p *minhash.Params) { p.Bands, p.Rows = 16, 8 }), ""},
		{"smallest", minhash.Params{Shingle: 1, NumHash: 1, Bands: 1, Rows: 1}, ""},
		{"largest", minhash.Params{Shingle: minhash.MaxShingle, NumHash: minhash.MaxNumHash, Bands: 1, Rows: minhash.MaxNumHash}, ""},
		{"zero value", minhash.Params{}, "shingle"},
		{"shingle zero", with(func(p *minhash.Params) { p.Shingle = 0 }), "shingle"},
		{"shingle negative", with(func(p *minhash.Params) { p.Shingle = -1 }), "shingle"},
		{"shingle too big", with(func(p *minhash.Params) { p.Shingle = minhash.MaxShingle + 1 }), "shingle"},
		{"num_hash zero", with(func(p *minhash.Params) { p.NumHash = 0 }), "num_hash"},
		{"num_hash too big", with(func(p *minhash.Params) { p.NumHash = minhash.MaxNumHash + 1 }), "num_hash"},
		{"bands zero", with(func(p *minhash.Params) { p.Bands = 0 }), "bands"},
		{"bands negative", with(func(p *minhash.Params) { p.Bands = -2 }), "bands"},
		{"rows zero", with(func(p *minhash.Params) { p.Rows = 0 }), "rows"},
		{"bands times rows exceed num_hash", with(func(p *minhash.Params) { p.Bands, p.Rows = 33, 4 }), "exceeds num_hash"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.Validate()
			if tt.field == "" {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, minhash.ErrParams)
			assert.Contains(t, err.Error(), tt.field)
			assert.Contains(t, err.Error(), "minhash: ")
		})
	}
}

func TestDefaultParams(t *testing.T) {
	p := minhash.DefaultParams()
	require.NoError(t, p.Validate())
	assert.Equal(t, minhash.DefaultShingle, p.Shingle)
	assert.Equal(t, 128, p.NumHash)
	b, r, err := minhash.ChooseBands(p.NumHash, minhash.DefaultThreshold)
	require.NoError(t, err)
	assert.Equal(t, b, p.Bands)
	assert.Equal(t, r, p.Rows)
}

func TestParamsJSONRoundTrip(t *testing.T) {
	p := minhash.Params{Shingle: 5, NumHash: 64, Seed: math.MaxUint64, Bands: 16, Rows: 4}
	b, err := json.Marshal(p)
	require.NoError(t, err)
	assert.JSONEq(t, `{"shingle":5,"num_hash":64,"seed":18446744073709551615,"bands":16,"rows":4}`, string(b))
	var back minhash.Params
	require.NoError(t, json.Unmarshal(b, &back))
	assert.Equal(t, p, back)
}

func TestChooseBands(t *testing.T) {
	for _, n := range []int{16, 64, 128, 256} {
		t.Run(fmt.Sprintf("num_hash=%d", n), func(t *testing.T) {
			prevRows := 0
			for th := 0.1; th < 0.95; th += 0.05 {
				b, r, err := minhash.ChooseBands(n, th)
				require.NoError(t, err)
				require.NoError(t, minhash.Params{Shingle: 1, NumHash: n, Bands: b, Rows: r}.Validate())
				assert.GreaterOrEqual(t, r, prevRows, "threshold %.2f: a higher threshold never takes fewer rows", th)
				prevRows = r
				// Misses weigh more than false candidates, so a pair right
				// at the threshold is more likely found than not.
				assert.Greater(t, minhash.CandidateProbability(b, r, th), 0.5, "threshold %.2f: bands %d rows %d", th, b, r)
			}
		})
	}
	b, r, err := minhash.ChooseBands(128, 0.3)
	require.NoError(t, err)
	assert.Equal(t, [2]int{42, 3}, [2]int{b, r}, "the default index layout")
}

func TestChooseBandsErrors(t *testing.T) {
	tests := []struct {
		name      string
		numHash   int
		threshold float64
	}{
		{"num_hash zero", 0, 0.5},
		{"num_hash too big", minhash.MaxNumHash + 1, 0.5},
		{"threshold zero", 128, 0},
		{"threshold one", 128, 1},
		{"threshold negative", 128, -0.5},
		{"threshold NaN", 128, math.NaN()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := minhash.ChooseBands(tt.numHash, tt.threshold)
			assert.ErrorIs(t, err, minhash.ErrParams)
		})
	}
}

func TestCandidateProbability(t *testing.T) {
	for _, br := range [][2]int{{1, 1}, {42, 3}, {25, 5}, {7, 18}} {
		b, r := br[0], br[1]
		assert.Equal(t, 0.0, minhash.CandidateProbability(b, r, 0), "bands %d rows %d at 0", b, r)
		assert.Equal(t, 1.0, minhash.CandidateProbability(b, r, 1), "bands %d rows %d at 1", b, r)
		// Non-decreasing rather than increasing: at the ends the curve is
		// 0 or 1 within float64 precision.
		prev := 0.0
		for j := 0.05; j < 1; j += 0.05 {
			p := minhash.CandidateProbability(b, r, j)
			assert.GreaterOrEqual(t, p, prev, "non-decreasing in j")
			assert.GreaterOrEqual(t, minhash.CandidateProbability(b+1, r, j), p, "more bands, more candidates")
			assert.LessOrEqual(t, minhash.CandidateProbability(b, r+1, j), p, "more rows, fewer candidates")
			prev = p
		}
		assert.Less(t, minhash.CandidateProbability(b, r, 0.5), minhash.CandidateProbability(b, r, 0.6))
	}
	assert.InDelta(t, 1-math.Pow(1-0.125, 4), minhash.CandidateProbability(4, 3, 0.5), 1e-12)
}
