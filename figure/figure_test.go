package figure

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
)

func decode(t *testing.T, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return img
}

func noTempFiles(t *testing.T, dir string) {
	t.Helper()
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

// inked returns the number of pixels of img within a small tolerance of c
// in the rectangle r, and the horizontal extent [minX, maxX] they span.
func inked(img image.Image, c color.Color, r image.Rectangle) (n, minX, maxX int) {
	cr, cg, cb, _ := c.RGBA()
	near := func(a, b uint32) bool { return max(a, b)-min(a, b) < 0x1800 }
	minX, maxX = r.Max.X, r.Min.X-1
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr, cr) && near(pg, cg) && near(pb, cb) {
				n++
				minX, maxX = min(minX, x), max(maxX, x)
			}
		}
	}
	return n, minX, maxX
}

// drawnSeries fails unless series colour i is drawn as a line across at
// least half of the width of the band r (a legend swatch alone is too
// short): a figure must show its data, not only have the right size.
func drawnSeries(t *testing.T, img image.Image, i int, r image.Rectangle, what string) {
	t.Helper()
	n, lo, hi := inked(img, plotutil.Color(i), r)
	if n < 100 || hi-lo < r.Dx()/2 {
		t.Errorf("%s: series colour %d has %d pixels spanning x %d..%d of %d: the line is not drawn", what, i, n, lo, hi, r.Dx())
	}
}

func greyAt(img image.Image, x, y int) uint8 {
	r, g, b, _ := img.At(x, y).RGBA()
	if r != g || g != b {
		return 0 // not grey: never expected
	}
	return uint8(r >> 8)
}

func TestImageGridPixels(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "grid.png")
	// Three 2×3 images, 2 per row, scale 2; values outside [0, 1] clip and
	// NaN is black.
	images := mat.NewDense(3, 6, []float64{
		0, 0.5, 1, 1, 0, 0,
		-3, 2, 0.25, 0.75, math.NaN(), 1,
		1, 1, 1, 1, 1, 1,
	})
	if err := ImageGrid(path, images, 2, 3, 2, 2); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	// Width 2·3·2 + 1 = 13, height 2·(2·2) + 1 = 9.
	if b := img.Bounds(); b.Dx() != 13 || b.Dy() != 9 {
		t.Fatalf("size %v, want 13×9", b)
	}
	want := map[[2]int]uint8{
		{0, 0}: 0, {1, 1}: 0, {2, 0}: 128, {3, 1}: 128, {4, 0}: 255, {5, 1}: 255, // image 0 row 0
		{0, 2}: 255, {1, 3}: 255, {2, 2}: 0, // image 0 row 1
		{6, 0}: Separator, {6, 8}: Separator, {0, 4}: Separator, // separators
		{7, 0}: 0, {9, 0}: 255, {11, 1}: 64, // image 1 row 0: clipped -3, 2, then 0.25
		{7, 2}: 191, {9, 3}: 0, {12, 3}: 255, // image 1 row 1: 0.75, NaN, 1
		{0, 5}: 255, {5, 8}: 255, // image 2
		{7, 5}: Separator, {12, 8}: Separator, // empty last cell
	}
	for p, v := range want {
		if got := greyAt(img, p[0], p[1]); got != v {
			t.Errorf("pixel (%d, %d) = %d, want %d", p[0], p[1], got, v)
		}
	}
	noTempFiles(t, dir)

	// Automatic columns: ⌈√3⌉ = 2.
	if err := ImageGrid(path, images, 2, 3, 0, 1); err != nil {
		t.Fatal(err)
	}
	if b := decode(t, path).Bounds(); b.Dx() != 7 || b.Dy() != 5 {
		t.Errorf("auto columns: size %v, want 7×5", b)
	}
}

func TestImageErrors(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.png")
	m := mat.NewDense(2, 6, nil)
	cases := []struct {
		name string
		err  error
		want string
	}{
		{"shape", ImageGrid(path, m, 2, 2, 1, 1), "rows of length 6 cannot be 2×2 images"},
		{"scale", ImageGrid(path, m, 2, 3, 1, 0), "scale 0 must be at least 1"},
		{"size", ImageGrid(path, m, 0, 3, 1, 1), "must be at least 1×1"},
		{"dir", ImageGrid(filepath.Join(dir, "missing", "x.png"), m, 2, 3, 1, 1), "no such file"},
		{"rows", SideBySide(path, []*mat.Dense{m, mat.NewDense(3, 6, nil)}, nil, 2, 3, 1), "column 1 has 3 images, column 0 has 2"},
		{"titles", SideBySide(path, []*mat.Dense{m}, []string{"a", "b"}, 2, 3, 1), "2 titles for 1 columns"},
		{"none", SideBySide(path, nil, nil, 2, 3, 1), "no columns"},
		{"colshape", SideBySide(path, []*mat.Dense{m, mat.NewDense(2, 4, nil)}, nil, 2, 3, 1), "column 1: rows of length 4"},
	}
	for _, c := range cases {
		if c.err == nil || !strings.Contains(c.err.Error(), c.want) || !strings.HasPrefix(c.err.Error(), "figure: ") {
			t.Errorf("%s: err = %v, want it to contain %q", c.name, c.err, c.want)
		}
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("a failed call wrote %s", path)
	}
	noTempFiles(t, dir)
}

func TestSideBySide(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sbs.png")
	a := mat.NewDense(2, 4, []float64{1, 1, 1, 1, 0, 0, 0, 0})
	b := mat.NewDense(2, 4, []float64{0, 0, 0, 0, 1, 1, 1, 1})
	if err := SideBySide(path, []*mat.Dense{a, b}, nil, 2, 2, 3); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	// 2 columns of 6 pixels + 1 separator; 2 rows of 6 + 1.
	if bd := img.Bounds(); bd.Dx() != 13 || bd.Dy() != 13 {
		t.Fatalf("size %v, want 13×13", bd)
	}
	for _, c := range []struct {
		x, y int
		v    uint8
	}{{0, 0, 255}, {5, 5, 255}, {6, 0, Separator}, {7, 0, 0}, {0, 6, Separator}, {0, 7, 0}, {12, 12, 255}} {
		if got := greyAt(img, c.x, c.y); got != c.v {
			t.Errorf("pixel (%d, %d) = %d, want %d", c.x, c.y, got, c.v)
		}
	}

	// With titles a strip is added on top, with some dark (text) pixels in
	// it, and the images move down by titleStrip pixels.
	if err := SideBySide(path, []*mat.Dense{a, b}, []string{"original", "a very long title"}, 2, 2, 20); err != nil {
		t.Fatal(err)
	}
	img = decode(t, path)
	if bd := img.Bounds(); bd.Dx() != 81 || bd.Dy() != titleStrip+81 {
		t.Fatalf("titled size %v, want 81×%d", bd, titleStrip+81)
	}
	dark := 0
	for y := range titleStrip {
		for x := range 81 {
			if r, _, _, _ := img.At(x, y).RGBA(); r < 0x8000 {
				dark++
			}
		}
	}
	if dark < 10 {
		t.Errorf("only %d dark pixels in the title strip", dark)
	}
	if got := greyAt(img, 0, titleStrip); got != 255 {
		t.Errorf("first image pixel below the titles = %d, want 255", got)
	}
	noTempFiles(t, dir)
}

func TestCurves(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curves.png")
	epochs := make([]float64, 50)
	ll, pl, rec := make([]float64, 50), make([]float64, 50), make([]float64, 50)
	for i := range epochs {
		epochs[i] = float64(i + 1)
		pl[i] = -10 + 5*(1-math.Exp(-float64(i)/10))
		rec[i] = 0.3 * math.Exp(-float64(i)/15)
		ll[i] = math.NaN()
		if i%10 == 9 {
			ll[i] = pl[i] - 0.5
		}
	}
	panels := []Panel{
		{Title: "log-likelihood per sample", XLabel: "epoch", YLabel: "nats", Series: []Series{
			{Name: "train (AIS)", X: epochs, Y: ll},
			{Name: "pseudo-likelihood", X: epochs, Y: pl},
		}},
		{Title: "reconstruction error", XLabel: "epoch", YLabel: "mean squared error", Series: []Series{
			{Name: "train", X: epochs, Y: rec},
		}},
		{Title: "empty", Series: []Series{{Name: "nothing", X: []float64{1}, Y: []float64{math.NaN()}}}},
	}
	if err := Curves(path, "RBM training", panels); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	b := img.Bounds()
	wantH := int(math.Round(3*3*dpi + float64(titleHeight("RBM training")/vg.Inch)*dpi))
	if b.Dx() != 7*dpi || b.Dy() != wantH {
		t.Errorf("size %v, want %d×%d", b, 7*dpi, wantH)
	}
	// Panels are stacked, 3 inches each below a title strip: the first
	// shows two series, the second one, the third (all NaN) none.
	top := int(math.Round(float64(titleHeight("RBM training")/vg.Inch) * dpi))
	panel := func(k int) image.Rectangle {
		return image.Rect(0, top+k*3*dpi, b.Dx(), top+(k+1)*3*dpi)
	}
	drawnSeries(t, img, 0, panel(0), "log-likelihood panel")
	drawnSeries(t, img, 1, panel(0), "log-likelihood panel")
	drawnSeries(t, img, 0, panel(1), "reconstruction panel")
	if n, _, _ := inked(img, plotutil.Color(0), panel(2)); n > 50 {
		t.Errorf("the all-NaN panel has %d pixels of series colour", n)
	}
	if os.Getenv("FIGURE_KEEP") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(os.Getenv("FIGURE_KEEP")+"/curves.png", data, 0o644)
	}
	if err := Curves(path, "", []Panel{{Series: []Series{{X: []float64{1, 2}, Y: []float64{1}}}}}); err == nil ||
		!strings.Contains(err.Error(), "series 0 (\"\") has 2 x and 1 y values") {
		t.Errorf("mismatched series: %v", err)
	}
	if err := Curves(path, "", nil); err == nil {
		t.Error("no panels accepted")
	}
	noTempFiles(t, dir)
}

func TestLines(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "lines.png")
	n := []float64{16, 64, 256, 1024, 4096}
	series := []Series{
		{Name: "exact", X: n, Y: []float64{0.001, 0.01, 0.1, 1, 10}},
		{Name: "AIS", X: n, Y: []float64{0.5, 0.6, 0, 2, math.Inf(1)}}, // 0 and Inf skipped on a log axis
		{Name: "one point", X: []float64{100}, Y: []float64{3}},
	}
	for _, logs := range [][2]bool{{true, true}, {false, false}, {true, false}} {
		if err := Lines(path, "scaling", "visible units", "seconds", series, logs[0], logs[1]); err != nil {
			t.Fatalf("log axes %v: %v", logs, err)
		}
		img := decode(t, path)
		if b := img.Bounds(); b.Dx() != 7*dpi || b.Dy() != int(math.Round(4.5*dpi)) {
			t.Errorf("size %v", b)
		}
		drawnSeries(t, img, 0, img.Bounds(), "exact series")
		drawnSeries(t, img, 1, img.Bounds(), "AIS series")
	}
	// All points dropped on log axes still makes a figure.
	if err := Lines(path, "empty", "x", "y", []Series{{X: []float64{-1}, Y: []float64{0}}}, true, true); err != nil {
		t.Errorf("empty log plot: %v", err)
	}
	if os.Getenv("FIGURE_KEEP") != "" {
		Lines(os.Getenv("FIGURE_KEEP")+"/lines.png", "scaling", "visible units", "seconds", series, true, true)
		SideBySide(os.Getenv("FIGURE_KEEP")+"/sbs.png", []*mat.Dense{mat.NewDense(2, 4, []float64{1, 0.5, 0, 1, 0, 0, 0, 0}), mat.NewDense(2, 4, []float64{0, 0.2, 0.4, 1, 1, 1, 1, 1})}, []string{"original", "reconstructed"}, 2, 2, 30)
	}
	noTempFiles(t, dir)
}

// TestLogTicksLabelShortRanges: a log axis spanning less than a decade
// still gets at least two labels; long ranges keep the powers of ten.
func TestLogTicksLabelShortRanges(t *testing.T) {
	labels := func(min, max float64) (n int) {
		for _, tk := range (logTicks{}).Ticks(min, max) {
			if tk.Label != "" {
				n++
				if tk.Value < min || tk.Value > max {
					t.Errorf("[%v, %v]: tick %v outside", min, max, tk.Value)
				}
			}
		}
		return n
	}
	for _, r := range [][2]float64{{0.16, 0.178}, {0.0025, 0.046}, {3, 7}, {0.63, 0.16e1}} {
		if n := labels(r[0], r[1]); n < 2 {
			t.Errorf("[%v, %v]: %d labels", r[0], r[1], n)
		}
	}
	if n := labels(1, 1e6); n < 3 {
		t.Errorf("[1, 1e6]: %d labels", n)
	}
}

// TestCurvesDegenerateRanges: curves of a diverging run (a constant 1e17,
// values near the largest float64, ±Inf, NaN only, one point) are drawn
// without a panic and without an error, whatever their range.
func TestCurvesDegenerateRanges(t *testing.T) {
	dir := t.TempDir()
	inf, nan := math.Inf(1), math.NaN()
	for i, y := range [][]float64{
		{1e17, 1e17, 1e17},
		{0, 0, 0},
		{-1e300, 1e300, 5},
		{math.MaxFloat64, -math.MaxFloat64, 1},
		{inf, -inf, nan},
		{nan, nan, nan},
		{1, 1 + 1e-15, 1},
		{-3e-320, 0, 3e-320},
	} {
		for _, log := range []bool{false, true} {
			path := filepath.Join(dir, fmt.Sprintf("c%d-%v.png", i, log))
			panels := []Panel{{Title: "t", LogY: log, Series: []Series{{Name: "s", X: []float64{1, 2, 3}, Y: y}}}}
			if err := Curves(path, "", panels); err != nil {
				t.Errorf("y = %v (log %v): %v", y, log, err)
				continue
			}
			decode(t, path)
		}
	}
	noTempFiles(t, dir)
}

// TestCurvesSubtitle: a second title line (the run's settings) is drawn,
// as dark text in its own 0.3-inch strip under the first, and the figure
// grows by that strip.
func TestCurvesSubtitle(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "curves.png")
	pn := []Panel{{Title: "loss", XLabel: "epochs", YLabel: "nats per sample", Series: []Series{{Name: "train", X: []float64{1, 2, 3}, Y: []float64{3, 2, 1}}}}}
	if err := Curves(path, "learning curves\nrbm 784 visible × 64 hidden · pcd-1 · adam lr 0.001 · batch 64", pn); err != nil {
		t.Fatal(err)
	}
	img := decode(t, path)
	line := int(math.Round(float64(titleLine / vg.Inch * dpi)))
	if got, want := img.Bounds().Dy(), 3*dpi+int(math.Round(float64(titleHeight("a\nb")/vg.Inch)*dpi)); got != want {
		t.Errorf("height %d, want %d", got, want)
	}
	dark := func(y0, y1 int) int {
		n, _, _ := inked(img, color.Black, image.Rect(0, y0, img.Bounds().Dx(), y1))
		return n
	}
	if n := dark(line+2, 2*line); n < 50 {
		t.Errorf("the settings line has %d dark pixels: not drawn", n)
	}
	if n := dark(0, line); n < 50 {
		t.Errorf("the first title line has %d dark pixels: not drawn", n)
	}
	if os.Getenv("FIGURE_KEEP") != "" {
		data, _ := os.ReadFile(path)
		os.WriteFile(os.Getenv("FIGURE_KEEP")+"/subtitle.png", data, 0o644)
	}
}
