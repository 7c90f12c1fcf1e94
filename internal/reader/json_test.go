package reader_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/internal/model"
	"github.com/reprint-dev/reprint/internal/reader"
)

func TestParseJSON(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		wantIDs   []string
		wantLines []int  // of the problems
		wantErr   string // in the first problem
	}{
		{"array of stories", "[\n  {\"id\": \"a\", \"text\": \"One.\"},\n  {\"id\": \"b\", \"text\": \"Two.\", \"date\": \"2017-06-09\"}\n]\n", []string{"a", "b"}, nil, ""},
		{"array element without an id takes its line", "[\n{\"text\": \"One.\"},\n\n{\"text\": \"Two.\"}]", []string{"f:2", "f:4"}, nil, ""},
		{"bad element named by its line", "[\n{\"id\": \"a\", \"text\": \"One.\"},\n42,\n{\"id\": \"c\", \"text\": \"Three.\"}\n]", []string{"a", "c"}, []int{3}, "not a JSON object"},
		{"array cut short", "[\n{\"id\": \"a\", \"text\": \"One.\"},\n{\"id\": \"b\", \"te", []string{"a"}, []int{3}, "cut short"},
		{"JSON Lines under .json", "{\"id\": \"a\", \"text\": \"One.\"}\n{\"id\": \"b\", \"text\": \"Two.\"}\n", []string{"a", "b"}, nil, ""},
		{"one story over several lines", "{\n  \"id\": \"a\",\n  \"text\": \"One.\"\n}\n", []string{"a"}, nil, ""},
		{"a configuration file is named as skipped", "{\n  \"name\": \"x\",\n  \"version\": 2\n}\n", nil, []int{1}, `no "text"`},
		{"a bare value", "42\n", nil, []int{1}, "neither an array of stories nor JSON Lines"},
		{"empty array", "[]", nil, []int{0}, "empty array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			docs, errs := reader.Parse("f", []byte(tt.in), reader.FormatJSON, reader.Fields{})
			assert.Equal(t, tt.wantIDs, idsOrNil(docs))
			require.Len(t, errs, len(tt.wantLines), "%v", errs)
			for i, e := range errs {
				assert.Equal(t, tt.wantLines[i], e.Line)
			}
			if tt.wantErr != "" {
				assert.Contains(t, errs[0].Error, tt.wantErr)
			}
		})
	}
}

func idsOrNil(docs []model.Document) []string {
	if len(docs) == 0 {
		return nil
	}
	return ids(docs)
}
