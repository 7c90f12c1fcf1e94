package reader

import (
	"bytes"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

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

func FuzzTxtPrefix(f *testing.F) {
	for _, s := range []string{" date 2017-06-09 Text.", "date 2017-06-09T14:05:31+01:00\n\nText.", " date 2017-02-30 x", "\uFEFF date 2017-06-09 x", "date night", "Caf\xe9"} {
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
	for _, s := range []string{"---\ntitle: T\ndate: 2017-06-09\n---\nBody.", "---\r\n---\r\nBody", "---\n[\n---\nx", "---\ndate: *a\n---\nx", "---\nx"} {
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
	for _, s := range []string{`{"id":"a","text":"x","date":"2017-06-09"}` + "\n{bad\n", `{"id":1,"text":"y"}`, `{"text":"\ud800"}`, "[1]\n\n{}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, errs := Parse("f.jsonl", data, FormatJSONL, Fields{})
		checkDocs(t, docs, errs)
		lines := bytes.Count(data, []byte{'\n'}) + 1
		for _, e := range errs {
			if e.Line > lines {
				t.Fatalf("error on line %d of a %d-line input", e.Line, lines)
			}
		}
		for _, d := range docs {
			if d.TextOffset != 0 || d.LineOffset != 0 {
				t.Fatalf("JSON Lines document with offsets %d/%d", d.TextOffset, d.LineOffset)
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
			if strings.Contains(d.Text, "<script") {
				t.Fatalf("script markup in the text: %q", d.Text)
			}
		}
	})
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
