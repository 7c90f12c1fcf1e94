package reprint_test

import (
	"context"
	"fmt"

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
