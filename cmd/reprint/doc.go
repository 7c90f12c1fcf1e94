// Command reprint finds recycled text between articles and guesses where it
// came from. See the README, or run reprint --help.
//
// Usage:
//
//	reprint report  [flags] PATH...          duplicate report over files, dirs, JSONL, -
//	reprint compare [flags] A B              two documents side by side
//	reprint index   add|stats|remove|compact --index FILE [PATH...]
//	reprint audit   --against INDEX|PATH... [flags] PATH...
//	reprint version
//
// Results go to standard output (or -o FILE), progress and logs to
// standard error. The flags of every command may also come from
// .reprint.yaml, found by walking up from the working directory (or
// --config FILE); flags given on the command line win.
//
// # Exit codes
//
//	0  clean (for audit: no article violates the policy, or --exit-zero)
//	1  findings at or above the audit policy (audit only)
//	2  usage or configuration error: an unknown flag or key, a bad value,
//	   a missing argument, a file that is not an index or a baseline
//	3  runtime or I/O error, including inputs that could not be read (the
//	   report is still written, with the problems in its "errors")
package main
