package serve

import (
	"bytes"
	"errors"
	"math"
	"os"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"boltzmann/dataset"
	"boltzmann/figure"
	"boltzmann/model/gbrbm"
	"boltzmann/model/rbm"
	"boltzmann/runs"
)

// maxImages is the number of fantasy particles and filters drawn.
const maxImages = 64

// errNoImage: the run has no such image (not image data, no file yet).
var errNoImage = errors.New("serve: no image")

type cachedImage struct {
	key string
	png []byte
}

// imageShape returns the h×w image shape of the data units of a run on
// image data and their number d: models of binary, ±1 or real units (not
// the categorical ones of alignments) whose data units are a square of at
// least 2×2 pixels.
func imageShape(c *runs.Config) (h, w, d int, ok bool) {
	if c == nil || c.BMDCA != nil {
		return 0, 0, 0, false
	}
	switch c.Model.Kind {
	case rbm.Kind, gbrbm.Kind, "ising", "gaussian":
		d = c.Model.Visible
	case rbm.LabeledKind:
		d, _ = strconv.Atoi(c.Model.Options["data_dim"])
	default:
		return 0, 0, 0, false
	}
	s := int(math.Round(math.Sqrt(float64(d))))
	if s < 2 || s*s != d {
		return 0, 0, 0, false
	}
	return s, s, d, true
}

// hasFilters reports whether the model has a weight matrix visible ×
// hidden whose columns are the hidden units' filters.
func hasFilters(c *runs.Config) bool {
	switch c.Model.Kind {
	case rbm.Kind, rbm.LabeledKind, gbrbm.Kind:
		return true
	}
	return false
}

// image returns the PNG of "samples" (fantasy particles of
// checkpoint.bin) or "filters" (weights of model.npz), drawn once per
// version of its file.
func (r *run) image(which string) ([]byte, error) {
	s := r.current()
	h, w, d, ok := imageShape(s.cfg)
	file := runs.CheckpointFile
	if which == "filters" {
		file, ok = runs.ModelFile, ok && hasFilters(s.cfg)
	}
	st := s.files[file]
	if !ok || st.info == nil {
		return nil, errNoImage
	}
	r.imgMu.Lock()
	defer r.imgMu.Unlock()
	if c, ok := r.images[which]; ok && c.key == st.key() {
		return c.png, nil
	}
	root, err := os.OpenRoot(r.dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	data, err := readFile(root, file)
	if err != nil {
		return nil, err
	}
	var x *mat.Dense
	if which == "samples" {
		x, err = samples(data, d, s.cfg)
	} else {
		x, err = filters(data, d)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := figure.EncodeImageGrid(&buf, x, h, w, 0, max(1, 56/max(h, w))); err != nil {
		return nil, err
	}
	if r.images == nil {
		r.images = map[string]cachedImage{}
	}
	// The key is that of the look before the read: a newer file is drawn
	// again at the next request after the next look.
	r.images[which] = cachedImage{key: st.key(), png: buf.Bytes()}
	return buf.Bytes(), nil
}

// samples returns the first maxImages fantasy particles of a checkpoint's
// bytes, their d data units as intensities in [0, 1]: {0,1} units as
// they are, ±1 spins as (x+1)/2, real units scaled from their range.
func samples(data []byte, d int, c *runs.Config) (*mat.Dense, error) {
	x, err := runs.CheckpointChains(data)
	if err != nil {
		return nil, err
	}
	n, dim := x.Dims()
	if dim < d {
		return nil, errNoImage
	}
	n = min(n, maxImages)
	out := mat.DenseCopyOf(x.Slice(0, n, 0, d))
	raw := out.RawMatrix().Data
	switch {
	case c.Model.Encode == "pm1":
		for i, v := range raw {
			raw[i] = (v + 1) / 2
		}
	case c.Model.Kind == "gaussian" || c.Model.Kind == gbrbm.Kind:
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, v := range raw {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
		for i, v := range raw {
			raw[i] = (v - lo) / math.Max(hi-lo, 1e-300)
		}
	}
	return out, nil
}

// filters returns the weights of the first maxImages hidden units of a
// model.npz's bytes, one row of d data units each, scaled per filter so
// that 0 is mid-grey and the largest |weight| is black or white.
func filters(data []byte, d int) (*mat.Dense, error) {
	arrays, err := dataset.ReadNPZBytes(runs.ModelFile, data)
	if err != nil {
		return nil, err
	}
	for _, a := range arrays {
		if a.Name != "weights" || len(a.Shape) != 2 || a.Shape[0] < d {
			continue
		}
		nh := a.Shape[1]
		k := min(nh, maxImages)
		out := mat.NewDense(k, d, nil)
		for j := range k {
			row := out.RawRowView(j)
			m := 0.0
			for i := range d {
				row[i] = a.Data[i*nh+j]
				m = math.Max(m, math.Abs(row[i]))
			}
			for i := range row {
				row[i] = 0.5 + row[i]/(2*math.Max(m, 1e-300))
			}
		}
		return out, nil
	}
	return nil, errNoImage
}
