// Package bolt keeps reprint's persistent reference index in one
// go.etcd.io/bbolt file: documents (opaque records with their counters),
// the anchor postings that find candidate documents, and the index's
// params. It knows nothing of texts or params beyond bytes and 32-bit
// keys; package reprint gives them meaning.
//
// # Layout
//
// Postings live in sorted runs, as in a log-structured merge tree: every
// Put writes the postings of its documents as one new run, in blocks of a
// few hundred delta-coded (key, document) pairs, and merges the newest runs
// while the newer is at least as large as the one before it (a binary
// counter). Adding n postings therefore costs O(n log N) amortised writes,
// never a rebuild, and a lookup costs one block per run and key. Removed
// or replaced documents leave dead postings behind; lookups skip them and
// merges drop them.
//
// # Durability and concurrency
//
// Put and Delete are each one bbolt transaction: a crash or kill at any
// point leaves the file with every committed call and nothing of the one
// in flight. A Store opened for writing holds an exclusive lock on the
// file; stores opened read-only share it, so across processes there is
// one writer or any number of readers, and an opener waits up to
// Options.Timeout for the lock. Inside one process a Store is safe for
// concurrent use: any number of View calls run alongside one Put or
// Delete.
//
// A file that is not a bbolt database, a bbolt database that is not a
// reprint index, a truncated file or damaged pages give errors wrapping
// ErrNotIndex or ErrCorrupt, never a panic.
package bolt
