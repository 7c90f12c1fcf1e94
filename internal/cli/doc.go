// Package cli is the reprint command line: flags, configuration, wiring and
// exit codes. main calls Run; tests call it in-process with their own
// standard streams.
//
// # Exit codes
//
//	0  clean (for audit: no finding at or above the policy), input
//	   warnings included: an input repaired or harmlessly skipped (an
//	   empty file, repaired UTF-8, stray control bytes, an unparsable or
//	   future date, files of unknown formats skipped)
//	1  findings at or above the audit policy (audit only)
//	2  usage or configuration error, or no document at all in the arguments
//	3  an input lost (missing, unreadable, a malformed JSON line, a
//	   duplicate id) or a runtime error: the report is still written, with
//	   the problems in its "errors"; with --strict, any input warning too
package cli
