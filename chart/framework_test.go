package chart

import (
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
)

func TestFrameworkHelpers(t *testing.T) {
	f := &cxm.Framework{
		Scale:  cxm.Scale{Min: 1, Max: 4, Labels: map[int]string{1: "No", 4: "Yes"}},
		Stages: []cxm.Stage{{ID: "a", Name: "A", From: 0}, {ID: "b", Name: "B", From: 40}, {ID: "c", Name: "C", From: 70}},
	}
	stages, thresholds := StagesOf(f)
	if !reflect.DeepEqual(stages, []Stage{{"a", "A", 0}, {"b", "B", 40}, {"c", "C", 70}}) ||
		!reflect.DeepEqual(thresholds, []Threshold{{40, "B"}, {70, "C"}}) {
		t.Errorf("StagesOf: %v %v", stages, thresholds)
	}
	if got := OptionLabels(f.Scale); !reflect.DeepEqual(got, []string{"No", "2", "3", "Yes"}) {
		t.Errorf("OptionLabels: %q", got)
	}
}
