package pipeline

import (
	"bufio"
	"cmp"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sync"
	"sync/atomic"
)

// Spill makes the temporary files of one run and counts what is written
// to them. Each file is unlinked as soon as it is made, so that nothing
// is left behind when the process ends, however it ends; its space is
// freed when it is closed.
type Spill struct {
	// Dir is where the files go ("" for the system's temporary
	// directory).
	Dir   string
	bytes atomic.Int64
	files atomic.Int64
}

// Bytes is the number of bytes written to spill files so far.
func (s *Spill) Bytes() int64 { return s.bytes.Load() }

// Files is the number of spill files made so far.
func (s *Spill) Files() int64 { return s.files.Load() }

func (s *Spill) create() (*os.File, error) {
	f, err := os.CreateTemp(s.Dir, "reprint-spill-*")
	if err != nil {
		return nil, fmt.Errorf("pipeline: spill: %w", err)
	}
	os.Remove(f.Name()) // the open file lives on; see Spill
	s.files.Add(1)
	return f, nil
}

// spillFile is an append-only temporary file read back with ReadAt.
type spillFile struct {
	sp   *Spill
	f    *os.File
	w    *bufio.Writer
	size int64
	mu   sync.Mutex // guards flushing before reads
}

func (s *Spill) newFile() (*spillFile, error) {
	f, err := s.create()
	if err != nil {
		return nil, err
	}
	return &spillFile{sp: s, f: f, w: bufio.NewWriterSize(f, 1<<16)}, nil
}

func (f *spillFile) write(b []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, err := f.w.Write(b); err != nil {
		return fmt.Errorf("pipeline: spill: %w", err)
	}
	f.size += int64(len(b))
	f.sp.bytes.Add(int64(len(b)))
	return nil
}

// readAt reads len(b) bytes at off, flushing what is buffered first.
func (f *spillFile) readAt(b []byte, off int64) error {
	f.mu.Lock()
	if f.w.Buffered() > 0 {
		if err := f.w.Flush(); err != nil {
			f.mu.Unlock()
			return fmt.Errorf("pipeline: spill: %w", err)
		}
	}
	f.mu.Unlock()
	if _, err := f.f.ReadAt(b, off); err != nil {
		return fmt.Errorf("pipeline: spill: %w", err)
	}
	return nil
}

func (f *spillFile) close() error { return f.f.Close() }

// Columns is a table of uint32 values with a fixed number of columns,
// filled row by row and read column by column (the band fingerprints of
// every unit, read band by band). Past limit bytes in memory, columns
// move to spill files.
type Columns struct {
	n      int
	limit  int64
	sp     *Spill
	rows   int
	mem    [][]uint32   // per column, the rows not on disk
	disk   []*spillFile // per column, nil until spilled
	onDisk int          // rows on disk (the same for every column)
	buf    []byte
}

// NewColumns returns an empty table of n columns that keeps at most
// limit bytes in memory (limit < 0: no limit), spilling through sp.
func NewColumns(n int, limit int64, sp *Spill) *Columns {
	return &Columns{n: n, limit: limit, sp: sp, mem: make([][]uint32, n)}
}

// Rows is the number of rows.
func (c *Columns) Rows() int { return c.rows }

// Append adds rows given row after row (len(values) a multiple of the
// number of columns).
func (c *Columns) Append(values []uint32) error {
	if len(values)%c.n != 0 {
		return errors.New("pipeline: columns: ragged rows")
	}
	rows := len(values) / c.n
	if c.limit >= 0 && c.rows > c.onDisk && c.bytes(c.rows-c.onDisk+rows) > c.limit {
		// Spill before the limit is passed, not after: the columns then
		// never grow past the room made for them (growing would copy
		// them, and hold both copies for a moment).
		if err := c.spill(); err != nil {
			return err
		}
	}
	if c.limit >= 0 && cap(c.mem[0]) == 0 {
		// A spilling table fills to its limit and empties again: give
		// each column that room once (a column grown by doubling would
		// copy and fault in its pages again at every step).
		for j := range c.n {
			c.mem[j] = make([]uint32, 0, max(int(min(c.limit/int64(4*c.n)+1, 1<<20)), rows))
		}
	}
	for j := range c.n {
		col := slices.Grow(c.mem[j], rows)
		for r := j; r < len(values); r += c.n {
			col = append(col, values[r])
		}
		c.mem[j] = col
	}
	c.rows += rows
	if c.limit >= 0 && c.bytes(c.rows-c.onDisk) > c.limit {
		return c.spill()
	}
	return nil
}

// bytes is the memory rows rows take.
func (c *Columns) bytes(rows int) int64 { return int64(rows) * int64(c.n) * 4 }

// Spilled reports whether some rows are on disk.
func (c *Columns) Spilled() bool { return c.onDisk > 0 }

// Settle moves the rows held in memory to the columns' files and frees
// their memory, when some rows are on disk already (a table that never
// spilled stays in memory): between the candidate stages of two Detects,
// nothing reads the table. Column and Append work as before.
func (c *Columns) Settle() error {
	if c.onDisk == 0 {
		return nil
	}
	if c.rows > c.onDisk {
		if err := c.spill(); err != nil {
			return err
		}
	}
	for j := range c.mem {
		c.mem[j] = nil
	}
	c.buf = nil
	return nil
}

// spill moves the rows held in memory to the columns' files.
func (c *Columns) spill() error {
	for j := range c.n {
		if c.disk == nil {
			c.disk = make([]*spillFile, c.n)
		}
		if c.disk[j] == nil {
			f, err := c.sp.newFile()
			if err != nil {
				return err
			}
			c.disk[j] = f
		}
		c.buf = c.buf[:0]
		for _, v := range c.mem[j] {
			c.buf = binary.LittleEndian.AppendUint32(c.buf, v)
		}
		if err := c.disk[j].write(c.buf); err != nil {
			return err
		}
		c.mem[j] = c.mem[j][:0]
	}
	c.onDisk = c.rows
	return nil
}

// Column returns column j, all rows in order, in dst (grown as needed).
// Several goroutines may read columns at once while none appends.
func (c *Columns) Column(j int, dst []uint32) ([]uint32, error) {
	dst = slices.Grow(dst[:0], c.rows)[:0]
	if c.onDisk > 0 {
		// A piece at a time: the column is not held twice, as bytes and
		// as values.
		var b [64 << 10]byte
		for off := int64(0); off < int64(c.onDisk)*4; {
			n := min(int64(len(b)), int64(c.onDisk)*4-off)
			if err := c.disk[j].readAt(b[:n], off); err != nil {
				return nil, err
			}
			for i := int64(0); i < n; i += 4 {
				dst = append(dst, binary.LittleEndian.Uint32(b[i:]))
			}
			off += n
		}
	}
	return append(dst, c.mem[j]...), nil
}

// Close frees the table's files.
func (c *Columns) Close() error {
	var err error
	for _, f := range c.disk {
		if f != nil {
			err = cmp.Or(err, f.close())
		}
	}
	c.disk, c.mem = nil, nil
	return err
}

// Sorter collects uint64 values and gives them back sorted, each once,
// keeping at most limit values in memory: past it, the values collected
// so far are sorted into a run on disk (delta-coded), and the runs are
// merged at the end, as sort -S does.
type Sorter struct {
	limit int
	sp    *Spill
	buf   []uint64
	runs  []run
	total int
}

type run struct {
	f *spillFile
	n int
}

// NewSorter returns a Sorter holding at most limit values in memory
// (limit ≤ 0: no limit).
func NewSorter(limit int, sp *Spill) *Sorter { return &Sorter{limit: limit, sp: sp} }

// Add adds values.
func (s *Sorter) Add(vs ...uint64) error {
	s.buf = append(s.buf, vs...)
	if s.limit > 0 && len(s.buf) >= s.limit {
		return s.spill()
	}
	return nil
}

// Spilled reports whether any run went to disk.
func (s *Sorter) Spilled() bool { return len(s.runs) > 0 }

func (s *Sorter) spill() error {
	slices.Sort(s.buf)
	s.buf = slices.Compact(s.buf)
	f, err := s.sp.newFile()
	if err != nil {
		return err
	}
	var b []byte
	last := uint64(0)
	for i, v := range s.buf {
		b = binary.AppendUvarint(b, v-last)
		last = v
		if len(b) >= 1<<16 || i == len(s.buf)-1 {
			if err := f.write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	s.runs = append(s.runs, run{f, len(s.buf)})
	s.buf = s.buf[:0]
	return nil
}

// Sorted returns every value added, sorted, each once, and empties the
// Sorter. With no run on disk it is the sorted buffer itself.
func (s *Sorter) Sorted() (*SortedValues, error) {
	slices.Sort(s.buf)
	s.buf = slices.Compact(s.buf)
	sv := &SortedValues{mem: s.buf}
	for _, r := range s.runs {
		if err := r.f.readAt(nil, 0); err != nil { // flush
			return nil, err
		}
		sv.h = append(sv.h, &runReader{r: bufio.NewReaderSize(io.NewSectionReader(r.f.f, 0, r.f.size), 1<<16), left: r.n, f: r.f})
	}
	for i := range sv.h {
		if err := sv.h[i].advance(); err != nil {
			return nil, err
		}
	}
	heap.Init(&sv.h)
	s.buf, s.runs = nil, nil
	return sv, nil
}

// SortedValues iterates over a Sorter's values in order, each once.
type SortedValues struct {
	mem  []uint64
	h    runHeap
	last uint64
	any  bool
	err  error
}

// Next returns the next value, or false at the end (check Err).
func (sv *SortedValues) Next() (uint64, bool) {
	for sv.err == nil {
		var v uint64
		switch {
		case len(sv.h) > 0 && (len(sv.mem) == 0 || sv.h[0].cur < sv.mem[0]):
			top := sv.h[0]
			v = top.cur
			if err := top.advance(); err != nil {
				sv.err = err
				return 0, false
			}
			if top.has {
				heap.Fix(&sv.h, 0)
			} else {
				heap.Pop(&sv.h)
				top.f.close()
			}
		case len(sv.mem) > 0:
			v, sv.mem = sv.mem[0], sv.mem[1:]
		default:
			return 0, false
		}
		if sv.any && v == sv.last {
			continue
		}
		sv.last, sv.any = v, true
		return v, true
	}
	return 0, false
}

// Err is the first read error, if any.
func (sv *SortedValues) Err() error { return sv.err }

// Close frees the runs not read to the end.
func (sv *SortedValues) Close() {
	for _, r := range sv.h {
		r.f.close()
	}
	sv.h, sv.mem = nil, nil
}

// runReader reads one run back; cur is its current value while has.
type runReader struct {
	r    *bufio.Reader
	f    *spillFile
	left int
	cur  uint64
	has  bool
}

func (r *runReader) advance() error {
	if r.left == 0 {
		r.has = false
		return nil
	}
	d, err := binary.ReadUvarint(r.r)
	if err != nil {
		return fmt.Errorf("pipeline: spill: %w", err)
	}
	r.cur += d
	r.left--
	r.has = true
	return nil
}

type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].cur < h[j].cur }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Texts keeps documents' texts, in memory up to limit bytes and in a
// spill file past it, so that later stages can read them again without
// holding a corpus of text in memory.
type Texts struct {
	limit int64
	sp    *Spill
	mem   []string // "" for a spilled text
	loc   []textLoc
	inMem int64
	f     *spillFile
}

// textLoc is where a spilled text lies in the file (n < 0: in memory).
type textLoc struct{ off, n int64 }

// NewTexts returns an empty store keeping at most limit bytes in memory
// (limit < 0: no limit).
func NewTexts(limit int64, sp *Spill) *Texts { return &Texts{limit: limit, sp: sp} }

// Len is the number of texts.
func (t *Texts) Len() int { return len(t.mem) }

// Add stores a text and returns its index.
func (t *Texts) Add(s string) (int, error) {
	i := len(t.mem)
	if t.limit < 0 || t.inMem+int64(len(s)) <= t.limit {
		t.mem = append(t.mem, s)
		t.loc = append(t.loc, textLoc{n: -1})
		t.inMem += int64(len(s))
		return i, nil
	}
	if t.f == nil {
		f, err := t.sp.newFile()
		if err != nil {
			return 0, err
		}
		t.f = f
	}
	t.loc = append(t.loc, textLoc{t.f.size, int64(len(s))})
	t.mem = append(t.mem, "")
	return i, t.f.write([]byte(s))
}

// Get returns text i. Several goroutines may Get at once while none Adds.
func (t *Texts) Get(i int) (string, error) {
	l := t.loc[i]
	if l.n < 0 {
		return t.mem[i], nil
	}
	b := make([]byte, l.n)
	if err := t.f.readAt(b, l.off); err != nil {
		return "", err
	}
	return string(b), nil
}

// Close frees the store's file.
func (t *Texts) Close() error {
	t.mem, t.loc = nil, nil
	if t.f != nil {
		return t.f.close()
	}
	return nil
}
