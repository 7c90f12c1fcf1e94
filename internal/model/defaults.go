package model

import "errors"

// Version is reprint's version, reported in every report's Tool and stored
// with an index.
const Version = "0.1.0-dev"

// DefaultMinWords is the default shortest reported passage, in words (see
// reprint.DefaultMinWords).
const DefaultMinWords = 8

// DefaultVerifyShingle is the default shingle size, in words, of exact
// verification and alignment (see reprint.DefaultVerifyShingle).
const DefaultVerifyShingle = 5

// ErrEmptyID is returned for a document without an id.
var ErrEmptyID = errors.New("reprint: document has no id")
