package cli

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestUseColor(t *testing.T) {
	for _, tc := range []struct {
		name string
		mode string
		tty  bool
		env  map[string]string
		want bool
	}{
		{"auto on a terminal", "auto", true, nil, true},
		{"auto in a pipe", "auto", false, nil, false},
		{"NO_COLOR", "auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"empty NO_COLOR is unset", "auto", true, map[string]string{"NO_COLOR": ""}, true},
		{"TERM=dumb", "auto", true, map[string]string{"TERM": "dumb"}, false},
		{"always in a pipe", "always", false, map[string]string{"NO_COLOR": "1"}, true},
		{"never on a terminal", "never", true, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			getenv := func(k string) string { return tc.env[k] }
			assert.Equal(t, tc.want, useColor(tc.mode, tc.tty, getenv))
		})
	}
}

func TestProgressAllowed(t *testing.T) {
	none := func(string) string { return "" }
	assert.True(t, progressAllowed(true, none))
	assert.False(t, progressAllowed(false, none), "not in a pipe")
	assert.False(t, progressAllowed(true, func(k string) string {
		if k == "CI" {
			return "true"
		}
		return ""
	}), "never under CI")
	assert.False(t, progressAllowed(true, func(k string) string {
		if k == "TERM" {
			return "dumb"
		}
		return ""
	}), "not on a dumb terminal")
}
