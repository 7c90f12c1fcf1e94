package minhash

// Hasher turns text into signatures for one Params: tokenize, shingle,
// sketch. It reuses its buffers between calls: it is not safe for
// concurrent use; make one per goroutine.
type Hasher struct {
	p        Params
	tok      Tokenizer
	tokens   []Token
	shingles []uint64
	sk       *Sketcher
}

// NewHasher returns a Hasher for p.
func NewHasher(p Params) (*Hasher, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	sk, err := NewSketcher(p.NumHash, p.Seed)
	if err != nil {
		return nil, err
	}
	return &Hasher{p: p, sk: sk}, nil
}

// Params returns the params the Hasher was made with.
func (h *Hasher) Params() Params { return h.p }

// Sign returns a new signature of text, or ErrEmpty when text has no words.
func (h *Hasher) Sign(text string) (Signature, error) { return h.SignTo(nil, text) }

// SignTo writes the signature of text into dst (grown as needed) and
// returns it: with a reused dst, signing allocates nothing.
func (h *Hasher) SignTo(dst Signature, text string) (Signature, error) {
	// One pass: each word's hash rolls into the shingle hash, and each
	// full window's shingle goes straight into the sketch, with no token
	// or shingle lists. The result equals SignTokens on Tokens(text).
	r, key := newRoller(h.p.Shingle), shingleKey(h.p.Seed, h.p.Shingle)
	var ring [MaxShingle]uint64
	scan, _ := h.tok.prepare(text)
	h.tok.keep = false
	dst = h.sk.start(dst)
	for pos := 0; pos < len(scan); {
		// next's commonest cases inlined (spaces, punctuation, plain
		// ASCII words), which saves a call a word; the rest in next.
		// TestTokenizerShortcutsChangeNothing checks that both agree.
		c := asciiClass[scan[pos]]
		if c == clsOther || c == clsApos {
			pos++
			continue
		}
		if c == clsNonASCII && genPunct(scan, pos) {
			pos += 3
			continue
		}
		var th uint64
		end, plain := 0, false
		if c != clsNonASCII {
			end, plain = spacedWord(scan, pos)
			plain = plain || plainEnd(scan, pos, end) || genPunct(scan, end) && !apos3(scan, end)
		}
		if plain {
			if short(scan, pos, end) {
				th = hashShort(scan, pos, end)
			} else {
				th = hashWord(scan[pos:end], lowerASCII)
			}
			pos = end
		} else {
			var start int
			if start, _, th, pos = h.tok.next(scan, pos); start < 0 {
				break
			}
		}
		if r = r.push(th, &ring); r.full() {
			h.sk.push(dst, r.h^key)
		}
	}
	switch {
	case r.n == 0:
		return dst, ErrEmpty
	case r.n < r.k:
		h.sk.push(dst, r.partial(h.p.Seed))
	}
	h.sk.densify(dst)
	return dst, nil
}

// SignTokens writes the signature of already tokenized text into dst.
func (h *Hasher) SignTokens(dst Signature, tokens []Token) (Signature, error) {
	h.shingles = Shingles(h.shingles[:0], tokens, h.p.Shingle, h.p.Seed)
	return h.sk.Sketch(dst, h.shingles)
}

// Tokens appends the tokens of text to dst (see Tokenizer.Tokens).
func (h *Hasher) Tokens(dst []Token, text string) []Token { return h.tok.Tokens(dst, text) }
