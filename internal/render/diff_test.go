package render

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestWordDiffMarks(t *testing.T) {
	xs := strings.TrimSpace(strings.Repeat("x ", 20)) // 20 words no copy has
	for _, tc := range []struct {
		name, ref, copy, want string
	}{
		{"same", "a b c", "a  b\nc", "a b c"},
		{"replaced word", "I don’t think so", "I don't think so", "I [-don’t-] {+don't+} think so"},
		{"inserted", "the plan goes ahead", "the new plan goes ahead", "the {+new+} plan goes ahead"},
		{"deleted inside", "the old plan goes ahead", "the plan goes ahead", "the [-old-] plan goes ahead"},
		{"copy of a part", "one two three four five six", "three four", "… three four …"},
		{"replaced at the start", "Honestly I got it", "Honestly, I got it", "[-Honestly-] {+Honestly,+} I got it"},
		{"partial with an edit at each end", "said “When you have a close mate. You stand", "When you have a close mate",
			"… [-“When-] {+When+} you have a close [-mate.-] {+mate+} …"},
		{"nothing in common", "alpha beta", "gamma", "… [-beta-] {+gamma+}"},
		{"empty copy", "alpha", "", "…"},
		// The copy's first word would match the reference's first "said",
		// far before the copy's real start.
		{"chance match at the head", `The group said in a report that output rose again in March for the third month in a row, its chairman said: "The economy grew fast this year."`,
			`said "the economy grew fast this year."`, `… [-said: "The-] {+said "the+} economy grew fast this year."`},
		{"chance match at the tail", "alpha beta gamma delta epsilon, " + xs + " the end", "alpha beta gamma delta epsilon. the",
			"alpha beta gamma delta [-epsilon, x-] {+epsilon. the+} …"},
		{"a copy that starts like the reference keeps its alignment", "a b c " + xs + " d e f", "a b d e f", "a b [-c " + xs + "-] d e f"},
		{"the bulk of the alignment is no chance match", "q1 q2 q3 one two three four five six seven eight nine ten " + xs + " " + xs + " end",
			"one two three four five six seven eight nine ten end", "… one two three four five six seven eight nine ten [-" + xs + " " + xs + "-] end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rs, head, tail := trimmed(wordDiff(tc.ref, tc.copy))
			got := wrap(runWords(rs, false, head, tail, true, true), 1000, painter{})
			require.Len(t, got, 1)
			assert.Equal(t, tc.want, got[0].text)
		})
	}
}

func TestWrapWidth(t *testing.T) {
	words := textWords(strings.Repeat("word ", 50)+"日本語の単語", stPlain)
	for _, w := range []int{20, 40, 80} {
		for _, l := range wrap(words, w, painter{color: true}) {
			assert.LessOrEqual(t, l.width, w)
		}
	}
	assert.Equal(t, 6, displayWidth("日本語"), "wide runes take two columns")
	assert.Equal(t, "abc…", truncate("abcdefgh", 4))
}

func TestProgress(t *testing.T) {
	var off bytes.Buffer
	p := NewProgress(&off, false)
	p.Stage("reading")
	p.Stop()
	assert.Empty(t, off.String(), "a disabled Progress draws nothing")

	var buf syncBuffer
	p = NewProgress(&buf, true)
	p.Stage("detecting %d documents", 3)
	time.Sleep(250 * time.Millisecond)
	_, _ = p.Write([]byte("reprint: warning: x\n"))
	p.Stop()
	p.Stop() // twice is fine
	out := buf.String()
	assert.Contains(t, out, "detecting 3 documents…")
	assert.Contains(t, out, "\r\x1b[Kreprint: warning: x\n", "a message clears the spinner's line")
	assert.True(t, strings.HasSuffix(out, "\r\x1b[K"), "Stop clears the line")
}

// syncBuffer is a bytes.Buffer safe for the spinner's goroutine.
type syncBuffer struct {
	mu  chan struct{}
	buf bytes.Buffer
}

func (b *syncBuffer) lock() {
	if b.mu == nil {
		b.mu = make(chan struct{}, 1)
	}
	b.mu <- struct{}{}
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.lock()
	defer func() { <-b.mu }()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.lock()
	defer func() { <-b.mu }()
	return b.buf.String()
}

func FuzzWordDiff(f *testing.F) {
	f.Add("I don’t think so", "I don't think so")
	f.Add("one two three", "two")
	f.Add("", "a b")
	f.Fuzz(func(t *testing.T, ref, copy string) {
		rs := wordDiff(ref, copy)
		var a, b []string
		for _, r := range rs {
			if r.op != opIns {
				a = append(a, r.words...)
			}
			if r.op != opDel {
				b = append(b, r.words...)
			}
		}
		if strings.Join(a, " ") != fold(ref) || strings.Join(b, " ") != fold(copy) {
			t.Fatalf("diff of %q and %q does not rebuild them: %v", ref, copy, rs)
		}
	})
}
