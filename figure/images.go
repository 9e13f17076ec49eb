package figure

import (
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"unicode/utf8"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Separator is the grey level of the 1-pixel lines between images and of
// empty grid cells.
const Separator = 128

// maxPixels bounds the size of an image figure (about 1 GB of RGBA).
const maxPixels = 1 << 28

// ImageGrid writes a PNG at path showing each row of images as an h×w
// greyscale image (row-major, so images is n × h·w), laid out in a grid of
// cols columns (cols <= 0 chooses ⌈√n⌉), each pixel upscaled to a
// scale×scale block. Values are intensities in [0, 1], 0 black and 1
// white; values outside are clipped and NaN is drawn black. Images are
// separated by 1-pixel lines of grey level Separator, which also fills the
// unused cells of the last grid row, so the PNG is
// cols·w·scale + cols-1 pixels wide and rows·h·scale + rows-1 high.
//
// It returns an error if h·w is not the number of columns of images, h, w
// or scale is less than 1, or the file cannot be written.
func ImageGrid(path string, images *mat.Dense, h, w, cols, scale int) error {
	img, err := gridImage(images, h, w, cols, scale)
	if err != nil {
		return fmt.Errorf("figure: ImageGrid %s: %w", path, err)
	}
	return writeFileAtomic(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}

func checkImageShape(m *mat.Dense, h, w, scale int) (n int, err error) {
	if h < 1 || w < 1 {
		return 0, fmt.Errorf("image size %d×%d must be at least 1×1", h, w)
	}
	if scale < 1 {
		return 0, fmt.Errorf("scale %d must be at least 1", scale)
	}
	if m == nil {
		return 0, fmt.Errorf("no images")
	}
	n, c := m.Dims()
	if c != h*w {
		return 0, fmt.Errorf("rows of length %d cannot be %d×%d images", c, h, w)
	}
	return n, nil
}

func gridImage(images *mat.Dense, h, w, cols, scale int) (*image.Gray, error) {
	n, err := checkImageShape(images, h, w, scale)
	if err != nil {
		return nil, err
	}
	if cols <= 0 {
		cols = int(math.Ceil(math.Sqrt(float64(n))))
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	cw, ch := w*scale, h*scale
	W, H := cols*cw+cols-1, rows*ch+rows-1
	if float64(W)*float64(H) > maxPixels {
		return nil, fmt.Errorf("a %d×%d image is too large", W, H)
	}
	img := image.NewGray(image.Rect(0, 0, W, H))
	for i := range img.Pix {
		img.Pix[i] = Separator
	}
	for k := range n {
		x0, y0 := (k%cols)*(cw+1), (k/cols)*(ch+1)
		paint(images.RawRowView(k), h, w, scale, func(x, y int, v uint8) {
			img.Pix[(y0+y)*img.Stride+x0+x] = v
		})
	}
	return img, nil
}

// paint calls set for every pixel of the upscaled h×w image data.
func paint(data []float64, h, w, scale int, set func(x, y int, v uint8)) {
	for i := range h {
		for j := range w {
			v := grey(data[i*w+j])
			for dy := range scale {
				for dx := range scale {
					set(j*scale+dx, i*scale+dy, v)
				}
			}
		}
	}
}

// grey maps an intensity in [0, 1] to a grey level, clipping outside and
// drawing NaN black.
func grey(v float64) uint8 {
	switch {
	case !(v > 0):
		return 0
	case v >= 1:
		return 255
	}
	return uint8(math.Round(v * 255))
}

// SideBySide writes a PNG at path comparing images row by row: row r of
// the figure shows row r of each matrix in columns, left to right (for
// example original | corrupted | reconstructed). Every matrix is n × h·w
// with the same n, and values are drawn as in ImageGrid. titles, if not
// nil, has one label per column, drawn above it; long labels are shrunk
// or shortened to fit the column.
//
// It returns an error if the shapes disagree, len(titles) is neither 0 nor
// len(columns), or the file cannot be written.
func SideBySide(path string, columns []*mat.Dense, titles []string, h, w, scale int) error {
	img, err := sideBySideImage(columns, titles, h, w, scale)
	if err != nil {
		return fmt.Errorf("figure: SideBySide %s: %w", path, err)
	}
	return writeFileAtomic(path, func(wr io.Writer) error { return png.Encode(wr, img) })
}

// titleStrip is the height in pixels of the strip of column titles.
const titleStrip = 18

func sideBySideImage(columns []*mat.Dense, titles []string, h, w, scale int) (image.Image, error) {
	if len(columns) == 0 {
		return nil, fmt.Errorf("no columns")
	}
	if titles != nil && len(titles) != len(columns) {
		return nil, fmt.Errorf("%d titles for %d columns", len(titles), len(columns))
	}
	n := -1
	for c, m := range columns {
		r, err := checkImageShape(m, h, w, scale)
		if err != nil {
			return nil, fmt.Errorf("column %d: %w", c, err)
		}
		if n >= 0 && r != n {
			return nil, fmt.Errorf("column %d has %d images, column 0 has %d", c, r, n)
		}
		n = r
	}
	hasTitles := false
	for _, t := range titles {
		hasTitles = hasTitles || t != ""
	}
	top := 0
	if hasTitles {
		top = titleStrip
	}
	cols := len(columns)
	cw, ch := w*scale, h*scale
	W, H := cols*cw+cols-1, top+n*ch+n-1
	if float64(W)*float64(H) > maxPixels {
		return nil, fmt.Errorf("a %d×%d image is too large", W, H)
	}

	var img *image.RGBA
	if hasTitles {
		// At 72 dots per inch a point is a pixel.
		c := vgimg.NewWith(vgimg.UseWH(vg.Length(W), vg.Length(H)), vgimg.UseDPI(72))
		dc := draw.New(c)
		for k, t := range titles {
			drawTitle(dc, t, vg.Length(k*(cw+1)), vg.Length(cw), vg.Length(H-titleStrip/2))
		}
		var ok bool
		if img, ok = c.Image().(*image.RGBA); !ok || img.Bounds().Dx() != W || img.Bounds().Dy() != H {
			return nil, fmt.Errorf("unexpected canvas image %T of size %v", c.Image(), c.Image().Bounds())
		}
	} else {
		img = image.NewRGBA(image.Rect(0, 0, W, H))
	}
	sep := color.RGBA{Separator, Separator, Separator, 255}
	for y := top; y < H; y++ {
		for x := range W {
			img.SetRGBA(x, y, sep)
		}
	}
	for c, m := range columns {
		for r := range n {
			x0, y0 := c*(cw+1), top+r*(ch+1)
			paint(m.RawRowView(r), h, w, scale, func(x, y int, v uint8) {
				img.SetRGBA(x0+x, y0+y, color.RGBA{v, v, v, 255})
			})
		}
	}
	return img, nil
}

// drawTitle draws t centred over a column starting at x of width cw, at
// height y, shrinking the font and then shortening the text to fit.
func drawTitle(dc draw.Canvas, t string, x, cw, y vg.Length) {
	if t == "" {
		return
	}
	sty := textStyle(12)
	sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	for size := vg.Length(12); size > 6 && sty.Rectangle(t).Size().X > cw; size-- {
		sty = textStyle(size - 1)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
	}
	for utf8.RuneCountInString(t) > 1 && sty.Rectangle(t).Size().X > cw {
		r := []rune(t)
		if r[len(r)-1] == '…' {
			r = r[:len(r)-1]
		}
		t = string(r[:len(r)-1]) + "…"
	}
	dc.FillText(sty, vg.Point{X: x + cw/2, Y: y}, t)
}
