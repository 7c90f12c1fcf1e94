package reader

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/reprint-dev/reprint/internal/model"
)

// checkFileOffsets holds for every format whose offsets are into the file:
// Text is the repaired file from TextOffset on, and LineOffset counts the
// lines before it.
func checkFileOffsets(t *testing.T, data []byte, docs []model.Document) {
	t.Helper()
	if sniff(data).binary() {
		if len(docs) != 0 {
			t.Fatalf("binary input gave %d documents", len(docs))
		}
		return
	}
	fixed, _, _ := repairUTF8(data)
	if len(fixed) != len(data) {
		t.Fatalf("repair changed the length from %d to %d", len(data), len(fixed))
	}
	for _, d := range docs {
		if d.TextOffset < 0 || d.TextOffset > len(fixed) {
			t.Fatalf("TextOffset %d outside the file of %d bytes", d.TextOffset, len(fixed))
		}
		if got := string(fixed[d.TextOffset:]); got != d.Text {
			t.Fatalf("file[TextOffset:] = %q, Text = %q", got, d.Text)
		}
		if n := bytes.Count(fixed[:d.TextOffset], []byte{'\n'}); n != d.LineOffset {
			t.Fatalf("LineOffset = %d, lines before the text = %d", d.LineOffset, n)
		}
	}
}

// checkDocs holds for every format.
func checkDocs(t *testing.T, docs []model.Document, errs []model.InputError) {
	t.Helper()
	for _, d := range docs {
		if d.ID == "" {
			t.Fatal("document without an id")
		}
		if !utf8.ValidString(d.Text) || !utf8.ValidString(d.Title) || !utf8.ValidString(d.ID) {
			t.Fatalf("invalid UTF-8 in document %q", d.ID)
		}
		if isBlank(d.Text) {
			t.Fatalf("blank document %q was kept", d.ID)
		}
	}
	for _, e := range errs {
		if e.Error == "" || e.Path == "" || e.Line < 0 {
			t.Fatalf("incomplete InputError %+v", e)
		}
	}
}

// hostileSeeds are the cases of issue 14, for every reader's corpus: stray
// NUL and escape bytes (kept, offsets exact), a binary block (skipped),
// terminal escapes, a C1 CSI, a date in the future.
var hostileSeeds = []string{
	strings.Repeat("Words of an article. ", 15) + "\x00\x00\x00" + strings.Repeat("More words. ", 10),
	"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
	"Title \x1b[2J\x1b]0;pwned\x07 and \u009b31m then text.",
	" date 2099-01-01 A story from the future.",
	"\x7f\x01\x02 control bytes first",
}

func FuzzTxtPrefix(f *testing.F) {
	for _, s := range append([]string{" date 2017-06-09 Text.", "date 2017-06-09T14:05:31+01:00\n\nText.", " date 2017-02-30 x", "\uFEFF date 2017-06-09 x", "date night", "Caf\xe9"}, hostileSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.txt", data, FormatText, Fields{})
		checkDocs(t, docs, errs)
		checkFileOffsets(t, data, docs)
		if len(docs) > 1 {
			t.Fatalf("a text file gave %d documents", len(docs))
		}
	})
}

func FuzzMarkdown(f *testing.F) {
	for _, s := range append([]string{"---\ntitle: T\ndate: 2017-06-09\n---\nBody.", "---\r\n---\r\nBody", "---\n[\n---\nx", "---\ndate: *a\n---\nx", "---\nx", "---\ndate: 2099-03-01T10:00Z\n---\nBody \x00 x"}, hostileSeeds...) {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.md", data, FormatMarkdown, Fields{})
		checkDocs(t, docs, errs)
		checkFileOffsets(t, data, docs)
		if len(docs) > 1 {
			t.Fatalf("a Markdown file gave %d documents", len(docs))
		}
	})
}

func FuzzJSONL(f *testing.F) {
	for _, s := range []string{`{"id":"a","text":"x","date":"2017-06-09"}` + "\n{bad\n", `{"id":1,"text":"y"}`, `{"text":"\ud800"}`, "[1]\n\n{}",
		`{"id":"n","text":"words \u0000\u0000\u0000 more words","date":"2099-01-01"}`, `{"id":"b","text":"\u0000\u0001\u0000\u0001"}`, `{"id":"e","text":"\u001b[2J\u009b"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.jsonl", data, FormatJSONL, Fields{})
		checkDecoded(t, data, docs, errs)
	})
}

// checkDecoded checks what a JSON reader made of data: checkDocs, every
// problem's line in the input, and texts that are decoded values (no
// offsets into the file).
func checkDecoded(t *testing.T, data []byte, docs []model.Document, errs []model.InputError) {
	t.Helper()
	checkDocs(t, docs, errs)
	lines := bytes.Count(data, []byte{'\n'}) + 1
	for _, e := range errs {
		if e.Line > lines {
			t.Fatalf("error on line %d of a %d-line input", e.Line, lines)
		}
	}
	for _, d := range docs {
		if d.TextOffset != 0 || d.LineOffset != 0 {
			t.Fatalf("JSON document with offsets %d/%d", d.TextOffset, d.LineOffset)
		}
	}
}

// FuzzJSON: a .json file (an array of stories, JSON Lines, or other JSON)
// never panics; every problem's line lies in the file; texts are decoded
// values (offsets from 0); a document's text is never binary.
func FuzzJSON(f *testing.F) {
	for _, s := range []string{
		"[\n  {\"id\": \"a\", \"text\": \"One.\"},\n  {\"id\": \"b\", \"text\": \"Two.\", \"date\": \"2099-01-01\"}\n]\n",
		"[\n{\"text\": \"One.\"},\n42,\n{\"text\": \"x\u0000y\"}\n]",
		"[\n{\"id\": \"a\", \"te",
		"{\"id\": \"a\", \"text\": \"One.\"}\n{\"id\": \"b\", \"text\": \"Two.\"}\n",
		"{\n  \"name\": \"x\",\n  \"version\": 2\n}\n",
		"42", "[]", "[[[[", "\uFEFF[{\"text\":\"\\u001b[2J\"}]",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.json", data, FormatJSON, Fields{})
		checkDecoded(t, data, docs, errs)
		for _, d := range docs {
			if sniff(d.Text).binary() {
				t.Fatalf("binary text kept: %q", d.Text)
			}
		}
	})
}

func FuzzHTML(f *testing.F) {
	for _, s := range []string{
		`<html><head><meta property="article:published_time" content="2017-06-09"></head><body><article><p>Text.</p></article></body></html>`,
		`<script type="application/ld+json">{"datePublished":"2017-06-09T14:05Z"}</script><p>x</p>`,
		`<meta charset="windows-1252"><p>Caf` + "\xe9" + `</p>`,
		`<time datetime="x">`,
		`<table><tr><td><p>Cell</p></td></tr></table>`,
		"<article><p>Text \x1b[2J\x1b]0;t\x07 and a NUL \x00 here.</p></article>",
		`<meta property="article:published_time" content="2099-01-01"><p>From the future.</p>`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.html", data, FormatHTML, Fields{})
		checkDocs(t, docs, errs)
		for _, d := range docs {
			if d.TextOffset != 0 || d.LineOffset != 0 {
				t.Fatalf("HTML document with offsets %d/%d", d.TextOffset, d.LineOffset)
			}
			// "<script" may be the page's own text (escaped, or in a
			// title), never a script element's.
			if strings.Contains(d.Text, "<script") && !strings.Contains(outsideScripts(data), "<script") {
				t.Fatalf("script markup in the text: %q", d.Text)
			}
		}
	})
}

// outsideScripts returns the text of data's HTML parse outside script
// elements, run together: all that a document's text may quote.
func outsideScripts(data []byte) string {
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.DataAtom == atom.Script {
			return
		}
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return b.String()
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2017-06-09", "2017-06-09T14:05", "2017-06-09T14:05:31.5+01:00", "Fri, 09 Jun 2017 14:05:31 GMT", "2017-06-09 14:05 -0500", "9 Jun 2017 14:05 PDT"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if !d.IsZero() {
				t.Fatalf("error %v with a date %v", err, d)
			}
			return
		}
		if d.IsZero() || d.Granularity > model.GranularitySecond {
			t.Fatalf("ParseDate(%q) = %+v without error", s, d)
		}
		// The date's own rendering must read back as the same instant at
		// the same granularity.
		again, err := ParseDate(d.String())
		if err != nil {
			t.Fatalf("ParseDate(%q) = %q, which does not parse: %v", s, d.String(), err)
		}
		if again.Granularity != d.Granularity || !again.Time.Equal(d.Time.Truncate(time.Second)) {
			t.Fatalf("ParseDate(%q) = %+v, String %q reads back as %+v", s, d, d.String(), again)
		}
	})
}
