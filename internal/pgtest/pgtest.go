// Package pgtest gives tests a PostgreSQL database: the server named by
// $REPRINT_TEST_POSTGRES (.ci/postgres starts one), a fresh schema per
// test. Without it the tests skip, with a message; with CI or
// REPRINT_REQUIRE_POSTGRES set they fail instead, so that CI never passes
// by skipping them.
package pgtest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the test server's URL; EnvBin names
// the directory of its binaries, with which Private starts a cluster.
const (
	EnvURL = "REPRINT_TEST_POSTGRES"
	EnvBin = "REPRINT_TEST_PGBIN"
)

// Required says whether a missing server fails the test rather than
// skipping it.
func Required() bool {
	return os.Getenv("REPRINT_REQUIRE_POSTGRES") != "" || os.Getenv("CI") != ""
}

// Server returns the test server's URL, or skips (fails, in CI) when
// there is none or it does not answer.
func Server(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		unavailable(tb, EnvURL+" is not set (eval \"$(.ci/postgres start)\" starts a server)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		unavailable(tb, fmt.Sprintf("%s does not answer: %v", EnvURL, err))
	}
	conn.Close(ctx)
	return u
}

func unavailable(tb testing.TB, why string) {
	tb.Helper()
	if Required() {
		tb.Fatalf("PostgreSQL tests must run here (CI or REPRINT_REQUIRE_POSTGRES is set): %s", why)
	}
	tb.Skipf("no PostgreSQL: %s", why)
}

// URL returns the URL of a fresh, empty schema on the test server (set as
// the connection's search_path), dropped when the test ends.
func URL(tb testing.TB) string {
	tb.Helper()
	base := Server(tb)
	schema := fmt.Sprintf("t_%d_%08x", os.Getpid(), rand.Uint32())
	Exec(tb, base, "CREATE SCHEMA "+schema)
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if conn, err := pgx.Connect(ctx, base); err == nil {
			_, _ = conn.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE")
			conn.Close(ctx)
		}
	})
	return WithSchema(base, schema)
}

// WithSchema returns base with its search_path set to schema.
func WithSchema(base, schema string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	q := u.Query()
	q.Set("options", "-csearch_path="+schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// connect connects to u for one minute's work; close closes it.
func connect(tb testing.TB, u string) (ctx context.Context, conn *pgx.Conn, close func()) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		cancel()
		tb.Fatalf("pgtest: %v", err)
	}
	return ctx, conn, func() { conn.Close(ctx); cancel() }
}

// Exec runs SQL statements on the database at u.
func Exec(tb testing.TB, u string, stmts ...string) {
	tb.Helper()
	ctx, conn, close := connect(tb, u)
	defer close()
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			tb.Fatalf("pgtest: %s: %v", s, err)
		}
	}
}

// QueryInt runs a query returning one integer.
func QueryInt(tb testing.TB, u, sql string, args ...any) int {
	tb.Helper()
	ctx, conn, close := connect(tb, u)
	defer close()
	var n int
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		tb.Fatalf("pgtest: %s: %v", sql, err)
	}
	return n
}

// Private starts a cluster of the test's own, on another port, for tests
// that restart the server (the shared one serves tests of other packages
// running at the same time), and returns its URL and a function that runs
// pg_ctl on it with args (for example "restart", "-m", "immediate"). The
// cluster is stopped and removed when the test ends. It skips (fails, in
// CI) when the shared server's binaries are unknown.
func Private(tb testing.TB) (url string, pgctl func(args ...string)) {
	tb.Helper()
	Server(tb)
	bin := os.Getenv(EnvBin)
	if bin == "" {
		unavailable(tb, EnvBin+" is not set: no binaries to start a server with")
	}
	dir, err := os.MkdirTemp("", "reprint-pgtest-")
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { os.RemoveAll(dir) })
	asOwner := func(argv ...string) []string { return argv }
	if os.Geteuid() == 0 {
		// initdb refuses root: the cluster belongs to postgres.
		if out, err := exec.Command("chown", "postgres:", dir).CombinedOutput(); err != nil {
			tb.Fatalf("pgtest: chown: %v: %s", err, out)
		}
		asOwner = func(argv ...string) []string { return append([]string{"runuser", "-u", "postgres", "--"}, argv...) }
	}
	run := func(argv ...string) {
		tb.Helper()
		argv = asOwner(argv...)
		if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
			tb.Fatalf("pgtest: %s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	data := dir + "/data"
	port := 20000 + rand.IntN(20000)
	run(bin+"/initdb", "-D", data, "-A", "trust", "-U", "postgres")
	// -l: a server started with our pipe as its output would hold it open.
	pgctl = func(args ...string) {
		tb.Helper()
		run(append([]string{bin + "/pg_ctl", "-D", data, "-w", "-l", data + "/server.log"}, args...)...)
	}
	pgctl("-o", fmt.Sprintf("-c listen_addresses=127.0.0.1 -p %d -k %s", port, data), "start")
	tb.Cleanup(func() { pgctl("-m", "immediate", "stop") })
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), pgctl
}
