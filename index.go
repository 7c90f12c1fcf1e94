package reprint

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/reprint-dev/reprint/internal/align"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/internal/store"
	"github.com/reprint-dev/reprint/minhash"
)

// Errors of OpenIndex that callers branch on; the returned errors wrap
// them (and a params mismatch wraps minhash.ErrParamsMismatch).
var (
	// ErrNotIndex: the file is not a reprint index (not a bbolt
	// database, or one made by another program).
	ErrNotIndex = store.ErrNotIndex
	// ErrIndexCorrupt: the file is a reprint index but damaged.
	ErrIndexCorrupt = store.ErrCorrupt
	// ErrIndexFormat: the index was written in a layout this version
	// does not read.
	ErrIndexFormat = store.ErrFormat
	// ErrIndexLocked: another process holds the index past the timeout.
	ErrIndexLocked = store.ErrLocked
)

// DefaultAnchorWindow is the winnowing window of a new index, in
// shingles: with verify shingles of 5 words, every passage of at least
// 5+4-1 = 8 identical words (DefaultMinWords) shares an anchor with the
// reference it came from.
const DefaultAnchorWindow = 4

// DefaultBatchSize is the number of documents Index.Add commits at once.
const DefaultBatchSize = 500

// DefaultHotAnchors is the number of reference documents above which an
// anchor is taken for boilerplate and not followed when auditing.
const DefaultHotAnchors = 200

// IndexParams are the parameters an index was built with. Everything that
// decides what the index holds is here; an index refuses to be opened
// with other params.
type IndexParams struct {
	// Params are the similarity params: their seed and shingle size
	// decide the shingle hashes, and audits align with them.
	Params minhash.Params `json:"params"`
	// VerifyShingle is the shingle size of anchors and verification.
	VerifyShingle int `json:"verify_shingle"`
	// AnchorWindow is the winnowing window, in shingles: the index keeps
	// the smallest shingle hash of every AnchorWindow consecutive ones.
	AnchorWindow int `json:"anchor_window"`
}

// IndexOptions configures OpenIndex. The zero value opens or creates an
// index with the stored or default params.
type IndexOptions struct {
	// Params are the similarity params of a new index. For an existing
	// index the zero value means "as stored"; other values must equal the
	// stored ones, or OpenIndex fails with an error wrapping
	// minhash.ErrParamsMismatch.
	Params minhash.Params
	// VerifyShingle is the anchor and verification shingle size, with
	// the same rule (0: stored or DefaultVerifyShingle).
	VerifyShingle int
	// ReadOnly opens an existing index for reading; many processes may
	// read one index at once, while a writer has it to itself.
	ReadOnly bool
	// Timeout is how long to wait for another process's lock on the file
	// (0: wait forever).
	Timeout time.Duration
	// BatchSize is the number of documents Add commits in one transaction
	// (default DefaultBatchSize).
	BatchSize int
	// Workers is the number of goroutines Add and Audit use (default
	// GOMAXPROCS).
	Workers int
	// HotAnchors is DefaultHotAnchors unless set (negative: no cap).
	HotAnchors int
	// NoSync skips fsync on commit. A killed process still loses nothing
	// committed; a power failure may.
	NoSync bool
	// OnCommit, when set, is called after each batch Add commits with the
	// ids it made durable.
	OnCommit func(ids []string)
}

// Index is a persistent reference index: documents kept in one file
// (go.etcd.io/bbolt, no server) with the anchors that find them again, so
// that articles can be audited against a large reference corpus without
// reading it each time.
//
// Index keeps each document's text (zstd-compressed) and metadata and, for
// lookup, its winnowed anchors: of every AnchorWindow consecutive
// verification shingles, the one with the smallest hash. Any passage of at
// least VerifyShingle+AnchorWindow-1 identical words shares an anchor with
// its source; shorter or more edited copies are found when they happen to
// share one. Candidates are then aligned exactly as Detector does.
//
// An Index is safe for concurrent use by several goroutines: Audit, Stats
// and Document run alongside one Add or Remove. Across processes one
// process may write, or any number read (see IndexOptions.Timeout).
type Index struct {
	st   *store.Store
	ip   IndexParams
	cfg  config
	opts IndexOptions
	temp string // file to remove on Close
}

// OpenIndex opens the index file at path, creating it (unless ReadOnly)
// when it does not exist. An empty path makes a temporary index, removed
// by Close, for reference documents indexed on the fly.
func OpenIndex(path string, o IndexOptions) (*Index, error) {
	want, err := o.params()
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(indexMeta{Tool: Tool{Name: "reprint", Version: Version}, IndexParams: want})
	if err != nil {
		return nil, err
	}
	temp := ""
	if path == "" {
		f, err := os.CreateTemp("", "reprint-index-*.db")
		if err != nil {
			return nil, fmt.Errorf("reprint: temporary index: %w", err)
		}
		path, temp = f.Name(), f.Name()
		f.Close()
		o.NoSync, o.ReadOnly = true, false
	}
	st, err := store.Open(path, store.Options{ReadOnly: o.ReadOnly, Timeout: o.Timeout, NoSync: o.NoSync, Meta: meta})
	if err != nil {
		if temp != "" {
			os.Remove(temp)
		}
		return nil, fmt.Errorf("reprint: index %s: %w", path, err)
	}
	ix := &Index{st: st, opts: o, temp: temp}
	if err := ix.load(path); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// indexMeta is what the store keeps as the index's meta.
type indexMeta struct {
	Tool Tool `json:"created_by"`
	IndexParams
}

// params returns the params a new index gets from o, validated.
func (o IndexOptions) params() (IndexParams, error) {
	ip := IndexParams{Params: o.Params, VerifyShingle: o.VerifyShingle, AnchorWindow: DefaultAnchorWindow}
	if ip.Params == (minhash.Params{}) {
		ip.Params = minhash.DefaultParams()
	}
	if ip.VerifyShingle == 0 {
		ip.VerifyShingle = DefaultVerifyShingle
	}
	if err := ip.Params.Validate(); err != nil {
		return ip, fmt.Errorf("reprint: %w", err)
	}
	if ip.VerifyShingle < 1 || ip.VerifyShingle > minhash.MaxShingle {
		return ip, fmt.Errorf("reprint: verify shingle %d out of range 1..%d", ip.VerifyShingle, minhash.MaxShingle)
	}
	return ip, nil
}

// load reads the stored params, checks them against the options and sets
// up the detection config.
func (ix *Index) load(path string) error {
	var m indexMeta
	if err := json.Unmarshal(ix.st.Meta(), &m); err != nil {
		return fmt.Errorf("reprint: index %s: %w: unreadable params: %v", path, ErrIndexCorrupt, err)
	}
	if err := m.Params.Validate(); err != nil || m.VerifyShingle < 1 || m.VerifyShingle > minhash.MaxShingle || m.AnchorWindow < 1 {
		return fmt.Errorf("reprint: index %s: %w: stored params are invalid", path, ErrIndexCorrupt)
	}
	ix.ip = m.IndexParams
	if p := ix.opts.Params; p != (minhash.Params{}) && p != m.Params {
		return fmt.Errorf("reprint: index %s: %w: it was built with %s, not %s", path, minhash.ErrParamsMismatch, describeParams(m.Params), describeParams(p))
	}
	if k := ix.opts.VerifyShingle; k != 0 && k != m.VerifyShingle {
		return fmt.Errorf("reprint: index %s: %w: it was built with verify shingle %d, not %d", path, minhash.ErrParamsMismatch, m.VerifyShingle, k)
	}
	ix.cfg = defaultConfig()
	ix.cfg.params = m.Params
	ix.cfg.verifyK = m.VerifyShingle
	if ix.opts.Workers > 0 {
		ix.cfg.workers = ix.opts.Workers
	}
	if ix.opts.BatchSize <= 0 {
		ix.opts.BatchSize = DefaultBatchSize
	}
	if ix.opts.HotAnchors == 0 {
		ix.opts.HotAnchors = DefaultHotAnchors
	}
	return nil
}

func describeParams(p minhash.Params) string {
	return fmt.Sprintf("shingle %d, num_hash %d, seed %d, bands %d, rows %d", p.Shingle, p.NumHash, p.Seed, p.Bands, p.Rows)
}

// Params returns the params the index was built with.
func (ix *Index) Params() IndexParams { return ix.ip }

// Path returns the index file's path.
func (ix *Index) Path() string { return ix.st.Path() }

// Close closes the index (and removes a temporary one).
func (ix *Index) Close() error {
	err := ix.st.Close()
	if ix.temp != "" {
		if rerr := os.Remove(ix.temp); err == nil {
			err = rerr
		}
	}
	return err
}

// Add stores docs, replacing stored documents with the same ID, in
// transactions of IndexOptions.BatchSize documents: when Add fails or the
// process dies, every batch committed before is kept whole and nothing of
// the others. Its cost is proportional to the documents added (plus the
// amortised merging of postings, see package store), never to the index.
func (ix *Index) Add(ctx context.Context, docs ...Document) error {
	for _, d := range docs {
		if d.ID == "" {
			return ErrEmptyID
		}
	}
	for start := 0; start < len(docs); start += ix.opts.BatchSize {
		batch := docs[start:min(start+ix.opts.BatchSize, len(docs))]
		recs := make([]store.Doc, len(batch))
		err := pool.Run(ctx, len(batch), pool.Options{Workers: ix.cfg.workers}, func() func(i int) {
			h, _ := minhash.NewHasher(ix.cfg.params) // validated by load
			return func(i int) { recs[i] = ix.storeDoc(h, batch[i]) }
		})
		if err != nil {
			return err
		}
		if err := ix.st.Put(recs); err != nil {
			return fmt.Errorf("reprint: index %s: %w", ix.st.Path(), err)
		}
		if ix.opts.OnCommit != nil {
			ids := make([]string, len(batch))
			for i, d := range batch {
				ids[i] = d.ID
			}
			ix.opts.OnCommit(ids)
		}
	}
	return nil
}

// storeDoc prepares one document for the store.
func (ix *Index) storeDoc(h *minhash.Hasher, d Document) store.Doc {
	pc := ix.cfg.pipeline()
	pd := pc.PrepareWhole(h, d.Text, nil)
	sd := store.Doc{
		ID: d.ID, Record: encodeDocument(d), Keys: anchors(pd.Entries, ix.ip.AnchorWindow),
		Units: pipeline.CountUnits(pd), Words: len(pd.Tokens), Bytes: len(d.Text),
	}
	if !d.Date.IsZero() {
		sd.Date, sd.HasDate = d.Date.Time.Unix(), true
	}
	return sd
}

// anchors winnows a document's verification shingles (entries, sorted by
// hash, with positions): of every window consecutive shingles it keeps the
// one with the smallest hash, as a 32-bit key. A document with fewer
// shingles than the window keeps its smallest.
func anchors(entries []align.Entry, window int) []uint32 {
	if len(entries) == 0 {
		return nil
	}
	hs := make([]uint64, len(entries))
	for _, e := range entries {
		hs[e.Pos] = e.Hash
	}
	var keys []uint32
	last := -1
	for s := 0; s == 0 || s+window <= len(hs); s++ {
		best := s
		for i := s + 1; i < min(s+window, len(hs)); i++ {
			if hs[i] <= hs[best] {
				best = i
			}
		}
		if best != last {
			keys = append(keys, anchorKey(hs[best]))
			last = best
		}
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// queryKeys are the keys a target document looks up: every one of its
// verification shingles, so that whichever shingle a reference kept of a
// shared passage is found.
func queryKeys(entries []align.Entry) []uint32 {
	keys := make([]uint32, 0, len(entries))
	for _, e := range entries {
		keys = append(keys, anchorKey(e.Hash))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func anchorKey(h uint64) uint32 { return uint32(h >> 32) }

// Remove deletes the documents with the given ids in one transaction and
// returns how many were stored; unknown ids are not an error.
func (ix *Index) Remove(ctx context.Context, ids ...string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	n, err := ix.st.Delete(ids)
	if err != nil {
		return n, fmt.Errorf("reprint: index %s: %w", ix.st.Path(), err)
	}
	return n, nil
}

// Compact writes a compacted copy of the index to dst (which must not
// exist): postings merged into one run without those of removed or
// replaced documents, pages filled, free pages dropped. Other processes
// must not use dst until Compact returns.
func (ix *Index) Compact(dst string) error {
	if err := ix.st.Compact(dst); err != nil {
		return fmt.Errorf("reprint: index %s: compact: %w", ix.st.Path(), err)
	}
	return nil
}

// IndexStats describes an index.
type IndexStats struct {
	Path      string      `json:"path"`
	Params    IndexParams `json:"params"`
	Documents int         `json:"documents"`
	// Passages counts the documents' units (paragraphs, sentences of long
	// paragraphs), as the detector cuts them.
	Passages  int   `json:"passages"`
	Words     int   `json:"words"`
	TextBytes int   `json:"text_bytes"`
	FileBytes int64 `json:"file_bytes"`
	Anchors   int   `json:"anchors"`
	// DeadAnchors belong to removed or replaced documents; merges drop
	// them.
	DeadAnchors int `json:"dead_anchors"`
	Runs        int `json:"runs"`
	// First and Last bound the documents' dates (UTC); zero when no
	// document is dated. Dated counts the dated documents.
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	Dated int       `json:"dated"`
}

// Stats returns the index's statistics.
func (ix *Index) Stats() (IndexStats, error) {
	s, err := ix.st.Stats()
	if err != nil {
		return IndexStats{}, fmt.Errorf("reprint: index %s: %w", ix.st.Path(), err)
	}
	st := IndexStats{
		Path: ix.st.Path(), Params: ix.ip, Documents: s.Documents, Passages: s.Units, Words: s.Words,
		TextBytes: s.TextBytes, FileBytes: s.FileBytes, Anchors: s.Postings, DeadAnchors: s.DeadPostings,
		Runs: s.Runs, Dated: s.Dated,
	}
	if s.Dated > 0 {
		st.First, st.Last = time.Unix(s.FirstDate, 0).UTC(), time.Unix(s.LastDate, 0).UTC()
	}
	return st, nil
}

// Document returns the stored document with the given id.
func (ix *Index) Document(id string) (Document, bool, error) {
	var d Document
	var ok bool
	err := ix.st.View(func(v *store.View) error {
		num, found := v.Num(id)
		if !found {
			return nil
		}
		rec, err := v.Record(num)
		if err != nil || rec == nil {
			return err
		}
		d, err = decodeDocument(rec)
		ok = err == nil
		return err
	})
	if err != nil {
		return Document{}, false, fmt.Errorf("reprint: index %s: %w", ix.st.Path(), err)
	}
	return d, ok, nil
}

// IDs returns the ids of the stored documents, sorted.
func (ix *Index) IDs() ([]string, error) {
	var ids []string
	err := ix.st.View(func(v *store.View) error {
		return v.ForEach(func(id string, _ uint32) error { ids = append(ids, id); return nil })
	})
	return ids, err
}

// The document record: a version byte, the metadata, then the text,
// zstd-compressed when that makes it smaller.
const recordVersion = 1

var (
	zenc = sync.OnceValue(func() *zstd.Encoder {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1), zstd.WithLowerEncoderMem(true))
		return e
	})
	zdec = sync.OnceValue(func() *zstd.Decoder {
		d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
		return d
	})
)

func encodeDocument(d Document) []byte {
	b := []byte{recordVersion}
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	str(d.ID)
	str(d.Path)
	str(d.Title)
	str(d.Source)
	str(d.URL)
	b = append(b, byte(d.Date.Granularity))
	if !d.Date.IsZero() {
		_, off := d.Date.Time.Zone()
		b = binary.AppendVarint(b, d.Date.Time.Unix())
		b = binary.AppendUvarint(b, uint64(d.Date.Time.Nanosecond()))
		b = binary.AppendVarint(b, int64(off))
		if d.Date.HasZone {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	b = binary.AppendUvarint(b, uint64(d.TextOffset))
	b = binary.AppendUvarint(b, uint64(d.LineOffset))
	if z := zenc().EncodeAll([]byte(d.Text), nil); len(z) < len(d.Text) {
		b = append(b, 1)
		return append(b, z...)
	}
	b = append(b, 0)
	return append(b, d.Text...)
}

var errRecord = fmt.Errorf("%w: bad document record", ErrIndexCorrupt)

func decodeDocument(b []byte) (Document, error) {
	var d Document
	if len(b) == 0 || b[0] != recordVersion {
		return d, errRecord
	}
	b = b[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	byt := func() byte {
		if len(b) == 0 {
			bad = true
			return 0
		}
		c := b[0]
		b = b[1:]
		return c
	}
	d.ID, d.Path, d.Title, d.Source, d.URL = str(), str(), str(), str(), str()
	d.Date.Granularity = Granularity(byt())
	if d.Date.Granularity > GranularitySecond {
		return d, errRecord
	}
	if !d.Date.IsZero() {
		sec, nsec, off := sv(), uv(), sv()
		d.Date.HasZone = byt() == 1
		loc := time.UTC
		if off != 0 || d.Date.HasZone {
			loc = time.FixedZone("", int(off))
		}
		d.Date.Time = time.Unix(sec, int64(nsec)).In(loc)
	}
	d.TextOffset, d.LineOffset = int(uv()), int(uv())
	switch byt() {
	case 0:
		d.Text = string(b)
	case 1:
		t, err := zdec().DecodeAll(b, nil)
		if err != nil {
			return d, fmt.Errorf("%w: %v", errRecord, err)
		}
		d.Text = string(t)
	default:
		bad = true
	}
	if bad {
		return d, errRecord
	}
	return d, nil
}
