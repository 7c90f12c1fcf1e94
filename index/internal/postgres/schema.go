package postgres

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/reprint-dev/reprint/index/internal/backend"
	"github.com/reprint-dev/reprint/index/internal/postings"
)

// SchemaVersion is the version of the database schema this package
// reads and writes.
const SchemaVersion = 2

// A migration takes the schema from one version to the next: SQL, then
// Go for what SQL cannot do, in the migrating transaction.
type migration struct {
	sql  string
	then func(ctx context.Context, tx pgx.Tx) error
}

// migrations[i] takes the schema from version i to i+1. A new database
// runs them all.
var migrations = []migration{
	// 1: one row a posting, under a B-tree on (key, num).
	{sql: `CREATE TABLE reprint_schema (
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
	CREATE INDEX reprint_anchors_key ON reprint_anchors (key, num);`},
	// 2: postings in sorted runs of blocks, each with a filter of its keys
	// (see runs.go). The records are
	// zstd-compressed already: stored as they are, never run through
	// pglz. Blocks up to a page stay in their row.
	{sql: `CREATE SEQUENCE reprint_run_num AS bigint;
	CREATE TABLE reprint_runs (
		run      bigint  PRIMARY KEY,
		bits     integer NOT NULL,
		postings bigint  NOT NULL,
		min_num  bigint  NOT NULL,
		max_num  bigint  NOT NULL
	);
	CREATE TABLE reprint_blocks (
		run    bigint  NOT NULL,
		prefix integer NOT NULL,
		data   bytea   NOT NULL,
		PRIMARY KEY (run, prefix)
	) WITH (toast_tuple_target = 8160);
	CREATE TABLE reprint_filters (
		run    bigint  NOT NULL,
		prefix integer NOT NULL,
		filter bytea   NOT NULL,
		PRIMARY KEY (run, prefix)
	) WITH (toast_tuple_target = 8160);
	ALTER TABLE reprint_filters ALTER COLUMN filter SET STORAGE EXTERNAL;
	ALTER TABLE reprint_blocks ALTER COLUMN data SET STORAGE EXTERNAL;
	CREATE TABLE reprint_dead (
		num     bigint  PRIMARY KEY,
		anchors integer NOT NULL
	);
	ALTER TABLE reprint_documents DROP COLUMN keys;
	ALTER TABLE reprint_documents ALTER COLUMN record SET STORAGE EXTERNAL;`,
		then: anchorsToRun},
}

// anchorsToRun moves the postings of a version 1 schema, one row each,
// into one run, and drops their table.
func anchorsToRun(ctx context.Context, tx pgx.Tx) error {
	rows, err := tx.Query(ctx, `SELECT key, num FROM reprint_anchors`)
	if err != nil {
		return err
	}
	var ps []postings.Posting
	var key int32
	var num int64
	_, err = pgx.ForEachRow(rows, []any{&key, &num}, func() error {
		if num < 0 || num > math.MaxUint32 {
			return fmt.Errorf("document number %d out of range", num)
		}
		ps = append(ps, postings.Posting{Key: uint32(key), Doc: uint32(num)})
		return nil
	})
	if err != nil {
		return err
	}
	if len(ps) > 0 {
		var lo, hi int64
		if err := tx.QueryRow(ctx, `SELECT min(num), max(num) FROM reprint_documents`).Scan(&lo, &hi); err != nil {
			return err
		}
		postings.Sort(ps)
		if err := writeRun(ctx, tx, ps, uint32(lo), uint32(hi)); err != nil {
			return err
		}
	}
	_, err = tx.Exec(ctx, `DROP TABLE reprint_anchors`)
	return err
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
	return migrate(ctx, pool, o.Retry, SchemaVersion)
}

// migrate applies the migrations the database lacks up to version
// target, in one transaction under an advisory lock, so that concurrent
// first adds migrate once.
func migrate(ctx context.Context, pool *pgxpool.Pool, retry, target int) (from, to int, err error) {
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
		if from > 0 && from < target {
			// A writer of the old schema finishes its batch first.
			if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, writerLock); err != nil {
				return err
			}
		}
		for v := from; v < target; v++ {
			m := migrations[v]
			if _, err := tx.Exec(ctx, m.sql); err != nil {
				return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
			}
			if m.then != nil {
				if err := m.then(ctx, tx); err != nil {
					return fmt.Errorf("migrating the schema to version %d: %w", v+1, err)
				}
			}
		}
		switch {
		case from == 0:
			if _, err := tx.Exec(ctx, `INSERT INTO reprint_schema (one, version, format) VALUES (true, $1, $2)`, target, Format); err != nil {
				return err
			}
		case from < target:
			if _, err := tx.Exec(ctx, `UPDATE reprint_schema SET version = $1`, target); err != nil {
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
	return from, max(from, target), nil
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
