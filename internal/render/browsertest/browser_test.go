package browsertest

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/cli"
)

var update = flag.Bool("update", false, "write the seeds report's screenshot to docs/report.png")

// chromiumPath is where Debian's chromium package puts the browser.
const chromiumPath = "/usr/bin/chromium"

// browser is a headless Chromium tab that records the requests the page
// makes and the dialogs it opens.
type browser struct {
	ctx      context.Context
	mu       sync.Mutex
	requests []string
	dialogs  []string
}

// newBrowser starts Chromium with a fresh profile, offline-friendly flags
// (no background networking, component updates, sync or QUIC), and the
// tab's listeners; the test's cleanup stops it.
func newBrowser(t *testing.T) *browser {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Skipf("browser test skipped: %s not found (install Debian's chromium package to run it)", chromiumPath)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
	})
	b := &browser{ctx: ctx}
	dialogs := make(chan struct{}, 8)
	// The first Run starts the browser; it must not have a timeout.
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			b.mu.Lock()
			b.requests = append(b.requests, ev.Request.URL)
			b.mu.Unlock()
		case *page.EventJavascriptDialogOpening:
			b.mu.Lock()
			b.dialogs = append(b.dialogs, string(ev.Type)+": "+ev.Message)
			b.mu.Unlock()
			select {
			case dialogs <- struct{}{}:
			default:
			}
		}
	}))
	// A dialog blocks the page: dismiss it (the test fails on it anyway).
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-dialogs:
				_ = chromedp.Do(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
					_, err := cdp.Call(ctx, t, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false})
					return err
				}))
			}
		}
	}()
	return b
}

// open loads a file in the tab, waits for its load event and returns how
// long that took.
func (b *browser) open(t *testing.T, path string) time.Duration {
	t.Helper()
	return b.openURL(t, fileURL(path))
}

func (b *browser) openURL(t *testing.T, u string) time.Duration {
	t.Helper()
	start := time.Now()
	ctx, cancel := context.WithTimeout(b.ctx, 60*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(u)))
	return time.Since(start)
}

// eval evaluates a JavaScript expression in the page.
func eval[T any](t *testing.T, b *browser, expr string) T {
	t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	require.NoError(t, err, expr)
	return v
}

// timings returns what the page saw of its last load, in milliseconds
// from navigation: "dcl" (DOMContentLoaded), "load" (the load event) and
// "fcp" (first contentful paint, -1 when none), and "nodes", its number
// of elements.
func timings(t *testing.T, b *browser) map[string]float64 {
	t.Helper()
	return eval[map[string]float64](t, b, `(() => {
		const n = performance.getEntriesByType("navigation")[0];
		const p = performance.getEntriesByName("first-contentful-paint")[0];
		return {dcl: n.domContentLoadedEventEnd - n.startTime, load: n.loadEventEnd - n.startTime, fcp: p ? p.startTime : -1, nodes: document.getElementsByTagName("*").length};
	})()`)
}

// offPage returns the requests that were not for the page's own file.
func (b *browser) offPage(self string) []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	for _, r := range b.requests {
		if r != self && !strings.HasPrefix(r, self+"#") && !strings.HasPrefix(r, "data:") {
			out = append(out, r)
		}
	}
	return out
}

func fileURL(path string) string {
	abs, _ := filepath.Abs(path)
	return (&url.URL{Scheme: "file", Path: abs}).String()
}

// report writes the HTML report of paths with the CLI, in-process.
func report(t *testing.T, out string, paths ...string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args := append([]string{"report", "--config", os.DevNull, "--format", "html", "-o", out}, paths...)
	code := cli.Run(context.Background(), args, nil, &stdout, &stderr)
	require.Equal(t, cli.ExitClean, code, "reprint %s: %s", strings.Join(args, " "), stderr.String())
}

// root is the module's root directory.
func root(t *testing.T) string {
	dir, err := os.Getwd()
	require.NoError(t, err)
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		require.NotEqual(t, parent, dir, "go.mod not found")
		dir = parent
	}
}

// TestSeedsReport opens the seed articles' report: the clusters render
// with their copies and diffs, the links to the full texts resolve, and the
// page asks for nothing but itself. It saves a screenshot in the test's
// temporary directory (and, with -update, in docs/report.png).
func TestSeedsReport(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "report.html")
	report(t, out, filepath.Join(root(t), "testdata", "seeds"))

	b.open(t, out)
	assert.Empty(t, b.offPage(fileURL(out)), "requests beyond the page itself")

	cards := eval[int](t, b, `document.querySelectorAll("article.card").length`)
	assert.GreaterOrEqual(t, cards, 5, "clusters rendered")
	h := eval[float64](t, b, `document.querySelector("article.card").getBoundingClientRect().height`)
	assert.Greater(t, h, 100.0, "the first cluster card has a height: it is laid out")
	assert.Equal(t, "c1", eval[string](t, b, `document.querySelector("article.card h3").textContent`))
	assert.GreaterOrEqual(t, eval[int](t, b, `document.querySelectorAll("article.card del, article.card ins").length`), 2, "edits are marked")
	assert.Equal(t, 5, eval[int](t, b, `document.querySelectorAll("table.matrix tbody tr").length`), "a 5 × 5 reuse matrix")
	// Every link inside the page leads to an element of the page.
	broken := eval[[]string](t, b, `Array.from(document.querySelectorAll('a[href^="#"]')).map(a => a.getAttribute("href").slice(1)).filter(id => id && !document.getElementById(id))`)
	assert.Empty(t, broken, "links to missing anchors")
	// Following a passage's link shows it in its document.
	b.openURL(t, fileURL(out)+"#k1-1-at")
	assert.Eventually(t, func() bool {
		return eval[bool](t, b, `(() => { const r = document.getElementById("k1-1-at").nextElementSibling.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight })()`)
	}, 3*time.Second, 100*time.Millisecond, "the passage is scrolled into view")
	assert.Equal(t, 0, eval[int](t, b, `document.scripts.length`))

	// The screenshot: the top of the report at a laptop's width.
	b.open(t, out)
	ctx, cancel := context.WithTimeout(b.ctx, 30*time.Second)
	defer cancel()
	require.NoError(t, chromedp.Do(ctx, chromedp.EmulateViewport(1280, 2200)))
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")), "a PNG")
	shot := filepath.Join(dir, "report.png")
	require.NoError(t, os.WriteFile(shot, png, 0o644))
	t.Logf("screenshot: %s (%d bytes)", shot, len(png))
	if *update {
		dst := filepath.Join(root(t), "docs", "report.png")
		require.NoError(t, os.MkdirAll(filepath.Dir(dst), 0o755))
		require.NoError(t, os.WriteFile(dst, png, 0o644))
		t.Logf("wrote %s", dst)
	}
}

// TestHostileArticle reports on articles whose text, title and id carry
// markup and script: they must show as text, and nothing may run.
func TestHostileArticle(t *testing.T) {
	b := newBrowser(t)
	dir := t.TempDir()
	seeds := filepath.Join(root(t), "testdata", "seeds")
	recycled := "I don’t see that the president is picking a fight with the mayor of London"
	files := map[string]string{
		"evil.md": "---\ntitle: \"<img src=x onerror=alert(2)>\"\nurl: \"javascript:alert(3)\"\n---\n" +
			"Breaking: <script>alert(1)</script> officials said \"" + recycled + "\" on Monday.\n",
		"<svg onload=alert(5)>.txt": "A second copy: " + recycled + ", a spokesman said <b>loudly</b>.\n",
	}
	for name, text := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	out := filepath.Join(t.TempDir(), "hostile.html")
	report(t, out, seeds, dir)

	b.open(t, out)
	// textContent has every section; innerText only what is laid out, so
	// scroll the hostile article's full text into view first.
	all := eval[string](t, b, `document.body.textContent`)
	assert.Contains(t, all, "<script>alert(1)</script>", "the article's markup is text")
	eval[bool](t, b, `(() => { const h = Array.from(document.querySelectorAll("article.doc h3")).find(h => h.textContent === "evil.md"); h.closest("article").scrollIntoView(); return true })()`)
	time.Sleep(300 * time.Millisecond) // let content-visibility render it
	shown := eval[string](t, b, `Array.from(document.querySelectorAll("article.doc h3")).find(h => h.textContent === "evil.md").closest("article").innerText`)
	assert.Contains(t, shown, "<script>alert(1)</script>", "the article's markup shows as text")
	assert.Contains(t, shown, "<img src=x onerror=alert(2)>", "the title shows as text")
	body := eval[string](t, b, `document.body.textContent`)
	assert.Contains(t, body, "<svg onload=alert(5)>.txt", "the file name is text")
	assert.Equal(t, 0, eval[int](t, b, `document.querySelectorAll("[onload], [onerror], [onclick]").length`), "no element carries a handler")
	assert.Equal(t, 0, eval[int](t, b, `document.scripts.length`), "no script element")
	assert.Equal(t, 0, eval[int](t, b, `document.querySelectorAll("img, iframe, object, embed").length`))
	assert.Equal(t, 0, eval[int](t, b, `document.querySelectorAll('a[href^="javascript:"]').length`))
	// textContent, not innerText: cards off screen are not laid out
	// (content-visibility: auto), and innerText of an element not laid
	// out can be empty, depending on timing.
	assert.Contains(t, eval[string](t, b, `Array.from(document.querySelectorAll("article.card")).map(c => c.textContent).join("\n")`), "evil.md",
		"the hostile article is in a cluster")
	// Give any timer or handler a moment to fire.
	time.Sleep(300 * time.Millisecond)
	b.mu.Lock()
	assert.Empty(t, b.dialogs, "dialogs opened")
	b.mu.Unlock()
	assert.Empty(t, b.offPage(fileURL(out)), "requests beyond the page itself")
}

// TestDevCorpusReport measures the HTML report of the 10,000-story dev
// corpus (../shared/corpora beside the work tree; skipped without it, and
// with -short): its size must stay under 20 MB, it must load with no
// request beyond itself, and the test logs how long Chromium took (a
// figure, not an assertion: the machines are shared and noisy).
func TestDevCorpusReport(t *testing.T) {
	if testing.Short() {
		t.Skip("dev corpus report skipped in -short mode")
	}
	corpus := filepath.Join(root(t), "..", "shared", "corpora", "reuters21578-dev.jsonl")
	if _, err := os.Stat(corpus); err != nil {
		t.Skipf("dev corpus report skipped: %s not found", corpus)
	}
	b := newBrowser(t)
	out := filepath.Join(t.TempDir(), "dev.html")
	start := time.Now()
	report(t, out, corpus)
	made := time.Since(start)
	st, err := os.Stat(out)
	require.NoError(t, err)

	// Warm the browser up on an empty page, so that the figure is the
	// report's load and not Chromium's start.
	blank := filepath.Join(t.TempDir(), "blank.html")
	require.NoError(t, os.WriteFile(blank, []byte("<!DOCTYPE html><title>blank</title>"), 0o644))
	b.open(t, blank)
	b.mu.Lock()
	b.requests = nil
	b.mu.Unlock()

	load := b.open(t, out)
	nav := timings(t, b)
	cards := eval[int](t, b, `document.querySelectorAll("article.card").length`)
	mb := float64(st.Size()) / (1 << 20)
	t.Logf("dev corpus HTML: %.1f MB (%s bytes), written in %.1fs; Chromium load %.2fs (DOMContentLoaded %.0f ms, load event %.0f ms, first paint %.0f ms); %d cluster cards",
		mb, fmt.Sprint(st.Size()), made.Seconds(), load.Seconds(), nav["dcl"], nav["load"], nav["fcp"], cards)
	assert.Less(t, st.Size(), int64(20<<20), "the report stays under 20 MB")
	assert.Empty(t, b.offPage(fileURL(out)), "requests beyond the page itself")
	assert.Greater(t, cards, 1000)
}
