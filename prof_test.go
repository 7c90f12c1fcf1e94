package reprint_test

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"testing"

	"github.com/reprint-dev/reprint"
)

func TestProfDetect(t *testing.T) {
	f, err := os.Open(os.Getenv("PROF_FILE"))
	if err != nil {
		t.Skip()
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<26)
	var docs []reprint.Document
	for sc.Scan() {
		var r struct{ ID, Text string }
		json.Unmarshal(sc.Bytes(), &r)
		docs = append(docs, reprint.Document{ID: r.ID, Text: r.Text})
	}
	d, _ := reprint.New()
	d.Add(docs...)
	_, err = d.Detect(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	t.Log(d.Stats())
}
