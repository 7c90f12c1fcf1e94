// Package render writes a reprint.Report in the output formats: text (for
// people at a terminal or in a log) and JSON (the stable machine format of
// DESIGN.md).
package render
