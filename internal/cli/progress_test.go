package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/reprint-dev/reprint"
)

// stages records what a run showed as its stage.
type stages struct {
	mu   sync.Mutex
	seen []string
}

func (s *stages) Stage(format string, a ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seen = append(s.seen, fmt.Sprintf(format, a...))
}

// TestProgressShowsTheDetectorsStages checks that the detector's stages
// and counts reach the terminal's progress line.
func TestProgressShowsTheDetectorsStages(t *testing.T) {
	seeds, err := os.ReadDir(filepath.Join("..", "..", "testdata", "seeds"))
	require.NoError(t, err)
	var docs []reprint.Document
	for _, f := range seeds {
		b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "seeds", f.Name()))
		require.NoError(t, err)
		docs = append(docs, reprint.Document{ID: f.Name(), Text: string(b)})
	}
	// A GOMEMLIMIT of the user's leaves the test process's limit alone.
	e := &env{getenv: func(k string) string { return map[string]string{"GOMEMLIMIT": "off"}[k] }}
	cfg := defaults()
	require.NoError(t, cfg.validate())
	var st stages
	det, err := e.newDetector(cfg, &st)
	require.NoError(t, err)
	defer det.Close()
	require.NoError(t, det.Add(docs...))
	_, err = det.Detect(context.Background())
	require.NoError(t, err)
	all := strings.Join(st.seen, "\n")
	assert.Contains(t, all, fmt.Sprintf("sketching documents: %d", len(docs)))
	for _, stage := range []string{"finding candidates", "verifying candidate pairs", "inferring provenance"} {
		assert.Contains(t, all, stage)
	}
}
