package minhash_test

import (
	"fmt"
	"log"

	"github.com/reprint-dev/reprint/minhash"
)

// Sign two texts and estimate the Jaccard similarity of their shingle sets.
// Quotes, case, dashes and "U. S." against "U.S." do not matter.
func Example() {
	h, err := minhash.NewHasher(minhash.DefaultParams())
	if err != nil {
		log.Fatal(err)
	}
	a, err := h.Sign("The U. S. President said on Sunday that “the embassy will stay open” — for now, officials in Washington added.")
	if err != nil {
		log.Fatal(err)
	}
	b, err := h.Sign(`The U.S. president said on Sunday that "the embassy will stay open", officials in Washington added on Monday.`)
	if err != nil {
		log.Fatal(err)
	}
	j, err := minhash.Jaccard(a, b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("estimated Jaccard similarity: %.2f\n", j)
	// Output:
	// estimated Jaccard similarity: 0.59
}

// Build an LSH index of passages and find the candidates for a new one.
func ExampleLSH() {
	p := minhash.DefaultParams()
	h, err := minhash.NewHasher(p)
	if err != nil {
		log.Fatal(err)
	}
	idx, err := minhash.NewLSH(p)
	if err != nil {
		log.Fatal(err)
	}
	passages := []string{
		"Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January.",
		"The dry period means the temporao will be late this year.",
		"Arrivals for the week ended February 22 were 155,221 bags of 60 kilos.",
	}
	for _, text := range passages {
		sig, err := h.Sign(text)
		if err != nil {
			log.Fatal(err)
		}
		if _, err := idx.Add(sig); err != nil {
			log.Fatal(err)
		}
	}
	query, err := h.Sign("Showers continued throughout the week in the Bahia cocoa zone, alleviating the long drought.")
	if err != nil {
		log.Fatal(err)
	}
	var c minhash.Candidates
	if err := idx.Query(query, &c); err != nil {
		log.Fatal(err)
	}
	for _, id := range c.IDs {
		fmt.Printf("candidate %d: %s\n", id, passages[id])
	}
	// Output:
	// candidate 0: Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January.
}

// Choose the bands and rows of the index for the similarity to be found.
func ExampleChooseBands() {
	for _, threshold := range []float64{0.3, 0.5, 0.8} {
		bands, rows, err := minhash.ChooseBands(128, threshold)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("threshold %.1f: %d bands × %d rows, P(candidate) at the threshold %.2f\n",
			threshold, bands, rows, minhash.CandidateProbability(bands, rows, threshold))
	}
	// Output:
	// threshold 0.3: 42 bands × 3 rows, P(candidate) at the threshold 0.68
	// threshold 0.5: 30 bands × 4 rows, P(candidate) at the threshold 0.86
	// threshold 0.8: 12 bands × 10 rows, P(candidate) at the threshold 0.74
}
