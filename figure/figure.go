// Package figure writes PNG figures: learning curves and scaling plots
// drawn with gonum.org/v1/plot, and grids of greyscale images (samples,
// receptive fields, original | corrupted | reconstructed comparisons)
// drawn pixel by pixel.
//
// Every function writes its file atomically: the PNG is written to a
// temporary file in the same directory and renamed over path, so a reader
// never sees a half-written figure and an interrupted run leaves the
// previous one in place.
package figure

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// writeFileAtomic writes path with write, through a temporary file in the
// same directory that is renamed over path once complete.
func writeFileAtomic(path string, write func(io.Writer) error) (err error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("figure: writing %s: %w", path, err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
			err = fmt.Errorf("figure: writing %s: %w", path, err)
		}
	}()
	bw := bufio.NewWriter(f)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
