// Package sarif writes audit reports as SARIF 2.1.0 logs (OASIS Static
// Analysis Results Interchange Format), the format GitHub code scanning
// and other CI dashboards read. The types are a small hand-written subset
// of the spec's objects, each field commented with its meaning; a test
// validates the output against the spec's JSON schema.
//
// Locations are repo-relative URIs under the uriBaseId %SRCROOT% with
// regions in lines and UTF-16 columns (run.columnKind "utf16CodeUnits").
// Each result carries partialFingerprints computed from the passage's
// normalised text, so that alerts keep their identity when the passage
// moves within its file.
package sarif
