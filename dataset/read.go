package dataset

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"path/filepath"
	"strings"

	"gonum.org/v1/gonum/mat"
)

// ReadOptions controls Read. The zero value reads the whole file as is.
type ReadOptions struct {
	// Key names the array to read from an .npz archive (with or without
	// the ".npy" suffix). Empty means the first array in archive order.
	Key string

	// Limit, if positive, reads only the first Limit samples.
	Limit int

	// Binarize turns values in [0, 1] into {0, 1}:
	//	""            keep the values as they are
	//	"threshold"   1 if x >= 0.5 (for MNIST: pixel >= 128), else 0
	//	"stochastic"  1 with probability x, drawn with Seed (Salakhutdinov
	//	              & Murray 2008); a fixed Seed gives identical data, and
	//	              with Limit the first rows are the same as without
	Binarize string

	// Seed seeds stochastic binarization and built-in data sets.
	Seed uint64

	// N is the number of samples generated for a "builtin:SPEC" path
	// (default 1000).
	N int

	// AllowNaN keeps NaN entries, which then mark missing values (for
	// inpainting); binarization leaves them NaN. ±Inf is still an error.
	AllowNaN bool

	// SingleSample reads a 1-D array of length D as one sample (1 × D).
	// Without it a 1-D .npy array is an error, because it could as well be
	// D samples of one feature.
	SingleSample bool
}

// Binarization modes for ReadOptions.Binarize.
const (
	BinarizeThreshold  = "threshold"
	BinarizeStochastic = "stochastic"
)

// Supported lists the file types Read understands, for help texts.
const Supported = ".npy, .npz, .csv, .txt, MNIST IDX (.idx, .idx3-ubyte, train-images-idx3-ubyte), each optionally .gz, or builtin:SPEC"

type format int

const (
	formatUnknown format = iota
	formatNPY
	formatNPZ
	formatText
	formatIDX
)

// formatOf picks the file format from the name, ignoring a ".gz" suffix.
func formatOf(path string) format {
	name := strings.ToLower(filepath.Base(path))
	name = strings.TrimSuffix(name, ".gz")
	switch ext := filepath.Ext(name); ext {
	case ".npy":
		return formatNPY
	case ".npz":
		return formatNPZ
	case ".csv", ".txt", ".tsv", ".dat":
		return formatText
	case ".idx", ".idx1-ubyte", ".idx3-ubyte":
		return formatIDX
	}
	if strings.Contains(name, "-idx1-ubyte") || strings.Contains(name, "-idx3-ubyte") {
		return formatIDX
	}
	return formatUnknown
}

// Read loads the data set at path as a samples × features matrix. The
// format is chosen from the name (see the package documentation); a path
// "builtin:SPEC" generates opt.N samples of Builtin(SPEC) instead.
//
// Read rejects NaN and ±Inf, naming the row and column. Errors are one
// line that starts with "dataset: " and the path.
func Read(path string, opt ReadOptions) (*mat.Dense, error) {
	if opt.Limit < 0 {
		return nil, fmt.Errorf("dataset: %s: negative limit %d (use 0 to read every sample)", path, opt.Limit)
	}
	switch opt.Binarize {
	case "", BinarizeThreshold, BinarizeStochastic:
	default:
		return nil, fmt.Errorf("dataset: %s: unknown binarization %q (use \"threshold\" or \"stochastic\", or leave it empty)", path, opt.Binarize)
	}
	x, err := read(path, opt)
	if err != nil {
		return nil, err
	}
	check := CheckFinite
	if opt.AllowNaN {
		check = checkNoInf
	}
	if err := check(x); err != nil {
		return nil, fmt.Errorf("dataset: %s: %s", path, strings.TrimPrefix(err.Error(), "dataset: "))
	}
	if opt.Binarize != "" {
		if err := binarize(x, opt.Binarize, opt.Seed); err != nil {
			return nil, fmt.Errorf("dataset: %s: %w", path, err)
		}
	}
	return x, nil
}

func read(path string, opt ReadOptions) (*mat.Dense, error) {
	if spec, ok := strings.CutPrefix(path, "builtin:"); ok {
		n := opt.N
		if n == 0 {
			n = 1000
		}
		if opt.Limit > 0 {
			n = min(n, opt.Limit)
		}
		return Builtin(spec, n, opt.Seed)
	}
	f := formatOf(path)
	if f == formatUnknown {
		return nil, fmt.Errorf("dataset: %s: unknown file type (supported: %s)", path, Supported)
	}
	if f == formatNPZ {
		return readNPZMatrix(path, opt)
	}
	src, err := open(path)
	if err != nil {
		return nil, err
	}
	defer src.close()
	var x *mat.Dense
	switch f {
	case formatNPY:
		x, err = readNPY(src, opt)
	case formatText:
		x, err = readText(src, opt.Limit, opt.AllowNaN)
	case formatIDX:
		x, err = readIDXImages(src, opt.Limit)
	}
	if err == nil {
		err = src.finish()
	}
	if err != nil {
		return nil, fmt.Errorf("dataset: %s%s", path, errSep(err))
	}
	return x, nil
}

// lineError is an error tied to a line of a text file; it formats as
// "PATH line N: ..." instead of "PATH: ...".
type lineError struct {
	line int
	msg  string
}

func (e *lineError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func errSep(err error) string {
	if _, ok := err.(*lineError); ok {
		return " " + err.Error()
	}
	return ": " + err.Error()
}

// readNPY reads an .npy stream as a matrix.
func readNPY(r io.Reader, opt ReadOptions) (*mat.Dense, error) {
	shape, data, err := decodeNPY(r, opt.Limit)
	if err != nil {
		return nil, err
	}
	return toMatrix(shape, data, opt.SingleSample)
}

// toMatrix views an array of the given shape (C order) as
// shape[0] × (product of the other dimensions).
func toMatrix(shape []int, data []float64, single bool) (*mat.Dense, error) {
	switch {
	case len(shape) == 0:
		return nil, errors.New("array is a scalar (0-D); save a 2-D array of shape (samples, features)")
	case len(shape) == 1 && !single:
		return nil, fmt.Errorf("array is 1-D with shape (%d,); save a 2-D array of shape (samples, features): x.reshape(1, -1) for one sample, x.reshape(-1, 1) for one feature", shape[0])
	case len(shape) == 1:
		shape = []int{1, shape[0]}
	}
	if len(data) == 0 {
		return nil, fmt.Errorf("array of shape %s holds no data (it needs at least one sample and one feature)", shapeString(shape))
	}
	return mat.NewDense(shape[0], len(data)/shape[0], data), nil
}

func shapeString(shape []int) string {
	s := make([]string, len(shape))
	for i, k := range shape {
		s[i] = fmt.Sprint(k)
	}
	if len(s) == 1 {
		return "(" + s[0] + ",)"
	}
	return "(" + strings.Join(s, ", ") + ")"
}

// binarize applies a ReadOptions.Binarize mode to x in place.
func binarize(x *mat.Dense, mode string, seed uint64) error {
	r, _ := x.Dims()
	var rng *rand.Rand
	if mode == BinarizeStochastic {
		rng = rand.New(rand.NewPCG(seed, 0xb1a7153))
	}
	for i := range r {
		row := x.RawRowView(i)
		for j, v := range row {
			if math.IsNaN(v) {
				continue // a missing value (ReadOptions.AllowNaN)
			}
			if v < 0 || v > 1 {
				return fmt.Errorf("--binarize needs values in [0, 1], but row %d, column %d is %g (rescale the data to [0, 1] first)", i, j, v)
			}
			if mode == BinarizeThreshold {
				row[j] = b2f(v >= 0.5)
			} else {
				row[j] = b2f(rng.Float64() < v)
			}
		}
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
