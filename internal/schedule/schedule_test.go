package schedule

import "testing"

func TestBest(t *testing.T) {
	for _, tc := range []struct {
		durs []float64
		m    int
		want float64
	}{
		{[]float64{3400, 1300, 1300, 2100}, 2, 4700},
		{[]float64{5, 5, 4, 3, 3}, 2, 10},
		{[]float64{7}, 2, 7},
		{[]float64{1, 2, 3}, 1, 6},
		{[]float64{3, 3, 2, 2, 2}, 2, 6}, // first-free in this order gives 7
	} {
		if got := Best(tc.durs, tc.m); got != tc.want {
			t.Errorf("Best(%v, %d) = %v, want %v", tc.durs, tc.m, got, tc.want)
		}
	}
}

func TestFirstFree(t *testing.T) {
	for _, tc := range []struct {
		durs []float64
		m    int
		want float64
	}{
		{[]float64{3400, 1300, 1300, 2100}, 2, 4700},
		{[]float64{3, 3, 2, 2, 2}, 2, 7},
		{[]float64{1, 2, 3}, 1, 6},
		{[]float64{2, 9}, 3, 9},
	} {
		if got := FirstFree(tc.durs, tc.m); got != tc.want {
			t.Errorf("FirstFree(%v, %d) = %v, want %v", tc.durs, tc.m, got, tc.want)
		}
	}
}
