package reprintbeam

import (
	"cmp"
	"context"
	"encoding/binary"
	"fmt"
	"slices"

	"github.com/apache/beam/sdks/v2/go/pkg/beam"

	"github.com/reprint-dev/reprint/internal/pipeline"
	"github.com/reprint-dev/reprint/minhash"
)

// The candidate stage on many workers. A band bucket, keyed (band,
// fingerprint), holds whole groups of identical units (every copy of a
// unit has the same content key and band fingerprints), so the exact cap,
// the test that sets a bucket aside and an ordinary bucket's pairs are
// decided from the bucket alone, by the stage functions Candidates calls
// on one machine (pipeline.SpecialBucket, BucketPairs). The band buckets
// are shuffled in shards, a shard a band and a range of fingerprints
// (Options.BandParts), each one element: a worker sorts its shard and
// decides its buckets one after the other. What is not local runs as
// further rounds, each on the few groups it concerns:
//
//   - wide buckets (more than pipeline.WideBucket groups) pair the units
//     that may align: their units' seeds are fetched from the documents
//     by a join, and each wide bucket is one element;
//   - the special buckets (boilerplate, or over the cap of documents)
//     are decided together on one worker (pipeline.Specials): their
//     near-identical families span buckets. Their units' shingles and
//     seeds come from the documents by a join;
//   - the boilerplate groups' units, sent to one worker, make the
//     boilerplate passages and masks (pipeline.Boilerplates); the masks
//     go back to their documents by a join;
//   - the group pairs become document pairs without the groups that
//     families made boilerplate (a side input), then each document pair
//     meets its documents' masked seeds for the seed filter, two joins
//     by document.

// entrySize is the bytes of a band entry: fingerprint, content key,
// document, unit index; the entries of band 0 that go to the boilerplate
// round carry the unit's byte span and token range too (entry0Size).
const (
	entrySize  = 4 + 8 + 4 + 4
	entry0Size = entrySize + 16
)

// entry is one unit in one band.
type entry struct {
	key  uint64
	fp   uint32
	doc  int32
	idx  uint32
	span pipeline.Span
	tok  pipeline.Range
}

// id is the ID of the group whose first unit e is: groups ordered by
// first appearance in the corpus.
func (e *entry) id() uint64 { return uint64(uint32(e.doc))<<32 | uint64(e.idx) }

// shardOf returns the shard of fingerprint fp in band b.
func shardOf(b int, fp uint32, parts int) int {
	return b*parts + int(uint64(fp)*uint64(parts)>>32)
}

// appendEntry packs an entry of band 0 (with span and token range) or of
// another band.
func appendEntry(b []byte, e *entry, band0 bool) []byte {
	le := binary.LittleEndian
	b = le.AppendUint32(b, e.fp)
	b = le.AppendUint64(b, e.key)
	b = le.AppendUint32(b, uint32(e.doc))
	b = le.AppendUint32(b, e.idx)
	if band0 {
		b = le.AppendUint32(le.AppendUint32(b, e.span.Start), e.span.End)
		b = le.AppendUint32(le.AppendUint32(b, uint32(e.tok.Start)), uint32(e.tok.End))
	}
	return b
}

// readEntries unpacks a shard's records and sorts them by fingerprint,
// key and place in the corpus.
func readEntries(recs [][]byte, band0 bool) ([]entry, error) {
	size := entrySize
	if band0 {
		size = entry0Size
	}
	le := binary.LittleEndian
	var out []entry
	for _, data := range recs {
		out = slices.Grow(out, len(data)/size)
		if len(data)%size != 0 {
			return nil, errShort
		}
		for b := data; len(b) > 0; b = b[size:] {
			e := entry{fp: le.Uint32(b), key: le.Uint64(b[4:]), doc: int32(le.Uint32(b[12:])), idx: le.Uint32(b[16:])}
			if band0 {
				e.span = pipeline.Span{Start: le.Uint32(b[20:]), End: le.Uint32(b[24:])}
				e.tok = pipeline.Range{Start: int32(le.Uint32(b[28:])), End: int32(le.Uint32(b[32:]))}
			}
			out = append(out, e)
		}
	}
	// By fingerprint in linear time (a radix sort), then each bucket,
	// most of them a unit or two, by key and place.
	keys := make([]uint64, len(out))
	for i, e := range out {
		keys[i] = uint64(e.fp)<<32 | uint64(i)
	}
	keys = minhash.SortByFingerprint(keys, make([]uint64, len(keys)))
	sorted := make([]entry, len(out))
	for i, k := range keys {
		sorted[i] = out[uint32(k)]
	}
	for i := 0; i < len(sorted); {
		j := i + 1
		for j < len(sorted) && sorted[j].fp == sorted[i].fp {
			j++
		}
		if j-i > 1 {
			slices.SortFunc(sorted[i:j], func(x, y entry) int {
				return cmp.Or(cmp.Compare(x.key, y.key), cmp.Compare(x.doc, y.doc), cmp.Compare(x.idx, y.idx))
			})
		}
		i = j
	}
	return sorted, nil
}

// group is a distinct unit of a bucket: its units' entries and its
// documents.
type group struct {
	units []entry // by place in the corpus
	docs  []int32 // ascending
}

func (g *group) id() uint64 { return g.units[0].id() }

// eachBucket calls f with each bucket of sorted entries: its groups, in
// group order. Buckets of one group are left out unless singles is set.
func eachBucket(es []entry, singles bool, f func(fp uint32, gs []group) error) error {
	var gs []group
	for i := 0; i < len(es); {
		j := i
		for j < len(es) && es[j].fp == es[i].fp {
			j++
		}
		if !singles && es[i].key == es[j-1].key {
			i = j
			continue
		}
		gs = gs[:0]
		for k := i; k < j; {
			l := k
			var docs []int32
			for ; l < j && es[l].key == es[k].key; l++ {
				if n := len(docs); n == 0 || docs[n-1] != es[l].doc {
					docs = append(docs, es[l].doc)
				}
			}
			gs = append(gs, group{units: es[k:l], docs: docs})
			k = l
		}
		slices.SortFunc(gs, func(x, y group) int { return cmp.Compare(x.id(), y.id()) })
		if err := f(es[i].fp, gs); err != nil {
			return err
		}
		i = j
	}
	return nil
}

// pairBatch is a batch of group pairs on their way to become document
// pairs: the groups (ID and documents) and pairs of indexes into them (a
// group with itself: the pairs of its own documents).
type pairBatch struct {
	IDs   []uint64
	Docs  [][]int32
	Pairs [][2]int32
	index map[uint64]int32 // ID → its index
}

// add adds group (id, docs) to the batch unless it is there, and returns
// its index.
func (b *pairBatch) add(id uint64, docs []int32) int32 {
	if x, ok := b.index[id]; ok {
		return x
	}
	if b.index == nil {
		b.index = map[uint64]int32{}
	}
	x := int32(len(b.IDs))
	b.index[id] = x
	b.IDs, b.Docs = append(b.IDs, id), append(b.Docs, docs)
	return x
}

// maxBatchPairs is the most pairs a batch holds before it is sent on.
const maxBatchPairs = 1 << 16

// unitReq asks a document for what a later round needs of one of its
// units: its seeds (for a wide bucket, Bucket ≥ 0) or its shingles and
// seeds (for the special buckets, Bucket < 0).
type unitReq struct {
	Bucket int64
	ID     uint64
	Doc    int32
	Idx    uint32
}

// unitData is what a document answers: the unit's seeds and, for the
// special buckets, its shingles.
type unitData struct {
	ID       uint64
	Seeds    pipeline.Seeds
	Shingles []uint64
}

// bucketRec is a wide or special bucket: its band and groups.
type bucketRec struct {
	Band    int
	Members []uint64
	Docs    [][]int32
}

// bucketsFn decides the band buckets of one shard: ordinary buckets'
// group pairs go on in batches, wide and special buckets to their
// rounds. The shards of band 0 also give each group's own pairs (its
// documents paired), once.
type bucketsFn struct {
	Opts      Options
	Parts     int
	DocShards int
	cfg       *pipeline.Config
}

// Setup makes the worker's configuration.
func (f *bucketsFn) Setup() (err error) {
	f.cfg, err = configOf(&f.Opts)
	return err
}

// ProcessElement decides one shard's buckets.
func (f *bucketsFn) ProcessElement(ctx context.Context, shard int, names func(*string) bool,
	emitPairs func([]byte), emitReq func(int, []byte), emitWide func(int64, []byte), emitSpecial func(int, []byte)) error {
	band := shard / f.Parts
	recs, err := readShardFiles(ctx, names)
	if err != nil {
		return err
	}
	es, err := readEntries(recs, false)
	if err != nil {
		return err
	}
	c := f.cfg
	var batch pairBatch
	flush := func() {
		if len(batch.Pairs) > 0 {
			emitPairs(encode(batch))
		}
		batch = pairBatch{}
	}
	seen := pipeline.NewStamps(0)
	filt := c.NewFilter()
	err = eachBucket(es, band == 0, func(fp uint32, gs []group) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if band == 0 {
			for _, g := range gs {
				if len(g.docs) > 1 && !c.Boiler(len(g.docs)) {
					x := batch.add(g.id(), g.docs)
					batch.Pairs = append(batch.Pairs, [2]int32{x, x})
				}
			}
		}
		if len(gs) < 2 {
			return nil
		}
		docsOf := func(x int) []int32 { return gs[x].docs }
		isBoiler := func(x int) bool { return c.Boiler(len(gs[x].docs)) }
		special := c.SpecialBucket(len(gs), docsOf, isBoiler, &seen)
		if special || len(gs) > pipeline.WideBucket {
			rec := bucketRec{Band: band}
			bucket := int64(band)<<32 | int64(fp)
			if special {
				bucket = -1
			}
			for _, g := range gs {
				rec.Members, rec.Docs = append(rec.Members, g.id()), append(rec.Docs, g.docs)
				u := &g.units[0]
				emitReq(int(u.doc)%f.DocShards, encode(unitReq{Bucket: bucket, ID: g.id(), Doc: u.doc, Idx: u.idx}))
			}
			if special {
				emitSpecial(0, encode(rec))
			} else {
				emitWide(bucket, encode(rec))
			}
			return nil
		}
		c.BucketPairs(filt, len(gs), nil, func(x, y int) {
			ix := batch.add(gs[x].id(), gs[x].docs)
			iy := batch.add(gs[y].id(), gs[y].docs)
			batch.Pairs = append(batch.Pairs, [2]int32{ix, iy})
		})
		if len(batch.Pairs) >= maxBatchPairs {
			flush()
		}
		return nil
	})
	flush()
	return err
}

// unitsFn answers the requests for one document's units.
type unitsFn struct {
	Opts Options
	cfg  *pipeline.Config
	h    *minhash.Hasher
	toks []minhash.Token
}

// Setup makes the worker's hasher.
func (f *unitsFn) Setup() (err error) {
	if f.cfg, err = configOf(&f.Opts); err != nil {
		return err
	}
	f.h, err = minhash.NewHasher(f.cfg.Params)
	return err
}

// ProcessElement answers the requests for the units of one shard of
// documents, reading the shard's files of documents.
func (f *unitsFn) ProcessElement(ctx context.Context, shard int, reqIter func(*[]byte) bool, names func(*string) bool,
	emitWide func(int64, []byte), emitSpecial func(int, []byte)) error {
	reqs := map[int32][]unitReq{}
	var data []byte
	for reqIter(&data) {
		var r unitReq
		if err := decode(data, &r); err != nil {
			return err
		}
		reqs[r.Doc] = append(reqs[r.Doc], r)
	}
	if len(reqs) == 0 {
		return nil
	}
	return eachDoc(ctx, names, func(doc int32, rec []byte) error {
		rs := reqs[doc]
		if len(rs) == 0 {
			return nil
		}
		var d docData
		if err := d.decode(rec); err != nil {
			return err
		}
		answered := map[uint64]bool{} // special groups, once each
		for _, r := range rs {
			if int(r.Idx) >= len(d.Sketch.Toks) {
				return fmt.Errorf("reprintbeam: unit %d of document %d of %d units", r.Idx, doc, len(d.Sketch.Toks))
			}
			out := unitData{ID: r.ID}
			out.Seeds, _ = pipeline.UnitSeeds(nil, d.Sketch.Seeds, d.Sketch.Toks[r.Idx], f.cfg.Params.Shingle)
			if r.Bucket >= 0 {
				emitWide(r.Bucket, encode(out))
				continue
			}
			if answered[r.ID] {
				continue
			}
			answered[r.ID] = true
			sp := d.Sketch.Spans[r.Idx]
			out.Shingles, f.toks = f.cfg.UnitShingles(f.h, d.Text[sp.Start:sp.End], f.toks)
			emitSpecial(0, encode(out))
		}
		return nil
	})
}

// wideFn pairs the groups of one wide bucket that may align.
type wideFn struct {
	Opts Options
	cfg  *pipeline.Config
}

// Setup makes the worker's configuration.
func (f *wideFn) Setup() (err error) {
	f.cfg, err = configOf(&f.Opts)
	return err
}

// ProcessElement pairs one wide bucket.
func (f *wideFn) ProcessElement(bucket int64, recs func(*[]byte) bool, units func(*[]byte) bool, emitPairs func([]byte)) error {
	var data []byte
	if !recs(&data) {
		return fmt.Errorf("reprintbeam: seeds of unknown bucket %d", bucket)
	}
	var rec bucketRec
	if err := decode(data, &rec); err != nil {
		return err
	}
	seeds := make([]pipeline.Seeds, len(rec.Members))
	got := 0
	for units(&data) {
		var u unitData
		if err := decode(data, &u); err != nil {
			return err
		}
		x, ok := slices.BinarySearch(rec.Members, u.ID)
		if !ok {
			return fmt.Errorf("reprintbeam: seeds of group %d, not in bucket %d", u.ID, bucket)
		}
		seeds[x] = u.Seeds
		got++
	}
	if got != len(rec.Members) {
		return fmt.Errorf("reprintbeam: bucket %d: seeds of %d of its %d groups", bucket, got, len(rec.Members))
	}
	var batch pairBatch
	f.cfg.BucketPairs(f.cfg.NewFilter(), len(rec.Members), func(x int) pipeline.Seeds { return seeds[x] }, func(x, y int) {
		ix := batch.add(rec.Members[x], rec.Docs[x])
		iy := batch.add(rec.Members[y], rec.Docs[y])
		batch.Pairs = append(batch.Pairs, [2]int32{ix, iy})
	})
	if len(batch.Pairs) > 0 {
		emitPairs(encode(batch))
	}
	return nil
}

// specialsFn decides the special buckets, all on one worker: the
// boilerplate groups (a side input of later rounds), the buckets' pairs
// and the hot count.
type specialsFn struct {
	Opts Options
}

// specialOut is the special buckets' verdict for the report: the
// hot-bucket count.
type specialOut struct {
	Hot int
}

// ProcessElement decides the special buckets.
func (f *specialsFn) ProcessElement(_ int, recs func(*[]byte) bool, units func(*[]byte) bool,
	emitBoiler func([]byte), emitPairs func([]byte), emitOut func(int, []byte)) error {
	cfg, err := configOf(&f.Opts)
	if err != nil {
		return err
	}
	docs := map[uint64][]int32{}
	var bands []pipeline.SpecialBand
	var data []byte
	for recs(&data) {
		var rec bucketRec
		if err := decode(data, &rec); err != nil {
			return err
		}
		bands = append(bands, pipeline.SpecialBand{Band: rec.Band, Members: rec.Members})
		for i, id := range rec.Members {
			docs[id] = rec.Docs[i]
		}
	}
	var groups []pipeline.SpecialGroup
	for units(&data) {
		var u unitData
		if err := decode(data, &u); err != nil {
			return err
		}
		ds, ok := docs[u.ID]
		if !ok {
			return fmt.Errorf("reprintbeam: unit data of group %d, in no special bucket", u.ID)
		}
		groups = append(groups, pipeline.SpecialGroup{ID: u.ID, Docs: ds, Shingles: u.Shingles, Seeds: u.Seeds})
	}
	res, err := cfg.Specials(groups, bands, true)
	if err != nil {
		return err
	}
	emitBoiler(encode(res.Boiler))
	var batch pairBatch
	for _, p := range res.Pairs {
		ia := batch.add(p[0], docs[p[0]])
		ib := batch.add(p[1], docs[p[1]])
		batch.Pairs = append(batch.Pairs, [2]int32{ia, ib})
		if len(batch.Pairs) >= maxBatchPairs {
			emitPairs(encode(batch))
			batch = pairBatch{}
		}
	}
	if len(batch.Pairs) > 0 {
		emitPairs(encode(batch))
	}
	emitOut(0, encode(specialOut{Hot: res.Hot}))
	return nil
}

// boilerSet reads the side input of the special buckets' boilerplate
// groups (absent when there was no special bucket).
func boilerSet(side func(*[]byte) bool) (map[uint64]bool, error) {
	set := map[uint64]bool{}
	var data []byte
	for side(&data) {
		var ids []uint64
		if err := decode(data, &ids); err != nil {
			return nil, err
		}
		for _, id := range ids {
			set[id] = true
		}
	}
	return set, nil
}

// expandFn turns a batch of group pairs into document pairs, leaving out
// the groups that families made boilerplate: per document a, its
// partners b (packed, ascending, each once).
type expandFn struct {
	boiler map[uint64]bool
}

// ProcessElement expands one batch.
func (f *expandFn) ProcessElement(data []byte, side func(*[]byte) bool, emit func(int64, []byte)) error {
	if f.boiler == nil { // the same side input for every element
		var err error
		if f.boiler, err = boilerSet(side); err != nil {
			return err
		}
	}
	var b pairBatch
	if err := decode(data, &b); err != nil {
		return err
	}
	var out []uint64
	for _, p := range b.Pairs {
		if f.boiler[b.IDs[p[0]]] || f.boiler[b.IDs[p[1]]] {
			continue
		}
		out = pipeline.AppendDocPairs(out, b.Docs[p[0]], b.Docs[p[1]])
	}
	slices.Sort(out)
	out = slices.Compact(out)
	for i := 0; i < len(out); {
		a := out[i] >> 32
		var bs []byte
		for ; i < len(out) && out[i]>>32 == a; i++ {
			bs = binary.LittleEndian.AppendUint32(bs, uint32(out[i]))
		}
		emit(int64(a), bs)
	}
	return nil
}

// boilerUnitsFn sends the units of band 0's boilerplate groups (by the
// exact cap or by family) to the boilerplate worker.
type boilerUnitsFn struct {
	Opts   Options
	cfg    *pipeline.Config
	boiler map[uint64]bool
}

// Setup makes the worker's configuration.
func (f *boilerUnitsFn) Setup() (err error) {
	f.cfg, err = configOf(&f.Opts)
	return err
}

// ProcessElement reads one shard of band 0.
func (f *boilerUnitsFn) ProcessElement(ctx context.Context, _ int, names func(*string) bool, side func(*[]byte) bool, emit func(int, []byte)) error {
	if f.boiler == nil {
		var err error
		if f.boiler, err = boilerSet(side); err != nil {
			return err
		}
	}
	recs, err := readShardFiles(ctx, names)
	if err != nil {
		return err
	}
	es, err := readEntries(recs, true)
	if err != nil {
		return err
	}
	var out []byte
	err = eachBucket(es, true, func(_ uint32, gs []group) error {
		for _, g := range gs {
			if !f.cfg.Boiler(len(g.docs)) && !f.boiler[g.id()] {
				continue
			}
			for i := range g.units {
				e := g.units[i]
				e.key = g.id() // the group, in the key's place
				out = appendEntry(out, &e, true)
			}
		}
		return nil
	})
	if len(out) > 0 {
		emit(0, out)
	}
	return err
}

// boilerOut is the boilerplate worker's result for the report.
type boilerOut struct {
	Boilerplate []pipeline.Boilerplate
}

// maskRec is one document's boilerplate: byte spans for alignment, token
// ranges for the seed filter.
type maskRec struct {
	Doc   int32
	Spans []pipeline.Span
	Toks  []pipeline.Range
}

// boilerplateFn makes the boilerplate passages and masks from the
// boilerplate groups' units, on one worker.
type boilerplateFn struct {
	DocShards int
}

// ProcessElement makes the passages and masks.
func (f *boilerplateFn) ProcessElement(_ int, iter func(*[]byte) bool, emitMask func(int, []byte), emitText func(int64, []byte), emitOut func(int, []byte)) error {
	var recs [][]byte
	var data []byte
	for iter(&data) {
		recs = append(recs, data)
	}
	es, err := readEntries(recs, true)
	if err != nil {
		return err
	}
	slices.SortFunc(es, func(x, y entry) int { return cmp.Or(cmp.Compare(x.doc, y.doc), cmp.Compare(x.idx, y.idx)) })
	passages, spans, toks := pipeline.Boilerplates(func(yield func(pipeline.BoilerUnit) bool) {
		for _, e := range es {
			if !yield(pipeline.BoilerUnit{Doc: e.doc, Index: e.idx, Group: e.key, Span: e.span, Tok: e.tok}) {
				return
			}
		}
	}, true)
	docs := make([]int32, 0, len(spans))
	for d := range spans {
		docs = append(docs, d)
	}
	slices.Sort(docs)
	for _, d := range docs {
		emitMask(int(d)%f.DocShards, encode(maskRec{Doc: d, Spans: spans[d], Toks: toks[d]}))
	}
	first := map[int32]bool{}
	for _, p := range passages {
		if !first[p.Doc] {
			first[p.Doc] = true
			emitText(int64(p.Doc), []byte{})
		}
	}
	emitOut(0, encode(boilerOut{Boilerplate: passages}))
	return nil
}

// docData is a document as the candidate stage's joins read it: its text
// and its sketch without band fingerprints (keys, spans, token ranges,
// unmasked seeds).
type docData struct {
	Doc    int32
	Text   string
	Sketch pipeline.Sketch
}

// encode packs d as a record of a file of documents: its number and
// length, then text and sketch, so that a reader skips the documents it
// does not need.
func (d *docData) encode() []byte {
	body := append(appendString(nil, d.Text), packSketch(&d.Sketch)...)
	head := binary.AppendUvarint(binary.LittleEndian.AppendUint32(nil, uint32(d.Doc)), uint64(len(body)))
	return append(head, body...)
}

// decode unpacks what eachDoc gives: the record's body.
func (d *docData) decode(b []byte) error {
	u := unpacker{b: b}
	d.Text = u.string()
	if u.err != nil {
		return u.err
	}
	var err error
	d.Sketch, err = unpackSketch(u.b)
	return err
}

// eachDoc calls f with each document record of the files named: its
// number and body, for docData.decode.
func eachDoc(ctx context.Context, names func(*string) bool, f func(doc int32, rec []byte) error) error {
	var name string
	for names(&name) {
		data, err := readFile(ctx, name)
		if err != nil {
			return fmt.Errorf("reprintbeam: reading documents: %w", err)
		}
		for u := (unpacker{b: data}); len(u.b) > 0; {
			doc := int32(binary.LittleEndian.Uint32(u.take(4)))
			rec := u.take(u.count(1))
			if u.err != nil {
				return fmt.Errorf("reprintbeam: %s: %w", name, u.err)
			}
			if err := f(doc, rec); err != nil {
				return err
			}
		}
	}
	return nil
}

// fullFn makes a document's records for alignment (its text and
// boilerplate mask) and for the seed filter (its seeds, masked: by
// document, and by the filter's shard of documents).
type fullFn struct {
	Opts Options
	// Shards is the seed filter's number of shards of documents.
	Shards int
	k      int
}

// Setup reads the shingle size.
func (f *fullFn) Setup() error {
	cfg, err := configOf(&f.Opts)
	if err != nil {
		return err
	}
	f.k = cfg.Params.Shingle
	return nil
}

// ProcessElement makes the records of one shard of documents, read from
// its files, with the masks of its documents with boilerplate.
func (f *fullFn) ProcessElement(ctx context.Context, shard int, names func(*string) bool, maskIter func(*[]byte) bool,
	emitText, emitSeeds func(int64, []byte), emitShard func(int, []byte)) error {
	masks := map[int32]maskRec{}
	var data []byte
	for maskIter(&data) {
		var m maskRec
		if err := decode(data, &m); err != nil {
			return err
		}
		masks[m.Doc] = m
	}
	return eachDoc(ctx, names, func(doc int32, rec []byte) error {
		var d docData
		if err := d.decode(rec); err != nil {
			return err
		}
		out, seeds := textDoc{Text: d.Text}, d.Sketch.Seeds
		if m, ok := masks[doc]; ok {
			out.Mask = m.Spans
			seeds = seeds.Mask(m.Toks, f.k)
		}
		packed := appendSeeds(nil, seeds)
		emitText(int64(doc), out.encode())
		emitSeeds(int64(doc), packed)
		emitShard(shard, append(binary.LittleEndian.AppendUint32(nil, uint32(doc)), packed...))
		return nil
	})
}

// seedsAFn sends document a's masked seeds to its candidate partners b,
// through files (see spool): a record for each shard of partners (b mod
// Shards) that a has, holding a's seeds and those partners. Sent through
// the runner, a's seeds would travel once a pair (about 90 MB for the
// 52,836 candidate pairs of 10k archive articles, 2.2 GB for the 1.3M at
// 100k), which prism holds several times over.
type seedsAFn struct {
	Dir        string
	Shards     int
	out        *spool
	candidates beam.Counter
}

// Setup makes the counter.
func (f *seedsAFn) Setup() { f.candidates = beam.NewCounter("reprint", "candidate-pairs") }

// StartBundle starts the bundle's spool.
func (f *seedsAFn) StartBundle(func(int, string)) { f.out = newSpool(f.Dir, f.Shards) }

// ProcessElement sends one document's seeds.
func (f *seedsAFn) ProcessElement(ctx context.Context, a int64, lists func(*[]byte) bool, docs func(*[]byte) bool, emit func(int, string)) error {
	var bs []uint32
	var data []byte
	for lists(&data) {
		for b := data; len(b) >= 4; b = b[4:] {
			bs = append(bs, binary.LittleEndian.Uint32(b))
		}
	}
	if len(bs) == 0 {
		return nil
	}
	slices.Sort(bs)
	bs = slices.Compact(bs)
	if !docs(&data) {
		return fmt.Errorf("reprintbeam: candidate pair of unknown document %d", a)
	}
	f.candidates.Inc(ctx, int64(len(bs)))
	byShard := make([][]uint32, f.Shards)
	for _, b := range bs {
		byShard[int(b)%f.Shards] = append(byShard[int(b)%f.Shards], b)
	}
	head := binary.AppendUvarint(binary.LittleEndian.AppendUint32(nil, uint32(a)), uint64(len(data)))
	for sh, part := range byShard {
		if len(part) == 0 {
			continue
		}
		rec := binary.AppendUvarint(nil, uint64(len(part)))
		for _, b := range part {
			rec = binary.LittleEndian.AppendUint32(rec, b)
		}
		f.out.add(sh, head, data, rec)
	}
	if f.out.full() {
		return f.out.flush(ctx, emit)
	}
	return nil
}

// FinishBundle writes the bundle's last records.
func (f *seedsAFn) FinishBundle(ctx context.Context, emit func(int, string)) error {
	err := f.out.flush(ctx, emit)
	f.out = nil
	return err
}

// filterFn runs the seed filter on the candidate pairs of one shard of
// documents b, whose seeds it holds, and passes on those that may align;
// it then sends a token that the shard is done (the files it read may
// go).
type filterFn struct {
	Opts    Options
	f       *pipeline.Filter
	aligned beam.Counter
}

// Setup makes the worker's filter.
func (f *filterFn) Setup() error {
	cfg, err := configOf(&f.Opts)
	if err != nil {
		return err
	}
	f.f = cfg.NewFilter()
	f.aligned = beam.NewCounter("reprint", "filtered-pairs")
	return nil
}

// ProcessElement filters one shard's pairs.
func (f *filterFn) ProcessElement(ctx context.Context, shard int, names func(*string) bool, seedsIter func(*[]byte) bool,
	emit func(int64, int64), emitDone func(int, []byte)) error {
	seeds := map[uint32]pipeline.Seeds{}
	var data []byte
	for seedsIter(&data) {
		if len(data) < 4 {
			return errShort
		}
		s, err := readSeeds(data[4:])
		if err != nil {
			return err
		}
		seeds[binary.LittleEndian.Uint32(data)] = s
	}
	var name string
	for names(&name) {
		data, err := readFile(ctx, name)
		if err != nil {
			return fmt.Errorf("reprintbeam: reading seeds: %w", err)
		}
		for u := (unpacker{b: data}); len(u.b) > 0 && u.err == nil; {
			a := binary.LittleEndian.Uint32(u.take(4))
			sa := unpackSeeds(&unpacker{b: u.take(u.count(1))})
			f.f.Reset(sa)
			for range u.count(4) {
				b := binary.LittleEndian.Uint32(u.take(4))
				sb, ok := seeds[b]
				if !ok {
					return fmt.Errorf("reprintbeam: candidate pair of unknown document %d in shard %d", b, shard)
				}
				if f.f.MayAlign(sb) {
					f.aligned.Inc(ctx, 1)
					emit(int64(a), int64(b))
				}
			}
			if u.err != nil {
				return fmt.Errorf("reprintbeam: %s: %w", name, u.err)
			}
		}
	}
	emitDone(0, []byte{})
	return nil
}

// appendSeeds packs seeds: position bits, wild flag, keys.
func appendSeeds(b []byte, s pipeline.Seeds) []byte {
	b = append(b, s.PosBits, boolByte(s.Wild))
	b = binary.AppendUvarint(b, uint64(len(s.Keys)))
	for _, k := range s.Keys {
		b = binary.LittleEndian.AppendUint32(b, k)
	}
	return b
}

func readSeeds(b []byte) (pipeline.Seeds, error) {
	u := unpacker{b: b}
	s := unpackSeeds(&u)
	return s, u.err
}

func unpackSeeds(u *unpacker) pipeline.Seeds {
	var s pipeline.Seeds
	flags := u.take(2)
	s.PosBits, s.Wild = flags[0], flags[1] == 1
	if n := u.count(4); n > 0 {
		s.Keys = make([]uint32, n)
		for i := range s.Keys {
			s.Keys[i] = binary.LittleEndian.Uint32(u.take(4))
		}
	}
	return s
}
