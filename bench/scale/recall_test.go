package scale

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/reprint-dev/reprint"
)

func TestScore(t *testing.T) {
	p := Planted{Kind: KindCopy, Source: "s", SourceStart: 100, SourceEnd: 200, Copy: "c", CopyStart: 10, CopyEnd: 110}
	tests := []struct {
		name  string
		match reprint.Match
		found bool
	}{
		{"exact", reprint.Match{A: sp("s", 100, 200), B: sp("c", 10, 110)}, true},
		{"sides swapped", reprint.Match{A: sp("c", 10, 110), B: sp("s", 100, 200)}, true},
		{"half the copy, a byte of the source", reprint.Match{A: sp("s", 199, 250), B: sp("c", 60, 300)}, true},
		{"just under half the copy", reprint.Match{A: sp("s", 100, 200), B: sp("c", 61, 110)}, false},
		{"copy covered, source missed", reprint.Match{A: sp("s", 200, 300), B: sp("c", 10, 110)}, false},
		{"the wrong source", reprint.Match{A: sp("x", 100, 200), B: sp("c", 10, 110)}, false},
		{"source and copy confused", reprint.Match{A: sp("s", 10, 110), B: sp("c", 100, 200)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.found, Finds(tt.match, p))
			want := Recall{Planted: 1}
			if tt.found {
				want.Found = 1
			}
			// An unrelated match and one of another pair do not change it.
			noise := []reprint.Match{{A: sp("s", 100, 200), B: sp("y", 0, 100)}, tt.match}
			assert.Equal(t, want, Score([]Planted{p, {Kind: KindBoilerplate, Source: "s", Copy: "c"}}, KindCopy, noise))
		})
	}
	assert.Zero(t, Recall{}.Rate())
	assert.Equal(t, 0.5, Recall{Planted: 4, Found: 2}.Rate())
}

func sp(doc string, start, end int) reprint.Span {
	return reprint.Span{Doc: doc, Start: start, End: end}
}
