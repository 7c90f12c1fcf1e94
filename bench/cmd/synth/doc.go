// Command synth writes a synthetic text-reuse corpus with ground truth.
//
// It reads real documents (a JSON Lines file such as the Reuters dev
// corpus, or a directory of .txt files such as testdata/seeds), chooses
// hosts and sources that share no text, plants edited copies of source
// passages into the hosts and writes the corpus as JSON Lines
// ({"id","text","date"}) and the truth as JSON (see package
// github.com/reprint-dev/reprint/bench/synth). The same input and flags
// give byte-identical output.
//
//	go run ./bench/cmd/synth -src ../shared/corpora/reuters21578-dev.jsonl \
//	    -seed 1 -out-corpus synth.jsonl -out-truth synth-truth.json
//	go run ./bench/cmd/synth -src testdata/seeds -chunk 60 -hosts 8 \
//	    -sources 5 -distractors 6 -passages 12
//
// Without -src it reads ../shared/corpora/reuters21578-dev.jsonl (paths are
// relative to the working directory: run it from the repository root), and
// when that is absent it falls back to testdata/seeds with the second
// line's settings for every flag not given. The seeds tell one story and
// quote each other, so whole they give one usable document: -chunk cuts
// them into pieces that share no text. Flags -date-missing, -date-tied and
// -date-wrong add date noise. A one-line summary goes to stderr.
//
// # Exit codes
//
//	0  corpus and truth written
//	2  usage or configuration error
//	3  runtime or I/O error (including input too small for the flags)
package main
