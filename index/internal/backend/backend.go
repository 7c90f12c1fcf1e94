// Package backend is the contract between package index and the stores
// that keep an index: bbolt files, memory, PostgreSQL. A backend knows
// nothing of texts or params: it keeps opaque records, 32-bit anchor keys
// and the index's meta bytes; package index gives them meaning.
package backend

import (
	"context"
	"errors"
)

// Errors that backends wrap and callers branch on.
var (
	// ErrNotIndex: the file or database holds no reprint index (not a
	// bbolt file, another program's database, or a schema never made).
	ErrNotIndex = errors.New("not a reprint index")
	// ErrCorrupt: the index is damaged.
	ErrCorrupt = errors.New("index is damaged")
	// ErrFormat: the index was written in a layout (or a database schema)
	// this version does not read.
	ErrFormat = errors.New("unsupported index format")
	// ErrLocked: another process holds the index past the timeout.
	ErrLocked = errors.New("index is locked by another process")
	// ErrUnsupported: the backend cannot do this (compacting into a file
	// is bbolt's alone).
	ErrUnsupported = errors.New("not supported by this index backend")
)

// Num numbers a stored document; a re-added document gets a new number.
type Num = uint64

// Doc is one document as stored: an opaque record and what the index
// needs to know about it.
type Doc struct {
	ID     string
	Record []byte
	// Keys are the document's anchor keys, sorted, without repeats.
	Keys []uint32
	// Units, Words and Bytes are counted in the index's statistics.
	Units, Words, Bytes int
	// Date is the document's date in Unix seconds, when HasDate.
	Date    int64
	HasDate bool
}

// Stats describes an index.
type Stats struct {
	Documents    int
	Units        int
	Words        int
	TextBytes    int
	Postings     int // live anchor postings
	DeadPostings int // postings of removed or replaced documents (bbolt)
	Runs         int // posting runs (bbolt)
	StoreBytes   int64
	// FirstDate and LastDate bound the documents' dates (Unix seconds)
	// when Dated > 0.
	FirstDate, LastDate int64
	Dated               int
}

// Backend keeps one index. It is safe for concurrent use: any number of
// View calls run alongside Put and Delete.
type Backend interface {
	// Name names the index in messages: a path, or a URL without its
	// password.
	Name() string
	// Meta returns the bytes stored with the index when it was made.
	Meta() []byte
	// Put stores docs in one transaction, replacing stored documents with
	// the same ID (the last of docs wins among repeats). A reader sees
	// all of it or nothing.
	Put(ctx context.Context, docs []Doc) error
	// Delete removes the documents with the given ids in one transaction
	// and returns how many were stored.
	Delete(ctx context.Context, ids []string) (int, error)
	// View runs fn on one consistent snapshot of the index. The Snapshot
	// must not be used after fn returns.
	View(ctx context.Context, fn func(Snapshot) error) error
	// Stats returns the index's statistics.
	Stats(ctx context.Context) (Stats, error)
	// Close releases the index.
	Close() error
}

// Snapshot is a consistent read-only view of an index.
type Snapshot interface {
	// Lookup returns, for each of keys (sorted, without repeats) that has
	// live postings, the documents that hold it, in one set-based pass.
	// Keys held by more than hotCap documents (boilerplate) are left out
	// and counted in hot; hotCap ≤ 0 means no cap.
	Lookup(keys []uint32, hotCap int) (found map[uint32][]Num, hot int, err error)
	// Records returns the records of the live documents among nums.
	Records(nums []Num) (map[Num][]byte, error)
	// Record returns the record of the document with the given id.
	Record(id string) ([]byte, bool, error)
	// IDs returns the stored ids, sorted.
	IDs() ([]string, error)
	// Len returns the number of stored documents.
	Len() (int, error)
}

// Compacter is a backend that can write a compacted copy of itself.
type Compacter interface {
	Compact(dst string) error
}
