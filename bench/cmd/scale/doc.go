// Command scale measures reprint at archive scale: for each corpus size it
// generates a synthetic corpus with planted copies (package
// github.com/reprint-dev/reprint/bench/scale) into a temporary directory,
// runs `reprint report --format json --stats` on it as a child process and
// prints one markdown table row: text size, wall time, CPU time (user+sys,
// and sys alone) and peak resident memory from the child's rusage, the
// spill bytes of its --stats lines, the planted copies its matches find,
// and the time per article.
//
//	go run ./bench/cmd/scale                                  # archive 10k, 100k, 300k
//	go run ./bench/cmd/scale -n 10000,30000 -max-memory 1GiB
//	go run ./bench/cmd/scale -shape nearboiler -n 2000 -timeout 3m
//	go run ./bench/cmd/scale -shape longline -size 50MB
//	go run ./bench/cmd/scale -binary ./reprint-old -n 10k -- --threshold 0.5
//
// It builds ./cmd/reprint of the checkout it runs in (go build) unless
// -binary names one. A binary that does not know --stats, --max-memory or
// --tmp-dir (read from `reprint report --help`) runs without them, and
// its spill is printed "-". Spill bytes are the largest spill_bytes=N of
// the stderr lines that start "reprint: stats:" (logfmt). Flags after --
// go to reprint unchanged.
//
// A planted copy is found when one match of the report's "matches" covers
// at least half of its span in the copy document and overlaps its span in
// the source document (scale.Finds); the table gives found / planted
// rather than a precision, and the number of matches. For the archive it
// then prints the ratio of the time per article at the largest size to
// that at the smallest (the "cost linear" target: within 1.3×),
// in wall time and in CPU time (steadier on a shared machine).
// For nearboiler and boiler the row gives instead the number of clusters
// and the report's limits.boilerplate entries with their document counts,
// and the recall of the real planted copies only; for longline, peak
// resident memory over the text size.
//
// A run that passes -timeout (default 10m) or whose resident memory
// passes -rss-limit (default 14GiB, read from /proc on Linux) is killed
// and its row says so. Corpora, reports and the child's stderr are deleted
// after each run unless -keep. Sizes are in GB of 10⁹ bytes and MB of 10⁶.
//
// # Exit codes
//
//	0  every run finished
//	1  a run failed, timed out or was killed (its row says which)
//	2  usage error
//	3  the harness failed (build, disk)
package main
