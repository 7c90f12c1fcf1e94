// Package index keeps a persistent reference index: documents with the
// winnowed anchors that find them again, so that package audit can check
// articles against a large reference corpus (everything the wire agencies
// sent) without reading it each time.
//
// An index lives in a go.etcd.io/bbolt file (one writer or many readers,
// no server), in a PostgreSQL database (postgres://…: many writers and
// readers on many machines, for an ingest job and many CI runners), or in
// memory (the empty location: reference files indexed on the fly). All
// three behave the same: the same params check, batches committed whole,
// re-adding an id replaces it, the same lookups and so the same findings.
//
// Importing this package brings in bbolt, zstd and pgx; the root package
// reprint, which only detects, does not.
package index
