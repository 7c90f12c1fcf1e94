// Package browsertest opens reprint's HTML report in a real browser:
// headless Chromium driven by chromedp. Its tests check that the clusters
// render, that the page makes no request beyond its own file, that hostile
// article text shows as text and runs nothing, and they measure how large
// the dev corpus's report is and how long it takes to open.
//
// The tests skip when /usr/bin/chromium (Debian's chromium package) is
// absent. With -update, the seeds report's screenshot is written to
// docs/report.png for the README:
//
//	go test ./internal/render/browsertest -update
//
// TestLoadTime times any other HTML files (relative to the module root)
// in the same browser:
//
//	go test ./internal/render/browsertest -run TestLoadTime -v -loadtime report.html
//
// The package has no non-test code; this file is its documentation.
package browsertest
