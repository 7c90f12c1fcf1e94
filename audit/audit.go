package audit

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/credit"
	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/internal/segment"
	"github.com/reprint-dev/reprint/minhash"
)

// SchemaV1 is the value of Report.Schema.
const SchemaV1 = "reprint/audit/v1"

// DefaultMinWords is the default shortest passage an audit counts:
// about a sentence. Shorter matches between news stories are often stock
// phrases ("said in a statement on Tuesday").
const DefaultMinWords = 12

// The rules a finding falls under.
const (
	// RuleUncredited: a passage from a wire source that the article does
	// not credit near the passage.
	RuleUncredited = "uncredited-wire-copy"
	// RuleAttributed: a passage from a wire source that the article
	// credits in the same or an adjacent sentence.
	RuleAttributed = "attributed-wire-copy"
	// RuleRecycled: a passage from a reference document that is not a
	// wire source (never a violation).
	RuleRecycled = "recycled-text"
)

// Policy says which recycled passages an audit counts and how much of an
// article they may make up.
type Policy struct {
	// MinWords is the shortest passage that counts, in words.
	MinWords int `json:"min_words" yaml:"min_words"`
	// MaxShare is the largest share (0..1) of an article's words that may
	// come from counted passages; an article above it violates the
	// policy, and so do its counted passages.
	MaxShare float64 `json:"max_share" yaml:"max_share"`
	// AllowAttributed leaves passages that the article credits to their
	// agency uncounted.
	AllowAttributed bool `json:"allow_attributed" yaml:"allow_attributed"`
	// Wire names the sources that are wire agencies, matched against the
	// reference documents' Source without regard to case, with the usual
	// aliases ("AP" = "Associated Press"). Empty: every reference
	// document counts as wire.
	Wire []string `json:"wire" yaml:"wire"`
}

// DefaultPolicy returns the default policy: passages of at least
// DefaultMinWords words, no uncredited wire copy at all, credited
// copy allowed, every reference document a wire source.
func DefaultPolicy() Policy {
	return Policy{MinWords: DefaultMinWords, MaxShare: 0, AllowAttributed: true, Wire: []string{}}
}

// Validate reports whether p is usable.
func (p Policy) Validate() error {
	if p.MinWords < 1 {
		return fmt.Errorf("audit: policy min_words %d must be at least 1", p.MinWords)
	}
	if !(p.MaxShare >= 0 && p.MaxShare <= 1) {
		return fmt.Errorf("audit: policy max_share %v must be within [0, 1]", p.MaxShare)
	}
	return nil
}

// Report is the result of an audit. It marshals with encoding/json;
// its content and order are deterministic for the same inputs.
type Report struct {
	Schema    string       `json:"schema"`
	Tool      model.Tool   `json:"tool"`
	Params    index.Params `json:"params"`
	Policy    Policy       `json:"policy"`
	Reference Reference    `json:"reference"`
	Summary   Summary      `json:"summary"`
	// Articles are the audited documents in input order.
	Articles []Article `json:"articles"`
	// Stale lists baseline entries that matched no finding (see
	// ApplyBaseline).
	Stale  []BaselineEntry    `json:"stale_baseline"`
	Errors []model.InputError `json:"errors"`
}

// Reference describes what the articles were audited against.
type Reference struct {
	// Index is the index file or database URL (without password), empty
	// for reference files indexed on the fly.
	Index     string `json:"index,omitempty"`
	Documents int    `json:"documents"`
	// HotAnchors counts anchors left out as boilerplate (held by more
	// than index.Options.HotAnchors reference documents).
	HotAnchors int `json:"hot_anchors"`
}

// Summary counts an audit's outcome.
type Summary struct {
	Articles   int `json:"articles"`
	Violating  int `json:"violating"`
	Findings   int `json:"findings"`
	Violations int `json:"violations"`
	Suppressed int `json:"suppressed"`
}

// Article is the audit of one article.
type Article struct {
	ID     string `json:"id"`
	Path   string `json:"path,omitempty"`
	Title  string `json:"title,omitempty"`
	Source string `json:"source,omitempty"`
	Words  int    `json:"words"`
	// RecycledShare is the share of the article's words in any finding.
	RecycledShare float64 `json:"recycled_share"`
	// CountedShare is the share in the findings the policy counts: from a
	// wire source, not suppressed, and not credited when credit is allowed.
	CountedShare float64 `json:"counted_share"`
	Violation    bool    `json:"violation"`
	// Ignored is the reason given in the article for ignoring it, if any.
	Ignored  string    `json:"ignored,omitempty"`
	Findings []Finding `json:"findings"`
}

// Finding is one recycled passage of an article.
type Finding struct {
	Rule string `json:"rule"`
	// Start and End are byte offsets of the passage in the article's
	// file (as in reprint.Report); Line and Column (1-based) locate Start, and
	// EndLine and EndColumn locate End, just past the passage (as SARIF's
	// endColumn does), columns in UTF-16 code units (SARIF's default
	// column kind).
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	EndLine   int    `json:"end_line"`
	EndColumn int    `json:"end_column"`
	Text      string `json:"text"`
	Words     int    `json:"words"`
	// Share is the passage's share of the article's words.
	Share      float64 `json:"share"`
	Similarity float64 `json:"similarity"`
	// Reference is the reference document the passage matches best;
	// AlsoIn lists other reference documents holding it.
	Reference FindingRef `json:"reference"`
	AlsoIn    []string   `json:"also_in,omitempty"`
	// Wire says the reference is a wire source under the policy.
	Wire bool `json:"wire"`
	// Attributed says the article credits the source in the passage's
	// sentence or the one before or after; Attribution is the credit.
	Attributed  bool   `json:"attributed"`
	Attribution string `json:"attribution,omitempty"`
	// Counted says the policy counts the passage; Violation that it
	// counts and its article is over the policy's share.
	Counted   bool `json:"counted"`
	Violation bool `json:"violation"`
	// Fingerprint identifies the passage by its normalised text (see
	// minhash.Normalize), so that it survives the passage moving in the
	// file; baselines key on it.
	Fingerprint string `json:"fingerprint"`
	// Suppressed says why a finding that would count does not: "baseline"
	// or the article's ignore reason.
	Suppressed string `json:"suppressed,omitempty"`

	tokStart, tokEnd int
}

// FindingRef is the reference side of a finding.
type FindingRef struct {
	ID     string `json:"id"`
	Title  string `json:"title,omitempty"`
	Source string `json:"source,omitempty"`
	URL    string `json:"url,omitempty"`
	Date   string `json:"date,omitempty"`
	Start  int    `json:"start"`
	End    int    `json:"end"`
	Text   string `json:"text"`
}

// Run checks each of docs against the documents of ix under policy p and
// returns the findings, read from one snapshot of the index. A document
// that is also in the index (same ID) is still audited, against the
// others.
func Run(ctx context.Context, ix *index.Index, docs []model.Document, p Policy) (*Report, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	ip := ix.Params()
	pc := pipeline.Config{Params: ip.Params, VerifyShingle: ip.VerifyShingle, MinWords: p.MinWords,
		BucketCap: minhash.DefaultBucketCap, Workers: ix.Workers()}
	workers := ix.Workers()
	rep := &Report{
		Schema: SchemaV1, Tool: model.Tool{Name: "reprint", Version: model.Version}, Params: ip, Policy: p,
		Reference: Reference{Index: ix.Location()}, Articles: make([]Article, len(docs)),
		Stale: []BaselineEntry{}, Errors: []model.InputError{},
	}
	if rep.Policy.Wire == nil {
		rep.Policy.Wire = []string{}
	}

	// Prepare the targets and gather the keys they look up.
	targets := make([]*pipeline.Prepared, len(docs))
	keys := make([][]uint32, len(docs))
	err := pool.Run(ctx, len(docs), pool.Options{Workers: workers}, func() func(i int) {
		h, _ := minhash.NewHasher(pc.Params)
		return func(i int) {
			targets[i] = pc.PrepareWhole(h, docs[i].Text, nil)
			keys[i] = index.QueryKeys(hashes(targets[i].Entries))
		}
	})
	if err != nil {
		return nil, err
	}
	var all []uint32
	for _, k := range keys {
		all = append(all, k...)
	}
	slices.Sort(all)
	all = slices.Compact(all)

	// Look the keys up and read the candidates, in one snapshot: one
	// set-based lookup and one fetch for the whole audit.
	var cands [][]index.Num
	var nums []index.Num
	var stored map[index.Num]model.Document
	err = ix.View(ctx, func(v *index.Snapshot) error {
		found, hot, err := v.Lookup(all)
		if err != nil {
			return err
		}
		rep.Reference.HotAnchors = hot
		cands, nums = make([][]index.Num, len(docs)), nil
		for i, ks := range keys {
			for _, k := range ks {
				cands[i] = append(cands[i], found[k]...)
			}
			slices.Sort(cands[i])
			cands[i] = slices.Compact(cands[i])
			nums = append(nums, cands[i]...)
		}
		slices.Sort(nums)
		nums = slices.Compact(nums)
		if stored, err = v.Documents(nums); err != nil {
			return err
		}
		rep.Reference.Documents, err = v.Len()
		return err
	})
	if err != nil {
		return nil, err
	}
	nums = slices.DeleteFunc(nums, func(n index.Num) bool { _, ok := stored[n]; return !ok })

	// Prepare the candidates.
	refs := make([]model.Document, len(nums))
	refPrep := make([]*pipeline.Prepared, len(nums))
	refOf := make(map[index.Num]int, len(nums))
	for i, n := range nums {
		refOf[n] = i
		refs[i] = stored[n]
	}
	err = pool.Run(ctx, len(nums), pool.Options{Workers: workers}, func() func(i int) {
		h, _ := minhash.NewHasher(pc.Params)
		return func(i int) { refPrep[i] = pc.PrepareWhole(h, refs[i].Text, nil) }
	})
	if err != nil {
		return nil, err
	}

	// Align each target with its candidates and build its findings.
	wire := newWireSet(p.Wire)
	err = pool.Run(ctx, len(docs), pool.Options{Workers: workers}, func() func(i int) {
		var al align.Aligner
		return func(i int) {
			var hits []hit
			for _, n := range cands[i] {
				r, ok := refOf[n]
				if !ok || refs[r].ID == docs[i].ID {
					continue
				}
				segs := pc.Segments(&al, targets[i], refPrep[r])
				for _, s := range segs {
					hits = append(hits, hit{ref: r, seg: s})
				}
			}
			rep.Articles[i] = buildArticle(docs[i], targets[i], hits, refs, refPrep, wire)
		}
	})
	if err != nil {
		return nil, err
	}
	rep.evaluate()
	return rep, nil
}

// hashes returns the hashes of a document's verification shingles.
func hashes(entries []align.Entry) []uint64 {
	hs := make([]uint64, len(entries))
	for i, e := range entries {
		hs[i] = e.Hash
	}
	return hs
}

// hit is one aligned segment of a target with a reference.
type hit struct {
	ref int
	seg align.Segment
}

// buildArticle groups an article's hits into findings: overlapping hits
// on the article's side are one passage, credited to the best reference.
func buildArticle(doc model.Document, tp *pipeline.Prepared, hits []hit, refs []model.Document, refPrep []*pipeline.Prepared, wire wireSet) Article {
	a := Article{ID: doc.ID, Path: doc.Path, Title: doc.Title, Source: doc.Source, Words: len(tp.Tokens), Findings: []Finding{}}
	lines := newlines(doc.Text)
	slices.SortFunc(hits, func(x, y hit) int {
		return cmp.Or(cmp.Compare(x.seg.AStart, y.seg.AStart), cmp.Compare(x.seg.AEnd, y.seg.AEnd), cmp.Compare(refs[x.ref].ID, refs[y.ref].ID))
	})
	for i := 0; i < len(hits); {
		j, end := i+1, hits[i].seg.AEnd
		for j < len(hits) && hits[j].seg.AStart < end {
			end = max(end, hits[j].seg.AEnd)
			j++
		}
		group := hits[i:j]
		best := group[0]
		for _, h := range group[1:] {
			if betterHit(h, best, refs, wire) {
				best = h
			}
		}
		covered := make([]bool, end-hits[i].seg.AStart)
		base := hits[i].seg.AStart
		for _, h := range group {
			for _, r := range h.seg.Runs {
				fill(covered, r.AStart-base, r.AEnd-base)
			}
		}
		start := hits[i].seg.AStart
		f := Finding{tokStart: start, tokEnd: end, Words: count(covered), Similarity: round4(best.seg.Similarity())}
		f.Start = doc.TextOffset + tp.Tokens[start].Start
		f.End = doc.TextOffset + tp.Tokens[end-1].End
		f.Text = doc.Text[f.Start-doc.TextOffset : f.End-doc.TextOffset]
		f.Line, f.Column = position(doc, lines, f.Start)
		f.EndLine, f.EndColumn = position(doc, lines, f.End)
		f.Share = round4(ratio(f.Words, a.Words))
		f.Fingerprint = Fingerprint(f.Text)
		ref, rp := refs[best.ref], refPrep[best.ref]
		f.Reference = FindingRef{
			ID: ref.ID, Title: ref.Title, Source: ref.Source, URL: ref.URL, Date: ref.Date.String(),
			Start: ref.TextOffset + rp.Tokens[best.seg.BStart].Start, End: ref.TextOffset + rp.Tokens[best.seg.BEnd-1].End,
		}
		f.Reference.Text = ref.Text[f.Reference.Start-ref.TextOffset : f.Reference.End-ref.TextOffset]
		seen := map[string]bool{ref.ID: true}
		for _, h := range group {
			if id := refs[h.ref].ID; !seen[id] {
				seen[id] = true
				f.AlsoIn = append(f.AlsoIn, id)
			}
		}
		slices.Sort(f.AlsoIn)
		f.Wire = wire.has(ref.Source)
		var names []string
		for _, h := range group {
			if s := refs[h.ref].Source; s != "" && (wire.has(s) || !f.Wire) {
				names = append(names, s)
			}
		}
		f.Attribution = attribution(doc.Text, tp, start, end, names)
		f.Attributed = f.Attribution != ""
		switch {
		case !f.Wire:
			f.Rule = RuleRecycled
		case f.Attributed:
			f.Rule = RuleAttributed
		default:
			f.Rule = RuleUncredited
		}
		a.Findings = append(a.Findings, f)
		i = j
	}
	return a
}

// betterHit orders the candidate references of one passage: wire sources
// first, then more words, then the earlier date, then the smaller id.
func betterHit(h, best hit, refs []model.Document, wire wireSet) bool {
	hw, bw := wire.has(refs[h.ref].Source), wire.has(refs[best.ref].Source)
	if hw != bw {
		return hw
	}
	if hwd, bwd := h.seg.Words(), best.seg.Words(); hwd != bwd {
		return hwd > bwd
	}
	hd, bd := refs[h.ref].Date, refs[best.ref].Date
	if !hd.IsZero() && !bd.IsZero() {
		if c := hd.Compare(bd); c != 0 {
			return c < 0
		}
	}
	return refs[h.ref].ID < refs[best.ref].ID
}

// evaluate applies the policy: which findings count, each article's
// shares, violations and the summary. It runs again after suppressions.
func (r *Report) evaluate() {
	r.Summary = Summary{Articles: len(r.Articles)}
	for i := range r.Articles {
		a := &r.Articles[i]
		all := make([]bool, a.Words)
		counted := make([]bool, a.Words)
		for j := range a.Findings {
			f := &a.Findings[j]
			f.Counted = f.Wire && f.Suppressed == "" && !(f.Attributed && r.Policy.AllowAttributed)
			fill(all, f.tokStart, f.tokEnd)
			if f.Counted {
				fill(counted, f.tokStart, f.tokEnd)
			}
		}
		a.RecycledShare = round4(ratio(count(all), a.Words))
		a.CountedShare = round4(ratio(count(counted), a.Words))
		a.Violation = a.CountedShare > r.Policy.MaxShare && count(counted) > 0
		if a.Violation {
			r.Summary.Violating++
		}
		for j := range a.Findings {
			f := &a.Findings[j]
			f.Violation = a.Violation && f.Counted
			r.Summary.Findings++
			if f.Violation {
				r.Summary.Violations++
			}
			if f.Suppressed != "" {
				r.Summary.Suppressed++
			}
		}
	}
}

// Suppress marks every finding of the article with the given ID as
// suppressed for reason (an inline ignore), so that none counts.
func (r *Report) Suppress(article, reason string) {
	for i := range r.Articles {
		if a := &r.Articles[i]; a.ID == article {
			a.Ignored = reason
			for j := range a.Findings {
				a.Findings[j].Suppressed = "ignored: " + reason
			}
		}
	}
	r.evaluate()
}

// Fingerprint returns the content fingerprint of a passage: the first 16
// bytes, in hex, of the SHA-256 of its normalised form, so that case,
// punctuation, quotes and spacing changes and moves do not change it.
func Fingerprint(passage string) string {
	sum := sha256.Sum256([]byte(minhash.Normalize(passage)))
	return hex.EncodeToString(sum[:16])
}

// BaselineSchemaV1 is the value of Baseline.Schema.
const BaselineSchemaV1 = "reprint/baseline/v1"

// Baseline lists known findings that an audit accepts, keyed by article
// and content fingerprint rather than by line, so that editing around a
// known passage keeps it known.
type Baseline struct {
	Schema  string          `json:"schema"`
	Entries []BaselineEntry `json:"entries"`
}

// BaselineEntry is one known finding. Rule, Reference and Excerpt are for
// people reading the file; matching uses Article and Fingerprint.
type BaselineEntry struct {
	Article     string `json:"article"`
	Fingerprint string `json:"fingerprint"`
	Rule        string `json:"rule,omitempty"`
	Reference   string `json:"reference,omitempty"`
	Excerpt     string `json:"excerpt,omitempty"`
}

// Baseline returns a baseline holding every finding the policy counts,
// sorted, ready to be written as JSON.
func (r *Report) Baseline() Baseline {
	b := Baseline{Schema: BaselineSchemaV1, Entries: []BaselineEntry{}}
	for _, a := range r.Articles {
		for _, f := range a.Findings {
			if f.Counted || f.Suppressed == "baseline" {
				b.Entries = append(b.Entries, BaselineEntry{
					Article: a.ID, Fingerprint: f.Fingerprint, Rule: f.Rule,
					Reference: f.Reference.ID, Excerpt: excerpt(f.Text, 80),
				})
			}
		}
	}
	slices.SortFunc(b.Entries, func(x, y BaselineEntry) int {
		return cmp.Or(cmp.Compare(x.Article, y.Article), cmp.Compare(x.Fingerprint, y.Fingerprint))
	})
	b.Entries = slices.CompactFunc(b.Entries, func(x, y BaselineEntry) bool {
		return x.Article == y.Article && x.Fingerprint == y.Fingerprint
	})
	return b
}

// ApplyBaseline suppresses the findings the baseline knows and records in
// r.Stale the entries that matched none of the audited articles' findings.
// Entries for articles that were not audited are not stale: a CI run that
// audits only changed files keeps the others' entries.
func (r *Report) ApplyBaseline(b Baseline) {
	known := map[[2]string]bool{}
	for _, e := range b.Entries {
		known[[2]string{e.Article, e.Fingerprint}] = false
	}
	audited := map[string]bool{}
	for i := range r.Articles {
		a := &r.Articles[i]
		audited[a.ID] = true
		for j := range a.Findings {
			f := &a.Findings[j]
			k := [2]string{a.ID, f.Fingerprint}
			if _, ok := known[k]; ok {
				known[k] = true
				if f.Suppressed == "" {
					f.Suppressed = "baseline"
				}
			}
		}
	}
	r.Stale = []BaselineEntry{}
	for _, e := range b.Entries {
		if audited[e.Article] && !known[[2]string{e.Article, e.Fingerprint}] {
			r.Stale = append(r.Stale, e)
		}
	}
	r.evaluate()
}

func excerpt(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// position returns the 1-based line and UTF-16 column of file offset off
// in a document. Text before TextOffset on Text's first line (a seed
// file's date prefix) counts in the column when no lines precede Text.
func position(doc model.Document, lines []int, off int) (line, col int) {
	rel := off - doc.TextOffset
	line = doc.LineOffset + sort.SearchInts(lines, rel) + 1
	lineStart := 0
	if i := strings.LastIndexByte(doc.Text[:rel], '\n'); i >= 0 {
		lineStart = i + 1
	} else if doc.LineOffset == 0 {
		col = doc.TextOffset
	}
	for _, r := range doc.Text[lineStart:rel] {
		col++
		if r >= 0x10000 {
			col++
		}
	}
	return line, col + 1
}

// wireSet matches sources against the policy's wire list.
type wireSet map[string]bool // credit.Key of the names; nil means "everything"

func newWireSet(names []string) wireSet {
	if len(names) == 0 {
		return nil
	}
	w := wireSet{}
	for _, n := range names {
		w[credit.Key(n)] = true
	}
	return w
}

func (w wireSet) has(source string) bool {
	return w == nil || w[credit.Key(source)]
}

// attribution returns the credit to one of sources found in the sentence
// of tokens [start, end) of an article, or in the sentence before or
// after, or "" when there is none.
func attribution(text string, tp *pipeline.Prepared, start, end int, sources []string) string {
	if len(sources) == 0 {
		return ""
	}
	bounds := tp.Bounds
	isStart := func(t int) bool { return t == 0 || bounds[t] >= segment.Sentence }
	from := start
	for from > 0 && !isStart(from) {
		from--
	}
	if from > 0 { // the sentence before
		from--
		for from > 0 && !isStart(from) {
			from--
		}
	}
	to, n := end, len(tp.Tokens)
	for to < n && !isStart(to) { // the end of the passage's sentence
		to++
	}
	if to < n { // and of the sentence after
		to++
		for to < n && !isStart(to) {
			to++
		}
	}
	lo, hi := 0, len(text)
	if from > 0 {
		lo = tp.Tokens[from-1].End
	}
	if to < n {
		hi = tp.Tokens[to].Start
	}
	window := text[lo:hi]
	slices.Sort(sources)
	for _, s := range slices.Compact(sources) {
		if cs := credit.New([]string{s}, false).Find(window); len(cs) > 0 {
			return strings.TrimSpace(window[cs[0].Start:cs[0].End])
		}
	}
	return ""
}

func fill(b []bool, start, end int) {
	for i := start; i < end; i++ {
		b[i] = true
	}
}

func count(b []bool) int {
	n := 0
	for _, v := range b {
		if v {
			n++
		}
	}
	return n
}

// newlines returns the byte offsets of the line breaks of text.
func newlines(text string) []int {
	var nl []int
	for i := range len(text) {
		if text[i] == '\n' {
			nl = append(nl, i)
		}
	}
	return nl
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// round4 keeps reports stable: four decimals, as in reprint.Report.
func round4(x float64) float64 { return float64(int64(x*10000+0.5)) / 10000 }
