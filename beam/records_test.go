package reprintbeam

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/pipeline"
)

func sketchOf(t *testing.T, text string) pipeline.Sketch {
	t.Helper()
	o := DefaultOptions()
	d, _, cfg, err := stages(&o)
	require.NoError(t, err)
	defer d.Close()
	sk, err := cfg.NewSketcher(false)
	require.NoError(t, err)
	s, _ := sk.Sketch(text, false)
	return s
}

func TestPackSketch(t *testing.T) {
	seed, err := os.ReadFile("../testdata/seeds/001_7333f7b512f5e450.txt")
	require.NoError(t, err)
	wall := strings.Repeat(string(seed)+" ", 1+pipeline.BigText/len(seed)) // sketched in parts
	for _, tc := range []struct {
		name string
		text string
	}{
		{"empty", ""},
		{"a word", "word"},
		{"a seed article", string(seed)},
		{"a wall of text", wall},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := sketchOf(t, tc.text)
			b := packSketch(&want)
			got, err := unpackSketch(b)
			require.NoError(t, err)
			normalise := func(s *pipeline.Sketch) { // nil and empty slices are the same sketch
				for _, p := range []*[]uint32{&s.Bands, &s.Seeds.Keys} {
					if len(*p) == 0 {
						*p = nil
					}
				}
				if len(s.Keys) == 0 {
					s.Keys, s.Spans, s.Toks = nil, nil, nil
				}
			}
			normalise(&want)
			normalise(&got)
			require.Equal(t, want, got)
			step := max(1, len(b)/500) // every cut of a small sketch, some of a large one
			for n := 0; n < len(b); n += step {
				_, err := unpackSketch(b[:n])
				require.Error(t, err, "cut at %d of %d bytes", n, len(b))
			}
			_, err = unpackSketch(append(b, 0))
			require.Error(t, err, "a trailing byte")
		})
	}
	require.NotEmpty(t, sketchOf(t, string(seed)).Bands, "the article has units")
}

// fill sets every field that v holds, recursively, to a value of its
// own (a slice gets two elements), so that a field a codec leaves out
// is seen.
func fill(t *testing.T, v reflect.Value, n *int) {
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d«»", *n))
	case reflect.Int, reflect.Int64, reflect.Int32:
		v.SetInt(int64(*n) * 1000)
	case reflect.Uint8:
		v.SetUint(uint64(*n % 3))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), n)
		}
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2017, 6, 9, 14, 5, *n%60, 0, time.FixedZone("", 3600))))
			return
		}
		for i := range v.NumField() {
			fill(t, v.Field(i), n)
		}
	default:
		t.Fatalf("fill: no value for a %s: teach fill, and docRec's codec, this field", v.Type())
	}
}

func TestDocRecRoundTrip(t *testing.T) {
	var want docRec
	n := 0
	fill(t, reflect.ValueOf(&want).Elem(), &n)
	require.NotEmpty(t, want.Doc.FrontMatter)
	b := want.encode()
	var got docRec
	require.NoError(t, got.decode(b))
	require.True(t, want.Doc.Date.Time.Equal(got.Doc.Date.Time))
	_, wantOff := want.Doc.Date.Time.Zone()
	_, gotOff := got.Doc.Date.Time.Zone()
	require.Equal(t, wantOff, gotOff, "the zone's offset is kept")
	got.Doc.Date.Time = want.Doc.Date.Time
	require.Equal(t, want, got)

	for _, want := range []docRec{
		{Doc: reprint.Document{ID: "x"}}, // no date, no front matter
		{File: 1, Line: -2, Doc: reprint.Document{ID: "y", TextOffset: -5, LineOffset: -1 << 40}}, // zig-zag
	} {
		require.NoError(t, got.decode(want.encode()))
		require.Equal(t, want, got)
	}
	for cut := range len(b) {
		require.Error(t, got.decode(b[:cut]), "cut at %d of %d bytes", cut, len(b))
	}
	require.Error(t, got.decode(append(b, 0)), "a trailing byte")
}
