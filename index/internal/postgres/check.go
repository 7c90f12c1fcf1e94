package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/reprint-dev/reprint/index/internal/postings"
)

// Check verifies, in one snapshot of the database at dsn, that the runs
// account for the documents exactly: every posting belongs to a stored or
// a retired document numbered within its run's range, each document has
// as many postings as it had anchors, the runs' ranges are disjoint and
// no retired number is stored. It reads every posting: for tests and for
// a suspected damage, not for routine use. Every block's filter must admit
// the block's keys.
func Check(ctx context.Context, dsn string) error {
	pool, err := connect(ctx, dsn, Options{})
	if err != nil {
		return err
	}
	defer pool.Close()
	tx, err := pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return err
	}
	defer tx.Rollback(ctx)
	want := map[uint32]int{} // document → anchors
	live := map[uint32]bool{}
	for _, q := range []string{`SELECT num, anchors FROM reprint_documents`, `SELECT num, anchors FROM reprint_dead`} {
		rows, err := tx.Query(ctx, q)
		if err != nil {
			return err
		}
		var num int64
		var n int
		first := q == `SELECT num, anchors FROM reprint_documents`
		_, err = pgx.ForEachRow(rows, []any{&num, &n}, func() error {
			if _, dup := want[uint32(num)]; dup {
				return fmt.Errorf("document %d both stored and retired", num)
			}
			want[uint32(num)] = n
			live[uint32(num)] = first
			return nil
		})
		if err != nil {
			return err
		}
	}
	var runs []run
	b := &pgx.Batch{}
	queueRuns(b, &runs)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	stored := make([][]postings.Posting, len(runs))
	b = &pgx.Batch{}
	queueRead(b, runs, stored)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return err
	}
	filters := map[[2]int64][]byte{}
	rows, err := tx.Query(ctx, `SELECT run, prefix, filter FROM reprint_filters`)
	if err != nil {
		return err
	}
	var run, prefix int64
	var filter []byte
	if _, err := pgx.ForEachRow(rows, []any{&run, &prefix, &filter}, func() error {
		filters[[2]int64{run, prefix}] = filter
		return nil
	}); err != nil {
		return err
	}
	var blocks int
	if err := tx.QueryRow(ctx, `SELECT count(*) FROM reprint_blocks`).Scan(&blocks); err != nil {
		return err
	}
	if blocks != len(filters) {
		return fmt.Errorf("%d blocks but %d filters", blocks, len(filters))
	}
	got := map[uint32]int{}
	for i, r := range runs {
		if i > 0 && r.min <= runs[i-1].max {
			return fmt.Errorf("runs %d and %d overlap", runs[i-1].id, r.id)
		}
		if int64(len(stored[i])) != r.postings {
			return fmt.Errorf("run %d holds %d postings, not %d", r.id, len(stored[i]), r.postings)
		}
		for j, p := range stored[i] {
			if j > 0 && stored[i][j-1] == p {
				return fmt.Errorf("run %d holds a posting twice", r.id)
			}
			if p.Doc < r.min || p.Doc > r.max {
				return fmt.Errorf("run %d (documents %d..%d) holds a posting of document %d", r.id, r.min, r.max, p.Doc)
			}
			if _, ok := want[p.Doc]; !ok {
				return fmt.Errorf("run %d holds a posting of document %d, neither stored nor retired", r.id, p.Doc)
			}
			f, ok := filters[[2]int64{r.id, int64(uint64(p.Key) >> r.shift())}]
			if !ok || !postings.MayHold(f, p.Key) {
				return fmt.Errorf("run %d: the filter of key %d's block does not hold it", r.id, p.Key)
			}
			got[p.Doc]++
		}
	}
	for num, n := range want {
		if got[num] != n {
			return fmt.Errorf("document %d (stored: %v) has %d postings, not %d", num, live[num], got[num], n)
		}
	}
	return tx.Commit(ctx)
}
