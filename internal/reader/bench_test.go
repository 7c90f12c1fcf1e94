package reader_test

import (
	"os"
	"testing"

	"github.com/reprint-dev/reprint/internal/reader"
)

func BenchmarkParse(b *testing.B) {
	for _, tc := range []struct {
		name   string
		path   string
		format reader.Format
	}{
		{"seed-txt", "../../testdata/seeds/002_e7fb0567f1195848.txt", reader.FormatText},
		{"news-html", "testdata/html/news.html", reader.FormatHTML},
	} {
		data, err := os.ReadFile(tc.path)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				reader.Parse("x", data, tc.format, reader.Fields{})
			}
		})
	}
}
