package scale

import (
	"io"
	"strconv"
	"time"
)

// longLine writes ShapeLongLine: document 0 is paragraphs of sentences
// joined by single spaces on one line until Size bytes; document 1 is a
// six-paragraph article whose second and fifth paragraphs are the first
// runs of the long line to start after a third and two thirds of it.
func (g *generator) longLine() error {
	if err := g.beginDoc(0); err != nil {
		return err
	}
	r := g.stream("longline", 0, -1)
	targets := [2]int{g.cfg.Size / 3, 2 * g.cfg.Size / 3}
	var (
		passages [2][]string
		spans    [2]span
		got, n   int
		buf      []byte
	)
	for n < g.cfg.Size {
		toks := g.lang.paragraph(r)
		buf = buf[:0]
		if n > 0 {
			buf = append(buf, ' ')
		}
		start := n + len(buf)
		buf = appendTokens(buf, toks)
		if got < len(targets) && start >= targets[got] {
			passages[got], spans[got] = toks, span{start, n + len(buf)}
			got++
		}
		g.stats.Words += len(toks)
		if err := g.writeText(buf); err != nil {
			return err
		}
		n += len(buf)
	}
	if err := g.endDoc(0); err != nil {
		return err
	}

	var text []byte
	var copies []Planted
	for k := range 6 {
		if k > 0 {
			text = append(text, "\n\n"...)
		}
		start := len(text)
		switch k {
		case 1, 4:
			p := passages[k/3]
			s := spans[k/3]
			text = appendTokens(text, p)
			g.stats.Words += len(p)
			copies = append(copies, Planted{Kind: KindCopy, Source: docID(0), SourceStart: s.start, SourceEnd: s.end,
				Copy: docID(1), CopyStart: start, CopyEnd: len(text)})
		default:
			toks := g.lang.paragraph(g.stream("text", 1, k))
			text = appendTokens(text, toks)
			g.stats.Words += len(toks)
		}
		g.stats.Paragraphs++
	}
	for _, p := range copies {
		g.stats.Copies++
		if err := g.truth.Encode(p); err != nil {
			return err
		}
	}
	return g.writeDoc(1, text)
}

// writeDoc writes document i with text as one JSON line.
func (g *generator) writeDoc(i int, text []byte) error {
	if err := g.beginDoc(i); err != nil {
		return err
	}
	if err := g.writeText(text); err != nil {
		return err
	}
	return g.endDoc(i)
}

// beginDoc, writeText and endDoc write one JSON line in pieces, so that a
// long text is streamed; the text only ever holds ASCII letters, digits,
// punctuation, spaces and newlines, but is escaped in full all the same.
func (g *generator) beginDoc(i int) error {
	g.docBytes = 0
	_, err := g.out.WriteString(`{"id":"` + docID(i) + `","text":"`)
	return err
}

func (g *generator) writeText(text []byte) error {
	const hex = "0123456789abcdef"
	run := 0 // start of the bytes not written yet
	for i, c := range text {
		var esc []byte
		switch {
		case c == '"' || c == '\\':
			esc = []byte{'\\', c}
		case c == '\n':
			esc = []byte{'\\', 'n'}
		case c < 0x20:
			esc = []byte{'\\', 'u', '0', '0', hex[c>>4], hex[c&15]}
		default:
			continue
		}
		if _, err := g.out.Write(text[run:i]); err != nil {
			return err
		}
		if _, err := g.out.Write(esc); err != nil {
			return err
		}
		run = i + 1
	}
	g.docBytes += len(text)
	_, err := g.out.Write(text[run:])
	return err
}

func (g *generator) endDoc(i int) error {
	_, err := g.out.WriteString(`","date":"` + g.date(i).Format(time.RFC3339) + "\"}\n")
	g.stats.Documents++
	g.stats.TextBytes += int64(g.docBytes)
	return err
}

// date is document i's date: the documents spread evenly over the year
// after Start, one second apart at least.
func (g *generator) date(i int) time.Time {
	n := g.cfg.N
	if g.cfg.Shape == ShapeLongLine {
		n = 2
	}
	return g.cfg.Start.Add(time.Duration(int64(i)*year/int64(n)) * time.Second)
}

// docID is document i's id: "a" and at least seven digits, so that ids
// sort as the documents were written.
func docID(i int) string {
	s := strconv.Itoa(i)
	if len(s) < 7 {
		s = "0000000"[len(s):] + s
	}
	return "a" + s
}

// appendTokens appends toks separated by single spaces.
func appendTokens(b []byte, toks []string) []byte {
	for i, t := range toks {
		if i > 0 {
			b = append(b, ' ')
		}
		b = append(b, t...)
	}
	return b
}

// tokenOffset is the byte offset of toks[i] in appendTokens(nil, toks).
func tokenOffset(toks []string, i int) int {
	n := 0
	for _, t := range toks[:i] {
		n += len(t) + 1
	}
	return n
}

// countingWriter counts the bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}
