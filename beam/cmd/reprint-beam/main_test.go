package main

import (
	"bytes"
	"context"
	"flag"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestNoInput: patterns that match nothing are a usage error naming
// them, not a job that writes no report.
func TestNoInput(t *testing.T) {
	dir := t.TempDir()
	var stderr bytes.Buffer
	fs := flag.NewFlagSet("reprint-beam", flag.ContinueOnError)
	code := run(context.Background(), fs, []string{"--input", filepath.Join(dir, "*.jsonl"), "--output", filepath.Join(dir, "out")}, &stderr)
	require.Equal(t, 2, code)
	require.Contains(t, stderr.String(), "no input file")
	require.Contains(t, stderr.String(), "*.jsonl")
}
