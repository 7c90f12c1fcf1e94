package provenance_test

import (
	"fmt"
	"strings"

	"github.com/reprint-dev/reprint/provenance"
)

// Two stories share a passage; the first is dated four hours earlier. The
// date is a fact (the earliest witness); the origin and the derivation
// tree are inferences with probabilities and reasons.
func ExampleInfer() {
	docs, clusters := copyCorpus()
	docs[0].Date, docs[1].Date = at("2017-06-09T10:00"), at("2017-06-09T14:00")
	res, err := provenance.Infer(docs, clusters, provenance.Options{})
	if err != nil {
		panic(err)
	}
	v := res.Clusters[0]
	fmt.Println("earliest witness:", docs[v.Earliest].Label)
	fmt.Println("origin:", docs[v.Origin].Label, v.OriginProbability > 0.9)
	for _, e := range v.Edges {
		fmt.Printf("%s -> %s (%s): %s\n", docs[e.From].Label, docs[e.To].Label, e.Kind, e.Reasons[0])
	}
	// Output:
	// earliest witness: A
	// origin: A true
	// A -> B (verbatim): A is 4 h earlier (minute timestamps)
}

// Pairwise verdicts say whose shared text came first. Three articles quote
// the same words of a mayor: the text most likely comes from outside the
// corpus, so no article is the source of another.
func ExampleResult_pairs() {
	quote := "We will not be cowed by terror and we will not let them divide our city"
	docs := []provenance.Document{
		{Text: "The mayor spoke after the attack. In an interview he said: “" + quote + "”. Police made arrests.", Label: "A"},
		{Text: "Stocks fell in Asia. The London mayor told reporters: \"" + quote + ".\" Oil was steady.", Label: "B"},
		{Text: "Rain is expected all week. \"" + quote + ",\" the mayor said in a statement. Trains ran late.", Label: "C"},
	}
	var cl provenance.Cluster
	for i, d := range docs {
		s := strings.Index(d.Text, quote)
		cl.Copies = append(cl.Copies, provenance.Copy{Doc: i, Start: s, End: s + len(quote)})
	}
	res, _ := provenance.Infer(docs, []provenance.Cluster{cl}, provenance.Options{})
	fmt.Println("quotation:", res.Clusters[0].Quotation, "outside:", res.Clusters[0].ExternalProbability > 0.5)
	for _, p := range res.Pairs {
		fmt.Printf("%s/%s source: %d\n", docs[p.A].Label, docs[p.B].Label, p.Source)
	}
	// Output:
	// quotation: true outside: true
	// A/B source: -1
	// A/C source: -1
	// B/C source: -1
}
