package dataset

import (
	"bufio"
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
)

// This file opens the data files that Read and ReadLabels parse. Nothing
// read back may be silently wrong: read errors are reported as they are
// (never as "file is empty"), and a gzip-compressed file is read to the end
// of its last member, so that the CRC-32 and length in each member's
// trailer are verified even when the parser needed only part of the data
// (ReadOptions.Limit).

// gzipMagic starts every gzip member (RFC 1952).
var gzipMagic = []byte{0x1f, 0x8b}

// source is an opened data file: raw, or decompressed if it is gzip data.
type source struct {
	io.Reader
	f    *os.File
	gzip *gzipReader // nil for an uncompressed file
}

// openFile opens path for reading and returns it with its FileInfo; a
// directory is an error saying that path is not what (e.g. "a data
// file"). Errors name path and start with "dataset: ".
func openFile(path, what string) (*os.File, os.FileInfo, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("dataset: %w", err)
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("dataset: %w", err)
	}
	if st.IsDir() {
		f.Close()
		return nil, nil, fmt.Errorf("dataset: %s: is a directory, not %s", path, what)
	}
	return f, st, nil
}

// open opens path for reading, decompressing it if it starts with the
// gzip magic. A directory or an unreadable file is an error naming path.
func open(path string) (*source, error) {
	f, _, err := openFile(path, "a data file")
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(f, 1<<16)
	magic, err := br.Peek(2)
	if err != nil && err != io.EOF {
		f.Close()
		return nil, fmt.Errorf("dataset: %s: %v", path, err)
	}
	if !bytes.Equal(magic, gzipMagic) {
		return &source{Reader: br, f: f}, nil
	}
	zr, err := gzip.NewReader(br)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("dataset: %s: %v", path, gzipError(err))
	}
	zr.Multistream(false)
	g := &gzipReader{br: br, zr: zr}
	return &source{Reader: g, f: f, gzip: g}, nil
}

// finish reads a gzip input to its end, so that every member's CRC-32
// and length are checked, and reports what is wrong with it. For an
// uncompressed file it does nothing.
func (s *source) finish() error {
	if s.gzip == nil {
		return nil
	}
	_, err := io.Copy(io.Discard, s.gzip)
	return err
}

// close closes the file.
func (s *source) close() { s.f.Close() }

// gzipReader decompresses a gzip file member by member (a file may hold
// several, as cat a.gz b.gz makes), checking that nothing but another
// member follows each trailer, and turns the errors of damaged data into
// messages that say what to do. Its errors are sticky.
type gzipReader struct {
	br  *bufio.Reader
	zr  *gzip.Reader
	err error
}

func (g *gzipReader) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	for {
		n, err := g.zr.Read(p)
		if err == nil {
			return n, nil
		}
		if err != io.EOF {
			g.err = gzipError(err)
			return n, g.err
		}
		// The member ended and gzip verified its trailer: what follows
		// must be the end of the file or another member.
		next, perr := g.br.Peek(2)
		switch {
		case perr == io.EOF && len(next) == 0:
			g.err = io.EOF
		case perr != nil && perr != io.EOF:
			g.err = perr
		case !bytes.Equal(next, gzipMagic):
			g.err = errors.New("unexpected data after the gzip trailer (the file is corrupt; re-download or re-compress it)")
		default:
			if rerr := g.zr.Reset(g.br); rerr != nil {
				g.err = gzipError(rerr)
			} else {
				g.zr.Multistream(false)
			}
		}
		if g.err != nil || n > 0 {
			return n, g.err
		}
	}
}

// gzipError says what a gzip error means for the file; I/O errors are
// passed through.
func gzipError(err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, gzip.ErrChecksum):
		return errors.New("gzip CRC-32 or length mismatch (the file is corrupt; re-download or re-compress it)")
	case isEOF(err):
		return errors.New("truncated gzip data: the file ends early (re-download or re-compress the file)")
	case errors.Is(err, gzip.ErrHeader):
		return errors.New("corrupt gzip data: bad member header (re-download or re-compress the file)")
	case errors.As(err, &ce):
		return fmt.Errorf("corrupt gzip data: %v (re-download or re-compress the file)", err)
	}
	return err
}
