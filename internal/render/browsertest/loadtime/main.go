// Command loadtime measures how long headless Chromium takes to open HTML
// files, such as reprint's reports: the size of each file, then the time
// from navigation to the load event (the median of -runs loads in a warm
// browser), with DOMContentLoaded and first contentful paint as the page
// saw them.
//
//	go run ./internal/render/browsertest/loadtime report.html
package main

import (
	"context"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/chromedp/chromedp"
)

func main() {
	chromium := flag.String("chromium", "/usr/bin/chromium", "the browser to drive")
	runs := flag.Int("runs", 3, "loads per file; the median is reported")
	flag.Usage = func() {
		fmt.Fprintln(os.Stderr, "usage: loadtime [-chromium PATH] [-runs N] FILE.html...")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 || *runs < 1 {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*chromium, *runs, flag.Args()); err != nil {
		fmt.Fprintln(os.Stderr, "loadtime:", err)
		os.Exit(1)
	}
}

func run(chromium string, runs int, files []string) error {
	profile, err := os.MkdirTemp("", "loadtime-profile-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(profile)
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true), chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile), chromedp.WindowSize(1280, 1000),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancelAlloc()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil { // start the browser
		return err
	}
	for _, f := range files {
		abs, err := filepath.Abs(f)
		if err != nil {
			return err
		}
		st, err := os.Stat(abs)
		if err != nil {
			return err
		}
		u := (&url.URL{Scheme: "file", Path: abs}).String()
		var loads []time.Duration
		var nav map[string]float64
		for range runs {
			if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
				return err
			}
			start := time.Now()
			if err := chromedp.Do(ctx, chromedp.Navigate(u)); err != nil {
				return fmt.Errorf("%s: %w", f, err)
			}
			loads = append(loads, time.Since(start))
			nav, err = chromedp.Run(ctx, chromedp.Evaluate[map[string]float64](`(() => {
				const n = performance.getEntriesByType("navigation")[0];
				const p = performance.getEntriesByName("first-contentful-paint")[0];
				return {dcl: n.domContentLoadedEventEnd - n.startTime, load: n.loadEventEnd - n.startTime, fcp: p ? p.startTime : -1, nodes: document.getElementsByTagName("*").length};
			})()`))
			if err != nil {
				return err
			}
		}
		slices.Sort(loads)
		fmt.Printf("%s: %.1f MB, load %.2f s (median of %d; DOMContentLoaded %.0f ms, load event %.0f ms, first paint %.0f ms, %.0f elements)\n",
			f, float64(st.Size())/(1<<20), loads[len(loads)/2].Seconds(), runs, nav["dcl"], nav["load"], nav["fcp"], nav["nodes"])
	}
	return nil
}
