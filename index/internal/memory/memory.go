// Package memory keeps a reprint index in memory: the reference of an
// audit against files indexed on the fly, gone when the process ends.
package memory

import (
	"context"
	"errors"
	"slices"
	"sync"

	"github.com/reprint-dev/reprint/index/internal/backend"
)

// Store is an index in memory. It is safe for concurrent use; a View holds
// a read lock, so writers wait for it.
type Store struct {
	mu       sync.RWMutex
	meta     []byte
	next     backend.Num
	ids      map[string]backend.Num
	docs     map[backend.Num]backend.Doc
	postings map[uint32][]backend.Num
	counts   backend.Stats
}

// New returns an empty index holding meta.
func New(meta []byte) *Store {
	return &Store{
		meta: slices.Clone(meta), ids: map[string]backend.Num{}, docs: map[backend.Num]backend.Doc{},
		postings: map[uint32][]backend.Num{},
	}
}

// Name names the index in messages.
func (s *Store) Name() string { return "(memory)" }

// Meta returns the bytes given to New.
func (s *Store) Meta() []byte { return s.meta }

// Put stores docs, replacing those with the same IDs.
func (s *Store) Put(ctx context.Context, docs []backend.Doc) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, d := range docs {
		if d.ID == "" {
			return errors.New("memory: document has no id")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range docs {
		s.remove(d.ID)
		s.next++
		n := s.next
		d.Record = slices.Clone(d.Record)
		s.docs[n], s.ids[d.ID] = d, n
		for _, k := range d.Keys {
			s.postings[k] = append(s.postings[k], n)
		}
		s.counts.Documents++
		s.counts.Units += d.Units
		s.counts.Words += d.Words
		s.counts.TextBytes += d.Bytes
		s.counts.Postings += len(d.Keys)
		s.counts.StoreBytes += int64(len(d.Record) + 4*len(d.Keys))
	}
	return nil
}

// remove drops the document with the given id and its postings.
func (s *Store) remove(id string) bool {
	n, ok := s.ids[id]
	if !ok {
		return false
	}
	d := s.docs[n]
	for _, k := range d.Keys {
		ps := slices.DeleteFunc(s.postings[k], func(m backend.Num) bool { return m == n })
		if len(ps) == 0 {
			delete(s.postings, k)
		} else {
			s.postings[k] = ps
		}
	}
	delete(s.docs, n)
	delete(s.ids, id)
	s.counts.Documents--
	s.counts.Units -= d.Units
	s.counts.Words -= d.Words
	s.counts.TextBytes -= d.Bytes
	s.counts.Postings -= len(d.Keys)
	s.counts.StoreBytes -= int64(len(d.Record) + 4*len(d.Keys))
	return true
}

// Delete removes the documents with the given ids.
func (s *Store) Delete(ctx context.Context, ids []string) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, id := range ids {
		if s.remove(id) {
			n++
		}
	}
	return n, nil
}

// View runs fn under a read lock.
func (s *Store) View(ctx context.Context, fn func(backend.Snapshot) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return fn(view{s})
}

// Stats returns the index's statistics.
func (s *Store) Stats(ctx context.Context) (backend.Stats, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	st := s.counts
	for _, d := range s.docs {
		if !d.HasDate {
			continue
		}
		if st.Dated == 0 || d.Date < st.FirstDate {
			st.FirstDate = d.Date
		}
		if st.Dated == 0 || d.Date > st.LastDate {
			st.LastDate = d.Date
		}
		st.Dated++
	}
	return st, nil
}

// Close drops nothing: the memory goes with the Store.
func (s *Store) Close() error { return nil }

type view struct{ s *Store }

func (v view) Lookup(keys []uint32, hotCap int) (map[uint32][]backend.Num, int, error) {
	found := make(map[uint32][]backend.Num)
	hot := 0
	for _, k := range keys {
		ps := v.s.postings[k]
		switch {
		case len(ps) == 0:
		case hotCap > 0 && len(ps) > hotCap:
			hot++
		default:
			found[k] = slices.Clone(ps)
		}
	}
	return found, hot, nil
}

func (v view) Records(nums []backend.Num) (map[backend.Num][]byte, error) {
	out := make(map[backend.Num][]byte, len(nums))
	for _, n := range nums {
		if d, ok := v.s.docs[n]; ok {
			out[n] = d.Record
		}
	}
	return out, nil
}

func (v view) Record(id string) ([]byte, bool, error) {
	n, ok := v.s.ids[id]
	if !ok {
		return nil, false, nil
	}
	return v.s.docs[n].Record, true, nil
}

func (v view) IDs() ([]string, error) {
	ids := make([]string, 0, len(v.s.ids))
	for id := range v.s.ids {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, nil
}

func (v view) Len() (int, error) { return len(v.s.ids), nil }
