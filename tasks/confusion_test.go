package tasks_test

import (
	"math"
	"reflect"
	"testing"

	"gonum.org/v1/gonum/mat"

	"boltzmann/tasks"
)

func TestConfusionMatrixAndMeanLogProb(t *testing.T) {
	pred, labels := []int{0, 1, 1, 2, 0}, []int{0, 1, 2, 2, 1}
	want := [][]int{{1, 0, 0}, {1, 1, 0}, {0, 1, 1}}
	if got := tasks.ConfusionMatrix(pred, labels, 3); !reflect.DeepEqual(got, want) {
		t.Errorf("confusion %v, want %v", got, want)
	}
	lp := mat.NewDense(2, 2, []float64{math.Log(0.9), math.Log(0.1), math.Log(0.3), math.Log(0.7)})
	if got, want := tasks.MeanLogProb(lp, []int{0, 0}), (math.Log(0.9)+math.Log(0.3))/2; math.Abs(got-want) > 1e-15 {
		t.Errorf("mean log p %v, want %v", got, want)
	}
}
