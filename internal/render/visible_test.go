package render

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestVisible(t *testing.T) {
	tests := []struct {
		name, in  string
		keepLines bool
		want      string
	}{
		{"plain text is kept", "naïve café — “quoted”", false, "naïve café — “quoted”"},
		{"clear screen", "a\x1b[2Jb", false, "a␛[2Jb"},
		{"window title with BEL", "\x1b]0;title\x07", false, "␛]0;title␇"},
		{"NUL and backspace", "\x00\x08", false, "␀␈"},
		{"C1 CSI and DEL", "x\u009b31my\x7f", false, `x\u009b31my\u007f`},
		{"line feed drawn in a word", "a\nb\tc", false, "a␊b␉c"},
		{"line feed kept in a field", "a\nb\tc", true, "a\nb\tc"},
		{"carriage return always drawn", "a\rb", true, "a␍b"},
		{"bidi override", "user\u202egnp.exe", true, `user\u202egnp.exe`},
		{"bidi isolates", "a\u2066b\u2069c", false, `a\u2066b\u2069c`},
		{"right-to-left text and marks kept", "שלום\u200f abc", false, "שלום\u200f abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, Visible(tt.in, tt.keepLines))
		})
	}
}

func TestVisibleWriter(t *testing.T) {
	var b bytes.Buffer
	n, err := VisibleWriter(&b).Write([]byte("line \x1b[2J\n"))
	assert.NoError(t, err)
	assert.Equal(t, 10, n)
	assert.Equal(t, "line ␛[2J\n", b.String())
}

func TestMiddle(t *testing.T) {
	long := "/home/someone/a/very/long/checkout/path/that/goes/on/testdata/seeds/000_ab9c95a0605b7d73.txt"
	for _, n := range []int{10, 20, 40, 60} {
		got := middle(long, n)
		assert.LessOrEqual(t, displayWidth(got), n, got)
		assert.Contains(t, got, "…")
		assert.True(t, strings.HasPrefix(long, strings.Split(got, "…")[0]))
		assert.True(t, strings.HasSuffix(long, strings.Split(got, "…")[1]))
	}
	assert.Equal(t, "short", middle("short", 10))
	assert.Equal(t, "/home/so…605b7d73.txt", middle(long, 21), "more of the end is kept")
}
