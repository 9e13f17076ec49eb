package dataset

import (
	"math"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func TestReadText(t *testing.T) {
	cases := []struct {
		name, file, content string
		limit               int
		want                [][]float64
	}{
		{"csv", "a.csv", "1,2,3\n4,5,6\n", 0, [][]float64{{1, 2, 3}, {4, 5, 6}}},
		{"spaces around commas", "a.csv", " 1 , 2 ,3\n4,5 , 6", 0, [][]float64{{1, 2, 3}, {4, 5, 6}}},
		{"whitespace", "a.txt", "1 2\t3\n  4   5 6  \n", 0, [][]float64{{1, 2, 3}, {4, 5, 6}}},
		{"comments and blanks", "a.txt", "# header\n\n1 2 # inline\n\n   # indented comment\n3 4\n\n", 0, [][]float64{{1, 2}, {3, 4}}},
		{"crlf", "a.csv", "1,2\r\n3,4\r\n", 0, [][]float64{{1, 2}, {3, 4}}},
		{"bom", "a.csv", "\ufeff1,2\n", 0, [][]float64{{1, 2}}},
		{"formats", "a.csv", "-1.5e3,+0.25,.5,7.\n", 0, [][]float64{{-1500, 0.25, 0.5, 7}}},
		{"underflow", "a.csv", "1e-400\n", 0, [][]float64{{0}}},
		{"limit", "a.csv", "1\n2\n3\n", 2, [][]float64{{1}, {2}}},
		{"limit ignores later errors", "a.csv", "1\n2\nbad\n", 2, [][]float64{{1}, {2}}},
		{"gzip", "a.csv.gz", string(gz([]byte("1,2\n"))), 0, [][]float64{{1, 2}}},
		{"tsv", "a.tsv", "1\t2\n", 0, [][]float64{{1, 2}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			x, err := Read(writeTemp(t, c.file, []byte(c.content)), ReadOptions{Limit: c.limit})
			if err != nil {
				t.Fatal(err)
			}
			equalDense(t, x, c.want)
		})
	}
}

func TestReadTextErrors(t *testing.T) {
	cases := []struct {
		name, content string
		frags         []string
	}{
		{"ragged", "1,2,3\n# c\n4,5\n", []string{"data.csv line 3: row has 2 values, expected 3 (every row must have the same number of columns)"}},
		{"ragged longer", "1 2\n3 4 5\n", []string{"data.csv line 2: row has 3 values, expected 2"}},
		{"empty file", "", []string{"data.csv: file is empty"}},
		{"only comments", "# a\n\n# b\n", []string{"data.csv: no data rows"}},
		{"header", "x,y\n1,2\n", []string{`data.csv line 1: column 0: cannot parse "x" as a number`, "start header lines with '#'"}},
		{"empty value", "1,,3\n", []string{"data.csv line 1: column 1 is empty"}},
		{"trailing comma", "1,2,\n", []string{"data.csv line 1: column 2 is empty"}},
		{"nan", "1,2\n3,nan\n", []string{"data.csv line 2: column 1 is nan", "remove or impute"}},
		{"inf", "1,2\n-Inf,3\n", []string{"data.csv line 2: column 0 is -Inf"}},
		{"overflow", "1e999\n", []string{"data.csv line 1: column 0 is 1e999"}},
		{"binary", "\x00\x01\x02\x03", []string{"data.csv line 1: column 0: cannot parse"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := writeTemp(t, "data.csv", []byte(c.content))
			_, err := Read(p, ReadOptions{})
			checkErr(t, err, append([]string{"dataset: " + filepath.Dir(p)}, c.frags...)...)
		})
	}
}

func TestWriteCSV(t *testing.T) {
	x := mat.NewDense(2, 3, []float64{0.1, -2, math.Pi, 1e-300, 5, math.MaxFloat64})
	p := filepath.Join(t.TempDir(), "x.csv")
	if err := WriteCSV(p, x); err != nil {
		t.Fatal(err)
	}
	y, err := Read(p, ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !mat.Equal(x, y) {
		t.Fatalf("read back %v", mat.Formatted(y))
	}
}

func TestReadErrors(t *testing.T) {
	p := writeTemp(t, "data.xlsx", []byte("x"))
	_, err := Read(p, ReadOptions{})
	checkErr(t, err, p, "unknown file type", ".npy, .npz, .csv, .txt", "builtin:SPEC")
	_, err = Read(filepath.Join(t.TempDir(), "nope.csv"), ReadOptions{})
	checkErr(t, err, "nope.csv", "no such file")
	q := writeTemp(t, "data.csv", []byte("1\n"))
	_, err = Read(q, ReadOptions{Limit: -1})
	checkErr(t, err, q, "negative limit")
	_, err = Read(q, ReadOptions{Binarize: "otsu"})
	checkErr(t, err, q, `unknown binarization "otsu"`, "threshold")
	r := writeTemp(t, "data.csv", []byte("0.5\n2\n"))
	_, err = Read(r, ReadOptions{Binarize: "threshold"})
	checkErr(t, err, r, "row 1, column 0 is 2", "rescale")
	g := writeTemp(t, "data.csv.gz", gz([]byte("1,2\n3,4\n"))[:15])
	_, err = Read(g, ReadOptions{})
	checkErr(t, err, g, "truncated gzip data")
}

func TestFormatOf(t *testing.T) {
	for name, want := range map[string]format{
		"a.npy": formatNPY, "dir.v2/A.NPY": formatNPY, "a.npy.gz": formatNPY,
		"a.npz": formatNPZ, "a.csv": formatText, "a.txt.gz": formatText,
		"train-images-idx3-ubyte.gz": formatIDX, "t10k-labels-idx1-ubyte": formatIDX,
		"x.idx": formatIDX, "x.idx3-ubyte": formatIDX, "digits.idx.gz": formatIDX,
		"a.json": formatUnknown, "npy": formatUnknown, "a.gz": formatUnknown,
	} {
		if got := formatOf(name); got != want {
			t.Errorf("formatOf(%q) = %v, want %v", name, got, want)
		}
	}
}
