package dataset

import (
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// pythonWithNumPy returns a Python interpreter that can import numpy, or
// skips the test.
func pythonWithNumPy(t *testing.T) string {
	t.Helper()
	for _, py := range []string{"python3", "/usr/bin/python3"} {
		if path, err := exec.LookPath(py); err == nil {
			if exec.Command(path, "-c", "import numpy").Run() == nil {
				return path
			}
		}
	}
	t.Skip("no python3 with numpy")
	return ""
}

func runPython(t *testing.T, py, dir, script string) {
	t.Helper()
	cmd := exec.Command(py, "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("python: %v\n%s", err, out)
	}
}

// Arrays saved by NumPy read back with the right values.
func TestNumPyToGo(t *testing.T) {
	py := pythonWithNumPy(t)
	dir := t.TempDir()
	runPython(t, py, dir, `
import numpy as np
a = np.arange(12).reshape(3, 4)
for dt in ["f8", "f4", "f2", "i1", "u1", "i2", "i4", "i8", "u8", ">f8", ">i4"]:
    np.save("a_" + dt.replace(">", "be") + ".npy", a.astype(dt))
np.save("a_bool.npy", (a % 2 == 1))
np.save("a_fortran.npy", np.asfortranarray(a.astype("f8")))
np.save("cube.npy", np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
np.save("cube_fortran.npy", np.asfortranarray(np.arange(24.0).reshape(2, 3, 4)))
np.save("labels.npy", np.array([3, 1, 4], dtype=np.int64))
np.savez("arch.npz", first=a.astype("f4"), second=np.eye(2))
np.savez_compressed("comp.npz", a)
`)
	want := make([][]float64, 3)
	for i := range want {
		for j := range 4 {
			want[i] = append(want[i], float64(4*i+j))
		}
	}
	for _, name := range []string{"f8", "f4", "f2", "i1", "u1", "i2", "i4", "i8", "u8", "bef8", "bei4", "fortran"} {
		x, err := Read(filepath.Join(dir, "a_"+name+".npy"), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		equalDense(t, x, want)
	}
	x, err := Read(filepath.Join(dir, "a_bool.npy"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{0, 1, 0, 1}, {0, 1, 0, 1}, {0, 1, 0, 1}})
	for _, name := range []string{"cube.npy", "cube_fortran.npy"} {
		x, err = Read(filepath.Join(dir, name), ReadOptions{})
		if err != nil {
			t.Fatal(err)
		}
		r, c := x.Dims()
		if r != 2 || c != 12 || x.At(1, 5) != 17 {
			t.Fatalf("%s: %d×%d, x[1, 5] = %v; want 2×12, 17", name, r, c, x.At(1, 5))
		}
	}
	labels, err := ReadLabels(filepath.Join(dir, "labels.npy"))
	if err != nil || !reflect.DeepEqual(labels, []int{3, 1, 4}) {
		t.Fatalf("labels %v, %v", labels, err)
	}
	x, err = Read(filepath.Join(dir, "arch.npz"), ReadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, want)
	x, err = Read(filepath.Join(dir, "arch.npz"), ReadOptions{Key: "second"})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, [][]float64{{1, 0}, {0, 1}})
	x, err = Read(filepath.Join(dir, "comp.npz"), ReadOptions{Key: "arr_0"})
	if err != nil {
		t.Fatal(err)
	}
	equalDense(t, x, want)
	arrays, err := ReadNPZ(filepath.Join(dir, "arch.npz"))
	if err != nil {
		t.Fatal(err)
	}
	if len(arrays) != 2 || arrays[1].Name != "second" || !reflect.DeepEqual(arrays[1].Shape, []int{2, 2}) {
		t.Fatalf("ReadNPZ = %+v", arrays)
	}
}

// Files written here load in NumPy as they are.
func TestGoToNumPy(t *testing.T) {
	py := pythonWithNumPy(t)
	dir := t.TempDir()
	x := mat.NewDense(2, 3, []float64{0.1, -2, 3.5e-300, 4, 5, 1e300})
	if err := WriteNPY(filepath.Join(dir, "x.npy"), x); err != nil {
		t.Fatal(err)
	}
	if err := WriteCSV(filepath.Join(dir, "x.csv"), x); err != nil {
		t.Fatal(err)
	}
	err := WriteNPZ(filepath.Join(dir, "p.npz"), []Array{
		{Name: "weights", Shape: []int{2, 3}, Data: x.RawMatrix().Data},
		{Name: "bias", Shape: []int{3}, Data: []float64{1, 2, 3}},
		{Name: "beta", Shape: []int{}, Data: []float64{0.5}},
		{Name: "cube", Shape: []int{1, 2, 2}, Data: []float64{1, 2, 3, 4}},
	})
	if err != nil {
		t.Fatal(err)
	}
	runPython(t, py, dir, `
import numpy as np
want = np.array([[0.1, -2, 3.5e-300], [4, 5, 1e300]])
x = np.load("x.npy")
assert x.dtype == np.float64 and x.flags.c_contiguous and np.array_equal(x, want), x
assert np.array_equal(np.loadtxt("x.csv", delimiter=",", ndmin=2), want)
p = np.load("p.npz")
assert list(p.keys()) == ["weights", "bias", "beta", "cube"], list(p.keys())
assert np.array_equal(p["weights"], want)
assert p["bias"].shape == (3,) and np.array_equal(p["bias"], [1, 2, 3])
assert p["beta"].shape == () and p["beta"] == 0.5
assert p["cube"].shape == (1, 2, 2) and p["cube"][0, 1, 0] == 3
`)
}
