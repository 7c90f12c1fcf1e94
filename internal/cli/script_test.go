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
		Setup: func(env *testscript.Env) error {
			env.Setenv("SEEDS", seeds)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"exits": exits,
		},
	})
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
