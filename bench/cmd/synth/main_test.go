package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint/bench/synth"
)

const seeds = "../../../testdata/seeds"

func TestRunWritesCorpusAndTruth(t *testing.T) {
	dir := t.TempDir()
	corpus, truth := filepath.Join(dir, "c.jsonl"), filepath.Join(dir, "t.json")
	args := []string{"-src", seeds, "-chunk", "60", "-hosts", "8", "-sources", "5", "-distractors", "6",
		"-passages", "12", "-seed", "3", "-out-corpus", corpus, "-out-truth", truth}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
	assert.Empty(t, stdout.String())
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), "one summary line: %q", stderr.String())
	assert.Contains(t, stderr.String(), "12 copies")

	c1, err := os.ReadFile(corpus)
	require.NoError(t, err)
	assert.Equal(t, 19, strings.Count(string(c1), "\n"))
	f, err := os.Open(truth)
	require.NoError(t, err)
	defer f.Close()
	tr, err := synth.ReadTruth(f)
	require.NoError(t, err)
	assert.Len(t, tr.Copies, 12)

	// Same flags, same bytes.
	corpus2 := filepath.Join(dir, "c2.jsonl")
	args[len(args)-3] = corpus2
	require.Equal(t, 0, run(args, &stdout, &stderr))
	c2, err := os.ReadFile(corpus2)
	require.NoError(t, err)
	assert.Equal(t, string(c1), string(c2))
}

func TestRunExitCodes(t *testing.T) {
	dir := t.TempDir()
	out := []string{"-out-corpus", filepath.Join(dir, "c.jsonl"), "-out-truth", filepath.Join(dir, "t.json")}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"unknown flag", []string{"-nope"}, 2},
		{"stray argument", []string{"-src", seeds, "extra"}, 2},
		{"invalid config", []string{"-src", seeds, "-hosts", "0"}, 2},
		{"both outputs on stdout", []string{"-src", seeds, "-out-corpus", "-", "-out-truth", "-"}, 2},
		{"missing input", append([]string{"-src", filepath.Join(dir, "absent.jsonl")}, out...), 3},
		{"input too small", append([]string{"-src", seeds}, out...), 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			assert.Equal(t, tt.want, run(tt.args, &stdout, &stderr), stderr.String())
			assert.NotEmpty(t, stderr.String())
		})
	}
}

func TestRunCorpusToStdout(t *testing.T) {
	dir := t.TempDir()
	args := []string{"-src", seeds, "-chunk", "60", "-hosts", "4", "-sources", "2", "-distractors", "0",
		"-passages", "4", "-out-corpus", "-", "-out-truth", filepath.Join(dir, "t.json")}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
	assert.Equal(t, 6, strings.Count(stdout.String(), "\n"))
	assert.True(t, strings.HasPrefix(stdout.String(), `{"id":"syn-`), stdout.String()[:20])
}

func TestRunFallsBackToSeeds(t *testing.T) {
	abs, err := filepath.Abs(seeds)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, os.MkdirAll(filepath.Join(dir, "testdata"), 0o755))
	require.NoError(t, os.Symlink(abs, filepath.Join(dir, "testdata", "seeds")))
	t.Chdir(dir)
	var stdout, stderr bytes.Buffer
	require.Equal(t, 0, run(nil, &stdout, &stderr), stderr.String())
	assert.Contains(t, stderr.String(), "from testdata/seeds")
	assert.Contains(t, stderr.String(), "12 copies")
	_, err = os.Stat(filepath.Join(dir, "synth.jsonl"))
	assert.NoError(t, err)
}
