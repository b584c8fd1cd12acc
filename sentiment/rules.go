package sentiment

import (
	"math"
	"strings"
)

// valence is sentiment_valence of 3.3.2 for the word at i: its lexicon
// valence with the "no", caps, booster, negation, idiom and "least" rules.
func valence(st *sentence, i int) float64 {
	if !st.in[i] {
		return 0
	}
	words, lower, capDiff := st.words, st.lower, st.capDiff
	v := st.lex[i]
	base := v
	// "no" before a lexicon word negates it instead of counting itself
	if lower[i] == "no" && i != len(words)-1 && st.in[i+1] {
		v = 0
	}
	if (i > 0 && lower[i-1] == "no") || (i > 1 && lower[i-2] == "no") ||
		(i > 2 && lower[i-3] == "no" && (lower[i-1] == "or" || lower[i-1] == "nor")) {
		v = base * nScalar
	}
	if isUpper(words[i]) && capDiff {
		if v > 0 {
			v += cIncr
		} else {
			v -= cIncr
		}
	}
	for start := 0; start < 3; start++ {
		j := i - (start + 1)
		if i <= start || st.in[j] {
			continue
		}
		s := scalarIncDec(words[j], lower[j], v, capDiff)
		if start == 1 && s != 0 {
			s *= 0.95
		}
		if start == 2 && s != 0 {
			s *= 0.9
		}
		v = negationCheck(v+s, lower, start, i)
		if start == 2 {
			v = specialIdioms(v, lower, i)
		}
	}
	return leastCheck(v, st, i)
}

// negationCheck is _negation_check of 3.3.2, including its operator
// precedence at distance 3: (never and (so or this)) or (so or this right
// before the word) scales by 1.25.
func negationCheck(v float64, lower []string, start, i int) float64 {
	switch start {
	case 0:
		if negated(lower[i-1]) {
			v *= nScalar
		}
	case 1:
		switch {
		case lower[i-2] == "never" && (lower[i-1] == "so" || lower[i-1] == "this"):
			v *= neverSoScale
		case lower[i-2] == "without" && lower[i-1] == "doubt":
		case negated(lower[i-2]):
			v *= nScalar
		}
	case 2:
		switch {
		case (lower[i-3] == "never" && (lower[i-2] == "so" || lower[i-2] == "this")) ||
			(lower[i-1] == "so" || lower[i-1] == "this"):
			v *= neverSoScale
		case lower[i-3] == "without" && (lower[i-2] == "doubt" || lower[i-1] == "doubt"):
		case negated(lower[i-3]):
			v *= nScalar
		}
	}
	return v
}

// specialIdioms is _special_idioms_check of 3.3.2 (called with i ≥ 3).
func specialIdioms(v float64, lower []string, i int) float64 {
	if !nearIdiomWord(lower, i) {
		return v
	}
	join := func(ws ...string) string { return strings.Join(ws, " ") }
	onezero := join(lower[i-1], lower[i])
	twoonezero := join(lower[i-2], lower[i-1], lower[i])
	twoone := join(lower[i-2], lower[i-1])
	threetwoone := join(lower[i-3], lower[i-2], lower[i-1])
	threetwo := join(lower[i-3], lower[i-2])
	for _, seq := range []string{onezero, twoonezero, twoone, threetwoone, threetwo} {
		if s, ok := specialCases[seq]; ok {
			v = s
			break
		}
	}
	if len(lower)-1 > i {
		if s, ok := specialCases[join(lower[i], lower[i+1])]; ok {
			v = s
		}
	}
	if len(lower)-1 > i+1 {
		if s, ok := specialCases[join(lower[i], lower[i+1], lower[i+2])]; ok {
			v = s
		}
	}
	for _, g := range []string{threetwoone, threetwo, twoone} {
		if b, ok := booster[g]; ok {
			v += b
		}
	}
	return v
}

// nearIdiomWord reports whether a word of lower[i−3..i+2] belongs to a
// multi-word special case or booster (single-word keys such as "badass"
// are never looked up as a sequence of two).
func nearIdiomWord(lower []string, i int) bool {
	for j := i - 3; j <= i+2 && j < len(lower); j++ {
		if idiomWords[lower[j]] {
			return true
		}
	}
	return false
}

// leastCheck is _least_check of 3.3.2: "least" before a word negates it,
// except in "at least" and "very least".
func leastCheck(v float64, st *sentence, i int) float64 {
	lower := st.lower
	switch {
	case i > 1 && !st.in[i-1] && lower[i-1] == "least":
		if lower[i-2] != "at" && lower[i-2] != "very" {
			v *= nScalar
		}
	case i > 0 && !st.in[i-1] && lower[i-1] == "least":
		v *= nScalar
	}
	return v
}

// butCheck is _but_check of 3.3.2, quirk included: it halves the valences
// before the first "but" and raises those after by half, but it finds each
// value's position with list.index, so of equal valences it changes the
// first one each time (which may be on the other side of "but").
func butCheck(lower []string, s []float64) {
	bi := -1
	for j, w := range lower {
		if w == "but" {
			bi = j
			break
		}
	}
	if bi < 0 {
		return
	}
	for k := range s {
		v := s[k]
		si := 0
		for s[si] != v {
			si++
		}
		if si < bi {
			s[si] = v * butBefore
		} else if si > bi {
			s[si] = v * butAfter
		}
	}
}

// scoreValence is score_valence of 3.3.2: the sum with punctuation emphasis,
// normalized to the compound, and (when shares) the shares of positive,
// negative and neutral words.
func scoreValence(s []float64, text string, shares bool) Scores {
	if len(s) == 0 {
		return Scores{}
	}
	sum := 0.0
	for _, v := range s {
		sum += v
	}
	punct := emphasis(text)
	if sum > 0 {
		sum += punct
	} else if sum < 0 {
		sum -= punct
	}
	compound := normalize(sum)
	if !shares {
		return Scores{Compound: round(compound, 4)}
	}
	pos, neg, neu := 0.0, 0.0, 0
	for _, v := range s {
		switch {
		case v > 0:
			pos += v + 1
		case v < 0:
			neg += v - 1
		default:
			neu++
		}
	}
	if pos > math.Abs(neg) {
		pos += punct
	} else if pos < math.Abs(neg) {
		neg -= punct
	}
	total := pos + math.Abs(neg) + float64(neu)
	return Scores{Neg: round(math.Abs(neg/total), 3), Neu: round(math.Abs(float64(neu)/total), 3),
		Pos: round(math.Abs(pos/total), 3), Compound: round(compound, 4)}
}

// emphasis is the amplifier of up to 4 exclamation marks and of 2 or more
// question marks.
func emphasis(text string) float64 {
	ep := min(strings.Count(text, "!"), epMax)
	amp := float64(ep) * epPerMark
	if qm := strings.Count(text, "?"); qm > 1 {
		if qm <= 3 {
			amp += float64(qm) * qmPerMark
		} else {
			amp += qmMax
		}
	}
	return amp
}
