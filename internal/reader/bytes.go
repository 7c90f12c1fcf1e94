package reader

import (
	"bytes"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/internal/model"
)

// binarySniffLen is how much of an input is looked at to tell binary from
// text, as git and grep do (they look for a NUL byte in the first 8 KiB).
const binarySniffLen = 8 << 10

// binaryShare is the share of control bytes in the first binarySniffLen
// bytes above which an input is binary rather than text with a few stray
// control characters. Random bytes hold about 27 control bytes in 256
// (over 10%), UTF-16 text half NULs; a text file with a NUL or an escape
// sequence pasted in holds a handful in thousands.
const binaryShare = 1.0 / 32

// bom is the UTF-8 byte order mark some editors put at the start of a file.
var bom = []byte{0xEF, 0xBB, 0xBF}

// controls is what sniff found of the control bytes in an input.
type controls struct {
	head  int // control bytes in the first binarySniffLen bytes
	total int // control bytes in all
	first int // offset of the first, or -1
	sniff int // bytes looked at for head
}

// binary reports whether the input is binary by the measured rule: more
// than binaryShare of its first block is control bytes.
func (c controls) binary() bool {
	return c.sniff > 0 && float64(c.head) > binaryShare*float64(c.sniff)
}

// isControl reports whether b is a control byte that text does not hold:
// NUL and the C0 controls other than tab, line feed, vertical tab, form
// feed and carriage return, and DEL.
func isControl(b byte) bool {
	return b < 0x20 && (b < '\t' || b > '\r') || b == 0x7f
}

// sniff counts an input's control bytes (see isControl).
func sniff[T string | []byte](data T) controls {
	c := controls{first: -1, sniff: min(len(data), binarySniffLen)}
	for i := 0; i < len(data); i++ {
		if isControl(data[i]) {
			if c.first < 0 {
				c.first = i
			}
			c.total++
			if i < c.sniff {
				c.head++
			}
		}
	}
	return c
}

// binaryWarning is the warning that skips a binary input.
func binaryWarning(path string, line int, c controls) model.InputError {
	return warning(path, line, "binary data (%d of the first %d bytes are NUL or control bytes, the first at offset %d): skipped",
		c.head, c.sniff, c.first)
}

// strayWarning is the warning that keeps a text with a few control bytes;
// where says where its offsets count from.
func strayWarning(path string, line int, c controls, where string) model.InputError {
	return warning(path, line, "%d stray control byte(s) kept (NUL or other control characters; shown as symbols), the first at offset %d%s",
		c.total, c.first, where)
}

// repairUTF8 replaces every byte of an invalid UTF-8 sequence with '?', one
// byte for one byte, so that byte offsets into the repaired text are still
// offsets into the file. It returns data itself when it is valid, else a
// repaired copy, the number of bytes replaced and the offset of the first.
func repairUTF8(data []byte) (out []byte, replaced, first int) {
	if utf8.Valid(data) {
		return data, 0, -1
	}
	out = bytes.Clone(data)
	first = -1
	for i := 0; i < len(out); {
		r, size := utf8.DecodeRune(out[i:])
		if r == utf8.RuneError && size <= 1 {
			if first < 0 {
				first = i
			}
			out[i] = '?'
			replaced++
			i++
			continue
		}
		i += size
	}
	return out, replaced, first
}

// lineAt returns the 1-based line of byte offset off in data.
func lineAt(data []byte, off int) int {
	off = max(0, min(off, len(data)))
	return bytes.Count(data[:off], []byte{'\n'}) + 1
}

// repairInput repairs invalid UTF-8 (see repairUTF8) and warns about it,
// naming the line of the first bad byte.
func repairInput(path string, data []byte) ([]byte, []model.InputError) {
	fixed, n, first := repairUTF8(data)
	if n == 0 {
		return data, nil
	}
	return fixed, []model.InputError{warning(path, lineAt(data, first),
		"invalid UTF-8: %d byte(s) replaced with '?', the first at offset %d", n, first)}
}
