package reprintbeam

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/pipeline"
)

// The records that go between workers in bulk are packed by hand: a gob
// encoder and decoder made per element describe the types again each time
// and compile a decoder each time, which costs more than the copy.

// packSketch packs a sketch of the band backend (no signatures): its
// band fingerprints, keys and seeds as raw little-endian words (random
// values, which varints would lengthen), spans and token ranges as
// uvarints.
func packSketch(s *pipeline.Sketch) []byte {
	n := len(s.Keys)
	b := make([]byte, 0, 16+n*(8+12)+4*len(s.Bands)+4*len(s.Seeds.Keys))
	b = binary.AppendUvarint(b, uint64(s.Words))
	b = binary.AppendUvarint(b, uint64(n))
	for i := range n {
		b = binary.LittleEndian.AppendUint64(b, s.Keys[i])
		b = binary.AppendUvarint(b, uint64(s.Spans[i].Start))
		b = binary.AppendUvarint(b, uint64(s.Spans[i].End))
		b = binary.AppendUvarint(b, uint64(uint32(s.Toks[i].Start)))
		b = binary.AppendUvarint(b, uint64(uint32(s.Toks[i].End)))
	}
	b = binary.AppendUvarint(b, uint64(len(s.Bands)))
	for _, v := range s.Bands {
		b = binary.LittleEndian.AppendUint32(b, v)
	}
	wild := byte(0)
	if s.Seeds.Wild {
		wild = 1
	}
	b = append(b, s.Seeds.PosBits, wild)
	b = binary.AppendUvarint(b, uint64(len(s.Seeds.Keys)))
	for _, k := range s.Seeds.Keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	return b
}

// unpacker reads the fields of a packed sketch in turn; the first short
// read sets err and every later one gives zero.
type unpacker struct {
	b   []byte
	err error
}

func (u *unpacker) uvarint() uint64 {
	v, k := binary.Uvarint(u.b)
	if k <= 0 {
		u.fail()
		return 0
	}
	u.b = u.b[k:]
	return v
}

// count reads a length whose items take at least size bytes each.
func (u *unpacker) count(size int) int {
	n := u.uvarint()
	if n > uint64(len(u.b)/size) {
		u.fail()
		return 0
	}
	return int(n)
}

// varint reads what binary.AppendVarint wrote: a zig-zag uvarint.
func (u *unpacker) varint() int64 {
	x := u.uvarint()
	return int64(x>>1) ^ -int64(x&1)
}

func (u *unpacker) string() string {
	return string(u.take(u.count(1)))
}

func (u *unpacker) take(n int) []byte {
	if len(u.b) < n {
		u.fail()
		return make([]byte, n)
	}
	v := u.b[:n]
	u.b = u.b[n:]
	return v
}

func (u *unpacker) fail() {
	u.err, u.b = errShort, nil
}

func unpackSketch(b []byte) (pipeline.Sketch, error) {
	u := unpacker{b: b}
	var s pipeline.Sketch
	s.Words = int(u.uvarint())
	n := u.count(12)
	s.Keys, s.Spans, s.Toks = make([]uint64, n), make([]pipeline.Span, n), make([]pipeline.Range, n)
	for i := range n {
		s.Keys[i] = binary.LittleEndian.Uint64(u.take(8))
		s.Spans[i] = pipeline.Span{Start: uint32(u.uvarint()), End: uint32(u.uvarint())}
		s.Toks[i] = pipeline.Range{Start: int32(uint32(u.uvarint())), End: int32(uint32(u.uvarint()))}
	}
	s.Bands = make([]uint32, u.count(4))
	for i := range s.Bands {
		s.Bands[i] = binary.LittleEndian.Uint32(u.take(4))
	}
	flags := u.take(2)
	s.Seeds.PosBits, s.Seeds.Wild = flags[0], flags[1] == 1
	if k := u.count(4); k > 0 {
		s.Seeds.Keys = make([]uint32, k)
		for i := range s.Seeds.Keys {
			s.Seeds.Keys[i] = binary.LittleEndian.Uint32(u.take(4))
		}
	}
	if u.err == nil && len(u.b) > 0 {
		u.err = errors.New("reprintbeam: trailing bytes after a sketch")
	}
	return s, u.err
}

// encode packs r by hand for its way from the read worker to a sketch
// worker: a gob encoder and decoder made per element describe the types
// again each time (about 440 bytes a document) and compile a decoder
// each time. TestDocRecRoundTrip fills every field, so that a field
// added to Document and not packed here fails it.
func (r *docRec) encode() []byte {
	d := &r.Doc
	b := make([]byte, 0, len(d.Text)+len(d.ID)+len(d.Path)+len(d.Title)+len(d.Source)+len(d.URL)+64)
	for _, v := range []int{r.File, r.Ord, r.Line, d.TextOffset, d.LineOffset} {
		b = binary.AppendVarint(b, int64(v))
	}
	for _, s := range []string{d.ID, d.Path, d.Text, d.Title, d.Source, d.URL} {
		b = appendString(b, s)
	}
	t, err := d.Date.Time.MarshalBinary()
	if err != nil { // a zone offset that is not whole minutes, which no reader makes
		panic(fmt.Sprintf("reprintbeam: encoding a date: %v", err))
	}
	b = appendString(b, string(t))
	b = append(b, byte(d.Date.Granularity), boolByte(d.Date.HasZone))
	b = binary.AppendUvarint(b, uint64(len(d.FrontMatter)))
	for _, k := range d.FrontMatter {
		b = appendString(appendString(b, k.Key), k.Value)
		b = binary.AppendVarint(append(b, boolByte(k.Text)), int64(k.Line))
	}
	return b
}

func (r *docRec) decode(b []byte) error {
	u := unpacker{b: b}
	d := &r.Doc
	*r = docRec{}
	for _, v := range []*int{&r.File, &r.Ord, &r.Line, &d.TextOffset, &d.LineOffset} {
		*v = int(u.varint())
	}
	for _, s := range []*string{&d.ID, &d.Path, &d.Text, &d.Title, &d.Source, &d.URL} {
		*s = u.string()
	}
	if t := u.string(); u.err == nil {
		if err := d.Date.Time.UnmarshalBinary([]byte(t)); err != nil {
			return fmt.Errorf("reprintbeam: decoding a date: %w", err)
		}
	}
	flags := u.take(2)
	d.Date.Granularity, d.Date.HasZone = model.Granularity(flags[0]), flags[1] == 1
	if n := u.count(4); n > 0 {
		d.FrontMatter = make([]reprint.FrontMatterKey, n)
		for i := range d.FrontMatter {
			k := &d.FrontMatter[i]
			k.Key, k.Value = u.string(), u.string()
			k.Text, k.Line = u.take(1)[0] == 1, int(u.varint())
		}
	}
	if u.err == nil && len(u.b) > 0 {
		u.err = errors.New("reprintbeam: trailing bytes after a document")
	}
	return u.err
}

func appendString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

func boolByte(v bool) byte {
	if v {
		return 1
	}
	return 0
}
