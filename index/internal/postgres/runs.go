package postgres

// Postings live in sorted runs, as in the bbolt backend: each batch's
// postings become one run, and the newest runs merge while the newer is
// at least as large as the one before (a binary counter), so a posting is
// rewritten O(log N) times and the database holds few, large rows (a row
// a posting, under a B-tree, made adding four times slower than bbolt).
// Unlike bbolt, a batch's transaction does not merge: after it commits, a
// merge runs in the background on another connection (mergeNewest) while
// the next batches commit, and takes the writers' lock only to swap the
// merged run for those it read; a batch merges itself only when there
// are maxRuns runs and no merge under way. A
// run cuts the key space into 2^bits equal ranges, chosen so that a block
// holds about blockPostings postings, bit-packed and sorted
// (postings.EncodePacked), with a Bloom filter of its keys in
// reprint_filters. A reader computes which blocks of each run its keys
// fall in from the keys alone, reads their filters, then only the blocks
// a filter admits a key of, and finds its keys in them by binary search:
// an audit's keys fall in nearly every block of a large index, but most
// are in no reference. Document numbers are given in commit order, so a
// run holds the postings of the documents numbered min_num..max_num and
// no other run holds any of them.
//
// Removing a document leaves its postings in their run and its number in
// reprint_dead (with its count of postings); lookups skip them, and the
// merge that rewrites the run drops them and forgets the numbers.

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/bits"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgtype"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/index/internal/postings"
)

// blockPostings is the number of postings a block aims at: 2-3 kB, so
// that even the blocks of keys repeated across many documents stay in
// their row (below toast_tuple_target) rather than in TOAST.
const blockPostings = 768

// maxBits bounds a run's blocks to 2^maxBits (a run of 8 billion
// postings).
const maxBits = 24

// maxRuns bounds the number of runs whatever their sizes: beyond it the
// newest are merged anyway.
const maxRuns = 24

// run is one run's row.
type run struct {
	id       int64
	bits     int
	postings int64
	min, max uint32
}

// shift returns how far a key is shifted right to give its block's
// prefix; a shift of 32 puts every key in block 0.
func (r run) shift() uint { return uint(32 - r.bits) }

// base returns the smallest key of block prefix.
func (r run) base(prefix int32) (uint32, error) {
	if prefix < 0 || uint64(prefix) >= 1<<r.bits {
		return 0, fmt.Errorf("%w: block %d of run %d out of range", backend.ErrCorrupt, prefix, r.id)
	}
	return uint32(uint64(prefix) << r.shift()), nil
}

// runBits returns the bits of a run of n postings.
func runBits(n int) int {
	if n <= blockPostings {
		return 0
	}
	return min(maxBits, bits.Len(uint((n-1)/blockPostings)))
}

// The statements below are queued on a pgx.Batch, so that a batch of Put
// costs a handful of round trips whatever its size: on a loaded machine
// each round trip waits for the scheduler twice, here and on the server.

// Runs are listed in the order of their documents (a merged run's number
// is newer than those of the runs written after the ones it merged).
const selectRuns = `SELECT run, bits, postings, min_num, max_num FROM reprint_runs ORDER BY min_num`

// queueRuns queues the listing of the runs, oldest first, into *out.
func queueRuns(b *pgx.Batch, out *[]run) {
	b.Queue(selectRuns).Query(func(rows pgx.Rows) error {
		var r run
		var lo, hi int64
		_, err := pgx.ForEachRow(rows, []any{&r.id, &r.bits, &r.postings, &lo, &hi}, func() error {
			if r.bits < 0 || r.bits > maxBits || lo < 0 || hi > math.MaxUint32 || lo > hi {
				return fmt.Errorf("%w: bad run %d", backend.ErrCorrupt, r.id)
			}
			r.min, r.max = uint32(lo), uint32(hi)
			*out = append(*out, r)
			return nil
		})
		return err
	})
}

// queueDead queues the reading of the numbers of removed documents
// between lo and hi into dead.
func queueDead(b *pgx.Batch, lo, hi uint32, dead map[uint32]bool) {
	b.Queue(`SELECT num FROM reprint_dead WHERE num BETWEEN $1 AND $2`, int64(lo), int64(hi)).Query(func(rows pgx.Rows) error {
		var num int64
		_, err := pgx.ForEachRow(rows, []any{&num}, func() error {
			dead[uint32(num)] = true
			return nil
		})
		return err
	})
}

// queueRead queues the decoding of the postings of runs, each sorted,
// into out (in the order of runs).
func queueRead(b *pgx.Batch, runs []run, out [][]postings.Posting) {
	ids := make([]int64, len(runs))
	at := make(map[int64]int, len(runs))
	for i, r := range runs {
		ids[i], at[r.id] = r.id, i
		out[i] = make([]postings.Posting, 0, r.postings)
	}
	b.Queue(`SELECT run, prefix, data FROM reprint_blocks WHERE run = ANY($1) ORDER BY run, prefix`, ids).Query(func(rows pgx.Rows) error {
		var id int64
		var prefix int32
		var data []byte
		_, err := pgx.ForEachRow(rows, []any{&id, &prefix, &data}, func() error {
			i, ok := at[id]
			if !ok {
				return fmt.Errorf("%w: a block of no run", backend.ErrCorrupt)
			}
			var err error
			out[i], err = decodeBlock(out[i], runs[i], prefix, data)
			return err
		})
		return err
	})
}

// queueWrite queues the storing of ps (sorted) as run id of the documents
// numbered lo..hi.
func queueWrite(b *pgx.Batch, id int64, ps []postings.Posting, lo, hi uint32) {
	queueBlocks(b, id, ps, lo, hi)
	queueRun(b, id, ps, lo, hi)
}

// queueRun queues the row that makes run id, its blocks stored, visible.
func queueRun(b *pgx.Batch, id int64, ps []postings.Posting, lo, hi uint32) {
	b.Queue(`INSERT INTO reprint_runs (run, bits, postings, min_num, max_num) VALUES ($1, $2, $3, $4, $5)`,
		id, runBits(len(ps)), len(ps), int64(lo), int64(hi))
}

// queueBlocks queues the storing of the blocks and filters of ps
// (sorted) as run id of the documents numbered lo..hi; readers find them
// once the run's row is stored (queueRun).
func queueBlocks(b *pgx.Batch, id int64, ps []postings.Posting, lo, hi uint32) {
	r := run{id: id, bits: runBits(len(ps))}
	var prefixes []int32
	var blocks, filters [][]byte
	// Room for every block at once: no entry is wider than the run's key
	// shift plus the bits of its range of documents.
	width := int(r.shift()) + bits.Len32(hi-lo)
	buf := make([]byte, 0, (len(ps)*width+7)/8+(16<<r.bits))
	for rest := ps; len(rest) > 0; {
		prefix := uint64(rest[0].Key) >> r.shift()
		n := 1
		for n < len(rest) && uint64(rest[n].Key)>>r.shift() == prefix {
			n++
		}
		start := len(buf)
		buf = postings.EncodePacked(buf, uint32(prefix<<r.shift()), rest[:n])
		prefixes, blocks = append(prefixes, int32(prefix)), append(blocks, buf[start:len(buf):len(buf)])
		filters = append(filters, postings.Filter(rest[:n]))
		rest = rest[n:]
	}
	b.Queue(`INSERT INTO reprint_blocks (run, prefix, data) SELECT $1, p, d FROM unnest($2::integer[], $3::bytea[]) AS u(p, d)`,
		id, prefixes, blocks)
	b.Queue(`INSERT INTO reprint_filters (run, prefix, filter) SELECT $1, p, f FROM unnest($2::integer[], $3::bytea[]) AS u(p, f)`,
		id, prefixes, filters)
}

// queueDrop queues the deleting of runs, and the forgetting of the
// removed documents numbered lo..hi, whose postings were in them.
func queueDrop(b *pgx.Batch, ids []int64, lo, hi uint32) {
	b.Queue(`DELETE FROM reprint_blocks WHERE run = ANY($1)`, ids)
	b.Queue(`DELETE FROM reprint_filters WHERE run = ANY($1)`, ids)
	b.Queue(`DELETE FROM reprint_runs WHERE run = ANY($1)`, ids)
	b.Queue(`DELETE FROM reprint_dead WHERE num BETWEEN $1 AND $2`, int64(lo), int64(hi))
}

// decodeBlock appends the postings of one block of r.
func decodeBlock(dst []postings.Posting, r run, prefix int32, data []byte) ([]postings.Posting, error) {
	base, err := r.base(prefix)
	if err != nil {
		return dst, err
	}
	ps, err := postings.DecodePacked(dst, base, data)
	if err != nil {
		return ps, fmt.Errorf("%w: run %d: %v", backend.ErrCorrupt, r.id, err)
	}
	return ps, nil
}

// toMerge returns how many of the newest runs merge with a new run of n
// postings: while the next is no larger than what merged so far, or
// there would be too many runs.
func toMerge(runs []run, n int) int {
	k, size := 0, int64(n)
	for len(runs)-k > 0 && (runs[len(runs)-1-k].postings <= size || len(runs)-k+1 > maxRuns) {
		size += runs[len(runs)-1-k].postings
		k++
	}
	return k
}

// merge merges ps (sorted, the newest) with the postings of older runs,
// without those of dead documents.
func merge(ps []postings.Posting, older [][]postings.Posting, dead map[uint32]bool) []postings.Posting {
	keep := func(doc uint32) bool { return !dead[doc] }
	for i := len(older) - 1; i >= 0; i-- {
		ps = postings.Merge(make([]postings.Posting, 0, len(ps)+len(older[i])), older[i], ps, keep)
	}
	return ps
}

// writeRun stores ps (sorted) as a new run of the documents numbered
// lo..hi, whatever the runs stored: for migrations.
func writeRun(ctx context.Context, tx pgx.Tx, ps []postings.Posting, lo, hi uint32) error {
	var id int64
	if err := tx.QueryRow(ctx, `SELECT nextval('reprint_run_num')`).Scan(&id); err != nil {
		return err
	}
	b := &pgx.Batch{}
	queueWrite(b, id, ps, lo, hi)
	return tx.SendBatch(ctx, b).Close()
}

// mergeAll merges every run into one without the postings of removed
// documents, and forgets them all.
func mergeAll(ctx context.Context, tx pgx.Tx) error {
	var runs []run
	b := &pgx.Batch{}
	queueRuns(b, &runs)
	if err := tx.SendBatch(ctx, b).Close(); err != nil || len(runs) == 0 {
		return err
	}
	dead := map[uint32]bool{}
	b = &pgx.Batch{}
	queueDead(b, 0, math.MaxUint32, dead)
	if err := tx.SendBatch(ctx, b).Close(); err != nil || len(runs) == 1 && len(dead) == 0 {
		return err // one run without dead postings: nothing to do
	}
	stored := make([][]postings.Posting, len(runs))
	b = &pgx.Batch{}
	queueRead(b, runs, stored)
	var id int64
	b.Queue(`SELECT nextval('reprint_run_num')`).QueryRow(func(row pgx.Row) error { return row.Scan(&id) })
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	merged := merge(nil, stored, dead)
	ids := make([]int64, len(runs))
	for i, r := range runs {
		ids[i] = r.id
	}
	b = &pgx.Batch{}
	queueDrop(b, ids, 0, math.MaxUint32)
	if len(merged) > 0 {
		queueWrite(b, id, merged, runs[0].min, runs[len(runs)-1].max)
	}
	return tx.SendBatch(ctx, b).Close()
}

// lookup finds the postings of keys (sorted, without repeats) of live
// documents in three round trips: the runs and the removed documents;
// the filters of every block a key falls in; the blocks whose filter
// admits a key. The first read is one walk down the primary key per range
// of wanted blocks.
func lookup(ctx context.Context, tx pgx.Tx, keys []uint32) (map[uint32][]backend.Num, error) {
	found := make(map[uint32][]backend.Num)
	if len(keys) == 0 {
		return found, nil
	}
	var runs []run
	dead := map[uint32]bool{}
	b := &pgx.Batch{}
	queueRuns(b, &runs)
	queueDead(b, 0, math.MaxUint32, dead)
	if err := tx.SendBatch(ctx, b).Close(); err != nil || len(runs) == 0 {
		return found, err
	}
	// Per run, the blocks the keys fall in, then those whose filter
	// admits one: one statement a run, in one round trip each; = ANY walks
	// the primary key once per block, a run read whole when most of it
	// is wanted.
	want := make([][]int32, len(runs))
	b = &pgx.Batch{}
	for ri, r := range runs {
		var prefixes []int32
		for _, k := range keys {
			if p := int32(uint64(k) >> r.shift()); len(prefixes) == 0 || prefixes[len(prefixes)-1] != p {
				prefixes = append(prefixes, p)
			}
		}
		scan := func(rows pgx.Rows) error {
			var prefix int32
			var filter pgtype.DriverBytes // the driver's buffer, not a copy
			_, err := pgx.ForEachRow(rows, []any{&prefix, &filter}, func() error {
				base, err := r.base(prefix)
				if err != nil {
					return err
				}
				i, _ := slices.BinarySearch(keys, base)
				for ; i < len(keys) && uint64(keys[i])>>r.shift() == uint64(prefix); i++ {
					if postings.MayHold(filter, keys[i]) {
						want[ri] = append(want[ri], prefix)
						break
					}
				}
				return nil
			})
			return err
		}
		if 2*len(prefixes) > 1<<r.bits {
			b.Queue(`SELECT prefix, filter FROM reprint_filters WHERE run = $1`, r.id).Query(scan)
		} else {
			b.Queue(`SELECT prefix, filter FROM reprint_filters WHERE run = $1 AND prefix = ANY($2)`, r.id, prefixes).Query(scan)
		}
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	b = &pgx.Batch{}
	for ri, r := range runs {
		if len(want[ri]) == 0 {
			continue
		}
		b.Queue(`SELECT prefix, data FROM reprint_blocks WHERE run = $1 AND prefix = ANY($2)`, r.id, want[ri]).Query(func(rows pgx.Rows) error {
			var prefix int32
			var data pgtype.DriverBytes
			_, err := pgx.ForEachRow(rows, []any{&prefix, &data}, func() error {
				base, err := r.base(prefix)
				if err != nil {
					return err
				}
				err = postings.SearchPacked(base, data, keys, func(p postings.Posting) {
					if !dead[p.Doc] {
						found[p.Key] = append(found[p.Key], backend.Num(p.Doc))
					}
				})
				if err != nil {
					return fmt.Errorf("%w: run %d: %v", backend.ErrCorrupt, r.id, err)
				}
				return nil
			})
			return err
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, err
	}
	return found, nil
}

var errTooMany = errors.New("postgres: the index is full (2^32 documents added)")

// kick starts a background merge of the newest runs after a commit, or
// asks the one under way to look again when it is done.
func (s *Store) kick() {
	s.bgMu.Lock()
	defer s.bgMu.Unlock()
	if s.shut {
		return
	}
	if s.merging {
		s.again = true
		return
	}
	s.merging = true
	s.bg.Go(func() {
		for {
			merged, err := s.mergeNewest(context.Background())
			s.bgMu.Lock()
			if err != nil || !merged && !s.again || s.shut {
				// A merge that failed left the runs as they were: the
				// next commit's merge tries again.
				s.merging, s.again = false, false
				s.bgMu.Unlock()
				return
			}
			s.again = false
			s.bgMu.Unlock()
		}
	})
}

// testHookMerge, when a test sets it, runs in mergeNewest after the
// merge has read and merged its runs, before it writes and swaps them.
var testHookMerge func()

// mergeNewest merges the newest runs as a binary counter does (while the
// next older run is no larger than those merged so far) and says whether
// it merged any. Adds go on meanwhile: it holds the merge lock (so that no
// other merge drops the runs it reads; it gives way to one under way)
// and takes the writers' lock only to swap the runs, after writing the
// merged one. It drops the postings of the documents removed when it
// began and forgets those alone: the postings of documents removed since
// stay in the merged run, their numbers in reprint_dead.
func (s *Store) mergeNewest(ctx context.Context) (merged bool, err error) {
	err = s.write(ctx, func(tx pgx.Tx) error {
		merged = false
		var free bool
		var runs []run
		b := &pgx.Batch{}
		b.Queue(`SELECT `+tryMergeLock, mergeKey).QueryRow(func(row pgx.Row) error { return row.Scan(&free) })
		queueRuns(b, &runs)
		if err := tx.SendBatch(ctx, b).Close(); err != nil || !free || len(runs) < 2 {
			return err
		}
		k := toMerge(runs[:len(runs)-1], int(runs[len(runs)-1].postings)) + 1
		if k < 2 {
			return nil
		}
		older := runs[len(runs)-k:]
		lo, hi := older[0].min, older[k-1].max
		dead := map[uint32]bool{}
		stored := make([][]postings.Posting, k)
		var id int64
		b = &pgx.Batch{}
		queueDead(b, lo, hi, dead)
		queueRead(b, older, stored)
		b.Queue(`SELECT nextval('reprint_run_num')`).QueryRow(func(row pgx.Row) error { return row.Scan(&id) })
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		ps := merge(nil, stored, dead)
		if testHookMerge != nil {
			testHookMerge()
		}
		ids := make([]int64, k)
		for i, r := range older {
			ids[i] = r.id
		}
		gone := make([]int64, 0, len(dead))
		for num := range dead {
			gone = append(gone, int64(num))
		}
		b = &pgx.Batch{}
		if len(ps) > 0 {
			queueBlocks(b, id, ps, lo, hi)
		}
		queueLock(b)
		// The runs read must all be there still: a writer of an older
		// version merges in its batch without the merge lock.
		b.Queue(`DELETE FROM reprint_runs WHERE run = ANY($1)`, ids).Exec(func(ct pgconn.CommandTag) error {
			if ct.RowsAffected() != int64(k) {
				return errMergeLost
			}
			return nil
		})
		b.Queue(`DELETE FROM reprint_blocks WHERE run = ANY($1)`, ids)
		b.Queue(`DELETE FROM reprint_filters WHERE run = ANY($1)`, ids)
		b.Queue(`DELETE FROM reprint_dead WHERE num = ANY($1)`, gone)
		if len(ps) > 0 {
			queueRun(b, id, ps, lo, hi)
		}
		merged = true
		return tx.SendBatch(ctx, b).Close()
	})
	if errors.Is(err, errMergeLost) {
		return false, nil // rolled back: another merged them first
	}
	return merged, err
}

// errMergeLost: the runs a merge read were merged by another meanwhile.
var errMergeLost = errors.New("postgres: the runs merged were merged by another")
