package synth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
)

// Doc is a real document the generator draws hosts and sources from.
type Doc struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Load reads source documents from path: a directory of .txt files (see
// LoadDir) or a JSON Lines file (see LoadJSONL).
func Load(path string) ([]Doc, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	if fi.IsDir() {
		return LoadDir(path)
	}
	if strings.EqualFold(filepath.Ext(path), ".txt") {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
		return []Doc{{ID: filepath.Base(path), Text: stripDatePrefix(string(b))}}, nil
	}
	return LoadJSONL(path)
}

// LoadJSONL reads a JSON Lines file with one {"id": …, "text": …} object a
// line (other fields are ignored), such as the Reuters dev corpus.
func LoadJSONL(path string) ([]Doc, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	defer f.Close()
	return readJSONL(f, path)
}

func readJSONL(r io.Reader, name string) ([]Doc, error) {
	dec := json.NewDecoder(r)
	var docs []Doc
	for n := 1; ; n++ {
		var d Doc
		err := dec.Decode(&d)
		if errors.Is(err, io.EOF) {
			return docs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("synth: %s: record %d: %w", name, n, err)
		}
		if d.ID == "" {
			return nil, fmt.Errorf("synth: %s: record %d: missing id", name, n)
		}
		docs = append(docs, d)
	}
}

// LoadDir reads every .txt file under dir (recursively, in lexical order);
// a document's id is its path relative to dir. A leading " date YYYY-MM-DD "
// prefix, as on the seed articles, is stripped from the text.
func LoadDir(dir string) ([]Doc, error) {
	// WalkDir does not follow a symbolic link, even at the root.
	if resolved, err := filepath.EvalSymlinks(dir); err == nil {
		dir = resolved
	}
	var paths []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.EqualFold(filepath.Ext(p), ".txt") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	slices.Sort(paths)
	docs := make([]Doc, 0, len(paths))
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("synth: %w", err)
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil {
			rel = p
		}
		docs = append(docs, Doc{ID: filepath.ToSlash(rel), Text: stripDatePrefix(string(b))})
	}
	return docs, nil
}

var datePrefix = regexp.MustCompile(`^\s*date \d{4}-\d{2}-\d{2}\s+`)

// stripDatePrefix removes the seed articles' " date YYYY-MM-DD " prefix.
func stripDatePrefix(s string) string {
	if loc := datePrefix.FindStringIndex(s); loc != nil {
		return s[loc[1]:]
	}
	return s
}

// Chunk splits each document into consecutive pieces of at least minWords
// words, cut at sentence boundaries, so that a handful of long articles
// (the seeds) can stand in for a corpus. A piece's id is the document's id
// and "#n" (1-based); documents too short to split keep their id. A short
// tail joins the piece before it.
func Chunk(docs []Doc, minWords int) []Doc {
	var out []Doc
	for _, d := range docs {
		sents := sentences(d.Text)
		total := 0
		for _, s := range sents {
			total += s.words
		}
		if minWords <= 0 || total < 2*minWords {
			out = append(out, d)
			continue
		}
		var cuts []span
		start, words := 0, 0
		for i, s := range sents {
			words += s.words
			if words >= minWords && total-countUpTo(sents, i) >= minWords {
				cuts = append(cuts, span{sents[start].start, s.end})
				start, words = i+1, 0
			}
		}
		if start < len(sents) {
			cuts = append(cuts, span{sents[start].start, sents[len(sents)-1].end})
		}
		for i, c := range cuts {
			out = append(out, Doc{ID: fmt.Sprintf("%s#%d", d.ID, i+1), Text: d.Text[c.start:c.end]})
		}
	}
	return out
}

// countUpTo counts the words of sents[:i+1].
func countUpTo(sents []sentence, i int) int {
	n := 0
	for _, s := range sents[:i+1] {
		n += s.words
	}
	return n
}
