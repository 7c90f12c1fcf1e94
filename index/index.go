package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/index/internal/bolt"
	"github.com/reprint-dev/reprint/index/internal/memory"
	"github.com/reprint-dev/reprint/index/internal/postgres"
	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/internal/pool"
	"github.com/reprint-dev/reprint/minhash"
)

// Errors of Open and of an Index's methods that callers branch on; the
// returned errors wrap them (and a params mismatch wraps
// minhash.ErrParamsMismatch).
var (
	// ErrNotIndex: the file or database holds no reprint index (not a
	// bbolt file, one made by another program, a database without the
	// schema).
	ErrNotIndex = backend.ErrNotIndex
	// ErrCorrupt: the index is a reprint index but damaged.
	ErrCorrupt = backend.ErrCorrupt
	// ErrFormat: the index was written in a layout, or its database
	// schema migrated by a version, that this one does not read.
	ErrFormat = backend.ErrFormat
	// ErrLocked: another process holds the index file past the timeout.
	ErrLocked = backend.ErrLocked
	// ErrUnsupported: the backend cannot do this (Compact into a file is
	// for bbolt files).
	ErrUnsupported = backend.ErrUnsupported
	// ErrUnavailable: the database could not be reached or went away
	// (after the retries of Options.Retry).
	ErrUnavailable = postgres.ErrUnavailable
)

// DefaultAnchorWindow is the winnowing window of a new index, in
// shingles: with verify shingles of 5 words, every passage of at least
// 5+4-1 = 8 identical words (model.DefaultMinWords) shares an anchor
// with the reference it came from.
const DefaultAnchorWindow = 4

// DefaultBatchSize is the number of documents Index.Add commits at once.
const DefaultBatchSize = 500

// DefaultHotAnchors is the number of reference documents above which an
// anchor is taken for boilerplate and not followed when auditing.
const DefaultHotAnchors = 200

// Params are the parameters an index was built with. Everything that
// decides what the index holds is here; an index refuses to be opened
// with other params.
type Params struct {
	// Params are the similarity params: their seed and shingle size
	// decide the shingle hashes, and audits align with them.
	Params minhash.Params `json:"params"`
	// VerifyShingle is the shingle size of anchors and verification.
	VerifyShingle int `json:"verify_shingle"`
	// AnchorWindow is the winnowing window, in shingles: the index keeps
	// the smallest shingle hash of every AnchorWindow consecutive ones.
	AnchorWindow int `json:"anchor_window"`
}

// Options configures Open. The zero value opens or creates an index with
// the stored or default params.
type Options struct {
	// Params are the similarity params of a new index. For an existing
	// index the zero value means "as stored"; other values must equal the
	// stored ones, or Open fails with an error wrapping
	// minhash.ErrParamsMismatch.
	Params minhash.Params
	// VerifyShingle is the anchor and verification shingle size, with
	// the same rule (0: stored or model.DefaultVerifyShingle).
	VerifyShingle int
	// ReadOnly opens an existing index for reading; many processes may
	// read one index at once. A bbolt file then has one writer or many
	// readers; a database has any number of both.
	ReadOnly bool
	// Timeout is how long to wait for another process's lock on a bbolt
	// file (0: wait forever), and for a database connection (0: 30 s).
	Timeout time.Duration
	// Retry is how many times an operation on a database is tried again
	// after the connection failed (a restart, a short outage), waiting
	// longer each time (0.5 s, 1 s, 2 s, … at most 8 s). A batch of Add
	// and an audit's snapshot are retried whole. 0: no retry.
	Retry int
	// BatchSize is the number of documents Add commits in one transaction
	// (default DefaultBatchSize).
	BatchSize int
	// Workers is the number of goroutines Add and audits use (default
	// GOMAXPROCS).
	Workers int
	// HotAnchors is DefaultHotAnchors unless set (negative: no cap).
	HotAnchors int
	// NoSync skips fsync on commit of a bbolt file. A killed process still
	// loses nothing committed; a power failure may.
	NoSync bool
	// OnCommit, when set, is called after each batch Add commits with the
	// ids it made durable.
	OnCommit func(ids []string)
}

// Index is a persistent reference index: documents with the anchors that
// find them again, so that articles can be audited against a large
// reference corpus (package audit) without reading it each time.
//
// Where it lives depends on the location given to Open: a
// go.etcd.io/bbolt file (no server), a PostgreSQL database
// (postgres://…, for many writers and readers on many machines), or
// memory (the empty location).
//
// Index keeps each document's text (zstd-compressed) and metadata and, for
// lookup, its winnowed anchors: of every AnchorWindow consecutive
// verification shingles, the one with the smallest hash. Any passage of at
// least VerifyShingle+AnchorWindow-1 identical words shares an anchor with
// its source; shorter or more edited copies are found when they happen to
// share one.
//
// An Index is safe for concurrent use by several goroutines.
type Index struct {
	be   backend.Backend
	ip   Params
	pc   pipeline.Config
	opts Options
}

// IsDatabase says whether location names a PostgreSQL database rather
// than a file.
func IsDatabase(location string) bool {
	l := strings.ToLower(location)
	return strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://")
}

// Open opens the index at location, creating it (unless ReadOnly) when it
// does not exist: a PostgreSQL URL (postgres://user@host:port/db?…; the
// schema is made or migrated as needed), the path of a bbolt file, or ""
// for an index in memory, gone on Close.
func Open(ctx context.Context, location string, o Options) (*Index, error) {
	want, err := o.params()
	if err != nil {
		return nil, err
	}
	meta, err := json.Marshal(indexMeta{Tool: model.Tool{Name: "reprint", Version: model.Version}, Params: want})
	if err != nil {
		return nil, err
	}
	var be backend.Backend
	switch {
	case location == "":
		be = memory.New(meta)
	case IsDatabase(location):
		be, err = postgres.Open(ctx, location, postgres.Options{ReadOnly: o.ReadOnly, Timeout: o.Timeout, Retry: o.Retry, Meta: meta})
	default:
		be, err = bolt.Open(location, bolt.Options{ReadOnly: o.ReadOnly, Timeout: o.Timeout, NoSync: o.NoSync, Meta: meta})
	}
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", postgres.Redact(location), err)
	}
	ix := &Index{be: be, opts: o}
	if err := ix.load(); err != nil {
		ix.Close()
		return nil, err
	}
	return ix, nil
}

// Migrate creates or upgrades the schema of the PostgreSQL database at
// url to this version's and returns the version it had (0: none).
func Migrate(ctx context.Context, url string, o Options) (from, to int, err error) {
	if !IsDatabase(url) {
		return 0, 0, fmt.Errorf("index %s: %w: migrate is for PostgreSQL databases (postgres://…)", url, ErrUnsupported)
	}
	from, to, err = postgres.Migrate(ctx, url, postgres.Options{Timeout: o.Timeout, Retry: o.Retry})
	if err != nil {
		return from, to, fmt.Errorf("index %s: %w", postgres.Redact(url), err)
	}
	return from, to, nil
}

// indexMeta is what the backend keeps as the index's meta.
type indexMeta struct {
	Tool model.Tool `json:"created_by"`
	Params
}

// params returns the params a new index gets from o, validated.
func (o Options) params() (Params, error) {
	ip := Params{Params: o.Params, VerifyShingle: o.VerifyShingle, AnchorWindow: DefaultAnchorWindow}
	if ip.Params == (minhash.Params{}) {
		ip.Params = minhash.DefaultParams()
	}
	if ip.VerifyShingle == 0 {
		ip.VerifyShingle = model.DefaultVerifyShingle
	}
	if err := ip.Params.Validate(); err != nil {
		return ip, fmt.Errorf("index: %w", err)
	}
	if ip.VerifyShingle < 1 || ip.VerifyShingle > minhash.MaxShingle {
		return ip, fmt.Errorf("index: verify shingle %d out of range 1..%d", ip.VerifyShingle, minhash.MaxShingle)
	}
	return ip, nil
}

// load reads the stored params, checks them against the options and sets
// up the detection config.
func (ix *Index) load() error {
	name := ix.be.Name()
	var m indexMeta
	if err := json.Unmarshal(ix.be.Meta(), &m); err != nil {
		return fmt.Errorf("index %s: %w: unreadable params: %v", name, ErrCorrupt, err)
	}
	if err := m.Params.Params.Validate(); err != nil || m.VerifyShingle < 1 || m.VerifyShingle > minhash.MaxShingle || m.AnchorWindow < 1 {
		return fmt.Errorf("index %s: %w: stored params are invalid", name, ErrCorrupt)
	}
	ix.ip = m.Params
	if p := ix.opts.Params; p != (minhash.Params{}) && p != m.Params.Params {
		return fmt.Errorf("index %s: %w: it was built with %s, not %s", name, minhash.ErrParamsMismatch, describeParams(m.Params.Params), describeParams(p))
	}
	if k := ix.opts.VerifyShingle; k != 0 && k != m.VerifyShingle {
		return fmt.Errorf("index %s: %w: it was built with verify shingle %d, not %d", name, minhash.ErrParamsMismatch, m.VerifyShingle, k)
	}
	if ix.opts.Workers <= 0 {
		ix.opts.Workers = runtime.GOMAXPROCS(0)
	}
	if ix.opts.BatchSize <= 0 {
		ix.opts.BatchSize = DefaultBatchSize
	}
	if ix.opts.HotAnchors == 0 {
		ix.opts.HotAnchors = DefaultHotAnchors
	}
	ix.pc = pipeline.Config{Params: m.Params.Params, VerifyShingle: m.VerifyShingle, MinWords: model.DefaultMinWords,
		BucketCap: minhash.DefaultBucketCap, Workers: ix.opts.Workers}
	return nil
}

func describeParams(p minhash.Params) string {
	return fmt.Sprintf("shingle %d, num_hash %d, seed %d, bands %d, rows %d", p.Shingle, p.NumHash, p.Seed, p.Bands, p.Rows)
}

// Params returns the params the index was built with.
func (ix *Index) Params() Params { return ix.ip }

// Workers returns the number of goroutines the index's work uses.
func (ix *Index) Workers() int { return ix.opts.Workers }

// Location names the index: its file's path, a database URL without its
// password, or "" for an index in memory.
func (ix *Index) Location() string {
	if _, ok := ix.be.(*memory.Store); ok {
		return ""
	}
	return ix.be.Name()
}

// Close closes the index.
func (ix *Index) Close() error { return ix.be.Close() }

// Add stores docs, replacing stored documents with the same ID, in
// transactions of Options.BatchSize documents: when Add fails or the
// process dies, every batch committed before is kept whole and nothing of
// the others. Its cost is proportional to the documents added, never to
// the index.
func (ix *Index) Add(ctx context.Context, docs ...model.Document) error {
	for _, d := range docs {
		if d.ID == "" {
			return model.ErrEmptyID
		}
	}
	// Batch k+1 is prepared (tokens, anchors, compression) while batch k
	// commits, so that neither waits for the other. The preparation has
	// one worker fewer than the cores, and the committer joins it once its
	// commit is done: while a database works on a commit, the committer
	// waits and the server needs a core, which the preparation would
	// otherwise take from both.
	var next *preparation
	for start := 0; start < len(docs); start += ix.opts.BatchSize {
		p := next
		if p == nil {
			p = ix.prepare(ctx, docs[start:min(start+ix.opts.BatchSize, len(docs))])
		}
		recs, err := p.wait()
		if err != nil {
			return err
		}
		next = nil
		if rest := docs[start+len(recs):]; len(rest) > 0 {
			next = ix.prepare(ctx, rest[:min(ix.opts.BatchSize, len(rest))])
		}
		if err := ix.be.Put(ctx, recs); err != nil {
			if next != nil {
				next.cancel()
			}
			return fmt.Errorf("index %s: %w", ix.be.Name(), err)
		}
		if ix.opts.OnCommit != nil {
			ids := make([]string, len(recs))
			for i, d := range recs {
				ids[i] = d.ID
			}
			ix.opts.OnCommit(ids)
		}
	}
	return nil
}

// preparation is one batch of Add being made ready for the backend by
// background workers, which whoever waits for it joins.
type preparation struct {
	ctx  context.Context
	stop context.CancelFunc
	loop *pool.Loop
	recs []backend.Doc
}

// prepareChunk is the number of documents a worker takes at a time.
const prepareChunk = 16

// prepare starts preparing batch on Workers-1 goroutines (at least one).
func (ix *Index) prepare(ctx context.Context, batch []model.Document) *preparation {
	p := &preparation{recs: make([]backend.Doc, len(batch))}
	p.ctx, p.stop = context.WithCancel(ctx)
	p.loop = pool.Start(p.ctx, len(batch), pool.Options{Workers: max(1, ix.opts.Workers-1), Chunk: prepareChunk},
		func() (func(int), func()) {
			var h *minhash.Hasher // made when the worker gets documents
			var lean pipeline.Lean
			return func(i int) {
				if h == nil {
					h, _ = minhash.NewHasher(ix.pc.Params) // validated by load
				}
				p.recs[i] = ix.storeDoc(h, &lean, batch[i])
			}, func() {}
		})
	return p
}

// wait joins the work and returns the prepared batch.
func (p *preparation) wait() ([]backend.Doc, error) {
	p.loop.Join()
	defer p.stop()
	if err := p.ctx.Err(); err != nil {
		// The caller's context, not p's own cancel: stop runs after.
		return nil, err
	}
	return p.recs, nil
}

// cancel stops the work and waits for the workers to leave.
func (p *preparation) cancel() {
	p.stop()
	p.loop.Wait()
}

// storeDoc prepares one document for the backend.
func (ix *Index) storeDoc(h *minhash.Hasher, lean *pipeline.Lean, d model.Document) backend.Doc {
	hashes, words, units := ix.pc.PrepareLean(h, d.Text, lean)
	sd := backend.Doc{
		ID: d.ID, Record: encodeDocument(d), Keys: anchors(hashes, ix.ip.AnchorWindow),
		Units: units, Words: words, Bytes: len(d.Text),
	}
	if !d.Date.IsZero() {
		sd.Date, sd.HasDate = d.Date.Time.Unix(), true
	}
	return sd
}

// anchors winnows a document's verification shingles (their hashes in
// text order): of every window consecutive shingles it keeps the one with
// the smallest hash, as a 32-bit key. A document with fewer shingles than
// the window keeps its smallest.
func anchors(hs []uint64, window int) []uint32 {
	if len(hs) == 0 {
		return nil
	}
	keys := make([]uint32, 0, 2*len(hs)/(window+1)+1)
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

// QueryKeys returns the keys a target document looks up, from the hashes
// of its verification shingles: every one of them, so that whichever
// shingle a reference kept of a shared passage is found. They are sorted,
// without repeats.
func QueryKeys(hashes []uint64) []uint32 {
	keys := make([]uint32, 0, len(hashes))
	for _, h := range hashes {
		keys = append(keys, anchorKey(h))
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

func anchorKey(h uint64) uint32 { return uint32(h >> 32) }

// Remove deletes the documents with the given ids in one transaction and
// returns how many were stored; unknown ids are not an error.
func (ix *Index) Remove(ctx context.Context, ids ...string) (int, error) {
	n, err := ix.be.Delete(ctx, ids)
	if err != nil {
		return n, fmt.Errorf("index %s: %w", ix.be.Name(), err)
	}
	return n, nil
}

// Compact writes a compacted copy of a bbolt index to dst (which must not
// exist): postings merged into one run without those of removed or
// replaced documents, pages filled, free pages dropped. Other processes
// must not use dst until Compact returns. A database compacts itself
// (autovacuum): Compact then fails with ErrUnsupported.
func (ix *Index) Compact(dst string) error {
	c, ok := ix.be.(backend.Compacter)
	if !ok {
		return fmt.Errorf("index %s: compact: %w", ix.be.Name(), ErrUnsupported)
	}
	if err := c.Compact(dst); err != nil {
		return fmt.Errorf("index %s: compact: %w", ix.be.Name(), err)
	}
	return nil
}

// Stats describes an index.
type Stats struct {
	// Path is the index's location (a database URL without password).
	Path      string `json:"path"`
	Params    Params `json:"params"`
	Documents int    `json:"documents"`
	// Passages counts the documents' units (paragraphs, sentences of long
	// paragraphs), as the detector cuts them.
	Passages  int `json:"passages"`
	Words     int `json:"words"`
	TextBytes int `json:"text_bytes"`
	// FileBytes is the size of the file, or of the database's tables.
	FileBytes int64 `json:"file_bytes"`
	Anchors   int   `json:"anchors"`
	// DeadAnchors belong to removed or replaced documents; merges drop
	// them (bbolt files only).
	DeadAnchors int `json:"dead_anchors"`
	Runs        int `json:"runs"`
	// First and Last bound the documents' dates (UTC); zero when no
	// document is dated. Dated counts the dated documents.
	First time.Time `json:"first,omitzero"`
	Last  time.Time `json:"last,omitzero"`
	Dated int       `json:"dated"`
}

// Stats returns the index's statistics.
func (ix *Index) Stats(ctx context.Context) (Stats, error) {
	s, err := ix.be.Stats(ctx)
	if err != nil {
		return Stats{}, fmt.Errorf("index %s: %w", ix.be.Name(), err)
	}
	st := Stats{
		Path: ix.Location(), Params: ix.ip, Documents: s.Documents, Passages: s.Units, Words: s.Words,
		TextBytes: s.TextBytes, FileBytes: s.StoreBytes, Anchors: s.Postings, DeadAnchors: s.DeadPostings,
		Runs: s.Runs, Dated: s.Dated,
	}
	if s.Dated > 0 {
		st.First, st.Last = time.Unix(s.FirstDate, 0).UTC(), time.Unix(s.LastDate, 0).UTC()
	}
	return st, nil
}

// Document returns the stored document with the given id.
func (ix *Index) Document(ctx context.Context, id string) (model.Document, bool, error) {
	var d model.Document
	var ok bool
	err := ix.be.View(ctx, func(v backend.Snapshot) error {
		rec, found, err := v.Record(id)
		if err != nil || !found {
			return err
		}
		d, err = decodeDocument(rec)
		ok = err == nil
		return err
	})
	if err != nil {
		return model.Document{}, false, fmt.Errorf("index %s: %w", ix.be.Name(), err)
	}
	return d, ok, nil
}

// IDs returns the ids of the stored documents, sorted.
func (ix *Index) IDs(ctx context.Context) ([]string, error) {
	var ids []string
	err := ix.be.View(ctx, func(v backend.Snapshot) error {
		var err error
		ids, err = v.IDs()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", ix.be.Name(), err)
	}
	return ids, nil
}

// Num numbers a stored document within one snapshot.
type Num = backend.Num

// Snapshot is a consistent read-only view of an index, for one audit.
type Snapshot struct {
	v  backend.Snapshot
	ix *Index
}

// View runs fn on one consistent snapshot of the index: it sees whole
// batches of Add only. With Options.Retry, fn may run again on a new
// snapshot after the connection to a database failed; fn must then start
// afresh.
func (ix *Index) View(ctx context.Context, fn func(*Snapshot) error) error {
	err := ix.be.View(ctx, func(v backend.Snapshot) error { return fn(&Snapshot{v: v, ix: ix}) })
	if err != nil {
		return fmt.Errorf("index %s: %w", ix.be.Name(), err)
	}
	return nil
}

// Lookup returns, for each of keys (sorted, without repeats; see
// QueryKeys) that stored documents hold, their numbers, in one set-based
// query. Keys held by more than Options.HotAnchors documents are left out
// as boilerplate and counted in hot.
func (s *Snapshot) Lookup(keys []uint32) (found map[uint32][]Num, hot int, err error) {
	return s.v.Lookup(keys, s.ix.opts.HotAnchors)
}

// Len returns the number of documents in the snapshot.
func (s *Snapshot) Len() (int, error) { return s.v.Len() }

// Documents returns the stored documents among nums (numbers of removed
// documents are left out).
func (s *Snapshot) Documents(nums []Num) (map[Num]model.Document, error) {
	recs, err := s.v.Records(nums)
	if err != nil {
		return nil, err
	}
	keys := make([]Num, 0, len(recs))
	for n := range recs {
		keys = append(keys, n)
	}
	docs := make([]model.Document, len(keys))
	errs := make([]error, len(keys))
	err = pool.Run(context.Background(), len(keys), pool.Options{Workers: s.ix.opts.Workers}, func() func(i int) {
		return func(i int) { docs[i], errs[i] = decodeDocument(recs[keys[i]]) }
	})
	if err = errors.Join(append(errs, err)...); err != nil {
		return nil, err
	}
	out := make(map[Num]model.Document, len(keys))
	for i, n := range keys {
		out[n] = docs[i]
	}
	return out, nil
}

// IsUnavailable says whether err comes from a database that could not be
// reached or went away, as opposed to a damaged or foreign index.
func IsUnavailable(err error) bool { return errors.Is(err, ErrUnavailable) }
