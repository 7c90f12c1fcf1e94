package scale

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/bench/internal/splitmix"
)

// Stats counts what Generate wrote.
type Stats struct {
	Documents int
	// Paragraphs counts every paragraph: the documents' own, the copied
	// ones and the footers (ShapeLongLine: the small document's only).
	Paragraphs int
	Words      int
	// TextBytes is the length of the decoded texts; CorpusBytes that of
	// the JSON Lines written.
	TextBytes   int64
	CorpusBytes int64
	// Copies counts the truth's KindCopy lines, Edited those of them with
	// edits; Boilerplate the documents holding a footer.
	Copies      int
	Edited      int
	Boilerplate int
}

// Generate writes the corpus cfg describes to corpus as JSON Lines (one
// {"id","text","date"} object a line) and its truth to truth (one Planted
// a line; nil discards it). It streams: whatever N, it holds a few
// documents at a time (ShapeLongLine: a sentence of the long one), since a
// document is a pure function of the seed and its index and a copied
// paragraph is drawn again from its source's streams.
func Generate(cfg Config, corpus, truth io.Writer) (Stats, error) {
	if err := cfg.Validate(); err != nil {
		return Stats{}, err
	}
	if truth == nil {
		truth = io.Discard
	}
	cw := &countingWriter{w: corpus}
	g := &generator{cfg: cfg, lang: newLanguage(cfg.Seed), out: bufio.NewWriterSize(cw, 1<<16)}
	tb := bufio.NewWriterSize(truth, 1<<16)
	g.truth = json.NewEncoder(tb)
	g.truth.SetEscapeHTML(false)

	var err error
	if cfg.Shape == ShapeLongLine {
		err = g.longLine()
	} else {
		err = g.articles()
	}
	if err == nil {
		err = g.out.Flush()
	}
	if err == nil {
		err = tb.Flush()
	}
	g.stats.CorpusBytes = cw.n
	if err != nil {
		return g.stats, fmt.Errorf("scale: %w", err)
	}
	return g.stats, nil
}

// generator holds one Generate call's state.
type generator struct {
	cfg      Config
	lang     *language
	out      *bufio.Writer
	truth    *json.Encoder
	stats    Stats
	label    []byte // scratch for stream labels
	footer0  span   // the footer in the first document
	docBytes int    // text bytes of the document being written
}

// Paragraph kinds in a layout.
const (
	own byte = iota
	copied
	edited // copied with two words changed
)

// layout is an article's plan before any text is drawn: how many of its
// own or copied paragraphs, in order. The first paragraph is always its
// own, so that every article has one for later ones to copy.
type layout struct {
	n     int
	kinds [maxParagraphs]byte
}

// stream returns the stream of a part of a document: its layout, its
// copies, one of its paragraphs (k ≥ 0) or its footer.
func (g *generator) stream(part string, doc, k int) *splitmix.Rand {
	b := append(g.label[:0], part...)
	b = strconv.AppendInt(append(b, '/'), int64(doc), 10)
	if k >= 0 {
		b = strconv.AppendInt(append(b, '/'), int64(k), 10)
	}
	g.label = b
	return splitmix.New(g.cfg.Seed, string(b))
}

func (g *generator) layout(i int) layout {
	r := g.stream("layout", i, -1)
	l := layout{n: r.Between(minParagraphs, maxParagraphs)}
	// The first paragraph is never copied: the others carry the whole
	// rate, so that CopyRate of all paragraphs are copies.
	p := g.cfg.CopyRate * float64(l.n) / float64(l.n-1)
	for k := 1; k < l.n; k++ {
		if i > 0 && r.Chance(p) {
			l.kinds[k] = copied
			if r.Chance(g.cfg.EditRate) {
				l.kinds[k] = edited
			}
		}
	}
	return l
}

// article is one document's text, drawn.
type article struct {
	text  []byte
	paras []span
	words int
	// copies are the planted copies among its paragraphs, with the source
	// span filled in only when the article was drawn with truth.
	copies []Planted
}

// span is a half-open byte range.
type span struct{ start, end int }

// draw draws the first upto paragraphs of document i (all of them when
// upto ≥ its count). With truth, it also finds the source spans of its
// copies, by drawing each source up to the paragraph copied; a source's
// own copies need no such spans, so that drawing stops there.
func (g *generator) draw(i, upto int, truth bool) article {
	l := g.layout(i)
	upto = min(upto, l.n)
	src := g.stream("sources", i, -1)
	var a article
	for k := range upto {
		if k > 0 {
			a.text = append(a.text, "\n\n"...)
		}
		start := len(a.text)
		if l.kinds[k] == own {
			toks := g.lang.paragraph(g.stream("text", i, k))
			a.text = appendTokens(a.text, toks)
			a.words += len(toks)
			a.paras = append(a.paras, span{start, len(a.text)})
			continue
		}
		// A copy: an own paragraph of an earlier article, perhaps edited.
		j := src.IntN(i)
		jl := g.layout(j)
		var owns []int
		for m := range jl.n {
			if jl.kinds[m] == own {
				owns = append(owns, m)
			}
		}
		m := owns[src.IntN(len(owns))]
		toks := g.lang.paragraph(g.stream("text", j, m))
		p := Planted{Kind: KindCopy, Source: docID(j), Copy: docID(i)}
		if l.kinds[k] == edited {
			p.Edits = g.edit(src, toks, 2, start, -1)
		}
		a.text = appendTokens(a.text, toks)
		a.words += len(toks)
		a.paras = append(a.paras, span{start, len(a.text)})
		p.CopyStart, p.CopyEnd = start, len(a.text)
		if truth {
			s := g.draw(j, m+1, false).paras[m]
			p.SourceStart, p.SourceEnd = s.start, s.end
		}
		a.copies = append(a.copies, p)
	}
	return a
}

// edit replaces n distinct words of toks (never toks[keep]) and returns
// the edits, with offsets for toks written at byte offset base.
func (g *generator) edit(r *splitmix.Rand, toks []string, n, base, keep int) []Edit {
	var at []int
	for len(at) < n && len(at) < len(toks)-1 {
		i := r.IntN(len(toks))
		if i == keep || slices.Contains(at, i) {
			continue
		}
		at = append(at, i)
	}
	slices.Sort(at)
	edits := make([]Edit, 0, len(at))
	for _, i := range at {
		from, to := g.lang.substitute(r, toks, i)
		edits = append(edits, Edit{From: from, To: to, At: base + tokenOffset(toks, i)})
	}
	return edits
}

// articles writes the archive and boilerplate shapes.
func (g *generator) articles() error {
	footer := g.footerTemplate()
	for i := range g.cfg.N {
		a := g.draw(i, maxParagraphs, true)
		g.stats.Paragraphs += len(a.paras)
		if g.cfg.Shape != ShapeArchive {
			a = g.addFooter(a, i, footer)
		}
		g.stats.Words += a.words
		for _, p := range a.copies {
			if p.Kind == KindCopy {
				g.stats.Copies++
				if len(p.Edits) > 0 {
					g.stats.Edited++
				}
			}
			if err := g.truth.Encode(p); err != nil {
				return err
			}
		}
		if err := g.writeDoc(i, a.text); err != nil {
			return err
		}
	}
	return nil
}

// footer is the boilerplate paragraph: a newsletter footer of 47 words
// whose one date is the first document's ("%s.": a token of its own).
const footer = "You are receiving this newsletter because you subscribed on %s. " +
	"This message and any attachments are confidential and intended only for the named recipient. " +
	"If you received it in error, please notify the sender and delete it. " +
	"To unsubscribe or change your preferences, visit the account page."

// footerText is the footer's tokens as the first document has them, and
// the index of its date.
type footerText struct {
	toks []string
	date int
}

func (g *generator) footerTemplate() footerText {
	toks := strings.Fields(footer)
	f := footerText{toks: toks, date: slices.Index(toks, "%s.")}
	toks[f.date] = g.cfg.Start.Format(time.DateOnly) + "."
	return f
}

// addFooter appends the footer to document i's article, as the first
// document has it (ShapeBoiler) or with one word or its date changed
// (ShapeNearBoiler), with its truth line: traced to the first document's.
func (g *generator) addFooter(a article, i int, f footerText) article {
	toks := slices.Clone(f.toks)
	a.text = append(a.text, "\n\n"...)
	start := len(a.text)
	var edits []Edit
	if g.cfg.Shape == ShapeNearBoiler && i > 0 {
		r := g.stream("footer", i, -1)
		if r.Chance(0.5) {
			// Its own date, which a few neighbours share.
			date := g.date(i).Format(time.DateOnly)
			if old := strings.TrimSuffix(toks[f.date], "."); old != date {
				toks[f.date] = date + "."
				edits = []Edit{{At: start + tokenOffset(toks, f.date), From: old, To: date}}
			}
		} else {
			edits = g.edit(r, toks, 1, start, f.date)
		}
	}
	a.text = appendTokens(a.text, toks)
	a.words += len(toks)
	a.paras = append(a.paras, span{start, len(a.text)})
	g.stats.Paragraphs++
	g.stats.Boilerplate++
	if i == 0 {
		g.footer0 = span{start, len(a.text)}
		return a
	}
	a.copies = append(a.copies, Planted{Kind: KindBoilerplate,
		Source: docID(0), SourceStart: g.footer0.start, SourceEnd: g.footer0.end,
		Copy: docID(i), CopyStart: start, CopyEnd: len(a.text), Edits: edits})
	return a
}
