package index_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/index/internal/postgres"
	"github.com/reprint-dev/reprint/internal/pgtest"
	"github.com/reprint-dev/reprint/minhash"
)

// A backend under test: new returns the location of a fresh, empty index.
type backendCase struct {
	name       string
	new        func(t *testing.T) string
	persistent bool // reopening the location finds the documents
}

func backends() []backendCase {
	return []backendCase{
		{"bolt", func(t *testing.T) string { return filepath.Join(t.TempDir(), "ref.db") }, true},
		{"postgres", func(t *testing.T) string { return pgtest.URL(t) }, true},
		{"memory", func(*testing.T) string { return "" }, false},
	}
}

// The same cases on every backend: each must behave exactly as the others.
func TestBackends(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name string
		run  func(t *testing.T, loc string, reopen func(index.Options) *index.Index)
	}{
		{"documents come back byte-identical", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			seeds := readSeeds(t)
			seeds[0].Source, seeds[0].Title, seeds[0].URL = "Reuters", "Khan", "https://example.com/a"
			seeds[1].Date = reprint.Date{Time: time.Date(2017, 6, 9, 14, 5, 0, 0, time.FixedZone("", 3600)), Granularity: reprint.GranularityMinute, HasZone: true}
			ix := reopen(index.Options{BatchSize: 2})
			require.NoError(t, ix.Add(ctx, seeds...))
			ids, err := ix.IDs(ctx)
			require.NoError(t, err)
			require.Len(t, ids, 5)
			assert.IsIncreasing(t, ids)
			for _, s := range seeds {
				d, ok, err := ix.Document(ctx, s.ID)
				require.NoError(t, err)
				require.True(t, ok, s.ID)
				assert.Equal(t, s.Text, d.Text)
				assert.Equal(t, s.Title, d.Title)
				assert.True(t, s.Date.Time.Equal(d.Date.Time))
			}
			_, ok, err := ix.Document(ctx, "missing")
			require.NoError(t, err)
			assert.False(t, ok)
			st, err := ix.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 5, st.Documents)
			assert.Positive(t, st.Anchors)
			assert.Positive(t, st.Passages)
			dated := 0
			for _, s := range seeds {
				if !s.Date.IsZero() {
					dated++
				}
			}
			assert.Equal(t, dated, st.Dated)
		}},
		{"re-add replaces and remove deletes", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			ix := reopen(index.Options{})
			docs := synthetic(40, 5)
			require.NoError(t, ix.Add(ctx, docs...))
			again := docs[3]
			again.Text = "A wholly new text replaces the old one, word for word different."
			require.NoError(t, ix.Add(ctx, again, again))
			d, ok, err := ix.Document(ctx, again.ID)
			require.NoError(t, err)
			require.True(t, ok)
			assert.Equal(t, again.Text, d.Text)
			n, err := ix.Remove(ctx, docs[0].ID, docs[1].ID, "missing")
			require.NoError(t, err)
			assert.Equal(t, 2, n)
			st, err := ix.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 38, st.Documents)
			// The replaced text's old passages are no longer found.
			rep, err := audit.Run(ctx, ix, []reprint.Document{{ID: "probe", Text: docs[3].Text}}, audit.DefaultPolicy())
			require.NoError(t, err)
			for _, f := range rep.Articles[0].Findings {
				assert.NotEqual(t, docs[3].ID, f.Reference.ID)
				assert.NotEqual(t, docs[0].ID, f.Reference.ID)
			}
		}},
		{"other params are refused", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			if loc == "" {
				t.Skip("an index in memory is never reopened")
			}
			ix := reopen(index.Options{})
			require.NoError(t, ix.Add(ctx, readSeeds(t)[:1]...))
			require.NoError(t, ix.Close())
			p := minhash.DefaultParams()
			p.Seed++
			_, err := index.Open(ctx, loc, index.Options{Params: p})
			assert.ErrorIs(t, err, minhash.ErrParamsMismatch)
			_, err = index.Open(ctx, loc, index.Options{VerifyShingle: 7})
			assert.ErrorIs(t, err, minhash.ErrParamsMismatch)
			ro, err := index.Open(ctx, loc, index.Options{ReadOnly: true})
			require.NoError(t, err)
			defer ro.Close()
			st, err := ro.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 1, st.Documents)
		}},
		{"hostile ids and texts are data, never SQL", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			ix := reopen(index.Options{})
			hostile := []string{
				"'; DROP TABLE reprint_documents; --",
				"x'); DELETE FROM reprint_blocks; --",
				`"quoted" \backslash\ $1 $$dollar$$ %s %%`,
				"reprint_schema'::regclass",
				"ünïcødé — “quotes” 🙂",
			}
			var docs []reprint.Document
			for i, id := range hostile {
				docs = append(docs, reprint.Document{ID: id, Source: id, Title: id,
					Text: fmt.Sprintf("Robert'); DROP TABLE students;-- said %d times that the \\x00 quote ' and \" and E'\\\\' all stay text in the index for good.", i)})
			}
			require.NoError(t, ix.Add(ctx, docs...))
			for _, d := range docs {
				got, ok, err := ix.Document(ctx, d.ID)
				require.NoError(t, err)
				require.True(t, ok, d.ID)
				assert.Equal(t, d.Text, got.Text)
				assert.Equal(t, d.Source, got.Source)
			}
			rep, err := audit.Run(ctx, ix, []reprint.Document{{ID: hostile[0] + "probe", Text: docs[2].Text}}, audit.DefaultPolicy())
			require.NoError(t, err)
			require.NotEmpty(t, rep.Articles[0].Findings)
			n, err := ix.Remove(ctx, hostile...)
			require.NoError(t, err)
			assert.Equal(t, len(hostile), n)
			st, err := ix.Stats(ctx)
			require.NoError(t, err)
			assert.Zero(t, st.Documents)
		}},
		{"batches commit whole and are reported", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			var batches [][]string
			ix := reopen(index.Options{BatchSize: 7, OnCommit: func(ids []string) { batches = append(batches, ids) }})
			docs := synthetic(30, 8)
			require.NoError(t, ix.Add(ctx, docs...))
			require.Len(t, batches, 5)
			assert.Len(t, batches[4], 2)
			cctx, cancel := context.WithCancel(ctx)
			cancel()
			assert.Error(t, ix.Add(cctx, synthetic(3, 9)...))
			st, err := ix.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 30, st.Documents)
		}},
		{"concurrent adds and audits", func(t *testing.T, loc string, reopen func(index.Options) *index.Index) {
			docs := synthetic(200, 17)
			ix := reopen(index.Options{BatchSize: 20})
			require.NoError(t, ix.Add(ctx, docs[:60]...))
			done := make(chan error, 1)
			go func() { done <- ix.Add(ctx, docs[60:]...) }()
			for range 4 {
				rep, err := audit.Run(ctx, ix, docs[150:160], audit.DefaultPolicy())
				require.NoError(t, err)
				require.Len(t, rep.Articles, 10)
				assert.Zero(t, rep.Reference.Documents%20, "a snapshot sees whole batches: %d documents", rep.Reference.Documents)
			}
			require.NoError(t, <-done)
			st, err := ix.Stats(ctx)
			require.NoError(t, err)
			assert.Equal(t, 200, st.Documents)
		}},
	}
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					loc := be.new(t)
					var opened []*index.Index
					t.Cleanup(func() {
						for _, ix := range opened {
							ix.Close()
						}
					})
					c.run(t, loc, func(o index.Options) *index.Index {
						ix, err := index.Open(ctx, loc, o)
						require.NoError(t, err)
						opened = append(opened, ix)
						return ix
					})
				})
			}
		})
	}
}

// Every backend finds the same things: the same audit, finding for
// finding, on a corpus with copies between its documents.
func TestBackendsFindTheSame(t *testing.T) {
	ctx := context.Background()
	docs := synthetic(400, 21)
	refs, targets := docs[:300], docs[300:]
	var want []audit.Article
	for _, be := range backends() {
		t.Run(be.name, func(t *testing.T) {
			ix, err := index.Open(ctx, be.new(t), index.Options{BatchSize: 64})
			require.NoError(t, err)
			defer ix.Close()
			require.NoError(t, ix.Add(ctx, refs...))
			rep, err := audit.Run(ctx, ix, targets, audit.DefaultPolicy())
			require.NoError(t, err)
			if want == nil {
				want = rep.Articles
				n := 0
				for _, a := range want {
					n += len(a.Findings)
				}
				require.Positive(t, n)
				return
			}
			assert.Equal(t, want, rep.Articles)
		})
	}
}

// Writers in several processes serialise per batch: two writers re-adding
// the same ids end with one copy of each, the last committed.
func TestPostgresWritersLastCommitWins(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)
	docs := synthetic(60, 3)
	var wg sync.WaitGroup
	errs := make([]error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ix, err := index.Open(ctx, loc, index.Options{BatchSize: 10})
			if err != nil {
				errs[w] = err
				return
			}
			defer ix.Close()
			mine := make([]reprint.Document, len(docs))
			for i, d := range docs {
				d.Title = fmt.Sprintf("writer %d", w)
				mine[i] = d
			}
			for range 3 {
				if err := ix.Add(ctx, mine...); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	require.NoError(t, errors.Join(errs...))
	assert.Equal(t, 60, pgtest.QueryInt(t, loc, "SELECT count(*) FROM reprint_documents"))
	assert.Equal(t, 60, pgtest.QueryInt(t, loc, "SELECT count(DISTINCT id) FROM reprint_documents"))
	assert.NoError(t, postgres.Check(ctx, loc), "the postings of replaced documents are retired with them")
}

func TestPostgresSchema(t *testing.T) {
	ctx := context.Background()
	loc := pgtest.URL(t)

	_, err := index.Open(ctx, loc, index.Options{ReadOnly: true})
	require.ErrorIs(t, err, index.ErrNotIndex, "a reader never creates the schema")
	assert.Contains(t, err.Error(), "migrate")

	from, to, err := index.Migrate(ctx, loc, index.Options{})
	require.NoError(t, err)
	assert.Equal(t, [2]int{0, postgres.SchemaVersion}, [2]int{from, to})
	from, to, err = index.Migrate(ctx, loc, index.Options{})
	require.NoError(t, err)
	assert.Equal(t, [2]int{postgres.SchemaVersion, postgres.SchemaVersion}, [2]int{from, to}, "migrating twice changes nothing")
	_, err = index.Open(ctx, loc, index.Options{ReadOnly: true})
	require.ErrorIs(t, err, index.ErrNotIndex, "a schema without an index")

	ix, err := index.Open(ctx, loc, index.Options{})
	require.NoError(t, err)
	require.NoError(t, ix.Add(ctx, readSeeds(t)...))
	require.NoError(t, ix.Close())

	pgtest.Exec(t, loc, "UPDATE reprint_schema SET version = 99")
	for _, ro := range []bool{true, false} {
		_, err = index.Open(ctx, loc, index.Options{ReadOnly: ro})
		require.ErrorIs(t, err, index.ErrFormat)
		assert.Contains(t, err.Error(), fmt.Sprintf("version 99, newer than this reprint's %d", postgres.SchemaVersion))
	}
	_, _, err = index.Migrate(ctx, loc, index.Options{})
	require.ErrorIs(t, err, index.ErrFormat)
}

// The connection string's password appears in no error.
func TestPostgresConnectErrors(t *testing.T) {
	ctx := context.Background()
	base := pgtest.Server(t)
	host := strings.SplitN(strings.SplitN(base, "@", 2)[1], "/", 2)[0]
	cases := map[string]struct{ url, want string }{
		"wrong password":   {"postgres://reprint_secret:hunter2-wrong@" + host + "/reprint_test?sslmode=disable", "password authentication failed"},
		"missing database": {"postgres://postgres:hunter2-wrong@" + host + "/no_such_db?sslmode=disable", `database "no_such_db" does not exist`},
		"TLS required":     {"postgres://postgres:hunter2-wrong@" + host + "/reprint_test?sslmode=require", "TLS is required"},
		"nobody listening": {"postgres://postgres:hunter2-wrong@127.0.0.1:1/reprint_test?sslmode=disable&connect_timeout=5", "cannot connect"},
	}
	// A server that is not PostgreSQL: it answers like a web server.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_, _ = c.Write([]byte("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"))
			c.Close()
		}
	}()
	cases["not PostgreSQL"] = struct{ url, want string }{"postgres://postgres:hunter2-wrong@" + ln.Addr().String() + "/reprint_test?sslmode=disable", "does not speak PostgreSQL"}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := index.Open(ctx, c.url, index.Options{ReadOnly: true, Timeout: 5 * time.Second})
			require.Error(t, err)
			t.Log(err)
			assert.Contains(t, err.Error(), c.want)
			assert.NotContains(t, err.Error(), "hunter2")
		})
	}
	ix, err := index.Open(ctx, "postgres://reprint_secret:correct-horse@"+host+"/reprint_test?sslmode=disable", index.Options{ReadOnly: true})
	if err == nil {
		ix.Close()
	}
	assert.ErrorIs(t, err, index.ErrNotIndex, "the right password logs in")
	assert.NotContains(t, err.Error(), "correct-horse")
}

// The server restarted (pg_ctl restart -m immediate) while a snapshot is
// open, as during an audit: without retries a clear error, with them the
// snapshot is read again, whole. A restart between operations is
// survived either way (the pool replaces dead connections).
func TestPostgresRestartDuringAudit(t *testing.T) {
	ctx := context.Background()
	loc, pgctl := pgtest.Private(t)
	docs := synthetic(100, 4)
	for _, retry := range []int{0, 5} {
		t.Run(fmt.Sprint("retry ", retry), func(t *testing.T) {
			ix, err := index.Open(ctx, loc, index.Options{Retry: retry})
			require.NoError(t, err)
			defer ix.Close()
			require.NoError(t, ix.Add(ctx, docs...))
			keys := index.QueryKeys([]uint64{1 << 40, 2 << 40})
			runs := 0
			err = ix.View(ctx, func(v *index.Snapshot) error {
				runs++
				if runs == 1 {
					pgctl("restart", "-m", "immediate")
				}
				if _, _, err := v.Lookup(keys); err != nil {
					return err
				}
				n, err := v.Len()
				if err == nil && n != 100 {
					return fmt.Errorf("snapshot of %d documents", n)
				}
				return err
			})
			if retry == 0 {
				require.Error(t, err)
				assert.True(t, index.IsUnavailable(err), "%v", err)
				assert.Contains(t, err.Error(), "database unavailable")
				t.Log(err)
				assert.Equal(t, 1, runs)
			} else {
				require.NoError(t, err)
				assert.Equal(t, 2, runs)
			}
			// The next audit runs on fresh connections.
			rep, err := audit.Run(ctx, ix, docs[:5], audit.DefaultPolicy())
			require.NoError(t, err)
			assert.Equal(t, 100, rep.Reference.Documents)
		})
	}
}

// The README's least-privilege setup works: an owner migrates, an ingest
// role adds and removes, an audit role reads and can write nothing.
func TestPostgresLeastPrivilegeRoles(t *testing.T) {
	ctx := context.Background()
	base := pgtest.Server(t)
	suffix := fmt.Sprintf("%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
	owner, ingest, auditor, schema := "rp_owner_"+suffix, "rp_ingest_"+suffix, "rp_audit_"+suffix, "rp_wire_"+suffix
	pgtest.Exec(t, base,
		"CREATE ROLE "+owner+" LOGIN", "CREATE ROLE "+ingest+" LOGIN", "CREATE ROLE "+auditor+" LOGIN",
		"CREATE SCHEMA "+schema+" AUTHORIZATION "+owner,
		"GRANT USAGE ON SCHEMA "+schema+" TO "+ingest+", "+auditor)
	t.Cleanup(func() {
		pgtest.Exec(t, base, "DROP SCHEMA "+schema+" CASCADE",
			"DROP ROLE "+owner, "DROP ROLE "+ingest, "DROP ROLE "+auditor)
	})
	as := func(role string) string {
		return pgtest.WithSchema(strings.Replace(base, "postgres://postgres@", "postgres://"+role+"@", 1), schema)
	}
	_, _, err := index.Migrate(ctx, as(owner), index.Options{})
	require.NoError(t, err)
	var tables []string
	for _, t := range []string{"reprint_schema", "reprint_documents", "reprint_runs", "reprint_blocks", "reprint_filters", "reprint_dead"} {
		tables = append(tables, schema+"."+t)
	}
	pgtest.Exec(t, as(owner),
		"GRANT SELECT, INSERT, UPDATE, DELETE ON "+strings.Join(tables, ", ")+" TO "+ingest,
		"GRANT USAGE ON SEQUENCE "+schema+".reprint_document_num, "+schema+".reprint_run_num TO "+ingest,
		"GRANT SELECT ON "+strings.Join(tables, ", ")+" TO "+auditor)

	w, err := index.Open(ctx, as(ingest), index.Options{})
	require.NoError(t, err, "the ingest role adds")
	docs := synthetic(50, 12)
	require.NoError(t, w.Add(ctx, docs...))
	_, err = w.Remove(ctx, docs[0].ID)
	require.NoError(t, err)
	require.NoError(t, w.Close())

	r, err := index.Open(ctx, as(auditor), index.Options{ReadOnly: true})
	require.NoError(t, err, "the audit role reads")
	defer r.Close()
	rep, err := audit.Run(ctx, r, docs[40:], audit.DefaultPolicy())
	require.NoError(t, err)
	assert.Equal(t, 49, rep.Reference.Documents)
	_, err = r.Stats(ctx)
	require.NoError(t, err)
	_, err = index.Open(ctx, as(auditor), index.Options{})
	require.Error(t, err, "the audit role cannot open for writing")
	assert.Contains(t, err.Error(), "permission denied")
}
