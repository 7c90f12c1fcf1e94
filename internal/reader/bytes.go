package reader

import (
	"bytes"
	"unicode/utf8"

	"github.com/reprint-dev/reprint/internal/model"
)

// binarySniffLen is how much of a file is looked at for a NUL byte, the
// same heuristic as git and grep use to call a file binary.
const binarySniffLen = 8 << 10

// bom is the UTF-8 byte order mark some editors put at the start of a file.
var bom = []byte{0xEF, 0xBB, 0xBF}

// isBinary reports the offset of a NUL byte in the start of data, or -1.
func isBinary(data []byte) int {
	return bytes.IndexByte(data[:min(len(data), binarySniffLen)], 0)
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
