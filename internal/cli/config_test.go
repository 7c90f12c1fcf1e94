package cli

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigReadOncePerRun runs each kind of command with a
// configuration file and counts the reads of it: one a run.
func TestConfigReadOncePerRun(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) {
		require.NoError(t, os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755))
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644))
	}
	story := "Showers continued throughout the week in the Bahia cocoa zone, alleviating the drought since early January and improving prospects for the coming temporao."
	write(ConfigFileName, "shingle: 4\naudit:\n  max_share: 0.9\n")
	write("wire/a.txt", story+"\n")
	write("articles/b.txt", story+"\n")
	t.Chdir(dir)
	reads := 0
	orig := readConfigFile
	readConfigFile = func(p string) ([]byte, error) { reads++; return orig(p) }
	t.Cleanup(func() { readConfigFile = orig })
	for _, args := range [][]string{
		{"report", "articles/"},
		{"compare", "wire/a.txt", "articles/b.txt"},
		{"index", "add", "--index", "wire.db", "wire/"},
		{"index", "stats", "--index", "wire.db"},
		{"audit", "--against", "wire.db", "articles/"},
		{"audit", "--against", "wire/", "articles/"},
	} {
		reads = 0
		var out, errOut bytes.Buffer
		code := Run(context.Background(), args, strings.NewReader(""), &out, &errOut)
		assert.Less(t, code, ExitUsage, "%v: %s", args, errOut.String())
		assert.Equal(t, 1, reads, "%v reads %s once", args, ConfigFileName)
	}
}

// TestSettingsKeys checks the settings table against Config: every key
// names a YAML key of Config (dotted below a section), and every flag
// name is the key's with dashes.
func TestSettingsKeys(t *testing.T) {
	keys := map[string]bool{}
	var walk func(prefix string, typ reflect.Type)
	walk = func(prefix string, typ reflect.Type) {
		for i := range typ.NumField() {
			f := typ.Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
			if tag == "" {
				tag = strings.ToLower(f.Name) // yaml's default
			}
			if !f.IsExported() || tag == "-" {
				continue
			}
			keys[prefix+tag] = true
			if f.Type.Kind() == reflect.Struct {
				walk(prefix+tag+".", f.Type)
			}
		}
	}
	walk("", reflect.TypeFor[Config]())
	require.NotEmpty(t, settings)
	for id, s := range settings {
		assert.True(t, keys[s.key], "%s: no key %q in Config", id, s.key)
		_, leaf, ok := strings.Cut(s.key, ".")
		if !ok {
			leaf = s.key
		}
		assert.Equal(t, strings.ReplaceAll(leaf, "_", "-"), strings.TrimPrefix(s.flag, "jsonl-"), id)
	}
}
