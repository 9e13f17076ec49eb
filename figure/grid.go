package figure

import (
	"fmt"
	"image/png"
	"io"

	"gonum.org/v1/gonum/mat"
)

// EncodeImageGrid writes to w the PNG that ImageGrid writes to a file:
// each row of images (n × h·w) drawn as an h×w greyscale image, in a grid
// of cols columns (cols <= 0: ⌈√n⌉), each pixel a scale×scale block,
// intensities in [0, 1] (0 black, 1 white; clipped, NaN black). It
// compresses for speed (a page served live redraws it often).
func EncodeImageGrid(w io.Writer, images *mat.Dense, h, wd, cols, scale int) error {
	img, err := gridImage(images, h, wd, cols, scale)
	if err != nil {
		return fmt.Errorf("figure: EncodeImageGrid: %w", err)
	}
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	return enc.Encode(w, img)
}
