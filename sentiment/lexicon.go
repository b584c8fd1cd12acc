package sentiment

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// The lexicons of vaderSentiment 3.3.2 (MIT, © C.J. Hutto), byte for byte:
// github.com/cjhutto/vaderSentiment at commit 0150f59 (22 May 2020, the
// day 3.3.2 was released), vaderSentiment/vader_lexicon.txt and
// emoji_utf8_lexicon.txt. data/LICENSE-vaderSentiment.txt is its licence.
var (
	//go:embed data/vader_lexicon.txt
	lexiconText string
	//go:embed data/emoji_utf8_lexicon.txt
	emojiText string
)

// The rule constants of vaderSentiment 3.3.2.
const (
	bIncr        = 0.293
	bDecr        = -0.293
	cIncr        = 0.733
	nScalar      = -0.74
	alpha        = 15
	butBefore    = 0.5
	butAfter     = 1.5
	epPerMark    = 0.292
	epMax        = 4
	qmPerMark    = 0.18
	qmMax        = 0.96
	neverSoScale = 1.25
)

var negate = setOf("aint", "arent", "cannot", "cant", "couldnt", "darent", "didnt", "doesnt",
	"ain't", "aren't", "can't", "couldn't", "daren't", "didn't", "doesn't",
	"dont", "hadnt", "hasnt", "havent", "isnt", "mightnt", "mustnt", "neither",
	"don't", "hadn't", "hasn't", "haven't", "isn't", "mightn't", "mustn't",
	"neednt", "needn't", "never", "none", "nope", "nor", "not", "nothing", "nowhere",
	"oughtnt", "shant", "shouldnt", "uhuh", "wasnt", "werent",
	"oughtn't", "shan't", "shouldn't", "uh-uh", "wasn't", "weren't",
	"without", "wont", "wouldnt", "won't", "wouldn't", "rarely", "seldom", "despite")

// booster is BOOSTER_DICT: degree adverbs that raise or lower the valence
// of the word after them.
var booster = func() map[string]float64 {
	m := map[string]float64{}
	for _, w := range strings.Fields(`absolutely amazingly awfully completely considerable
		considerably decidedly deeply effing enormous enormously entirely especially exceptional
		exceptionally extreme extremely fabulously flipping flippin frackin fracking fricking
		frickin frigging friggin fully fuckin fucking fuggin fugging greatly hella highly hugely
		incredible incredibly intensely major majorly more most particularly purely quite
		really remarkably so substantially thoroughly total totally tremendous tremendously
		uber unbelievably unusually utter utterly very`) {
		m[w] = bIncr
	}
	for _, w := range []string{"almost", "barely", "hardly", "just enough", "kind of", "kinda",
		"kindof", "kind-of", "less", "little", "marginal", "marginally", "occasional",
		"occasionally", "partly", "scarce", "scarcely", "slight", "slightly", "somewhat",
		"sort of", "sorta", "sortof", "sort-of"} {
		m[w] = bDecr
	}
	return m
}()

// specialCases is SPECIAL_CASES: idioms and phrases containing lexicon
// words whose valence replaces the word's.
var specialCases = map[string]float64{"the shit": 3, "the bomb": 3, "bad ass": 1.5,
	"badass": 1.5, "bus stop": 0.0, "yeah right": -2, "kiss of death": -1.5, "to die for": 3,
	"beating heart": 3.1, "broken heart": -2.9}

// idiomWords are the words of the multi-word special cases and boosters:
// a window without any of them cannot match one, so the idiom check is
// skipped (a speed-up with the same result).
var idiomWords = func() map[string]bool {
	m := map[string]bool{}
	for k := range specialCases {
		for _, w := range strings.Fields(k) {
			m[w] = true
		}
	}
	for k := range booster {
		if strings.Contains(k, " ") {
			for _, w := range strings.Fields(k) {
				m[w] = true
			}
		}
	}
	return m
}()

func setOf(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

var (
	loadOnce sync.Once
	lexicon  map[string]float64
	emojis   map[rune]string
)

// load parses the embedded lexicons once, as vaderSentiment's
// make_lex_dict and make_emoji_dict do: a line's first two tab-separated
// fields, the last of duplicate words winning. Only single-character emoji
// keys are kept, since 3.3.2 looks emojis up one character at a time.
func load() {
	loadOnce.Do(func() {
		lexicon = make(map[string]float64, 7600)
		for _, line := range strings.Split(strings.TrimRight(lexiconText, "\n"), "\n") {
			f := strings.Split(strings.TrimSpace(line), "\t")
			if line == "" || len(f) < 2 {
				continue
			}
			v, err := strconv.ParseFloat(f[1], 64)
			if err != nil {
				panic("sentiment: vader_lexicon.txt: " + line)
			}
			lexicon[f[0]] = v
		}
		emojis = make(map[rune]string, 3600)
		for _, line := range strings.Split(strings.TrimRight(emojiText, "\n"), "\n") {
			f := strings.Split(strings.TrimSpace(line), "\t")
			if len(f) < 2 {
				continue
			}
			if r, size := utf8.DecodeRuneInString(f[0]); size == len(f[0]) && r >= utf8.RuneSelf {
				emojis[r] = f[1]
			}
		}
	})
}
