package reprint_test

import (
	"context"
	"fmt"
	"time"

	"github.com/reprint-dev/reprint"
)

// A news agency's sentence recycled, lightly edited, inside a longer
// article: Detect reports it with its byte spans in both documents.
func Example() {
	agency := reprint.Document{ID: "agency", Text: "Shares of Acme Corp rose sharply on Tuesday after the company said quarterly profit had doubled on strong demand for its new engines."}
	outlet := reprint.Document{ID: "outlet", Text: "Markets were mixed. Shares of Acme Corp rose sharply on Tuesday after the company said its quarterly profit had doubled on strong demand for its engines, Reuters reported. Analysts were surprised."}

	det, err := reprint.New()
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := det.Add(agency, outlet); err != nil {
		fmt.Println(err)
		return
	}
	rep, err := det.Detect(context.Background())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range rep.Clusters {
		for _, p := range c.Passages {
			fmt.Printf("%s [%d,%d): %s\n", p.Doc, p.Start, p.End, p.Text)
		}
	}
	// Output:
	// agency [0,132): Shares of Acme Corp rose sharply on Tuesday after the company said quarterly profit had doubled on strong demand for its new engines
	// outlet [20,152): Shares of Acme Corp rose sharply on Tuesday after the company said its quarterly profit had doubled on strong demand for its engines
}

// Options tune detection: here, only passages of at least 12 words count.
func ExampleWithMinWords() {
	det, _ := reprint.New(reprint.WithMinWords(12))
	_ = det.Add(
		reprint.Document{ID: "a", Text: "The minister said the talks would resume next week in Geneva."},
		reprint.Document{ID: "b", Text: "Officials said the talks would resume next week in Geneva, without giving details."},
	)
	rep, _ := det.Detect(context.Background())
	fmt.Println(len(rep.Clusters), "clusters")
	// Output:
	// 0 clusters
}

// Provenance reads dates as evidence; WithHardDates makes timestamps at
// least an hour apart a rule: here a blog quotes the wire's words and
// credits it, but its timestamp is 65 minutes earlier, so the wire cannot
// be its source.
func ExampleWithHardDates() {
	at := func(s string) reprint.Date {
		t, _ := time.Parse(time.RFC3339, s)
		return reprint.Date{Time: t, Granularity: reprint.GranularityMinute}
	}
	passage := "The central bank raised its main lending rate by half a point to 7.5 pct on Tuesday, " +
		"the first increase in three years, citing a surge in import prices and wage demands across the economy."
	docs := []reprint.Document{
		{ID: "wire", Source: "Reuters", Date: at("2024-03-05T12:05:00Z"), Text: "Markets fell in early trade. " + passage},
		{ID: "blog", Source: "Daily Blog", Date: at("2024-03-05T11:00:00Z"), Text: "Reuters reported: " + passage},
	}
	for _, opts := range [][]reprint.Option{nil, {reprint.WithHardDates(time.Hour)}} {
		det, _ := reprint.New(opts...)
		_ = det.Add(docs...)
		rep, _ := det.Detect(context.Background())
		src := "undetermined"
		if p := rep.DocPairs[0]; p.Source != nil {
			src = *p.Source
		}
		fmt.Println("source:", src)
	}
	// Output:
	// source: wire
	// source: blog
}
