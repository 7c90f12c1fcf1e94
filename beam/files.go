package reprintbeam

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/apache/beam/sdks/v2/go/pkg/beam/io/filesystem"
)

// The band entries reach the bucket workers through files, not through
// the runner: a sketch worker writes a bundle's entries of one shard to
// a file under the run's temporary directory and sends the file's name,
// keyed by the shard. Sent through the runner, they are 42 records a unit
// (about 300 MB for 10,000 archive articles), which an in-process runner
// such as prism holds in memory several times over; a name is a few dozen
// bytes. The base worker, which runs once every bucket worker is done,
// removes the files.

// shardDir is a directory of this run's own under o's temporary
// directory, for the files of band entries.
func shardDir(o *Options) string {
	temp := o.TempDir
	if temp == "" {
		temp = o.Output
	}
	var r [8]byte
	rand.Read(r[:]) // never fails
	return join(temp, ".reprint-shards-"+hex.EncodeToString(r[:]))
}

// readShardFiles reads every file of band entries that names gives.
func readShardFiles(ctx context.Context, names func(*string) bool) ([][]byte, error) {
	var out [][]byte
	var name string
	for names(&name) {
		data, err := readFile(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("reprintbeam: reading band entries: %w", err)
		}
		out = append(out, data)
	}
	return out, nil
}

// removeDir deletes the files under dir, then dir itself where the file
// system has directories.
func removeDir(ctx context.Context, dir string) error {
	fs, err := filesystem.New(ctx, dir)
	if err != nil {
		return err
	}
	defer fs.Close()
	names, err := fs.List(ctx, join(dir, "*"))
	if err != nil {
		return err
	}
	var errs []error
	for _, name := range names {
		errs = append(errs, removeFile(ctx, name))
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	removeFile(ctx, dir) // a local directory; other file systems have none
	return nil
}

func removeFile(ctx context.Context, name string) error {
	fs, err := filesystem.New(ctx, name)
	if err != nil {
		return err
	}
	defer fs.Close()
	rm, ok := fs.(filesystem.Remover)
	if !ok {
		return fmt.Errorf("reprintbeam: the file system of %s cannot remove files", name)
	}
	return rm.Remove(ctx, name)
}
