package bolt

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"runtime/debug"
	"slices"
	"time"

	bbolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/index/internal/postings"
)

// Format names the layout this package reads and writes; it is stored in
// the file and checked on open.
const Format = "reprint-index/1"

// Errors that callers branch on: those of package backend.
var (
	ErrNotIndex = backend.ErrNotIndex
	ErrCorrupt  = backend.ErrCorrupt
	ErrFormat   = backend.ErrFormat
	ErrLocked   = backend.ErrLocked
)

var (
	bucketMeta    = []byte("meta")
	bucketIDs     = []byte("ids")
	bucketDocs    = []byte("docs")
	bucketRuns    = []byte("runs")
	bucketRunInfo = []byte("runinfo")

	keyFormat = []byte("format")
	keyParams = []byte("params")
	keyCounts = []byte("counts")
)

// maxRuns bounds the number of runs whatever the sizes: beyond it the two
// newest are merged anyway.
const maxRuns = 24

// Options configures Open.
type Options struct {
	// ReadOnly opens an existing index for reading, sharing the file's
	// lock with other readers.
	ReadOnly bool
	// Timeout is how long to wait for the file's lock; 0 waits forever.
	Timeout time.Duration
	// NoSync skips fsync after each commit: for throw-away indexes only,
	// since a power loss may then lose or damage committed data (a killed
	// process does not).
	NoSync bool
	// Meta is stored in a new index (the caller's params); it is ignored
	// for an existing one, whose Meta the Store returns.
	Meta []byte
}

// Store is an open index file. See the package documentation for its
// concurrency and durability.
type Store struct {
	db   *bbolt.DB
	path string
	meta []byte
}

// Doc is one document as stored.
type Doc = backend.Doc

// Stats describes an index.
type Stats = backend.Stats

// Open opens the index at path, creating it unless ReadOnly.
func Open(path string, o Options) (s *Store, err error) {
	defer faults()()
	defer guard(&err)
	if o.ReadOnly {
		if _, err := os.Stat(path); err != nil {
			return nil, err
		}
	}
	db, err := bbolt.Open(path, 0o644, &bbolt.Options{
		Timeout: o.Timeout, ReadOnly: o.ReadOnly, NoSync: o.NoSync,
		FreelistType: bbolt.FreelistMapType,
	})
	if err != nil {
		switch {
		case errors.Is(err, berrors.ErrTimeout):
			return nil, fmt.Errorf("%w: %s (waited %v)", ErrLocked, path, o.Timeout)
		case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
			errors.Is(err, berrors.ErrChecksum):
			return nil, fmt.Errorf("%w: %s is not a bbolt database (%v)", ErrNotIndex, path, err)
		case errors.Is(err, fs.ErrNotExist), errors.Is(err, fs.ErrPermission):
			return nil, err
		}
		// bbolt reports short or odd files with plain errors.
		return nil, fmt.Errorf("%w: %s: %v", ErrNotIndex, path, err)
	}
	// Grow the file 256 KiB at a time rather than by bbolt's 16 MiB or to
	// the next power of two: a reference index should not carry slack.
	db.AllocSize = 256 << 10
	s = &Store{db: db, path: path}
	if err := s.init(o); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// init checks the file's size and format, and sets up a new index.
func (s *Store) init(o Options) error {
	fi, err := os.Stat(s.path)
	if err != nil {
		return err
	}
	check := func(tx *bbolt.Tx) error {
		if tx.Size() > fi.Size() {
			return fmt.Errorf("%w: %s is truncated (%d bytes, its pages need %d)", ErrCorrupt, s.path, fi.Size(), tx.Size())
		}
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			return nil
		}
		for _, name := range [][]byte{bucketIDs, bucketDocs, bucketRuns, bucketRunInfo} {
			if tx.Bucket(name) == nil {
				return fmt.Errorf("%w: %s has no %q bucket", ErrCorrupt, s.path, name)
			}
		}
		if f := meta.Get(keyFormat); string(f) != Format {
			if bytes.HasPrefix(f, []byte("reprint-index/")) {
				return fmt.Errorf("%w: %s is %q, this reprint reads %q", ErrFormat, s.path, f, Format)
			}
			return fmt.Errorf("%w: %s has a meta bucket but no reprint format mark", ErrNotIndex, s.path)
		}
		s.meta = bytes.Clone(meta.Get(keyParams))
		return nil
	}
	if err := s.db.View(check); err != nil {
		return err
	}
	if s.meta != nil {
		return nil
	}
	empty := true
	_ = s.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func([]byte, *bbolt.Bucket) error { empty = false; return nil })
	})
	if !empty {
		return fmt.Errorf("%w: %s is a bbolt database of another program", ErrNotIndex, s.path)
	}
	if o.ReadOnly || o.Meta == nil {
		return fmt.Errorf("%w: %s is an empty bbolt database", ErrNotIndex, s.path)
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketMeta, bucketIDs, bucketDocs, bucketRuns, bucketRunInfo} {
			if _, err := tx.CreateBucket(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if err := meta.Put(keyFormat, []byte(Format)); err != nil {
			return err
		}
		if err := meta.Put(keyCounts, counts{}.encode()); err != nil {
			return err
		}
		return meta.Put(keyParams, o.Meta)
	})
	if err != nil {
		return err
	}
	s.meta = bytes.Clone(o.Meta)
	return nil
}

// Meta returns the bytes stored with the index when it was made.
func (s *Store) Meta() []byte { return s.meta }

// Path returns the file's path.
func (s *Store) Path() string { return s.path }

// Name returns the file's path.
func (s *Store) Name() string { return s.path }

// Close releases the file.
func (s *Store) Close() error { return s.db.Close() }

// counts are the running totals kept in the meta bucket.
type counts struct {
	docs, units, words, bytes, postings, runPostings int
}

func (c counts) encode() []byte {
	var b []byte
	for _, v := range []int{c.docs, c.units, c.words, c.bytes, c.postings, c.runPostings} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	return b
}

func decodeCounts(b []byte) (counts, error) {
	var v [6]int
	for i := range v {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return counts{}, fmt.Errorf("%w: bad counters", ErrCorrupt)
		}
		v[i], b = int(x), b[n:]
	}
	return counts{v[0], v[1], v[2], v[3], v[4], v[5]}, nil
}

// header is the part of a docs value before the caller's record.
type header struct {
	units, words, bytes, keys int
	date                      int64
	hasDate                   bool
}

func (h header) append(b []byte) []byte {
	for _, v := range []int{h.units, h.words, h.bytes, h.keys} {
		b = binary.AppendUvarint(b, uint64(v))
	}
	if !h.hasDate {
		return append(b, 0)
	}
	b = append(b, 1)
	return binary.AppendVarint(b, h.date)
}

func decodeHeader(b []byte) (header, []byte, error) {
	var h header
	var v [4]int
	for i := range v {
		x, n := binary.Uvarint(b)
		if n <= 0 {
			return h, nil, fmt.Errorf("%w: bad document header", ErrCorrupt)
		}
		v[i], b = int(x), b[n:]
	}
	h.units, h.words, h.bytes, h.keys = v[0], v[1], v[2], v[3]
	if len(b) == 0 {
		return h, nil, fmt.Errorf("%w: bad document header", ErrCorrupt)
	}
	if b[0] == 1 {
		d, n := binary.Varint(b[1:])
		if n <= 0 {
			return h, nil, fmt.Errorf("%w: bad document date", ErrCorrupt)
		}
		h.date, h.hasDate, b = d, true, b[1+n:]
	} else {
		b = b[1:]
	}
	return h, b, nil
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

// Put adds docs in one transaction, replacing any stored document with the
// same ID (a later one in docs wins over an earlier one).
func (s *Store) Put(ctx context.Context, docs []Doc) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	defer faults()()
	defer guard(&err)
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return errors.New("bolt: document has no id")
		}
		last[d.ID] = i
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := buckets(tx)
		c, err := decodeCounts(b.meta.Get(keyCounts))
		if err != nil {
			return err
		}
		var ps []posting
		var keys []uint32
		for i, d := range docs {
			if last[d.ID] != i {
				continue
			}
			if err := b.remove([]byte(d.ID), &c); err != nil {
				return err
			}
			seq, err := b.docs.NextSequence()
			if err != nil {
				return err
			}
			if seq > 1<<32-1 {
				return errors.New("bolt: index is full (2^32 documents added)")
			}
			num := uint32(seq)
			keys = append(keys[:0], d.Keys...)
			slices.Sort(keys)
			keys = slices.Compact(keys)
			h := header{units: d.Units, words: d.Words, bytes: d.Bytes, keys: len(keys), date: d.Date, hasDate: d.HasDate}
			if err := b.docs.Put(u32(num), append(h.append(nil), d.Record...)); err != nil {
				return err
			}
			if err := b.ids.Put([]byte(d.ID), u32(num)); err != nil {
				return err
			}
			for _, k := range keys {
				ps = append(ps, posting{Key: k, Doc: num})
			}
			c.docs++
			c.units += d.Units
			c.words += d.Words
			c.bytes += d.Bytes
			c.postings += len(keys)
		}
		if len(ps) > 0 {
			postings.Sort(ps)
			if err := b.writeRun(ps); err != nil {
				return err
			}
			c.runPostings += len(ps)
			if err := b.merge(&c); err != nil {
				return err
			}
		}
		return b.meta.Put(keyCounts, c.encode())
	})
}

// Delete removes the documents with the given ids in one transaction and
// returns how many there were.
func (s *Store) Delete(ctx context.Context, ids []string) (n int, err error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	defer faults()()
	defer guard(&err)
	err = s.db.Update(func(tx *bbolt.Tx) error {
		b := buckets(tx)
		c, err := decodeCounts(b.meta.Get(keyCounts))
		if err != nil {
			return err
		}
		for _, id := range ids {
			before := c.docs
			if err := b.remove([]byte(id), &c); err != nil {
				return err
			}
			n += before - c.docs
		}
		return b.meta.Put(keyCounts, c.encode())
	})
	return n, err
}

// Stats returns the index's statistics.
func (s *Store) Stats(ctx context.Context) (st Stats, err error) {
	defer faults()()
	defer guard(&err)
	err = s.db.View(func(tx *bbolt.Tx) error {
		b := buckets(tx)
		c, err := decodeCounts(b.meta.Get(keyCounts))
		if err != nil {
			return err
		}
		st = Stats{Documents: c.docs, Units: c.units, Words: c.words, TextBytes: c.bytes,
			Postings: c.postings, DeadPostings: c.runPostings - c.postings, Runs: b.runInfo.Stats().KeyN}
		return b.docs.ForEach(func(_, v []byte) error {
			h, _, err := decodeHeader(v)
			if err != nil {
				return err
			}
			if h.hasDate {
				if st.Dated == 0 || h.date < st.FirstDate {
					st.FirstDate = h.date
				}
				if st.Dated == 0 || h.date > st.LastDate {
					st.LastDate = h.date
				}
				st.Dated++
			}
			return nil
		})
	})
	if fi, serr := os.Stat(s.path); serr == nil {
		st.StoreBytes = fi.Size()
	}
	return st, err
}

// View runs fn with a consistent read-only view of the index. Views may
// run concurrently with each other and with one Put or Delete; a View must
// not be used after fn returns, nor by several goroutines at once.
func (s *Store) View(ctx context.Context, fn func(backend.Snapshot) error) (err error) {
	defer faults()()
	defer guard(&err)
	if err := ctx.Err(); err != nil {
		return err
	}
	return s.db.View(func(tx *bbolt.Tx) error { return fn(&View{b: buckets(tx)}) })
}

// View is a read-only snapshot of the index.
type View struct{ b bucketSet }

// Lookup returns, for each of keys (sorted, without repeats) that has
// postings, the documents that hold it, live or not (Record tells). Keys
// held by more than hotCap documents (boilerplate) are left out and
// counted in hot; hotCap ≤ 0 means no cap.
func (v *View) Lookup(keys []uint32, hotCap int) (found map[uint32][]backend.Num, hot int, err error) {
	found = make(map[uint32][]backend.Num)
	var runs []uint32
	if err := v.b.runInfo.ForEach(func(k, _ []byte) error {
		if len(k) != 4 {
			return fmt.Errorf("%w: bad run key", ErrCorrupt)
		}
		runs = append(runs, binary.BigEndian.Uint32(k))
		return nil
	}); err != nil {
		return nil, 0, err
	}
	var blk []posting
	for _, run := range runs {
		c := v.b.runs.Cursor()
		blk = blk[:0]
		loaded := false
		for _, q := range keys {
			if !loaded || len(blk) == 0 || q > blk[len(blk)-1].Key {
				var err error
				blk, loaded, err = seekBlock(c, run, q, blk[:0])
				if err != nil {
					return nil, 0, err
				}
				if !loaded {
					continue
				}
			}
			i, _ := slices.BinarySearchFunc(blk, q, func(p posting, q uint32) int { return cmp.Compare(p.Key, q) })
			for ; i < len(blk) && blk[i].Key == q; i++ {
				found[q] = append(found[q], backend.Num(blk[i].Doc))
			}
		}
	}
	for k, docs := range found {
		if hotCap > 0 && len(docs) > hotCap {
			delete(found, k)
			hot++
		}
	}
	return found, hot, nil
}

// seekBlock decodes the block of run that would hold key q: the last one
// whose first key is at most q. ok is false when q precedes the run.
func seekBlock(c *bbolt.Cursor, run, q uint32, dst []posting) ([]posting, bool, error) {
	var want [8]byte
	binary.BigEndian.PutUint32(want[:4], run)
	binary.BigEndian.PutUint32(want[4:], q)
	k, v := c.Seek(want[:])
	if k == nil || !bytes.HasPrefix(k, want[:4]) || binary.BigEndian.Uint32(k[4:]) > q {
		k, v = c.Prev()
	}
	if k == nil || len(k) != 8 || !bytes.HasPrefix(k, want[:4]) {
		return dst, false, nil
	}
	blk, err := decodeBlock(dst, binary.BigEndian.Uint32(k[4:]), v)
	return blk, err == nil, err
}

// Records returns copies of the records of the live documents among nums.
func (v *View) Records(nums []backend.Num) (map[backend.Num][]byte, error) {
	out := make(map[backend.Num][]byte, len(nums))
	for _, n := range nums {
		if n > 1<<32-1 {
			continue
		}
		rec, err := v.record(uint32(n))
		if err != nil {
			return nil, err
		}
		if rec != nil {
			out[n] = rec
		}
	}
	return out, nil
}

// Record returns the record of the document with the given id.
func (v *View) Record(id string) ([]byte, bool, error) {
	num, ok := v.Num(id)
	if !ok {
		return nil, false, nil
	}
	rec, err := v.record(num)
	return rec, rec != nil, err
}

// IDs returns the stored ids, sorted.
func (v *View) IDs() ([]string, error) {
	var ids []string
	err := v.ForEach(func(id string, _ uint32) error { ids = append(ids, id); return nil })
	return ids, err
}

// Len returns the number of stored documents.
func (v *View) Len() (int, error) {
	c, err := decodeCounts(v.b.meta.Get(keyCounts))
	return c.docs, err
}

// record returns a copy of the record of document num, or nil when there
// is none (removed or replaced).
func (v *View) record(num uint32) ([]byte, error) {
	val := v.b.docs.Get(u32(num))
	if val == nil {
		return nil, nil
	}
	_, rec, err := decodeHeader(val)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(rec), nil
}

// Num returns the number of the document with the given id.
func (v *View) Num(id string) (uint32, bool) {
	val := v.b.ids.Get([]byte(id))
	if len(val) != 4 {
		return 0, false
	}
	return binary.BigEndian.Uint32(val), true
}

// ForEach calls fn for every stored document in id order.
func (v *View) ForEach(fn func(id string, num uint32) error) error {
	return v.b.ids.ForEach(func(k, val []byte) error {
		if len(val) != 4 {
			return fmt.Errorf("%w: bad id entry %q", ErrCorrupt, k)
		}
		return fn(string(k), binary.BigEndian.Uint32(val))
	})
}

// bucketSet holds one transaction's buckets.
type bucketSet struct {
	meta, ids, docs, runs, runInfo *bbolt.Bucket
}

func buckets(tx *bbolt.Tx) bucketSet {
	b := bucketSet{
		meta: tx.Bucket(bucketMeta), ids: tx.Bucket(bucketIDs), docs: tx.Bucket(bucketDocs),
		runs: tx.Bucket(bucketRuns), runInfo: tx.Bucket(bucketRunInfo),
	}
	if tx.Writable() {
		// Document numbers and run ids only grow: their pages fill up.
		b.docs.FillPercent = 1
		b.runs.FillPercent = 1
		b.runInfo.FillPercent = 1
		b.ids.FillPercent = 0.9
	}
	return b
}

// remove deletes the document with the given id, if any, and updates c.
// Its postings stay until a merge drops them.
func (b bucketSet) remove(id []byte, c *counts) error {
	num := b.ids.Get(id)
	if num == nil {
		return nil
	}
	num = bytes.Clone(num)
	if v := b.docs.Get(num); v != nil {
		h, _, err := decodeHeader(v)
		if err != nil {
			return err
		}
		c.docs--
		c.units -= h.units
		c.words -= h.words
		c.bytes -= h.bytes
		c.postings -= h.keys
		if err := b.docs.Delete(num); err != nil {
			return err
		}
	}
	return b.ids.Delete(id)
}

// runInfo is one run's id and size.
type runInfo struct {
	id       uint32
	postings int
}

func (b bucketSet) listRuns() ([]runInfo, error) {
	var out []runInfo
	err := b.runInfo.ForEach(func(k, v []byte) error {
		n, w := binary.Uvarint(v)
		if len(k) != 4 || w <= 0 {
			return fmt.Errorf("%w: bad run info", ErrCorrupt)
		}
		out = append(out, runInfo{binary.BigEndian.Uint32(k), int(n)})
		return nil
	})
	return out, err
}

// writeRun stores sorted postings as a new run.
func (b bucketSet) writeRun(ps []posting) error {
	seq, err := b.runs.NextSequence()
	if err != nil {
		return err
	}
	if seq > 1<<32-1 {
		return errors.New("bolt: run ids exhausted")
	}
	id := uint32(seq)
	var key [8]byte
	binary.BigEndian.PutUint32(key[:4], id)
	var buf []byte
	total := len(ps)
	for len(ps) > 0 {
		n := blockLen(ps)
		binary.BigEndian.PutUint32(key[4:], ps[0].Key)
		buf = encodeBlock(buf[:0], ps[:n])
		if err := b.runs.Put(bytes.Clone(key[:]), bytes.Clone(buf)); err != nil {
			return err
		}
		ps = ps[n:]
	}
	return b.runInfo.Put(u32(id), binary.AppendUvarint(nil, uint64(total)))
}

// readRun decodes a whole run.
func (b bucketSet) readRun(id uint32, dst []posting) ([]posting, error) {
	prefix := u32(id)
	c := b.runs.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		if len(k) != 8 {
			return nil, fmt.Errorf("%w: bad run block key", ErrCorrupt)
		}
		var err error
		if dst, err = decodeBlock(dst, binary.BigEndian.Uint32(k[4:]), v); err != nil {
			return nil, err
		}
	}
	return dst, nil
}

func (b bucketSet) deleteRun(id uint32) error {
	prefix := u32(id)
	c := b.runs.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return b.runInfo.Delete(prefix)
}

// merge merges the two newest runs while the newer is at least as large
// as the older (or there are too many runs), dropping dead postings.
func (b bucketSet) merge(c *counts) error {
	alive := map[uint32]bool{}
	isAlive := func(num uint32) bool {
		a, ok := alive[num]
		if !ok {
			a = b.docs.Get(u32(num)) != nil
			alive[num] = a
		}
		return a
	}
	for {
		runs, err := b.listRuns()
		if err != nil {
			return err
		}
		n := len(runs)
		if n < 2 || (runs[n-1].postings < runs[n-2].postings && n <= maxRuns) {
			return nil
		}
		older, err := b.readRun(runs[n-2].id, nil)
		if err != nil {
			return err
		}
		newer, err := b.readRun(runs[n-1].id, nil)
		if err != nil {
			return err
		}
		merged := postings.Merge(make([]posting, 0, len(older)+len(newer)), older, newer, isAlive)
		c.runPostings -= len(older) + len(newer) - len(merged)
		for _, r := range runs[n-2:] {
			if err := b.deleteRun(r.id); err != nil {
				return err
			}
		}
		if len(merged) > 0 {
			if err := b.writeRun(merged); err != nil {
				return err
			}
		}
	}
}

// Compact writes a compacted copy of the index to dst, which must not
// exist: all runs merged into one without dead postings, every page full
// and no free pages. The store stays open and unchanged but for the merge.
func (s *Store) Compact(dst string) (err error) {
	defer faults()()
	defer guard(&err)
	if _, err := os.Stat(dst); err == nil {
		return fmt.Errorf("bolt: compact: %s already exists", dst)
	}
	if err := s.db.Update(func(tx *bbolt.Tx) error {
		b := buckets(tx)
		c, err := decodeCounts(b.meta.Get(keyCounts))
		if err != nil {
			return err
		}
		if err := b.mergeAll(&c); err != nil {
			return err
		}
		return b.meta.Put(keyCounts, c.encode())
	}); err != nil {
		return err
	}
	out, err := bbolt.Open(dst, 0o644, &bbolt.Options{FreelistType: bbolt.FreelistMapType})
	if err != nil {
		return err
	}
	out.AllocSize = 256 << 10
	if err := bbolt.Compact(out, s.db, 64<<20); err != nil {
		out.Close()
		os.Remove(dst)
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// mergeAll merges every run into one, dropping dead postings.
func (b bucketSet) mergeAll(c *counts) error {
	runs, err := b.listRuns()
	if err != nil || len(runs) == 0 {
		return err
	}
	var all []posting
	for _, r := range runs {
		if all, err = b.readRun(r.id, all); err != nil {
			return err
		}
		if err := b.deleteRun(r.id); err != nil {
			return err
		}
	}
	live := all[:0]
	alive := map[uint32]bool{}
	for _, p := range all {
		a, ok := alive[p.Doc]
		if !ok {
			a = b.docs.Get(u32(p.Doc)) != nil
			alive[p.Doc] = a
		}
		if a {
			live = append(live, p)
		}
	}
	postings.Sort(live)
	c.runPostings = len(live)
	if len(live) == 0 {
		return nil
	}
	return b.writeRun(live)
}

// guard turns a panic or memory fault inside bbolt (a damaged file can
// cause either) into an error wrapping ErrCorrupt.
func guard(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %v", ErrCorrupt, r)
	}
}

// faults makes memory faults on the mapped file (a file truncated behind
// bbolt's back) panics that guard can recover, for the calling goroutine;
// call it as defer faults()().
func faults() func() {
	old := debug.SetPanicOnFault(true)
	return func() { debug.SetPanicOnFault(old) }
}
