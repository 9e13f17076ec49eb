package dataset

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// MissingLabel is the label ReadLabels returns for a missing one (NaN).
const MissingLabel = -1

// ReadLabels reads integer class labels, one per sample, from
//
//	.npy           a 1-D (or N × 1) array of integers, bools, or floats with
//	               integral values
//	IDX            an MNIST label file (magic 2049, train-labels-idx1-ubyte)
//	.csv, .txt     one integer per line; blank lines and '#' comments skipped
//
// each optionally gzip-compressed (.gz). A missing label, NaN in a .npy
// file or "nan" in a text file, reads as MissingLabel (-1), as does -1
// itself; callers that need every label refuse negative ones.
func ReadLabels(path string) ([]int, error) {
	f := formatOf(path)
	if f != formatNPY && f != formatIDX && f != formatText {
		return nil, fmt.Errorf("dataset: %s: unknown label file type (supported: .npy, .csv, .txt, MNIST IDX label files such as train-labels-idx1-ubyte, each optionally .gz)", path)
	}
	src, err := open(path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	var labels []int
	switch f {
	case formatNPY:
		labels, err = readNPYLabels(src)
	case formatIDX:
		labels, err = readIDXLabels(src)
	default:
		labels, err = readTextLabels(src)
	}
	if err == nil {
		err = src.finish()
	}
	if err == nil && len(labels) == 0 {
		err = errors.New("no labels in the file")
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %s%s", path, errSep(err))
	}
	return labels, nil
}

func readNPYLabels(r io.Reader) ([]int, error) {
	shape, data, err := decodeNPY(r, 0)
	if err != nil {
		return nil, err
	}
	if len(shape) != 1 && !(len(shape) == 2 && shape[1] == 1) {
		return nil, fmt.Errorf("labels must be a 1-D array, got shape %s (save labels.ravel())", shapeString(shape))
	}
	out := make([]int, len(data))
	for i, v := range data {
		if math.IsNaN(v) {
			out[i] = MissingLabel
			continue
		}
		if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
			return nil, fmt.Errorf("label %d is %g, not an integer (labels must be class numbers 0, 1, 2, ...)", i, v)
		}
		out[i] = int(v)
	}
	return out, nil
}

func readTextLabels(r io.Reader) ([]int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<12), 1<<20)
	var out []int
	line := 0
	for sc.Scan() {
		line++
		text := sc.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		text = strings.TrimSpace(strings.TrimPrefix(text, "\ufeff"))
		if text == "" {
			continue
		}
		k, err := strconv.Atoi(text)
		if strings.EqualFold(text, "nan") {
			k, err = MissingLabel, nil
		}
		if err != nil {
			if len(strings.FieldsFunc(text, func(c rune) bool { return c == ',' || c == ' ' || c == '\t' })) > 1 {
				return nil, &lineError{line, "holds several values (write one integer label per line)"}
			}
			return nil, &lineError{line, fmt.Sprintf("cannot parse %q as an integer label (write one integer label per line)", clip(text))}
		}
		out = append(out, k)
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			return nil, &lineError{line + 1, "line too long (write one integer label per line)"}
		}
		return nil, err
	}
	if line == 0 {
		return nil, errors.New("file is empty")
	}
	return out, nil
}
