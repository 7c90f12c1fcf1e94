package synth_test

import (
	"fmt"
	"log"
	"os"

	"github.com/reprint-dev/reprint/bench/synth"
)

// Generate a small corpus from the seed articles, cut into pieces so that
// the pieces share no text.
func ExampleGenerate() {
	docs, err := synth.LoadDir("../../testdata/seeds")
	if err != nil {
		log.Fatal(err)
	}
	cfg := synth.DefaultConfig()
	cfg.Hosts, cfg.Sources, cfg.Distractors, cfg.Passages = 8, 4, 2, 10
	c, err := synth.Generate(synth.Chunk(docs, 60), cfg)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(c.Documents), "documents,", len(c.Truth.Copies), "copies")
	cp := c.Truth.Copies[0]
	text := c.Documents[0].Text
	for _, d := range c.Documents {
		if d.ID == cp.Target {
			text = d.Text
		}
	}
	fmt.Println(len(text[cp.TargetStart:cp.TargetEnd]) == cp.TargetEnd-cp.TargetStart)
	// Output:
	// 14 documents, 10 copies
	// true
}

// Score a detector's matches against the truth.
func ExampleScoreMatches() {
	truth := &synth.Truth{
		Copies: []synth.Copy{{ID: "c1", Source: "a", SourceStart: 0, SourceEnd: 100,
			Target: "b", TargetStart: 200, TargetEnd: 300, Edit: synth.EditVerbatim, Words: 18}},
		Pairs: []synth.Pair{{A: "a", B: "b", Kind: "copy"}},
	}
	preds := []synth.Match{{ADoc: "b", AStart: 250, AEnd: 350, BDoc: "a", BStart: 0, BEnd: 100}}
	s := synth.ScoreMatches(truth, preds)
	fmt.Printf("recall %.2f precision %.2f span F1 %.2f\n", s.All.Recall, s.All.Precision, s.All.SpanF1)
	_ = s.WriteTable(os.Stdout)
	// Output:
	// recall 1.00 precision 1.00 span F1 0.50
	// bucket                 copies  found  recall  preds precision  strict  span-F1
	// all                         1      1   1.000      1     1.000   1.000    0.500
	// target >=12w <=10%          1      1   1.000      1     1.000   1.000    0.500
	// edit verbatim               1      1   1.000      1     1.000   1.000    0.500
	// edit trim                   0      0       -      0         -       -        -
	// edit substitute             0      0       -      0         -       -        -
	// edit punctuation            0      0       -      0         -       -        -
	// edit reorder                0      0       -      0         -       -        -
	// edit attribution            0      0       -      0         -       -        -
	// words <12                   0      0       -      0         -       -        -
	// words 12-29                 1      1   1.000      1     1.000   1.000    0.500
	// words 30-59                 0      0       -      0         -       -        -
	// words >=60                  0      0       -      0         -       -        -
	// edited 0                    1      1   1.000      1     1.000   1.000    0.500
	// edited <=5%                 0      0       -      0         -       -        -
	// edited 5-10%                0      0       -      0         -       -        -
	// edited 10-20%               0      0       -      0         -       -        -
	// edited >20%                 0      0       -      0         -       -        -
}
