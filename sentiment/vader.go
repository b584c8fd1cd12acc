// Package sentiment scores the tone of a comment (shared/spec/listening.md
// §7.2): the VADER compound score (Hutto & Gilbert 2014), a port of the
// rules of the Python vaderSentiment 3.3.2 with its lexicon, quirks
// included, so that its scores agree with the original. Pure: no I/O.
package sentiment

import (
	"math"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// Band is a compound score's band (§7.2).
type Band int8

// The bands: positive at 0.05 and above, negative at −0.05 and below.
const (
	Negative Band = -1
	Neutral  Band = 0
	Positive Band = 1
)

// String is positive, neutral or negative.
func (b Band) String() string {
	switch b {
	case Positive:
		return "positive"
	case Negative:
		return "negative"
	}
	return "neutral"
}

// BandOf is the band of a compound score.
func BandOf(compound float64) Band {
	switch {
	case compound >= 0.05:
		return Positive
	case compound <= -0.05:
		return Negative
	}
	return Neutral
}

// Scores are vaderSentiment's polarity_scores: the shares of negative,
// neutral and positive words (rounded to 3 decimals) and the compound
// score in [−1, 1] (rounded to 4 decimals, as 3.3.2 does).
type Scores struct {
	Neg, Neu, Pos, Compound float64
}

// Compound is the VADER compound score of a comment, after StripBreaks.
func Compound(comment string) float64 {
	return analyze(StripBreaks(comment), false).Compound
}

// StripBreaks replaces HTML line breaks (<br>, <br/>, <br />, any case),
// which review exports carry, by a space: VADER would read "<br" and "/>"
// as words and "great.<br" as a word it does not know.
func StripBreaks(s string) string {
	if !strings.Contains(s, "<") {
		return s
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		if n := breakTag(s[i:]); n > 0 {
			b.WriteByte(' ')
			s = s[i+n:]
		} else {
			b.WriteByte('<')
			s = s[i+1:]
		}
	}
}

// breakTag is the length of the <br> tag s starts with, or 0.
func breakTag(s string) int {
	if len(s) < 4 || !strings.EqualFold(s[:3], "<br") {
		return 0
	}
	j := 3
	for j < len(s) && s[j] == ' ' {
		j++
	}
	if j < len(s) && s[j] == '/' {
		j++
	}
	if j < len(s) && s[j] == '>' {
		return j + 1
	}
	return 0
}

// Polarity is vaderSentiment 3.3.2's polarity_scores of text, rule for rule.
func Polarity(text string) Scores { return analyze(text, true) }

// analyze scores text; shares tells whether to compute neg, neu and pos
// too (Compound needs only the compound).
func analyze(text string, shares bool) Scores {
	load()
	text = strings.TrimFunc(replaceEmojis(text), isSpace)
	st := sentences.Get().(*sentence)
	defer st.release()
	st.split(text)
	lower := st.lower
	for i := range lower {
		if _, ok := booster[lower[i]]; ok ||
			(i < len(lower)-1 && lower[i] == "kind" && lower[i+1] == "of") {
			st.valences = append(st.valences, 0)
			continue
		}
		st.valences = append(st.valences, valence(st, i))
	}
	butCheck(lower, st.valences)
	return scoreValence(st.valences, text, shares)
}

// sentence is SentiText: the words, lower-cased, whether each is in the
// lexicon and its valence there (looked up once), and is_cap_diff; and
// the words' valences as the rules set them. Sentences are reused
// (sentences), so scoring a comment allocates little.
type sentence struct {
	words, lower []string
	in           []bool
	lex          []float64
	capDiff      bool
	valences     []float64
}

var sentences = sync.Pool{New: func() any { return new(sentence) }}

// release empties the sentence, so that it holds no comment's text, and
// returns it to the pool.
func (st *sentence) release() {
	clear(st.words)
	clear(st.lower)
	st.words, st.lower, st.in, st.lex, st.valences = st.words[:0], st.lower[:0], st.in[:0], st.lex[:0], st.valences[:0]
	sentences.Put(st)
}

// split is SentiText's words_and_emoticons: text split on white space (as
// Python's str.split), each token stripped of leading and trailing ASCII
// punctuation unless that leaves 2 characters or fewer (an emoticon such
// as ":)"); then each word's lower case and lexicon entry.
func (st *sentence) split(text string) {
	start := -1
	for i, r := range text {
		switch {
		case !isSpace(r) && start < 0:
			start = i
		case isSpace(r) && start >= 0:
			st.words = append(st.words, stripPunct(text[start:i]))
			start = -1
		}
	}
	if start >= 0 {
		st.words = append(st.words, stripPunct(text[start:]))
	}
	st.capDiff = allcapDifferential(st.words)
	for _, w := range st.words {
		l := strings.ToLower(w)
		v, ok := lexicon[l]
		st.lower, st.lex, st.in = append(st.lower, l), append(st.lex, v), append(st.in, ok)
	}
}

func stripPunct(w string) string {
	if s := strings.TrimFunc(w, isPunct); utf8.RuneCountInString(s) > 2 {
		return s
	}
	return w
}

// replaceEmojis writes each emoji of the emoji lexicon as its description,
// preceded by a space unless one is there.
func replaceEmojis(text string) string {
	var b *strings.Builder
	prevSpace := true
	for i, r := range text {
		var d string
		ok := false
		if r >= utf8.RuneSelf { // the emoji lexicon has no ASCII keys
			d, ok = emojis[r]
		}
		if ok && b == nil {
			b = &strings.Builder{}
			b.WriteString(text[:i])
		}
		switch {
		case ok:
			if !prevSpace {
				b.WriteByte(' ')
			}
			b.WriteString(d)
			prevSpace = false
		default:
			if b != nil {
				b.WriteRune(r)
			}
			prevSpace = r == ' '
		}
	}
	if b == nil {
		return text
	}
	return b.String()
}

// isSpace is Python's str.isspace for one character: Go's white space and
// the information separators U+001C..U+001F.
func isSpace(r rune) bool { return unicode.IsSpace(r) || (r >= 0x1c && r <= 0x1f) }

// punct is Python's string.punctuation, the ASCII punctuation.
var punct = func() (t [utf8.RuneSelf]bool) {
	for _, c := range "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~" {
		t[c] = true
	}
	return t
}()

func isPunct(r rune) bool { return r < utf8.RuneSelf && punct[r] }

// isUpper is Python's str.isupper: at least one cased character and no
// lower- or title-case one.
func isUpper(s string) bool {
	cased := false
	for _, r := range s {
		switch {
		case unicode.IsLower(r) || unicode.IsTitle(r):
			return false
		case unicode.IsUpper(r):
			cased = true
		}
	}
	return cased
}

// allcapDifferential: some but not all words are ALL CAPS.
func allcapDifferential(words []string) bool {
	n := 0
	for _, w := range words {
		if isUpper(w) {
			n++
		}
	}
	d := len(words) - n
	return 0 < d && d < len(words)
}

// scalarIncDec is the boost a booster word gives the valence after it.
func scalarIncDec(word, lower string, valence float64, capDiff bool) float64 {
	scalar, ok := booster[lower]
	if !ok {
		return 0
	}
	if valence < 0 {
		scalar *= -1
	}
	if isUpper(word) && capDiff {
		if valence > 0 {
			scalar += cIncr
		} else {
			scalar -= cIncr
		}
	}
	return scalar
}

func negated(lower string) bool {
	return negate[lower] || strings.Contains(lower, "n't")
}

// round is Python's round(x, digits): correctly rounded, ties to even.
func round(x float64, digits int) float64 {
	var buf [32]byte
	v, _ := strconv.ParseFloat(string(strconv.AppendFloat(buf[:0], x, 'f', digits, 64)), 64)
	return v
}

func normalize(score float64) float64 {
	return math.Max(-1, math.Min(1, score/math.Sqrt(score*score+alpha)))
}
