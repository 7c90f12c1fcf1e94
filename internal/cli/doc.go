// Package cli is the reprint command line: flags, configuration, wiring and
// exit codes. main calls Run; tests call it in-process with their own
// standard streams.
//
// # Exit codes
//
//	0  clean (for audit: no finding at or above the policy)
//	1  findings at or above the audit policy (audit only)
//	2  usage or configuration error
//	3  runtime or I/O error (including inputs that could not be read: the
//	   report is still written, with the problems in its "errors")
package cli
