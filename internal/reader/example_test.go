package reader_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/reprint-dev/reprint/internal/reader"
)

// A seed article's date prefix becomes the Date; TextOffset keeps offsets
// into the file right.
func ExampleParse() {
	file := " date 2017-06-09 Khan himself said Trump should not come."
	docs, errs := reader.Parse("002.txt", []byte(file), reader.FormatText, reader.Fields{})
	d := docs[0]
	fmt.Println(d.Date, d.TextOffset, len(errs))
	fmt.Println(file[d.TextOffset:] == d.Text)
	// Output:
	// 2017-06-09 17 0
	// true
}

// Problems are reported, not fatal: the other records are read.
func ExampleRead() {
	stdin := strings.NewReader(`{"id":"a","text":"One."}` + "\n" + `{"id":"b","text":` + "\n" + `{"text":"Three."}`)
	docs, errs, err := reader.Read(context.Background(), []string{"-"}, reader.Options{Stdin: stdin, StdinFormat: reader.FormatJSONL})
	if err != nil {
		panic(err)
	}
	for _, d := range docs {
		fmt.Println(d.ID, d.Text)
	}
	for _, e := range errs {
		fmt.Printf("%s:%d: %s\n", e.Path, e.Line, e.Error)
	}
	// Output:
	// a One.
	// -:3 Three.
	// -:2: malformed JSON: unexpected end of JSON input (at column 17): skipped
}

func ExampleParseDate() {
	for _, s := range []string{"2017-06-09", "2017-06-09T14:05", "Fri, 09 Jun 2017 14:05:31 +0100"} {
		d, _ := reader.ParseDate(s)
		fmt.Println(d.Granularity, d)
	}
	// Output:
	// day 2017-06-09
	// minute 2017-06-09T14:05Z
	// second 2017-06-09T14:05:31+01:00
}
