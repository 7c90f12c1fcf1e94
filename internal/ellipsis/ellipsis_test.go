package ellipsis_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	"github.com/reprint-dev/reprint/internal/ellipsis"
)

func TestShorten(t *testing.T) {
	wide := func(r rune, _ int) int { // a CJK character takes two columns
		if r >= 0x4e00 && r <= 0x9fff {
			return 2
		}
		return 1
	}
	tests := []struct {
		name string
		s    string
		n    int
		m    ellipsis.Measure
		want string
	}{
		{"fits", "abcdef", 6, ellipsis.Runes, "abcdef"},
		{"cut to n with the mark", "abcdefg", 6, ellipsis.Runes, "abcde…"},
		{"runes, not bytes", "ééééééé", 6, ellipsis.Runes, "ééééé…"},
		{"bytes never split a rune", "aéééé", 5, ellipsis.Bytes, "aé…"},
		{"bytes fit", "aéé", 5, ellipsis.Bytes, "aéé"},
		{"columns: a wide rune that does not fit is left out", "ab中文字", 4, wide, "ab…"},
		{"columns: wide runes that fit", "中文字", 6, wide, "中文字"},
		{"zero budget", "abc", 0, ellipsis.Runes, "…"},
		{"empty", "", 3, ellipsis.Runes, ""},
		{"invalid UTF-8 counts a byte each", "ab\xffcd", 4, ellipsis.Bytes, "ab\xff…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ellipsis.Shorten(tt.s, tt.n, tt.m))
		})
	}
}

func TestMiddle(t *testing.T) {
	tests := []struct {
		name string
		s    string
		n    int
		want string
	}{
		{"fits", "docs/a.txt", 10, "docs/a.txt"},
		{"keeps more of the end", "archive/2017/06/khan-trump.txt", 16, "archiv…trump.txt"},
		{"runes", "ééééééééééé", 6, "éé…ééé"},
		{"tiny", "abcdef", 1, "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ellipsis.Middle(tt.s, tt.n, ellipsis.Runes)
			assert.Equal(t, tt.want, got)
			assert.LessOrEqual(t, utf8.RuneCountInString(got), tt.n)
		})
	}
}

func TestExcerpt(t *testing.T) {
	assert.Equal(t, "one two three", ellipsis.Excerpt(" one\n\ttwo  three\n", 20))
	long := strings.Repeat("word ", 100)
	got := ellipsis.Excerpt(long, 80)
	assert.Equal(t, 80, utf8.RuneCountInString(got))
	assert.True(t, strings.HasSuffix(got, "…"))
}
