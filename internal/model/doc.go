// Package model holds the values that pass between reprint's parts: the
// documents read (Document, Date) and the report made of them (Report and
// its parts, InputError). The root package re-exports every one of them
// under the same name; the readers and renderers, which sit below the
// root, use them from here, so that no import runs back up.
package model
