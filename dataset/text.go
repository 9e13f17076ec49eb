package dataset

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/mat"

	"boltzmann/internal/atomicfile"
)

// maxLine bounds the length of one line of a text data file.
const maxLine = 1 << 28

// readText reads numbers separated by commas or white space, one sample
// per line. Blank lines and everything after '#' are ignored. If limit > 0
// only the first limit samples are read. NaN is accepted when allowNaN is
// set (a missing value).
func readText(r io.Reader, limit int, allowNaN bool) (*mat.Dense, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxLine)
	var data []float64
	cols, rows, line := 0, 0, 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if line == 1 {
			text = strings.TrimPrefix(text, "\ufeff") // byte order mark
		}
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(text)
		if text == "" {
			continue
		}
		var fields []string
		if strings.IndexByte(text, ',') >= 0 {
			fields = strings.Split(text, ",")
		} else {
			fields = strings.Fields(text)
		}
		if rows == 0 {
			cols = len(fields)
		} else if len(fields) != cols {
			return nil, &lineError{line, fmt.Sprintf("row has %d values, expected %d (every row must have the same number of columns)", len(fields), cols)}
		}
		for j, f := range fields {
			f = strings.TrimSpace(f)
			if f == "" {
				return nil, &lineError{line, fmt.Sprintf("column %d is empty (fill in the missing value)", j)}
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil && !isRangeErr(err) {
				return nil, &lineError{line, fmt.Sprintf("column %d: cannot parse %q as a number (only numbers are allowed; start header lines with '#')", j, clip(f))}
			}
			if (math.IsNaN(v) && !allowNaN) || math.IsInf(v, 0) {
				return nil, &lineError{line, fmt.Sprintf("column %d is %s (remove or impute non-finite values)", j, f)}
			}
			data = append(data, v)
		}
		rows++
		if limit > 0 && rows == limit {
			break
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, &lineError{line + 1, fmt.Sprintf("line longer than %d bytes (is this a binary file?)", maxLine)}
		}
		return nil, err
	}
	if rows == 0 {
		if line == 0 {
			return nil, fmt.Errorf("file is empty")
		}
		return nil, fmt.Errorf("no data rows (the file holds only comments and blank lines)")
	}
	return mat.NewDense(rows, cols, data), nil
}

func isRangeErr(err error) bool {
	ne, ok := err.(*strconv.NumError)
	return ok && ne.Err == strconv.ErrRange
}

// clip shortens s for an error message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// WriteCSV writes x (samples × features) to path as comma-separated
// numbers, one row per line, with the shortest decimal form that reads
// back exactly. The file is written atomically. Read it back with Read or
// numpy.loadtxt(path, delimiter=",", ndmin=2).
func WriteCSV(path string, x *mat.Dense) error {
	err := atomicfile.Write(path, func(w io.Writer) error {
		r, _ := x.Dims()
		var buf []byte
		for i := range r {
			buf = buf[:0]
			for j, v := range x.RawRowView(i) {
				if j > 0 {
					buf = append(buf, ',')
				}
				buf = strconv.AppendFloat(buf, v, 'g', -1, 64)
			}
			buf = append(buf, '\n')
			if _, err := w.Write(buf); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dataset: writing %s: %w", path, err)
	}
	return nil
}
