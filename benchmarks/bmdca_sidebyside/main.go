// Command bmdca_sidebyside reads the learning curves written by run.sh (the
// log file of adabmDCA 2 and the update log lines of `boltzmann train`),
// writes them as one CSV and one PNG of Pearson against training wall time,
// and reports for each program its seconds per update and the wall time at
// which it reached the target.
//
// For a program stopped by the time limit before the target, the time to the
// target is extrapolated from its own curve: 1 - Pearson is fitted as a power
// law of the update count, log(1-ρ) = log a - b·log(update), by least squares
// over the second half of its updates (where the curve follows the slow
// regime), the update count at which 1-ρ reaches 1-target is solved for,
// and it is multiplied by the program's median seconds per update over the
// same half. With -ref-updates N the time of N updates at that rate is
// printed too (N: the updates the same algorithm needed in a run to the
// target, e.g. boltzmann's --preset adabmdca, which makes the same updates).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"log"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/stat"

	"boltzmann/figure"
)

type point struct {
	update  int
	seconds float64
	pearson float64
}

// readAdabmDCA reads the rows of adabmDCA's log file: a header line
// starting with "Epochs", then one row per update with Epochs, Pearson, …,
// Time columns.
func readAdabmDCA(path string) ([]point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var cols []string
	var pts []point
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) == 0 {
			continue
		}
		if fs[0] == "Epochs" {
			cols = fs
			continue
		}
		if cols == nil || len(fs) != len(cols) {
			continue
		}
		var p point
		for k, c := range cols {
			v, err := strconv.ParseFloat(fs[k], 64)
			if err != nil {
				return nil, fmt.Errorf("%s: column %s: %w", path, c, err)
			}
			switch c {
			case "Epochs":
				p.update = int(v)
			case "Pearson":
				p.pearson = v
			case "Time":
				p.seconds = v
			}
		}
		pts = append(pts, p)
	}
	return pts, sc.Err()
}

// readBoltzmann reads the "msg=update" lines of boltzmann's text log. Its
// update=N line is the measurement of the chains after N updates (update 0:
// before the first step), seconds= the training time so far.
func readBoltzmann(path string) ([]point, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var pts []point
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		if !strings.Contains(line, " msg=update ") {
			continue
		}
		var p point
		for _, kv := range strings.Fields(line) {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				continue
			}
			x, err := strconv.ParseFloat(v, 64)
			switch k {
			case "update":
				p.update = int(x)
			case "pearson":
				p.pearson = x
			case "seconds":
				p.seconds = x
			default:
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("%s: %q: %w", path, kv, err)
			}
		}
		pts = append(pts, p)
	}
	return pts, sc.Err()
}

func report(name string, pts []point, target float64, refUpdates int) {
	if len(pts) < 4 {
		fmt.Printf("%s: only %d updates recorded, nothing to report\n", name, len(pts))
		return
	}
	half := pts[len(pts)/2:]
	var dt []float64
	for k := 1; k < len(half); k++ {
		dt = append(dt, (half[k].seconds-half[k-1].seconds)/float64(half[k].update-half[k-1].update))
	}
	slices.Sort(dt)
	per := dt[len(dt)/2]
	last := pts[len(pts)-1]
	fmt.Printf("%s: %d updates in %.0f s, median %.2f s per update over the second half, last Pearson %.4f\n",
		name, last.update, last.seconds, per, last.pearson)
	for _, p := range pts {
		if p.pearson >= target {
			fmt.Printf("%s: reached Pearson %.2f at update %d, %.0f s\n", name, target, p.update, p.seconds)
			return
		}
	}
	var x, y []float64
	for _, p := range half {
		if p.update > 0 && p.pearson > 0 && p.pearson < 1 {
			x = append(x, math.Log(float64(p.update)))
			y = append(y, math.Log(1-p.pearson))
		}
	}
	if len(x) >= 3 {
		alpha, beta := stat.LinearRegression(x, y, nil, false)
		if beta < 0 {
			u := math.Exp((math.Log(1-target) - alpha) / beta)
			fmt.Printf("%s: not reached; power-law fit 1-Pearson = %.3g * update^%.3f over updates %d-%d: Pearson %.2f at update %.0f, i.e. %.0f s (%.1f h) at %.2f s per update\n",
				name, math.Exp(alpha), beta, half[0].update, last.update, target, u, u*per, u*per/3600, per)
		} else {
			fmt.Printf("%s: not reached; the second half of the curve does not rise (fit exponent %.3f), no extrapolation\n", name, beta)
		}
	}
	if refUpdates > 0 {
		fmt.Printf("%s: %d updates (the reference count) at %.2f s per update: %.0f s (%.1f h)\n",
			name, refUpdates, per, float64(refUpdates)*per, float64(refUpdates)*per/3600)
	}
}

func main() {
	ada := flag.String("adabmdca", "", "adabmDCA log file (adabmDCA.log)")
	bz := flag.String("boltzmann", "", "stderr of boltzmann train")
	out := flag.String("out", ".", "directory for curves.csv and curves.png")
	target := flag.Float64("target", 0.95, "target Pearson")
	limit := flag.Float64("limit", 0, "the time limit of each program, for the report")
	refUpdates := flag.Int("ref-updates", 5314, "updates to the target of the same algorithm in a full run (0: none)")
	flag.Parse()
	pa, err := readAdabmDCA(*ada)
	if err != nil {
		log.Fatal(err)
	}
	pb, err := readBoltzmann(*bz)
	if err != nil {
		log.Fatal(err)
	}
	f, err := os.Create(filepath.Join(*out, "curves.csv"))
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriter(f)
	fmt.Fprintln(w, "program,update,wall_s,pearson")
	var series []figure.Series
	for _, c := range []struct {
		name string
		pts  []point
	}{{"adabmDCA", pa}, {"boltzmann", pb}} {
		s := figure.Series{Name: c.name}
		for _, p := range c.pts {
			fmt.Fprintf(w, "%s,%d,%.2f,%.5f\n", c.name, p.update, p.seconds, p.pearson)
			s.X = append(s.X, p.seconds)
			s.Y = append(s.Y, p.pearson)
		}
		if len(s.X) > 0 {
			series = append(series, s)
		}
	}
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
	title := "bmDCA side by side: Pearson of connected correlations"
	if *limit > 0 {
		title += fmt.Sprintf(" (limit %.0f s each)", *limit)
	}
	if len(series) > 0 {
		if err := figure.Lines(filepath.Join(*out, "curves.png"), title, "training wall time (s)", "Pearson C_ij", series, false, false); err != nil {
			log.Fatal(err)
		}
	}
	report("adabmDCA", pa, *target, *refUpdates)
	report("boltzmann", pb, *target, 0)
	fmt.Println("wrote", filepath.Join(*out, "curves.csv"), "and curves.png")
}
