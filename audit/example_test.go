package audit_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/reprint-dev/reprint"
	"github.com/reprint-dev/reprint/audit"
	"github.com/reprint-dev/reprint/index"
)

// An index is built once and grows; audits read it.
func ExampleRun() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	ctx := context.Background()

	ix, err := index.Open(context.Background(), filepath.Join(dir, "wire.db"), index.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer ix.Close()
	_ = ix.Add(ctx, reprint.Document{ID: "reuters-1", Source: "Reuters",
		Text: "The central bank left its benchmark interest rate unchanged on Thursday, saying inflation was slowing faster than expected."})

	articles := []reprint.Document{
		{ID: "copied.md", Text: "Markets were calm. The central bank left its benchmark interest rate unchanged on Thursday, saying inflation was slowing faster than expected."},
		{ID: "credited.md", Text: "LONDON (Reuters) - The central bank left its benchmark interest rate unchanged on Thursday, saying inflation was slowing faster than expected."},
	}
	rep, _ := audit.Run(ctx, ix, articles, audit.DefaultPolicy())
	for _, a := range rep.Articles {
		for _, f := range a.Findings {
			fmt.Printf("%s: %s, %d words from %s, violation %v\n", a.ID, f.Rule, f.Words, f.Reference.ID, f.Violation)
		}
	}
	// Output:
	// copied.md: uncredited-wire-copy, 18 words from reuters-1, violation true
	// credited.md: attributed-wire-copy, 18 words from reuters-1, violation false
}
