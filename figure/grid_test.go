package figure

import (
	"bytes"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"gonum.org/v1/gonum/mat"
)

// TestEncodeImageGrid draws the image that ImageGrid writes.
func TestEncodeImageGrid(t *testing.T) {
	x := mat.NewDense(5, 6, nil)
	for i := range 5 {
		for j := range 6 {
			x.Set(i, j, float64(i*6+j)/29)
		}
	}
	path := filepath.Join(t.TempDir(), "g.png")
	if err := ImageGrid(path, x, 2, 3, 0, 2); err != nil {
		t.Fatal(err)
	}
	f, _ := os.ReadFile(path)
	want, err := png.Decode(bytes.NewReader(f))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := EncodeImageGrid(&buf, x, 2, 3, 0, 2); err != nil {
		t.Fatal(err)
	}
	got, err := png.Decode(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.Bounds() != want.Bounds() {
		t.Fatalf("bounds %v, want %v", got.Bounds(), want.Bounds())
	}
	for y := range want.Bounds().Dy() {
		for x := range want.Bounds().Dx() {
			if got.At(x, y) != want.At(x, y) {
				t.Fatalf("pixel (%d, %d): %v, want %v", x, y, got.At(x, y), want.At(x, y))
			}
		}
	}
	if err := EncodeImageGrid(&buf, x, 4, 4, 0, 1); err == nil {
		t.Error("rows of 6 values drawn as 4×4 images")
	}
}
