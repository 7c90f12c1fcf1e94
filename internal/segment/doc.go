// Package segment cuts a tokenized document into the units reprint signs
// and indexes: paragraphs, sentences inside paragraphs, quotations inside
// sentences, and overlapping windows inside very long sentences. Units are
// only seeds for finding candidate document pairs (alignment then runs over
// whole documents), so the rules prefer units whose text is likely to recur
// whole in a copy: a quotation is the unit most often recycled in news.
package segment
