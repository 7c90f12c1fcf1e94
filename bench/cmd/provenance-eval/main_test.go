package main

import (
	"bytes"
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nope"}, {"eval", "-nope"}} {
		var out, errb bytes.Buffer
		assert.Equal(t, 2, run(context.Background(), args, &out, &errb), "%v", args)
		assert.NotEmpty(t, errb.String())
	}
	var out, errb bytes.Buffer
	assert.Equal(t, 3, run(context.Background(), []string{"eval", "-dev", "/nonexistent.jsonl"}, &out, &errb))
}
