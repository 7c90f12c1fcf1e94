// Package postgres keeps a reprint index in a PostgreSQL database through
// github.com/jackc/pgx/v5, for many writers and readers on many machines:
// an ingest job adds the wire as it arrives while CI jobs audit against it.
//
// # Schema
//
// Made and migrated by Migrate (and by Open for writing), in the
// connection's search_path (choose a schema with
// options=-csearch_path%3Dwire in the URL): reprint_schema (the schema
// version, the index's meta and the document count), reprint_documents
// (one row a document: its number, id, compressed record and counters),
// the anchor postings in sorted runs of delta-coded blocks
// (reprint_runs, reprint_blocks and their filters in reprint_filters: a
// few hundred postings a row, see runs.go), reprint_dead (removed
// documents whose postings a merge has yet to drop) and the sequences
// reprint_document_num and reprint_run_num.
//
// # Concurrency and durability
//
// A Put is one transaction: readers see all of it or nothing, a writer
// killed mid-batch leaves nothing of it. Writers serialise per batch on a
// transaction-scoped advisory lock, so that two writers re-adding one id
// end with one copy, the last committed. The merges of posting runs are
// transactions of their own, in the background of the writer's next
// batches (see runs.go); Close waits for the one under way. A View is one
// REPEATABLE READ READ ONLY transaction: one snapshot, never blocked by
// writers.
//
// All SQL is parameterised: ids and texts never reach the SQL text.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/index/internal/postings"
)

// Format is the index layout's name, as for bbolt files.
const Format = "reprint-index/1"

// ErrUnavailable: the database could not be reached, or the connection
// broke (a restart, a network failure). Operations that fail with it may
// succeed when tried again.
var ErrUnavailable = errors.New("database unavailable")

// Options configures Open and Migrate.
type Options struct {
	// ReadOnly opens an existing index for reading: the schema is not
	// made or migrated and nothing is written.
	ReadOnly bool
	// Timeout bounds connecting (0: 30 s).
	Timeout time.Duration
	// Retry is how many times an operation is tried again after
	// ErrUnavailable, waiting 0.5 s, 1 s, 2 s, … (at most 8 s) between.
	Retry int
	// Meta is stored in a new index; an existing one keeps its own.
	Meta []byte
}

// Store is an index in one PostgreSQL database. It is safe for concurrent
// use.
type Store struct {
	pool *pgxpool.Pool
	name string
	meta []byte
	o    Options

	// The background merge: at most one at a time; again asks it to look
	// once more, closed to start no other.
	bg                   sync.WaitGroup
	bgMu                 sync.Mutex
	merging, again, shut bool
}

// writerLock is the advisory lock key writers hold per batch, and
// migrateLock the one Migrate holds: "reprint" and "reprint migrate" in
// ASCII, arbitrary but fixed.
const (
	writerLock  int64 = 0x7265707269_6e74
	migrateLock int64 = 0x7265707269_6d67
)

// A merge of runs holds the advisory lock (mergeKey, a hash of the
// index's schema): one per index, so that the merges of indexes in other
// schemas of the database never make it give way ("rpmg" in ASCII).
// Whoever takes it takes it before writerLock; a writer holding
// writerLock only tries it, never waits for it.
const (
	mergeKey     int32 = 0x72706d67
	mergeLock          = `pg_advisory_xact_lock($1, hashtext(current_schema()))`
	tryMergeLock       = `pg_try_advisory_xact_lock($1, hashtext(current_schema()))`
)

// Redact returns location without its password, for messages. Other locations come back unchanged.
func Redact(location string) string {
	u, err := url.Parse(location)
	if err != nil || u.Scheme == "" || u.Host == "" && u.User == nil {
		if i := strings.Index(location, "@"); i >= 0 && strings.Contains(location, "://") {
			// Not a URL that parses: drop the credentials wholesale.
			return location[:strings.Index(location, "://")+3] + "xxxxx" + location[i:]
		}
		return location
	}
	q := u.Query()
	if q.Has("password") {
		q.Del("password")
		u.RawQuery = q.Encode()
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.User(u.User.Username())
	}
	return u.String()
}

// Open connects to the database at dsn. Unless o.ReadOnly it makes or
// migrates the schema and stores o.Meta as the index's meta when the
// database has none; a read-only open of a database without an index fails
// with an error wrapping backend.ErrNotIndex.
func Open(ctx context.Context, dsn string, o Options) (*Store, error) {
	s := &Store{name: Redact(dsn), o: o}
	pool, err := connect(ctx, dsn, o)
	if err != nil {
		return nil, err
	}
	s.pool = pool
	if err := s.init(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// connect makes a pool and checks that the server answers as PostgreSQL.
func connect(ctx context.Context, dsn string, o Options) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse errors may quote the string; say what is wrong
		// without it.
		return nil, fmt.Errorf("bad database URL %s: %v", Redact(dsn), scrub(err, dsn))
	}
	timeout := o.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	cfg.ConnConfig.ConnectTimeout = timeout
	cfg.MaxConns = 8
	// Statements are prepared per connection on first use: one round trip
	// a query afterwards.
	cfg.ConnConfig.DefaultQueryExecMode = pgx.QueryExecModeCacheStatement
	// One plan per statement: with a custom plan, the planner estimates
	// a lookup's = ANY over thousands of keys element by element, which
	// costs more than the lookup. Every statement here has one good plan.
	if _, set := cfg.ConnConfig.RuntimeParams["plan_cache_mode"]; !set {
		cfg.ConnConfig.RuntimeParams["plan_cache_mode"] = "force_generic_plan"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, connectErr(err, dsn)
	}
	err = withRetry(ctx, o.Retry, func() error { return pool.Ping(ctx) })
	if err != nil {
		pool.Close()
		return nil, connectErr(err, dsn)
	}
	return pool, nil
}

// connectErr turns a failure to connect into a plain message: the
// server's own reason for PostgreSQL errors (wrong password, no such
// database), else what happened on the wire (no server, TLS refused, not
// PostgreSQL).
func connectErr(err error, dsn string) error {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "28P01", "28000":
			return fmt.Errorf("cannot log in: %s", pe.Message)
		case "3D000":
			return fmt.Errorf("cannot open the database: %s", pe.Message)
		}
		return fmt.Errorf("cannot connect: %s (SQLSTATE %s)", pe.Message, pe.Code)
	}
	msg := scrub(err, dsn)
	switch {
	case strings.Contains(msg, "refused TLS") || strings.Contains(msg, "tls:"):
		return fmt.Errorf("cannot connect: TLS is required (sslmode) but the server does not offer it: %s", msg)
	case strings.Contains(msg, "unexpected EOF") || strings.Contains(msg, "unexpected message") ||
		strings.Contains(msg, "unexpected response") || strings.Contains(msg, "unknown authentication") ||
		strings.Contains(msg, "invalid") && !strings.Contains(msg, "password"):
		return fmt.Errorf("cannot connect: the server does not speak PostgreSQL's protocol: %s", msg)
	}
	return fmt.Errorf("%w: cannot connect: %s", ErrUnavailable, msg)
}

// scrub returns err's message with the password of dsn, if any, removed.
func scrub(err error, dsn string) string {
	msg := err.Error()
	if cfg, perr := pgconn.ParseConfig(dsn); perr == nil && cfg.Password != "" {
		msg = strings.ReplaceAll(msg, cfg.Password, "xxxxx")
	}
	if u, perr := url.Parse(dsn); perr == nil && u.User != nil {
		if p, ok := u.User.Password(); ok && p != "" {
			msg = strings.ReplaceAll(msg, p, "xxxxx")
		}
	}
	return msg
}

// init checks the schema (migrating it for writers) and reads the meta.
func (s *Store) init(ctx context.Context) error {
	if !s.o.ReadOnly {
		if _, _, err := migrate(ctx, s.pool, s.o.Retry, SchemaVersion); err != nil {
			return err
		}
		err := withRetry(ctx, s.o.Retry, func() error {
			_, err := s.pool.Exec(ctx, `INSERT INTO reprint_schema (one, version, format, meta) VALUES (true, $1, $2, $3)
				ON CONFLICT (one) DO UPDATE SET meta = EXCLUDED.meta WHERE reprint_schema.meta IS NULL`,
				SchemaVersion, Format, s.o.Meta)
			return err
		})
		if err != nil {
			return s.wrap(err)
		}
	}
	v, err := version(ctx, s.pool, s.o.Retry)
	if err != nil {
		return err
	}
	switch {
	case v == 0:
		return fmt.Errorf("%w: the database has no reprint schema (make one with reprint index migrate or index add)", backend.ErrNotIndex)
	case v > SchemaVersion:
		return newerErr(v)
	case v < SchemaVersion:
		return fmt.Errorf("%w: the database's schema is version %d, this reprint reads %d: run reprint index migrate", backend.ErrFormat, v, SchemaVersion)
	}
	var format string
	var meta []byte
	err = withRetry(ctx, s.o.Retry, func() error {
		return s.pool.QueryRow(ctx, `SELECT format, meta FROM reprint_schema WHERE one`).Scan(&format, &meta)
	})
	if errors.Is(err, pgx.ErrNoRows) || err == nil && meta == nil {
		return fmt.Errorf("%w: the database has the reprint schema but no index yet (reprint index add makes one)", backend.ErrNotIndex)
	}
	if err != nil {
		return s.wrap(err)
	}
	if format != Format {
		return fmt.Errorf("%w: the database holds %q, this reprint reads %q", backend.ErrFormat, format, Format)
	}
	s.meta = meta
	return nil
}

// Name returns the database URL without its password.
func (s *Store) Name() string { return s.name }

// Meta returns the index's meta.
func (s *Store) Meta() []byte { return s.meta }

// Close waits for a merge under way, then closes the connections.
func (s *Store) Close() error {
	s.bgMu.Lock()
	s.shut = true
	s.bgMu.Unlock()
	s.bg.Wait()
	s.pool.Close()
	return nil
}

// Compact merges the posting runs into one, dropping the postings of
// removed documents, then vacuums and analyses the index's tables in place
// (dst must be empty: a database is not copied into a file). It needs the
// tables' owner.
func (s *Store) Compact(dst string) error {
	if dst != "" {
		return fmt.Errorf("%w: compacting a database into a file", backend.ErrUnsupported)
	}
	ctx := context.Background()
	err := s.write(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		b.Queue(`SELECT `+mergeLock, mergeKey)
		queueLock(b)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		return mergeAll(ctx, tx)
	})
	if err != nil {
		return err
	}
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		_, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) reprint_documents, reprint_runs, reprint_blocks, reprint_filters, reprint_dead`)
		return err
	}))
}

// Put stores docs in one transaction, replacing those with the same ids,
// in three round trips: BEGIN with the lock, the retiring of the replaced
// documents, their numbers and the runs; the documents, through COPY; the
// run with the COMMIT. Then it starts a merge in the background.
func (s *Store) Put(ctx context.Context, docs []backend.Doc) error {
	last := make(map[string]int, len(docs))
	for i, d := range docs {
		if d.ID == "" {
			return errors.New("postgres: document has no id")
		}
		if strings.IndexByte(d.ID, 0) >= 0 {
			return fmt.Errorf("postgres: document id %q holds a NUL byte, which PostgreSQL text cannot", d.ID)
		}
		last[d.ID] = i
	}
	var ids []string
	var put []backend.Doc
	for i, d := range docs {
		if last[d.ID] == i {
			ids = append(ids, d.ID)
			put = append(put, d)
		}
	}
	if len(put) == 0 {
		return nil
	}
	err := s.writePipelined(ctx, func(tx conn, b *pgx.Batch) (*pgx.Batch, error) {
		// 1: retire the replaced documents, draw numbers, list the runs.
		var gone int64
		var nums []int64
		var runID int64
		var runs []run
		queueLock(b)
		queueRetire(b, ids, &gone)
		b.Queue(`SELECT array_agg(nextval('reprint_document_num')), nextval('reprint_run_num') FROM generate_series(1, $1)`, len(put)).
			QueryRow(func(row pgx.Row) error { return row.Scan(&nums, &runID) })
		queueRuns(b, &runs)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return nil, err
		}
		if len(nums) != len(put) {
			return nil, errors.New("postgres: the sequence gave too few numbers")
		}
		// Numbers are drawn under the writers' lock: each batch's follow
		// the last batch's, so that runs hold disjoint ranges.
		lo, hi := slices.Min(nums), slices.Max(nums)
		if lo < 1 || hi > math.MaxUint32 {
			return nil, errTooMany
		}
		n := 0
		for _, d := range put {
			n += len(d.Keys)
		}
		ps := make([]postings.Posting, 0, n)
		for i, d := range put {
			for _, k := range d.Keys {
				ps = append(ps, postings.Posting{Key: k, Doc: uint32(nums[i])})
			}
		}
		postings.Sort(ps)
		ps = slices.Compact(ps)

		// 2: merging is for the background (see mergeNewest), unless
		// there are too many runs and no merge is under way.
		k := 0
		if len(runs)+1 > maxRuns && len(ps) > 0 {
			var free bool
			if err := tx.QueryRow(ctx, `SELECT `+tryMergeLock, mergeKey).Scan(&free); err != nil {
				return nil, err
			}
			if free {
				k = toMerge(runs, len(ps))
			}
		}
		older := runs[len(runs)-k:]
		first := uint32(lo)
		if k > 0 {
			first = older[0].min
			dead := map[uint32]bool{}
			stored := make([][]postings.Posting, k)
			b = &pgx.Batch{}
			queueDead(b, first, uint32(hi), dead)
			queueRead(b, older, stored)
			if err := tx.SendBatch(ctx, b).Close(); err != nil {
				return nil, err
			}
			ps = merge(ps, stored, dead)
		}

		// 3: write the documents (through COPY: the rows stream in while
		// the server inserts them), then the run, and drop the merged runs.
		if err := copyDocs(ctx, tx, put, nums); err != nil {
			return nil, err
		}
		b = &pgx.Batch{}
		if k > 0 {
			ids := make([]int64, k)
			for i, r := range older {
				ids[i] = r.id
			}
			queueDrop(b, ids, first, uint32(hi))
		}
		if len(ps) > 0 {
			queueWrite(b, runID, ps, first, uint32(hi))
		}
		b.Queue(`UPDATE reprint_schema SET documents = documents + $1`, int64(len(put))-gone)
		return b, nil
	})
	if err == nil {
		s.kick()
	}
	return err
}

// queueLock queues taking the writers' lock, held to the end of the
// transaction.
func queueLock(b *pgx.Batch) { b.Queue(`SELECT pg_advisory_xact_lock($1)`, writerLock) }

// docColumns are the columns of reprint_documents that copyDocs fills.
var docColumns = []string{"num", "id", "record", "units", "words", "bytes", "anchors", "date"}

// copyDocs inserts docs, numbered nums, with COPY: one statement whose
// rows pgx encodes a buffer at a time while the server inserts them,
// rather than arrays of every value in one message.
func copyDocs(ctx context.Context, tx conn, docs []backend.Doc, nums []int64) error {
	row := make([]any, len(docColumns))
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"reprint_documents"}, docColumns,
		pgx.CopyFromSlice(len(docs), func(i int) ([]any, error) {
			d := &docs[i]
			var date *int64
			if d.HasDate {
				date = &d.Date
			}
			row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7] =
				nums[i], d.ID, d.Record, int32(d.Units), int32(d.Words), int32(d.Bytes), int32(len(d.Keys)), date
			return row, nil
		}))
	return err
}

// queueRetire queues removing the documents with the given ids, their
// numbers kept in reprint_dead until a merge drops their postings; *n
// gets how many there were.
func queueRetire(b *pgx.Batch, ids []string, n *int64) {
	b.Queue(`WITH gone AS (DELETE FROM reprint_documents WHERE id = ANY($1) RETURNING num, anchors)
		INSERT INTO reprint_dead (num, anchors) SELECT num, anchors FROM gone`, ids).Exec(func(ct pgconn.CommandTag) error {
		*n = ct.RowsAffected()
		return nil
	})
}

// Delete removes the documents with the given ids in one transaction.
func (s *Store) Delete(ctx context.Context, ids []string) (int, error) {
	var n int64
	err := s.write(ctx, func(tx pgx.Tx) error {
		b := &pgx.Batch{}
		queueLock(b)
		queueRetire(b, ids, &n)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE reprint_schema SET documents = documents - $1`, n)
		return err
	})
	return int(n), err
}

// conn is what a transaction's statements are sent through: a pgx.Tx, or
// the connection of writePipelined's.
type conn interface {
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	CopyFrom(ctx context.Context, table pgx.Identifier, columns []string, src pgx.CopyFromSource) (int64, error)
}

// writePipelined runs fn in a transaction whose BEGIN travels in the
// batch fn is given (fn queues its first statements on it and sends it)
// and whose COMMIT travels in the batch fn returns: two round trips fewer
// than a pgx.Tx, which sends each alone. With retries after a broken
// connection, as write.
func (s *Store) writePipelined(ctx context.Context, fn func(c conn, first *pgx.Batch) (last *pgx.Batch, err error)) error {
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		c, err := s.pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer c.Release() // closes the connection if still in the transaction
		err = func() error {
			first := &pgx.Batch{}
			first.Queue(`BEGIN`)
			last, err := fn(c.Conn(), first)
			if err != nil {
				return err
			}
			last.Queue(`COMMIT`).Exec(func(ct pgconn.CommandTag) error {
				if ct.String() != "COMMIT" {
					return fmt.Errorf("postgres: the batch's transaction ended in %s", ct)
				}
				return nil
			})
			return c.SendBatch(ctx, last).Close()
		}()
		if err != nil && c.Conn().PgConn().TxStatus() != 'I' && !c.Conn().IsClosed() {
			_, _ = c.Exec(ctx, `ROLLBACK`)
		}
		return err
	}))
}

// write runs fn in a transaction, which fn begins by taking the writers'
// lock, and commits it; with retries after a broken connection.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}))
}

// View runs fn in one REPEATABLE READ READ ONLY transaction.
func (s *Store) View(ctx context.Context, fn func(backend.Snapshot) error) error {
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		tx, err := s.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if err := fn(&view{ctx: ctx, tx: tx}); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}))
}

// Stats returns the index's statistics.
func (s *Store) Stats(ctx context.Context) (backend.Stats, error) {
	var st backend.Stats
	err := withRetry(ctx, s.o.Retry, func() error {
		var first, last *int64
		var runPostings int
		err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(units), 0), coalesce(sum(words), 0), coalesce(sum(bytes), 0),
			coalesce(sum(anchors), 0), count(date), min(date), max(date),
			(SELECT coalesce(sum(postings), 0) FROM reprint_runs), (SELECT count(*) FROM reprint_runs),
			pg_total_relation_size('reprint_documents') + pg_total_relation_size('reprint_runs') +
			pg_total_relation_size('reprint_blocks') + pg_total_relation_size('reprint_filters') + pg_total_relation_size('reprint_dead')
			FROM reprint_documents`).Scan(&st.Documents, &st.Units, &st.Words, &st.TextBytes, &st.Postings, &st.Dated, &first, &last,
			&runPostings, &st.Runs, &st.StoreBytes)
		if first != nil && last != nil {
			st.FirstDate, st.LastDate = *first, *last
		}
		st.DeadPostings = runPostings - st.Postings
		return err
	})
	return st, s.wrap(err)
}

// view is one read transaction.
type view struct {
	ctx context.Context
	tx  pgx.Tx
}

// Lookup finds the postings of keys in two round trips whatever their
// number: the runs, then every block that may hold a key (see runs.go).
func (v *view) Lookup(keys []uint32, hotCap int) (map[uint32][]backend.Num, int, error) {
	found, err := lookup(v.ctx, v.tx, keys)
	if err != nil {
		return nil, 0, err
	}
	hot := 0
	for k, nums := range found {
		slices.Sort(nums)
		if hotCap > 0 && len(nums) > hotCap {
			delete(found, k)
			hot++
		}
	}
	return found, hot, nil
}

// Records fetches the records of nums in one query.
func (v *view) Records(nums []backend.Num) (map[backend.Num][]byte, error) {
	out := make(map[backend.Num][]byte, len(nums))
	if len(nums) == 0 {
		return out, nil
	}
	q := make([]int64, len(nums))
	for i, n := range nums {
		q[i] = int64(n)
	}
	rows, err := v.tx.Query(v.ctx, `SELECT num, record FROM reprint_documents WHERE num = ANY($1)`, q)
	if err != nil {
		return nil, err
	}
	var num int64
	var rec []byte
	_, err = pgx.ForEachRow(rows, []any{&num, &rec}, func() error {
		out[backend.Num(num)] = slices.Clone(rec)
		return nil
	})
	return out, err
}

// Record fetches the record of one id.
func (v *view) Record(id string) ([]byte, bool, error) {
	var rec []byte
	err := v.tx.QueryRow(v.ctx, `SELECT record FROM reprint_documents WHERE id = $1`, id).Scan(&rec)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, false, nil
	}
	return rec, err == nil, err
}

// IDs lists the ids, sorted bytewise as bbolt does.
func (v *view) IDs() ([]string, error) {
	rows, err := v.tx.Query(v.ctx, `SELECT id FROM reprint_documents`)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	slices.Sort(ids)
	return ids, err
}

// Len counts the documents in the snapshot.
func (v *view) Len() (int, error) {
	var n int
	err := v.tx.QueryRow(v.ctx, `SELECT documents FROM reprint_schema WHERE one`).Scan(&n)
	return n, err
}

// wrap marks connection failures with ErrUnavailable and keeps the rest.
// After a connection failure the pool's idle connections are as likely
// broken (a restarted server closed them all): they are closed, so that
// the next use dials anew instead of failing on one of them.
func (s *Store) wrap(err error) error {
	if unavailable(err) {
		s.pool.Reset()
	}
	return wrapErr(err)
}

func wrapErr(err error) error {
	if err == nil || errors.Is(err, ErrUnavailable) {
		return err
	}
	if unavailable(err) {
		return fmt.Errorf("%w: the connection broke (the server restarted or the network failed; --retry N tries again): %v", ErrUnavailable, err)
	}
	return err
}

// unavailable says whether err is a broken or refused connection (worth
// a retry) rather than an answer from the server.
func unavailable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, ErrUnavailable) {
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// Class 08: connection exceptions; 57P01-57P03: the server shutting
		// down, crashed or starting up.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03"
	}
	var ne net.Error
	var ce *pgconn.ConnectError
	return errors.As(err, &ne) || errors.As(err, &ce) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "unexpected EOF")
}

// withRetry runs fn, and again up to retry times while it fails with a
// connection error, waiting longer each time.
func withRetry(ctx context.Context, retry int, fn func() error) error {
	wait := 500 * time.Millisecond
	for attempt := 0; ; attempt++ {
		err := fn()
		if err == nil || attempt >= retry || !unavailable(err) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
		wait = min(2*wait, 8*time.Second)
	}
}
