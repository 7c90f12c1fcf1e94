package reprintbeam

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/parquet-go/parquet-go"

	"github.com/reprint-dev/reprint"
)

// The Parquet tables, one row per document, document pair, match and
// cluster passage, with the report's field names; each is a directory of
// part-NNNNN.parquet files of at most ShardRows rows, so that DuckDB
// (read_parquet('DIR/matches/*.parquet')) or Spark reads them whole.

// DocumentRow is one row of the documents table.
type DocumentRow struct {
	ID             string  `parquet:"id"`
	Path           string  `parquet:"path"`
	Title          string  `parquet:"title"`
	Source         string  `parquet:"source"`
	Date           string  `parquet:"date"`
	Bytes          int64   `parquet:"bytes"`
	Words          int64   `parquet:"words"`
	ReusedFraction float64 `parquet:"reused_fraction"`
}

// DocPairRow is one row of the doc_pairs table.
type DocPairRow struct {
	A                 string  `parquet:"a"`
	B                 string  `parquet:"b"`
	Jaccard           float64 `parquet:"jaccard"`
	ContainmentA      float64 `parquet:"containment_a"`
	ContainmentB      float64 `parquet:"containment_b"`
	SharedWords       int64   `parquet:"shared_words"`
	Source            *string `parquet:"source,optional"`
	SourceProbability float64 `parquet:"source_probability"`
}

// MatchRow is one row of the matches table.
type MatchRow struct {
	ADoc       string  `parquet:"a_doc"`
	AStart     int64   `parquet:"a_start"`
	AEnd       int64   `parquet:"a_end"`
	BDoc       string  `parquet:"b_doc"`
	BStart     int64   `parquet:"b_start"`
	BEnd       int64   `parquet:"b_end"`
	Similarity float64 `parquet:"similarity"`
	Words      int64   `parquet:"words"`
}

// ClusterRow is one row of the clusters table: one passage of a cluster,
// with the cluster's verdicts repeated on each.
type ClusterRow struct {
	Cluster             string  `parquet:"cluster"`
	Doc                 string  `parquet:"doc"`
	Start               int64   `parquet:"start"`
	End                 int64   `parquet:"end"`
	Line                int64   `parquet:"line"`
	Text                string  `parquet:"text"`
	Earliest            *string `parquet:"earliest,optional"`
	OriginDoc           *string `parquet:"origin_doc,optional"`
	OriginProbability   float64 `parquet:"origin_probability"`
	ExternalProbability float64 `parquet:"external_probability"`
	Quotation           bool    `parquet:"quotation"`
}

// tables are the table names, in the order they are written.
var tables = []string{"documents", "doc_pairs", "matches", "clusters"}

// shardRow is one row on its way to its shard: its place in the table and
// its JSON.
type shardRow struct {
	I   int             `json:"i"`
	Row json.RawMessage `json:"row"`
}

// emitRows sends each table's rows to their shards, keyed "table/shard";
// every table's shard 0 gets an empty marker, so that an empty table
// still has a file with its schema.
func emitRows(rep *reprint.Report, shardRows int, emit func(string, []byte)) error {
	send := func(table string, i int, row any) error {
		b, err := json.Marshal(row)
		if err != nil {
			return err
		}
		out, err := json.Marshal(shardRow{i, b})
		if err != nil {
			return err
		}
		emit(fmt.Sprintf("%s/%d", table, i/shardRows), out)
		return nil
	}
	for _, t := range tables {
		emit(t+"/0", nil)
	}
	for i, d := range rep.Documents {
		if err := send("documents", i, DocumentRow{d.ID, d.Path, d.Title, d.Source, d.Date, int64(d.Bytes), int64(d.Words), d.ReusedFraction}); err != nil {
			return err
		}
	}
	for i, p := range rep.DocPairs {
		if err := send("doc_pairs", i, DocPairRow{p.A, p.B, p.Jaccard, p.ContainmentA, p.ContainmentB, int64(p.SharedWords), p.Source, p.SourceProbability}); err != nil {
			return err
		}
	}
	for i, m := range rep.Matches {
		if err := send("matches", i, MatchRow{m.A.Doc, int64(m.A.Start), int64(m.A.End), m.B.Doc, int64(m.B.Start), int64(m.B.End), m.Similarity, int64(m.Words)}); err != nil {
			return err
		}
	}
	n := 0
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			row := ClusterRow{Cluster: c.ID, Doc: p.Doc, Start: int64(p.Start), End: int64(p.End), Line: int64(p.Line), Text: p.Text,
				Earliest: c.Earliest, Quotation: c.Quotation}
			if c.Origin != nil {
				row.OriginDoc, row.OriginProbability, row.ExternalProbability = c.Origin.Doc, c.Origin.Probability, c.Origin.ExternalProbability
			}
			if err := send("clusters", n, row); err != nil {
				return err
			}
			n++
		}
	}
	return nil
}

// shardFn writes one shard of one table.
type shardFn struct {
	Output string
}

// ProcessElement writes the shard key ("table/shard") of rows.
func (f *shardFn) ProcessElement(ctx context.Context, key string, rowIter func(*[]byte) bool) error {
	table, n, ok := strings.Cut(key, "/")
	shard, err := strconv.Atoi(n)
	if !ok || err != nil {
		return fmt.Errorf("reprintbeam: bad shard key %q", key)
	}
	var rows []shardRow
	var data []byte
	for rowIter(&data) {
		if len(data) == 0 {
			continue // the marker
		}
		var r shardRow
		if err := json.Unmarshal(data, &r); err != nil {
			return err
		}
		rows = append(rows, r)
	}
	slices.SortFunc(rows, func(a, b shardRow) int { return cmp.Compare(a.I, b.I) })
	path := join(f.Output, fmt.Sprintf("%s/part-%05d.parquet", table, shard))
	switch table {
	case "documents":
		return writeShard[DocumentRow](ctx, path, rows)
	case "doc_pairs":
		return writeShard[DocPairRow](ctx, path, rows)
	case "matches":
		return writeShard[MatchRow](ctx, path, rows)
	case "clusters":
		return writeShard[ClusterRow](ctx, path, rows)
	}
	return fmt.Errorf("reprintbeam: unknown table %q", table)
}

func writeShard[T any](ctx context.Context, path string, rows []shardRow) error {
	out := make([]T, len(rows))
	for i, r := range rows {
		if err := json.Unmarshal(r.Row, &out[i]); err != nil {
			return err
		}
	}
	return writeWith(ctx, path, func(w io.Writer) error {
		pw := parquet.NewGenericWriter[T](w)
		if _, err := pw.Write(out); err != nil {
			return err
		}
		return pw.Close()
	})
}
