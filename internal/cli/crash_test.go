package cli_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
	"github.com/reprint-dev/reprint/internal/pgtest"
)

var crashIterations = flag.Int("crash-iterations", 0, "kills of reprint index add in TestIndexAddSurvivesKills (default 20, or $REPRINT_CRASH_ITERATIONS)")

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// reprintBinary builds cmd/reprint once per test run.
func reprintBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "reprint-bin-*")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "reprint")
		out, err := exec.Command("go", "build", "-o", binPath, "github.com/reprint-dev/reprint/cmd/reprint").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// crashCorpus returns n documents: the dev corpus's first stories when it
// is there, else generated text.
func crashCorpus(n int) []map[string]string {
	var docs []map[string]string
	if f, err := os.Open("../../../shared/corpora/reuters21578-dev.jsonl"); err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 1<<24)
		for sc.Scan() && len(docs) < n {
			var d map[string]string
			if json.Unmarshal(sc.Bytes(), &d) == nil {
				docs = append(docs, map[string]string{"id": d["id"], "text": d["text"], "source": d["source"]})
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	words := strings.Fields("wheat corn prices rose fell said the company on monday tuesday shares market bank rates trade deficit government official")
	for len(docs) < n {
		w := make([]string, 80+rng.IntN(200))
		for i := range w {
			w[i] = words[rng.IntN(len(words))]
		}
		docs = append(docs, map[string]string{"id": fmt.Sprintf("gen-%d", len(docs)), "text": strings.Join(w, " ") + "."})
	}
	return docs
}

// TestIndexAddSurvivesKills runs the real `reprint index add` over a
// corpus, kills it with SIGKILL at random moments, and checks after each
// kill that the index opens, that `reprint index stats` works, and that
// every document the process reported committed is stored byte for byte
// (or a later version of it, committed just before the kill).
// It runs on a bbolt file (20 kills) and on PostgreSQL (30 kills), where
// it also checks that no batch is stored in part and no id twice.
func TestIndexAddSurvivesKills(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the reprint binary")
	}
	for _, be := range []string{"bolt", "postgres"} {
		t.Run(be, func(t *testing.T) {
			iterations := 20
			if be == "postgres" {
				iterations = 30
			}
			if n, err := strconv.Atoi(os.Getenv("REPRINT_CRASH_ITERATIONS")); err == nil && n > 0 {
				iterations = n
			}
			if *crashIterations > 0 {
				iterations = *crashIterations
			}
			indexPath := filepath.Join(t.TempDir(), "crash.db")
			if be == "postgres" {
				indexPath = pgtest.URL(t)
			}
			testAddSurvivesKills(t, indexPath, iterations)
		})
	}
}

func testAddSurvivesKills(t *testing.T, indexPath string, iterations int) {
	bin := reprintBinary(t)
	dir := t.TempDir()
	base := crashCorpus(1500)
	const batch = 50

	// Version v of the corpus: every text ends with " (version v)", so
	// that re-adding an id replaces its text and the check can tell which
	// version is stored.
	versionText := func(i, v int) string { return base[i]["text"] + fmt.Sprintf(" (version %d)", v) }
	writeVersion := func(v int) string {
		path := filepath.Join(dir, fmt.Sprintf("corpus-%d.jsonl", v))
		f, err := os.Create(path)
		require.NoError(t, err)
		w := bufio.NewWriter(f)
		enc := json.NewEncoder(w)
		for i, d := range base {
			require.NoError(t, enc.Encode(map[string]string{"id": d["id"], "text": versionText(i, v), "source": d["source"]}))
		}
		require.NoError(t, w.Flush())
		require.NoError(t, f.Close())
		return path
	}
	pos := map[string]int{}
	for i, d := range base {
		pos[d["id"]] = i
	}

	var lastStderr bytes.Buffer
	run := func(corpus string, kill time.Duration) (committed []string, killed bool) {
		cmd := exec.Command(bin, "index", "add", "--index", indexPath, "--batch-size", fmt.Sprint(batch), "--list-committed", corpus)
		cmd.Env = append(os.Environ(), "CI=true")
		lastStderr.Reset()
		cmd.Stderr = &lastStderr
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		done := make(chan []string)
		go func() {
			var ids []string
			r := bufio.NewReader(out)
			for {
				line, err := r.ReadString('\n')
				if err != nil {
					break // a line cut by the kill is not a reported commit
				}
				ids = append(ids, strings.TrimSuffix(line, "\n"))
			}
			done <- ids
		}()
		timer := time.AfterFunc(kill, func() { _ = cmd.Process.Kill() })
		ids := <-done
		_ = cmd.Wait()
		timer.Stop()
		ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
		return ids, ws.Signaled()
	}

	// A first, full run measures how long a run takes.
	start := time.Now()
	ids, killed := run(writeVersion(0), time.Hour)
	require.False(t, killed)
	require.Len(t, ids, len(base), "the first run: %s", lastStderr.String())
	full := time.Since(start)
	latest := map[string]int{} // id → latest version reported committed
	for _, id := range ids {
		latest[id] = 0
	}

	rng := rand.New(rand.NewPCG(42, uint64(iterations)))
	kills := 0
	for it := 1; it <= iterations; it++ {
		corpus := writeVersion(it)
		ids, killed := run(corpus, time.Duration(rng.Int64N(int64(full))))
		if killed {
			kills++
		}
		for _, id := range ids {
			if _, ok := pos[id]; ok {
				latest[id] = it
			}
		}
		out, err := exec.Command(bin, "index", "stats", "--index", indexPath, "--format", "json").CombinedOutput()
		require.NoError(t, err, "iteration %d: stats after the kill: %s", it, out)
		var st index.Stats
		require.NoError(t, json.Unmarshal(out, &st), "iteration %d", it)
		require.Equal(t, len(base), st.Documents, "iteration %d: documents", it)

		ix, err := index.Open(context.Background(), indexPath, index.Options{ReadOnly: true, Timeout: 10 * time.Second})
		require.NoError(t, err, "iteration %d", it)
		stored := make([]int, len(base)) // document → version stored
		for id, v := range latest {
			d, ok, err := ix.Document(context.Background(), id)
			require.NoError(t, err)
			require.True(t, ok, "iteration %d: %s lost", it, id)
			// The stored version is the one reported, or a later one
			// committed before the kill but not yet printed.
			found := false
			for w := v; w <= it && !found; w++ {
				found = d.Text == versionText(pos[id], w)
				stored[pos[id]] = w
			}
			require.True(t, found, "iteration %d: %s holds neither version %d nor a later one", it, id, v)
		}
		// No batch in part: the documents of one batch hold one version.
		for b := 0; b < len(base); b += batch {
			for i := b; i < min(b+batch, len(base)); i++ {
				require.Equal(t, stored[b], stored[i], "iteration %d: batch %d stored in part", it, b/batch)
			}
		}
		if index.IsDatabase(indexPath) {
			require.Equal(t, len(base), pgtest.QueryInt(t, indexPath, "SELECT count(*) FROM reprint_documents"), "iteration %d: no id twice", it)
			// Every posting belongs to a stored or a retired document, and
			// each has all its postings (no batch's runs in part).
			require.Zero(t, pgtest.QueryInt(t, indexPath, `SELECT (SELECT coalesce(sum(postings), 0) FROM reprint_runs)
				- (SELECT coalesce(sum(anchors), 0) FROM reprint_documents) - (SELECT coalesce(sum(anchors), 0) FROM reprint_dead)`),
				"iteration %d: postings without their document", it)
			require.Zero(t, pgtest.QueryInt(t, indexPath, "SELECT count(*) FROM reprint_dead JOIN reprint_documents USING (num)"),
				"iteration %d: a retired document stored", it)
		}
		rep, err := audit.Run(context.Background(), ix, []reprint.Document{{ID: "probe", Text: versionText(0, 0)}}, audit.DefaultPolicy())
		require.NoError(t, err)
		require.NotEmpty(t, rep.Articles[0].Findings, "iteration %d: the index still finds its documents", it)
		require.NoError(t, ix.Close())
	}
	t.Logf("%d iterations, %d killed mid-run (the others finished first); no committed document lost", iterations, kills)
	assert.Positive(t, kills)
}
