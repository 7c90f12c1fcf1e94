// Package postgres keeps a reprint index in a PostgreSQL database through
// github.com/jackc/pgx/v5, for many writers and readers on many machines:
// an ingest job adds the wire as it arrives while CI jobs audit against it.
//
// # Schema
//
// Four objects, made and migrated by Migrate (and by Open for writing):
// reprint_schema (the schema version and the index's meta),
// reprint_documents (one row a document: its number, id, compressed
// record and counters), reprint_anchors (one row an anchor posting, keyed
// for set-based lookup) and the sequence reprint_document_num. They live in
// the connection's search_path (choose a schema with
// options=-csearch_path%3Dwire in the URL).
//
// # Concurrency and durability
//
// A Put is one transaction: readers see all of it or nothing, a writer
// killed mid-batch leaves nothing of it. Writers serialise per batch on a
// transaction-scoped advisory lock, so that two writers re-adding one id
// end with one copy, the last committed. A View is one REPEATABLE READ
// READ ONLY transaction: one snapshot, never blocked by writers.
//
// All SQL is parameterised: ids and texts never reach the SQL text.
package postgres

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/reprint-dev/reprint/index/internal/backend"
)

// SchemaVersion is the version of the database schema this package
// reads and writes.
const SchemaVersion = 1

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
}

// writerLock is the advisory lock key writers hold per batch, and
// migrateLock the one Migrate holds: "reprint" and "reprint migrate" in
// ASCII, arbitrary but fixed.
const (
	writerLock  int64 = 0x7265707269_6e74
	migrateLock int64 = 0x7265707269_6d67
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
		if _, _, err := migrate(ctx, s.pool, s.o.Retry); err != nil {
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

func newerErr(v int) error {
	return fmt.Errorf("%w: the database's schema is version %d, newer than this reprint's %d: upgrade reprint (the index was migrated by a newer version)", backend.ErrFormat, v, SchemaVersion)
}

// Migrate makes or upgrades the schema of the database at dsn and returns
// its version before and after.
func Migrate(ctx context.Context, dsn string, o Options) (from, to int, err error) {
	pool, err := connect(ctx, dsn, o)
	if err != nil {
		return 0, 0, err
	}
	defer pool.Close()
	return migrate(ctx, pool, o.Retry)
}

// migrations[i] takes the schema from version i to i+1.
var migrations = []string{
	`CREATE TABLE reprint_schema (
		one     boolean PRIMARY KEY DEFAULT true CHECK (one),
		version integer NOT NULL,
		format  text    NOT NULL,
		meta    bytea,
		documents bigint NOT NULL DEFAULT 0
	);
	CREATE SEQUENCE reprint_document_num AS bigint;
	CREATE TABLE reprint_documents (
		num     bigint  PRIMARY KEY,
		id      text    NOT NULL UNIQUE,
		record  bytea   NOT NULL,
		units   integer NOT NULL,
		words   integer NOT NULL,
		bytes   integer NOT NULL,
		anchors integer NOT NULL,
		keys    bytea   NOT NULL,
		date    bigint
	);
	CREATE TABLE reprint_anchors (
		key integer NOT NULL,
		num bigint  NOT NULL
	);
	CREATE INDEX reprint_anchors_key ON reprint_anchors (key, num);`,
}

// migrate applies the migrations the database lacks, under an advisory
// lock so that concurrent first adds migrate once.
func migrate(ctx context.Context, pool *pgxpool.Pool, retry int) (from, to int, err error) {
	err = withRetry(ctx, retry, func() error {
		conn, err := pool.Acquire(ctx)
		if err != nil {
			return err
		}
		defer conn.Release()
		tx, err := conn.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrateLock); err != nil {
			return err
		}
		from, err = versionOf(ctx, tx)
		if err != nil {
			return err
		}
		if from > SchemaVersion {
			return newerErr(from)
		}
		for v := from; v < SchemaVersion; v++ {
			if _, err := tx.Exec(ctx, migrations[v]); err != nil {
				return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
			}
		}
		if from != SchemaVersion && from > 0 {
			if _, err := tx.Exec(ctx, `UPDATE reprint_schema SET version = $1`, SchemaVersion); err != nil {
				return err
			}
		}
		if from == 0 {
			if _, err := tx.Exec(ctx, `INSERT INTO reprint_schema (one, version, format) VALUES (true, $1, $2)`, SchemaVersion, Format); err != nil {
				return err
			}
		}
		return tx.Commit(ctx)
	})
	if err != nil {
		if errors.Is(err, backend.ErrFormat) {
			return from, from, err
		}
		return from, from, wrapErr(err)
	}
	return from, SchemaVersion, nil
}

type querier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// versionOf returns the schema version, 0 when there is no schema.
func versionOf(ctx context.Context, q querier) (int, error) {
	var present bool
	if err := q.QueryRow(ctx, `SELECT to_regclass('reprint_schema') IS NOT NULL`).Scan(&present); err != nil {
		return 0, err
	}
	if !present {
		return 0, nil
	}
	var v int
	err := q.QueryRow(ctx, `SELECT version FROM reprint_schema WHERE one`).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, nil
	}
	return v, err
}

func version(ctx context.Context, pool *pgxpool.Pool, retry int) (int, error) {
	var v int
	err := withRetry(ctx, retry, func() error {
		var err error
		v, err = versionOf(ctx, pool)
		return err
	})
	return v, wrapErr(err)
}

// Name returns the database URL without its password.
func (s *Store) Name() string { return s.name }

// Meta returns the index's meta.
func (s *Store) Meta() []byte { return s.meta }

// Close closes the connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

// Compact vacuums and analyses the index's tables in place (dst must be
// empty: a database is not copied into a file). It needs the tables'
// owner.
func (s *Store) Compact(dst string) error {
	if dst != "" {
		return fmt.Errorf("%w: compacting a database into a file", backend.ErrUnsupported)
	}
	ctx := context.Background()
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		_, err := s.pool.Exec(ctx, `VACUUM (ANALYZE) reprint_documents, reprint_anchors`)
		return err
	}))
}

// Put stores docs in one transaction, replacing those with the same ids.
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
	return s.write(ctx, func(tx pgx.Tx) error {
		gone, err := deleteIDs(ctx, tx, ids)
		if err != nil {
			return err
		}
		nums := make([]int64, 0, len(put))
		rows, err := tx.Query(ctx, `SELECT nextval('reprint_document_num') FROM generate_series(1, $1)`, len(put))
		if err != nil {
			return err
		}
		for rows.Next() {
			var n int64
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return err
			}
			nums = append(nums, n)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(nums) != len(put) {
			return errors.New("postgres: the sequence gave too few numbers")
		}
		docRows := make([][]any, len(put))
		nAnchors := 0
		for i, d := range put {
			var date any
			if d.HasDate {
				date = d.Date
			}
			docRows[i] = []any{nums[i], d.ID, d.Record, d.Units, d.Words, d.Bytes, len(d.Keys), encodeKeys(d.Keys), date}
			nAnchors += len(d.Keys)
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reprint_documents"},
			[]string{"num", "id", "record", "units", "words", "bytes", "anchors", "keys", "date"}, pgx.CopyFromRows(docRows)); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reprint_anchors"}, []string{"key", "num"}, newAnchorSource(put, nums, nAnchors)); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE reprint_schema SET documents = documents + $1`, len(put)-gone)
		return err
	})
}

// write runs fn in a write transaction that holds the writers' lock, and
// commits it; with retries after a broken connection.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	return s.wrap(withRetry(ctx, s.o.Retry, func() error {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return err
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writerLock); err != nil {
			return err
		}
		if err := fn(tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	}))
}

// anchorSource feeds COPY the (key, num) rows of a batch in key order:
// the index on key then takes them page by page, not at random.
type anchorSource struct {
	rows []uint64 // key<<32 | position in nums
	nums []int64
	i    int
	row  [2]any
}

func newAnchorSource(docs []backend.Doc, nums []int64, n int) *anchorSource {
	rows := make([]uint64, 0, n)
	for i, d := range docs {
		for _, k := range d.Keys {
			rows = append(rows, uint64(k)<<32|uint64(i))
		}
	}
	slices.Sort(rows)
	return &anchorSource{rows: rows, nums: nums, i: -1}
}

func (a *anchorSource) Next() bool {
	a.i++
	return a.i < len(a.rows)
}

func (a *anchorSource) Values() ([]any, error) {
	r := a.rows[a.i]
	a.row[0], a.row[1] = int32(uint32(r>>32)), a.nums[uint32(r)]
	return a.row[:], nil
}

func (a *anchorSource) Err() error { return nil }

// encodeKeys delta-codes a document's sorted anchor keys, kept with it so
// that removing it deletes its postings through the index on key.
func encodeKeys(keys []uint32) []byte {
	b := make([]byte, 0, 2*len(keys))
	prev := uint32(0)
	for _, k := range keys {
		b = binary.AppendUvarint(b, uint64(k-prev))
		prev = k
	}
	return b
}

func decodeKeys(b []byte) ([]uint32, error) {
	var keys []uint32
	prev := uint32(0)
	for len(b) > 0 {
		d, n := binary.Uvarint(b)
		if n <= 0 || d > 1<<32-1 {
			return nil, fmt.Errorf("%w: bad anchor keys", backend.ErrCorrupt)
		}
		prev += uint32(d)
		keys = append(keys, prev)
		b = b[n:]
	}
	return keys, nil
}

// deleteIDs removes the documents with the given ids and their postings,
// and returns how many there were.
func deleteIDs(ctx context.Context, tx pgx.Tx, ids []string) (int, error) {
	rows, err := tx.Query(ctx, `DELETE FROM reprint_documents WHERE id = ANY($1) RETURNING num, keys`, ids)
	if err != nil {
		return 0, err
	}
	var keys []int32
	var nums []int64
	gone := 0
	var num int64
	var enc []byte
	_, err = pgx.ForEachRow(rows, []any{&num, &enc}, func() error {
		gone++
		ks, err := decodeKeys(enc)
		for _, k := range ks {
			keys = append(keys, int32(k))
			nums = append(nums, num)
		}
		return err
	})
	if err != nil || len(keys) == 0 {
		return gone, err
	}
	_, err = tx.Exec(ctx, `DELETE FROM reprint_anchors a USING unnest($1::integer[], $2::bigint[]) AS g(key, num)
		WHERE a.key = g.key AND a.num = g.num`, keys, nums)
	return gone, err
}

// Delete removes the documents with the given ids in one transaction.
func (s *Store) Delete(ctx context.Context, ids []string) (int, error) {
	var n int
	err := s.write(ctx, func(tx pgx.Tx) error {
		var err error
		if n, err = deleteIDs(ctx, tx, ids); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE reprint_schema SET documents = documents - $1`, n)
		return err
	})
	return n, err
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
		err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(units), 0), coalesce(sum(words), 0), coalesce(sum(bytes), 0),
			coalesce(sum(anchors), 0), count(date), min(date), max(date),
			pg_total_relation_size('reprint_documents') + pg_total_relation_size('reprint_anchors')
			FROM reprint_documents`).Scan(&st.Documents, &st.Units, &st.Words, &st.TextBytes, &st.Postings, &st.Dated, &first, &last, &st.StoreBytes)
		if first != nil && last != nil {
			st.FirstDate, st.LastDate = *first, *last
		}
		return err
	})
	return st, s.wrap(err)
}

// view is one read transaction.
type view struct {
	ctx context.Context
	tx  pgx.Tx
}

// Lookup finds the postings of keys in one query (= ANY over the index on
// key): one round trip for a whole audit.
func (v *view) Lookup(keys []uint32, hotCap int) (map[uint32][]backend.Num, int, error) {
	found := make(map[uint32][]backend.Num)
	if len(keys) == 0 {
		return found, 0, nil
	}
	q := make([]int32, len(keys))
	for i, k := range keys {
		q[i] = int32(k)
	}
	rows, err := v.tx.Query(v.ctx, `SELECT key, num FROM reprint_anchors WHERE key = ANY($1)`, q)
	if err != nil {
		return nil, 0, err
	}
	var key int32
	var num int64
	_, err = pgx.ForEachRow(rows, []any{&key, &num}, func() error {
		found[uint32(key)] = append(found[uint32(key)], backend.Num(num))
		return nil
	})
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
func (s *Store) wrap(err error) error { return wrapErr(err) }

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
