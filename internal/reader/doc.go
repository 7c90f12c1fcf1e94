// Package reader turns the paths a user names into documents (model.Document).
//
// It knows plain text (.txt, with the seed articles' " date 2017-06-09 "
// prefix taken as the date), Markdown with YAML front matter (.md), JSON
// Lines (.jsonl, .ndjson), saved HTML pages (.html, whose main article text
// is found with readability so that menus and footers are not compared),
// directories (recursively) and standard input. Whatever the format, a
// document's offsets must point into the file as read, because reports
// quote file[start:end]: metadata that precedes the text is counted in
// TextOffset and LineOffset rather than cut, and invalid UTF-8 is repaired
// one byte for one byte. Inputs are untrusted: a bad file, line or date
// becomes a model.InputError and never stops the rest, and no input makes
// the package panic.
package reader
