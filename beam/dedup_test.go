package reprintbeam

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/pipeline"
)

func TestDedup(t *testing.T) {
	src := func(s string) *string { return &s }
	rep := &reprint.Report{
		Documents: []reprint.DocSummary{{ID: "a"}, {ID: "b"}, {ID: "c"}, {ID: "d"}, {ID: "e"}},
		DocPairs: []reprint.DocPair{
			{A: "a", B: "b", ContainmentA: 0.95, ContainmentB: 0.9, Source: src("b")}, // b is the origin
			{A: "b", B: "c", ContainmentA: 0.5, ContainmentB: 0.85, Source: src("b")}, // c is mostly b
			{A: "d", B: "e", ContainmentA: 0.3, ContainmentB: 0.2, Source: src("d")},  // a shared quote only
		},
	}
	for _, tc := range []struct {
		name string
		min  float64
		want string
	}{
		{"groups at 0.8", 0.8, `{"id":"b","duplicates":["a","c"]}` + "\n" + `{"id":"d"}` + "\n" + `{"id":"e"}` + "\n"},
		{"stricter at 0.9", 0.9, `{"id":"b","duplicates":["a"]}` + "\n" + `{"id":"c"}` + "\n" + `{"id":"d"}` + "\n" + `{"id":"e"}` + "\n"},
		{"everything kept at 1", 1, `{"id":"a"}` + "\n" + `{"id":"b"}` + "\n" + `{"id":"c"}` + "\n" + `{"id":"d"}` + "\n" + `{"id":"e"}` + "\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			require.NoError(t, writeDedup(&b, rep, tc.min))
			require.Equal(t, tc.want, b.String())
		})
	}
}

func TestRecordCodecs(t *testing.T) {
	for _, d := range []textDoc{{}, {Text: "héllo"}, {Text: "x y z", Mask: []pipeline.Span{{Start: 1, End: 3}, {Start: 4, End: 1 << 30}}}} {
		var got textDoc
		require.NoError(t, got.decode(d.encode()))
		require.Equal(t, d.Text, got.Text)
		require.Equal(t, d.Mask, got.Mask)
		b := d.encode()
		if len(b) > 1 {
			require.Error(t, new(textDoc).decode(b[:len(b)-1]), "a truncated record is an error")
		}
	}
	var s sideA
	require.NoError(t, s.decode(sideA{42, []byte("data")}.encode()))
	require.Equal(t, sideA{42, []byte("data")}, s)
	require.Error(t, s.decode([]byte{1, 2}))
}
