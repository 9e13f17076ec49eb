package figure

import (
	"fmt"
	"image/color"
	"io"
	"math"
	"strconv"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// Series is one named curve y(x). X and Y have the same length; points
// where either is NaN or ±Inf (or not positive on a logarithmic axis) are
// skipped, and the curve joins the remaining points, so a quantity that is
// evaluated only every few epochs can be stored as NaN in between.
type Series struct {
	Name string // legend entry; empty for none
	X, Y []float64
}

// Panel is one plot of several series sharing axes.
type Panel struct {
	Title, XLabel, YLabel string
	Series                []Series
	// LogX and LogY select logarithmic axes.
	LogX, LogY bool
}

// Figure sizes, at 96 dots per inch: 672 pixels wide, 288 per panel,
// which read at 100% on a screen; type of 11 to 14 points.
const (
	figureWidth = 7 * vg.Inch
	panelHeight = 3 * vg.Inch
	dpi         = 96

	// The overall title: a first line in titleSize points, further lines
	// (the run's settings) in subtitleSize, each titleLine high, with
	// titlePad below.
	titleLine    = 0.3 * vg.Inch
	titlePad     = 0.15 * vg.Inch
	titleSize    = 14
	subtitleSize = 11

	panelTitleSize = 13
	labelSize      = 12
	tickSize       = 11
	legendSize     = 11
	lineWidth      = 2 // points
)

// titleHeight is the height of the title strip of Curves for title.
func titleHeight(title string) vg.Length {
	if title == "" {
		return 0
	}
	return titleLine*vg.Length(len(strings.Split(title, "\n"))) + titlePad
}

// Curves writes a PNG at path with the panels stacked vertically under an
// overall title (which may be empty), for learning curves such as
// log-likelihood, pseudo-likelihood and reconstruction error against
// epoch. The title's first line is set large and any further lines
// (separated by "\n": the run's settings, say) smaller. Panels with
// several named series have a legend. It returns an error if there are no
// panels or a series has X and Y of different lengths, or if the file
// cannot be written.
func Curves(path, title string, panels []Panel) error {
	if len(panels) == 0 {
		return fmt.Errorf("figure: Curves %s: no panels", path)
	}
	plots := make([][]*plot.Plot, len(panels))
	for i, pn := range panels {
		p, err := newPlot(pn)
		if err != nil {
			return fmt.Errorf("figure: Curves %s: panel %d (%q): %w", path, i, pn.Title, err)
		}
		plots[i] = []*plot.Plot{p}
	}
	th := titleHeight(title)
	h := panelHeight*vg.Length(len(panels)) + th
	c := vgimg.NewWith(vgimg.UseWH(figureWidth, h), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	if title != "" {
		for k, line := range strings.Split(title, "\n") {
			size := vg.Length(titleSize)
			if k > 0 {
				size = subtitleSize
			}
			sty := textStyle(size)
			sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
			dc.FillText(sty, vg.Point{X: dc.Center().X, Y: dc.Max.Y - titleLine*(vg.Length(k)+0.5) - titlePad/3}, line)
		}
		dc = draw.Crop(dc, 0, 0, 0, -th)
	}
	tiles := draw.Tiles{
		Rows: len(panels), Cols: 1,
		PadTop: vg.Points(8), PadBottom: vg.Points(8), PadLeft: vg.Points(8), PadRight: vg.Points(16),
		PadY: vg.Points(20),
	}
	canvases := plot.Align(plots, tiles, dc)
	for i := range plots {
		plots[i][0].Draw(canvases[i][0])
	}
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

// Lines writes a single-panel PNG plot at path, with optional logarithmic
// axes, for benchmark and scaling plots. See Series for the handling of
// missing points.
func Lines(path, title, xlabel, ylabel string, series []Series, logX, logY bool) error {
	p, err := newPlot(Panel{Title: title, XLabel: xlabel, YLabel: ylabel, Series: series, LogX: logX, LogY: logY})
	if err != nil {
		return fmt.Errorf("figure: Lines %s: %w", path, err)
	}
	c := vgimg.NewWith(vgimg.UseWH(figureWidth, 4.5*vg.Inch), vgimg.UseDPI(dpi))
	dc := draw.New(c)
	p.Draw(draw.Crop(dc, vg.Points(8), -vg.Points(16), vg.Points(8), -vg.Points(8)))
	return writeFileAtomic(path, func(w io.Writer) error {
		_, err := vgimg.PngCanvas{Canvas: c}.WriteTo(w)
		return err
	})
}

func textStyle(size vg.Length) draw.TextStyle {
	return draw.TextStyle{
		Color:   color.Black,
		Font:    font.From(plot.DefaultFont, size),
		Handler: plot.DefaultTextHandler,
	}
}

// markerLimit is the largest number of points drawn with markers; longer
// curves are drawn as plain lines.
const markerLimit = 60

func newPlot(pn Panel) (*plot.Plot, error) {
	p := plot.New()
	p.Title.Text = pn.Title
	p.Title.TextStyle.Font.Size = panelTitleSize
	p.X.Label.Text = pn.XLabel
	p.Y.Label.Text = pn.YLabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font.Size = labelSize
		a.Tick.Label.Font.Size = tickSize
		a.Width, a.Tick.Width = vg.Points(1), vg.Points(1)
	}
	p.Legend.TextStyle.Font.Size = legendSize
	named := 0
	for _, s := range pn.Series {
		if s.Name != "" && len(finitePoints(s, pn.LogX, pn.LogY)) > 0 {
			named++
		}
	}
	if pn.LogX {
		p.X.Scale, p.X.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	if pn.LogY {
		p.Y.Scale, p.Y.Tick.Marker = plot.LogScale{}, logTicks{}
	}
	grid := plotter.NewGrid()
	grid.Vertical.Color, grid.Horizontal.Color = color.Gray{Y: 215}, color.Gray{Y: 215}
	p.Add(grid)
	var lastY []float64 // the final y of each drawn series, to place the legend
	for i, s := range pn.Series {
		if len(s.X) != len(s.Y) {
			return nil, fmt.Errorf("series %d (%q) has %d x and %d y values", i, s.Name, len(s.X), len(s.Y))
		}
		xys := finitePoints(s, pn.LogX, pn.LogY)
		if len(xys) == 0 {
			continue
		}
		line, err := plotter.NewLine(xys)
		if err != nil {
			return nil, err
		}
		line.Color = plotutil.Color(i)
		line.Dashes = plotutil.Dashes(i)
		line.Width = vg.Points(lineWidth)
		p.Add(line)
		thumbs := []plot.Thumbnailer{line}
		if len(xys) <= markerLimit {
			sc, err := plotter.NewScatter(xys)
			if err != nil {
				return nil, err
			}
			sc.Shape = plotutil.Shape(i)
			sc.Color = line.Color
			sc.Radius = vg.Points(3)
			p.Add(sc)
			thumbs = append(thumbs, sc)
		}
		if s.Name != "" && named > 1 {
			p.Legend.Add(s.Name, thumbs...)
		}
		lastY = append(lastY, xys[len(xys)-1].Y)
	}
	fixLogRange(&p.X, pn.LogX)
	fixLogRange(&p.Y, pn.LogY)
	fixLinearRange(&p.X, pn.LogX)
	fixLinearRange(&p.Y, pn.LogY)
	// Put the legend in the corner away from where the curves end.
	p.Legend.Top = true
	if len(lastY) > 0 && p.Y.Max > p.Y.Min {
		f := p.Y.Scale.Normalize(p.Y.Min, p.Y.Max, lastY[0])
		p.Legend.Top = f < 0.5
	}
	return p, nil
}

// finitePoints returns the points of s that can be drawn.
func finitePoints(s Series, logX, logY bool) plotter.XYs {
	var xys plotter.XYs
	for j := range s.X {
		x, y := s.X[j], s.Y[j]
		if bad(x) || bad(y) || (logX && x <= 0) || (logY && y <= 0) {
			continue
		}
		xys = append(xys, plotter.XY{X: x, Y: y})
	}
	return xys
}

// bad reports whether v cannot be drawn: NaN, ±Inf, or so large (a
// diverged run's measurement) that the axis span would overflow.
func bad(v float64) bool { return math.IsNaN(v) || math.Abs(v) > maxDrawn }

// maxDrawn is the largest magnitude drawn; larger values are left out like
// NaN, so that the span of an axis stays finite.
const maxDrawn = 1e150

// fixLinearRange gives an empty or (numerically) single-valued linear axis
// a range its tick marker accepts: gonum's DefaultTicks panics unless
// max > min, and widening a constant 1e17 by ±1 leaves it constant.
func fixLinearRange(a *plot.Axis, log bool) {
	if log {
		return
	}
	switch mag := math.Max(math.Abs(a.Min), math.Abs(a.Max)); {
	case a.Min > a.Max: // no data
		a.Min, a.Max = 0, 1
	case a.Max-a.Min <= 1e-9*mag || a.Max == a.Min:
		d := math.Max(1e-3*mag, 1)
		a.Min, a.Max = a.Min-d, a.Max+d
	}
}

// fixLogRange gives an empty or single-valued logarithmic axis a positive
// range, which the logarithmic scale needs.
func fixLogRange(a *plot.Axis, log bool) {
	if !log {
		return
	}
	switch {
	case a.Min > a.Max: // no data
		a.Min, a.Max = 1, 10
	case a.Min == a.Max:
		a.Min, a.Max = a.Min/2, a.Max*2
	}
}

// logTicks marks a logarithmic axis. Over two decades or more it is
// gonum's LogTicks (labels at the powers of ten); over a shorter range,
// where those would leave the axis with one label or none, it labels the
// 1-2-5 values in range with minor ticks at the other integer multiples,
// and the ends of the range if fewer than two labels result.
type logTicks struct{}

func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) || max/min >= 100 {
		return plot.LogTicks{Prec: -1}.Ticks(min, max)
	}
	var ts []plot.Tick
	labels := 0
	for e := math.Floor(math.Log10(min)); math.Pow(10, e) <= max; e++ {
		for m := 1.0; m <= 9; m++ {
			v := m * math.Pow(10, e)
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 || m == 2 || m == 5 {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
				labels++
			}
			ts = append(ts, t)
		}
	}
	if labels < 2 {
		ts = append(ts, plot.Tick{Value: min, Label: strconv.FormatFloat(min, 'g', 3, 64)},
			plot.Tick{Value: max, Label: strconv.FormatFloat(max, 'g', 3, 64)})
	}
	return ts
}
