package reader_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		wantText   string
		wantOffset int
		wantLines  int
		wantDate   string // Date.String()
		wantWarn   string // substring of the one warning expected, if any
	}{
		{name: "no prefix", in: "Plain article text.\n", wantText: "Plain article text.\n"},
		{name: "seed prefix with leading space", in: " date 2017-06-09 Khan said.", wantText: "Khan said.", wantOffset: 17, wantDate: "2017-06-09"},
		{name: "prefix without leading space", in: "date 2017-06-09 Khan said.", wantText: "Khan said.", wantOffset: 16, wantDate: "2017-06-09"},
		{name: "prefix with minute and zone", in: " date 2017-06-09T14:05+01:00 Khan said.", wantText: "Khan said.", wantOffset: 29, wantDate: "2017-06-09T14:05+01:00"},
		{name: "prefix with second", in: " date 2017-06-09T14:05:31Z Khan said.", wantText: "Khan said.", wantOffset: 27, wantDate: "2017-06-09T14:05:31Z"},
		{name: "prefix on its own line", in: " date 2017-06-09\n\nKhan said.\n", wantText: "Khan said.\n", wantOffset: 18, wantLines: 2, wantDate: "2017-06-09"},
		{name: "byte order mark before the prefix", in: "\uFEFF date 2017-06-09 Khan said.", wantText: "Khan said.", wantOffset: 20, wantDate: "2017-06-09"},
		{name: "byte order mark alone", in: "\uFEFFKhan said.", wantText: "Khan said.", wantOffset: 3},
		{name: "an article starting with the word date", in: "date night at the opera was a success.", wantText: "date night at the opera was a success."},
		{name: "prefix not at the start", in: "Khan said. date 2017-06-09 x", wantText: "Khan said. date 2017-06-09 x"},
		{name: "unparsable prefix date is stripped and warned about", in: " date 2017-02-30 Khan said.", wantText: "Khan said.", wantOffset: 17, wantWarn: "2017-02-30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("a.txt", []byte(tt.in), reader.FormatText, reader.Fields{})
			if tt.wantWarn != "" {
				require.Len(t, errs, 1)
				assert.True(t, errs[0].Warning)
				assert.Equal(t, 1, errs[0].Line)
				assert.Contains(t, errs[0].Error, tt.wantWarn)
			} else {
				assert.Empty(t, errs)
			}
			require.Len(t, docs, 1)
			d := docs[0]
			assert.Equal(t, "a.txt", d.ID)
			assert.Equal(t, tt.wantText, d.Text)
			assert.Equal(t, tt.wantOffset, d.TextOffset)
			assert.Equal(t, tt.in[d.TextOffset:], d.Text, "file[TextOffset:] must be Text")
			assert.Equal(t, tt.wantLines, d.LineOffset)
			assert.Equal(t, tt.wantDate, d.Date.String())
		})
	}
}

func TestSeedsKeepExactOffsets(t *testing.T) {
	paths, err := filepath.Glob("../../testdata/seeds/*.txt")
	require.NoError(t, err)
	require.NotEmpty(t, paths)
	dated := 0
	for _, p := range paths {
		t.Run(filepath.Base(p), func(t *testing.T) {
			data, err := os.ReadFile(p)
			require.NoError(t, err)
			docs, errs := reader.Parse(filepath.Base(p), data, reader.FormatText, reader.Fields{})
			assert.Empty(t, errs)
			require.Len(t, docs, 1)
			d := docs[0]
			assert.Equal(t, string(data[d.TextOffset:]), d.Text)
			assert.Equal(t, 0, d.LineOffset)
			assert.False(t, strings.HasPrefix(d.Text, " "), "no blank left from the prefix")
			assert.NotContains(t, d.Text[:min(len(d.Text), 20)], "date 20")
			if strings.HasPrefix(string(data), " date ") {
				dated++
				assert.Equal(t, 17, d.TextOffset)
				assert.Equal(t, model.GranularityDay, d.Date.Granularity)
				assert.Equal(t, 2017, d.Date.Time.Year())
				assert.Equal(t, time.June, d.Date.Time.Month())
			} else {
				assert.Zero(t, d.TextOffset)
				assert.True(t, d.Date.IsZero())
			}
		})
	}
	assert.Equal(t, 3, dated, "three of the five seeds carry a date prefix")
}
