// Command reprint finds recycled text between articles and guesses where it
// came from. See the README, or run reprint --help.
//
// Usage:
//
//	reprint report  [flags] PATH...
//	reprint compare [flags] A B
//	reprint index   add|stats|remove|compact --index FILE|URL [PATH...|ID...]
//	reprint audit   --against INDEX|PATH... [flags] PATH...
//	reprint version
//
// Results go to standard output (or -o FILE), messages and progress to
// standard error. The flags of every command may also come from
// .reprint.yaml, found by walking up from the working directory (or
// --config FILE); flags given on the command line win.
//
// # Exit codes
//
//	0  clean (for audit: no finding at or above the policy), input
//	   warnings included: an input repaired or harmlessly skipped (an
//	   empty file, repaired UTF-8, stray control bytes, an unparsable or
//	   future date, files of unknown formats skipped)
//	1  findings at or above the audit policy (audit only; --exit-zero
//	   turns it off)
//	2  usage or configuration error, or no document at all in the arguments
//	3  an input lost (missing, unreadable, a malformed JSON line, a
//	   duplicate id) or a runtime error: the report is still written;
//	   with --strict, any input warning too
package main
