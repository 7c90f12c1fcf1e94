package reader

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	readability "codeberg.org/readeck/go-readability"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"

	"github.com/reprint-dev/reprint/internal/model"
)

// parseHTML reads a saved news page: the article's main text as
// readability (Mozilla's Reader View algorithm) finds it, so that menus,
// footers, related-article lists and scripts stay out of the comparison;
// paragraphs are separated by blank lines. data has passed the binary
// check but not the UTF-8 repair, because a page may declare another
// charset.
func parseHTML(in input, data []byte) ([]record, []model.InputError) {
	data = bytes.TrimPrefix(data, bom)
	var errs []model.InputError
	root, err := html.Parse(bytes.NewReader(data))
	if err != nil { // html.Parse only fails on read errors, which a byte slice has none of
		return nil, []model.InputError{failure(in.path, 0, "cannot parse HTML: %v", err)}
	}
	if !utf8.Valid(data) {
		if enc := declaredCharset(root); enc != nil {
			decoded, err := enc.NewDecoder().Bytes(data)
			if err == nil {
				data = decoded
			}
		}
		var repairErrs []model.InputError
		data, repairErrs = repairInput(in.path, data)
		errs = append(errs, repairErrs...)
		root, _ = html.Parse(bytes.NewReader(data))
	}

	meta := pageMetadata(root)
	doc := model.Document{ID: in.id, Path: in.path, URL: meta.url}
	if d, ok := firstDate(meta.dates); ok {
		doc.Date = d
	} else if len(meta.dates) > 0 {
		v := meta.dates[0]
		errs = append(errs, warning(in.path, lineOfValue(data, v), "unparsable date %q: read undated", truncate(v, 64)))
	}

	article, err := extract(root)
	if err != nil {
		return nil, append(errs, failure(in.path, 0, "cannot extract the article: %v", err))
	}
	doc.Title = strings.TrimSpace(article.Title)
	doc.Source = strings.TrimSpace(article.SiteName)
	doc.Text = article.TextContent
	if isBlank(doc.Text) {
		return nil, append(errs, warning(in.path, 0, "no article text found: skipped"))
	}
	switch c := sniff(doc.Text); {
	case c.binary():
		return nil, append(errs, binaryWarning(in.path, 0, c))
	case c.first >= 0:
		errs = append(errs, strayWarning(in.path, 0, c, " of the article's text"))
	}
	return []record{{doc: doc}}, errs
}

// extract runs readability on the page. readability is a large port of
// JavaScript heuristics; a panic inside it on some odd page must cost that
// page, not the run.
func extract(root *html.Node) (article readability.Article, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("readability failed: %v", r)
		}
	}()
	p := readability.NewParser()
	return p.ParseAndMutate(root, nil)
}

// declaredCharset returns the encoding a <meta charset> or http-equiv
// Content-Type names, or nil when there is none or it is UTF-8 (whose
// invalid bytes are then repaired, not reinterpreted).
func declaredCharset(root *html.Node) encoding.Encoding {
	var label string
	walk(root, func(n *html.Node) bool {
		if n.DataAtom != atom.Meta {
			return true
		}
		if cs := attr(n, "charset"); cs != "" {
			label = cs
		} else if strings.EqualFold(attr(n, "http-equiv"), "content-type") {
			if _, params, err := mime.ParseMediaType(attr(n, "content")); err == nil {
				label = params["charset"]
			}
		}
		return label == ""
	})
	if label == "" {
		return nil
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "utf-8" {
		return nil
	}
	return enc
}

// metadata is what parseHTML takes from the page besides the text.
type metadata struct {
	url   string
	dates []string // candidate publication dates, best first
}

// fallbackDateMetas are the meta names, properties and itemprops (lower
// case) that publishers put a publication date in, after
// article:published_time, JSON-LD and <time>, best first.
var fallbackDateMetas = []string{
	"og:published_time", "og:article:published_time", "article:published",
	"datepublished", "dc.date", "dc.date.issued", "dc.date.created",
	"dcterms.date", "dcterms.issued", "dcterms.created", "date", "pubdate",
	"publishdate", "publish-date", "publish_date", "published-date",
	"sailthru.date", "parsely-pub-date",
}

// pageMetadata collects the page's URL and its candidate dates in the
// order the package documents: <meta property="article:published_time">,
// JSON-LD datePublished, <time datetime> (those marked as the publication
// date first), then other common meta tags.
func pageMetadata(root *html.Node) metadata {
	var (
		md                      metadata
		metas                   = map[string]string{}
		jsonLD, pubTimes, times []string
		canonical               string
	)
	walk(root, func(n *html.Node) bool {
		switch n.DataAtom {
		case atom.Meta:
			content := strings.TrimSpace(attr(n, "content"))
			for _, k := range []string{"property", "name", "itemprop"} {
				key := strings.ToLower(strings.TrimSpace(attr(n, k)))
				if _, seen := metas[key]; key != "" && content != "" && !seen {
					metas[key] = content
				}
			}
		case atom.Link:
			if canonical == "" && strings.EqualFold(strings.TrimSpace(attr(n, "rel")), "canonical") {
				canonical = strings.TrimSpace(attr(n, "href"))
			}
		case atom.Script:
			if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") {
				jsonLD = append(jsonLD, jsonLDDates(textOf(n))...)
			}
			return false
		case atom.Time:
			if v := strings.TrimSpace(attr(n, "datetime")); v != "" {
				if hasAttr(n, "pubdate") || strings.EqualFold(attr(n, "itemprop"), "datePublished") {
					pubTimes = append(pubTimes, v)
				} else {
					times = append(times, v)
				}
			}
		}
		return true
	})
	md.url = canonical
	if md.url == "" {
		md.url = metas["og:url"]
	}
	if v, ok := metas["article:published_time"]; ok {
		md.dates = append(md.dates, v)
	}
	md.dates = append(md.dates, jsonLD...)
	md.dates = append(md.dates, pubTimes...)
	md.dates = append(md.dates, times...)
	for _, k := range fallbackDateMetas {
		if v, ok := metas[k]; ok {
			md.dates = append(md.dates, v)
		}
	}
	return md
}

// jsonLDDates returns every datePublished in a JSON-LD block, in document
// order; a block that does not parse is ignored, as browsers do.
func jsonLDDates(src string) []string {
	var v any
	if json.Unmarshal([]byte(strings.TrimSpace(src)), &v) != nil {
		return nil
	}
	var out []string
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 32 {
			return
		}
		switch v := v.(type) {
		case map[string]any:
			if s, ok := v["datePublished"].(string); ok && strings.TrimSpace(s) != "" {
				out = append(out, strings.TrimSpace(s))
			}
			// Map order is random: visit the members that nest
			// articles in a fixed order.
			for _, k := range []string{"@graph", "mainEntity", "mainEntityOfPage", "itemListElement"} {
				if c, ok := v[k]; ok {
					visit(c, depth+1)
				}
			}
		case []any:
			for _, c := range v {
				visit(c, depth+1)
			}
		}
	}
	visit(v, 0)
	return out
}

// firstDate returns the first candidate that parses.
func firstDate(candidates []string) (model.Date, bool) {
	for _, c := range candidates {
		if d, err := ParseDate(c); err == nil {
			return d, true
		}
	}
	return model.Date{}, false
}

// lineOfValue is the line where an attribute value first appears in the
// page, or 0 when it was written with entities and cannot be found as is.
func lineOfValue(data []byte, v string) int {
	if i := bytes.Index(data, []byte(v)); i >= 0 {
		return lineAt(data, i)
	}
	return 0
}

// walk visits the tree in document order, without recursion so that a
// deeply nested page cannot exhaust the stack; visit returns false to skip
// a node's children.
func walk(root *html.Node, visit func(*html.Node) bool) {
	stack := []*html.Node{root}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if n.Type == html.ElementNode && !visit(n) {
			continue
		}
		for c := n.LastChild; c != nil; c = c.PrevSibling {
			stack = append(stack, c)
		}
	}
}

// attr returns the value of n's attribute key ("" when absent).
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return true
		}
	}
	return false
}

// textOf concatenates the text nodes under n, the content of a <script>.
func textOf(n *html.Node) string {
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	}
	return b.String()
}
