//go:build tools

// Package tools pins the module's third-party dependencies in go.mod while
// the packages that use them are being written. It is never built.
package tools

import (
	_ "codeberg.org/sbinet/npyio"
	_ "codeberg.org/sbinet/npyio/npz"
	_ "github.com/schollz/progressbar/v3"
	_ "github.com/spf13/cobra"
	_ "gonum.org/v1/gonum/mat"
	_ "gonum.org/v1/gonum/stat"
	_ "gonum.org/v1/plot"
	_ "gonum.org/v1/plot/plotter"
	_ "gonum.org/v1/plot/vg"
)
