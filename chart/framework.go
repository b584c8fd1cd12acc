package chart

import (
	"strconv"

	"github.com/cxmhq/cxm"
)

// StagesOf returns a framework's stages for StageLadder, and the
// thresholds where each stage after the first begins, for ScoreBars.
func StagesOf(f *cxm.Framework) ([]Stage, []Threshold) {
	var stages []Stage
	var thresholds []Threshold
	for _, st := range f.Stages {
		stages = append(stages, Stage{ID: st.ID, Name: st.Name, From: st.From})
		if st.From > 0 {
			thresholds = append(thresholds, Threshold{Value: st.From, Label: st.Name})
		}
	}
	return stages, thresholds
}

// OptionLabels names each answer option of a scale for StackedBars: its
// label, or its number when it has none.
func OptionLabels(s cxm.Scale) []string {
	out := make([]string, 0, s.Options())
	for x := s.Min; x <= s.Max; x++ {
		label := strconv.Itoa(x)
		if l := s.Labels[x]; l != "" {
			label = l
		}
		out = append(out, label)
	}
	return out
}
