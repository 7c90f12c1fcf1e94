package render

import "bytes"

// indentJSON appends to dst the compact JSON src (as json.Marshal and
// json.Encoder write it: valid, no space outside strings) indented as
// json.Indent(dst, src, "", indent) would, byte for byte. It copies
// strings in runs found with bytes.IndexByte instead of stepping
// json.Indent's scanner through every byte, which for a report made
// mostly of passage text is most of the time spent writing it.
func indentJSON(dst, src []byte, indent string) []byte {
	return indentJSONAt(dst, src, indent, 0)
}

// indentJSONAt is indentJSON for a value nested depth levels deep: its
// lines are indented depth times more.
func indentJSONAt(dst, src []byte, indent string, depth int) []byte {
	needIndent := false
	newline := func() {
		dst = append(dst, '\n')
		for range depth {
			dst = append(dst, indent...)
		}
	}
	for i := 0; i < len(src); i++ {
		c := src[i]
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			end := stringEnd(src, i)
			dst = append(dst, src[i:end]...)
			i = end - 1
		case '{', '[':
			// Empty objects and arrays stay {} and [].
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// stringEnd returns the index just past the JSON string that starts with
// the quotation mark at src[i] (len(src) if it is not closed): the first
// later quotation mark not escaped by an odd run of backslashes.
func stringEnd(src []byte, i int) int {
	for j := i + 1; j < len(src); {
		k := bytes.IndexByte(src[j:], '"')
		if k < 0 {
			return len(src)
		}
		q := j + k
		b := q
		for b > i+1 && src[b-1] == '\\' {
			b--
		}
		if (q-b)%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
	return len(src)
}
