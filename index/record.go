package index

import (
	"encoding/binary"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"github.com/reprint-dev/reprint/internal/model"
)

// The document record: a version byte, the metadata, then the text,
// zstd-compressed when that makes it smaller.
const recordVersion = 1

var (
	zenc = sync.OnceValue(func() *zstd.Encoder {
		e, _ := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(runtime.GOMAXPROCS(0)), zstd.WithLowerEncoderMem(true))
		return e
	})
	zdec = sync.OnceValue(func() *zstd.Decoder {
		d, _ := zstd.NewReader(nil, zstd.WithDecoderConcurrency(0), zstd.WithDecoderMaxMemory(1<<30))
		return d
	})
)

func encodeDocument(d model.Document) []byte {
	b := []byte{recordVersion}
	str := func(s string) { b = binary.AppendUvarint(b, uint64(len(s))); b = append(b, s...) }
	str(d.ID)
	str(d.Path)
	str(d.Title)
	str(d.Source)
	str(d.URL)
	b = append(b, byte(d.Date.Granularity))
	if !d.Date.IsZero() {
		_, off := d.Date.Time.Zone()
		b = binary.AppendVarint(b, d.Date.Time.Unix())
		b = binary.AppendUvarint(b, uint64(d.Date.Time.Nanosecond()))
		b = binary.AppendVarint(b, int64(off))
		if d.Date.HasZone {
			b = append(b, 1)
		} else {
			b = append(b, 0)
		}
	}
	b = binary.AppendUvarint(b, uint64(d.TextOffset))
	b = binary.AppendUvarint(b, uint64(d.LineOffset))
	if z := zenc().EncodeAll([]byte(d.Text), nil); len(z) < len(d.Text) {
		b = append(b, 1)
		return append(b, z...)
	}
	b = append(b, 0)
	return append(b, d.Text...)
}

var errRecord = fmt.Errorf("%w: bad document record", ErrCorrupt)

func decodeDocument(b []byte) (model.Document, error) {
	var d model.Document
	if len(b) == 0 || b[0] != recordVersion {
		return d, errRecord
	}
	b = b[1:]
	bad := false
	uv := func() uint64 {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	sv := func() int64 {
		v, n := binary.Varint(b)
		if n <= 0 {
			bad = true
			return 0
		}
		b = b[n:]
		return v
	}
	str := func() string {
		n := uv()
		if bad || n > uint64(len(b)) {
			bad = true
			return ""
		}
		s := string(b[:n])
		b = b[n:]
		return s
	}
	byt := func() byte {
		if len(b) == 0 {
			bad = true
			return 0
		}
		c := b[0]
		b = b[1:]
		return c
	}
	d.ID, d.Path, d.Title, d.Source, d.URL = str(), str(), str(), str(), str()
	d.Date.Granularity = model.Granularity(byt())
	if d.Date.Granularity > model.GranularitySecond {
		return d, errRecord
	}
	if !d.Date.IsZero() {
		sec, nsec, off := sv(), uv(), sv()
		d.Date.HasZone = byt() == 1
		loc := time.UTC
		if off != 0 || d.Date.HasZone {
			loc = time.FixedZone("", int(off))
		}
		d.Date.Time = time.Unix(sec, int64(nsec)).In(loc)
	}
	d.TextOffset, d.LineOffset = int(uv()), int(uv())
	switch byt() {
	case 0:
		d.Text = string(b)
	case 1:
		t, err := zdec().DecodeAll(b, nil)
		if err != nil {
			return d, fmt.Errorf("%w: %v", errRecord, err)
		}
		d.Text = string(t)
	default:
		bad = true
	}
	if bad {
		return d, errRecord
	}
	return d, nil
}
