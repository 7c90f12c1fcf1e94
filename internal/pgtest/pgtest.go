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
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the test server's URL; EnvData and
// EnvBin name its data directory and binaries, for restarts.
const (
	EnvURL  = "REPRINT_TEST_POSTGRES"
	EnvData = "REPRINT_TEST_PGDATA"
	EnvBin  = "REPRINT_TEST_PGBIN"
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

// Exec runs SQL statements on the database at u.
func Exec(tb testing.TB, u string, stmts ...string) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			tb.Fatalf("pgtest: %s: %v", s, err)
		}
	}
}

// QueryInt runs a query returning one integer.
func QueryInt(tb testing.TB, u, sql string, args ...any) int {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		tb.Fatalf("pgtest: %v", err)
	}
	defer conn.Close(ctx)
	var n int
	if err := conn.QueryRow(ctx, sql, args...).Scan(&n); err != nil {
		tb.Fatalf("pgtest: %s: %v", sql, err)
	}
	return n
}

// PgCtl runs pg_ctl on the test server with args (for example "restart",
// "-m", "immediate"), as the data directory's owner. It skips (fails, in
// CI) when the server's directory is unknown.
func PgCtl(tb testing.TB, args ...string) {
	tb.Helper()
	data, bin := os.Getenv(EnvData), os.Getenv(EnvBin)
	if data == "" || bin == "" {
		unavailable(tb, EnvData+" and "+EnvBin+" are not set: the server cannot be restarted")
	}
	// -l: a server started with our pipe as its output would hold it open.
	argv := append([]string{bin + "/pg_ctl", "-D", data, "-w", "-l", data + "/server.log"}, args...)
	if fi, err := os.Stat(data); err == nil && os.Geteuid() == 0 {
		if st, ok := fi.Sys().(*syscall.Stat_t); ok && st.Uid != 0 {
			argv = append([]string{"runuser", "-u", "postgres", "--"}, argv...)
		}
	}
	out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput()
	if err != nil {
		tb.Fatalf("pgtest: %s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}
