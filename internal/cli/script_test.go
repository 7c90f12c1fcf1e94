package cli_test

import (
	"context"
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/reprint-dev/reprint/internal/cli"
)

var update = flag.Bool("update", false, "rewrite the golden files and scripts' expected outputs")

// TestMain lets the test binary run as the reprint command when a script
// execs it: testscript puts it on the scripts' PATH under that name, and
// it runs cli.Run in the script's directory. (This is the package's only
// TestMain: other tests here share it.)
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"reprint": func() {
			os.Exit(cli.Run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
		},
	})
}

// TestScripts runs the command-line scripts in testdata/script: each runs
// reprint commands and checks their output and exit codes. $SEEDS is the
// five seed articles.
//
// Besides testscript's own commands, a script has
//
//	exits CODE reprint ARGS...
//
// which runs a command and fails unless it exits with CODE.
func TestScripts(t *testing.T) {
	seeds, err := filepath.Abs(filepath.Join("..", "..", "testdata", "seeds"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Setup:         setSeeds(seeds),
		Cmds:          scriptCmds,
	})
}

// TestScriptsFromDeepPath runs the scripts whose output depends on the
// length of the paths they name (compare's header fits --width) with the
// seeds and the work directory under a path of over 150 characters, so
// that they pass wherever the repository is checked out.
func TestScriptsFromDeepPath(t *testing.T) {
	deep := t.TempDir()
	for len(deep) < 160 {
		deep = filepath.Join(deep, "a-long-directory-name")
	}
	seeds := filepath.Join(deep, "testdata", "seeds")
	if err := os.CopyFS(seeds, os.DirFS(filepath.Join("..", "..", "testdata", "seeds"))); err != nil {
		t.Fatal(err)
	}
	work := filepath.Join(deep, "work")
	if err := os.Mkdir(work, 0o755); err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Files:       []string{filepath.Join("testdata", "script", "compare.txtar")},
		WorkdirRoot: work,
		Setup:       setSeeds(seeds),
		Cmds:        scriptCmds,
	})
}

func setSeeds(seeds string) func(*testscript.Env) error {
	return func(env *testscript.Env) error {
		env.Setenv("SEEDS", seeds)
		return nil
	}
}

var scriptCmds = map[string]func(ts *testscript.TestScript, neg bool, args []string){
	"exits": exits,
}

func exits(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: exits CODE COMMAND [ARGS...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("exits: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			ts.Fatalf("exits: %v", err)
		}
		got = ee.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with %d, want %d", args[1], got, want)
	}
}
