package listen

// Figure is §11's figure: n, and value and ci, both null below min_n.
type Figure struct {
	N     int64       `json:"n"`
	Value *float64    `json:"value"`
	CI    *[2]float64 `json:"ci"`
}

// Shown reports whether the figure has its numbers (n ≥ min_n).
func (f Figure) Shown() bool { return f.Value != nil }

// NPSFigure is §4.1: value = 100·(P − D)/n with the adjusted-Wald ci. The
// counts are null below min_n like every other number but n.
type NPSFigure struct {
	Figure
	Promoters  *int64 `json:"promoters"`
	Passives   *int64 `json:"passives"`
	Detractors *int64 `json:"detractors"`
}

// CSATFigure is §4.2: value = 100·S/n with the Wilson ci, and the mean
// answer on the scale with its t interval (null below 2 answers).
type CSATFigure struct {
	Figure
	Satisfied *int64      `json:"satisfied"`
	Mean      *float64    `json:"mean"`
	MeanCI    *[2]float64 `json:"mean_ci"`
}

// CESFigure is §4.3: value = the mean answer with its t interval (ci null
// below 2 answers), easy = 100·E/n with the Wilson interval.
type CESFigure struct {
	Figure
	Easy      *float64    `json:"easy"`
	EasyCI    *[2]float64 `json:"easy_ci"`
	EasyCount *int64      `json:"easy_count"`
}

// SentimentFigure is §7.2 per slice: n comments, the shares of positive,
// neutral and negative ones with Wilson intervals, and the mean compound
// with its t interval (null below 2 comments).
type SentimentFigure struct {
	N          int64       `json:"n"`
	Positive   *float64    `json:"positive"`
	PositiveCI *[2]float64 `json:"positive_ci"`
	Neutral    *float64    `json:"neutral"`
	NeutralCI  *[2]float64 `json:"neutral_ci"`
	Negative   *float64    `json:"negative"`
	NegativeCI *[2]float64 `json:"negative_ci"`
	Mean       *float64    `json:"mean"`
	MeanCI     *[2]float64 `json:"mean_ci"`
}

// Summary is the figures of one slice (§11's stage or "all" object
// without the trend and change, which the caller adds).
type Summary struct {
	Records   int64           `json:"records"`
	NPS       NPSFigure       `json:"nps"`
	CSAT      CSATFigure      `json:"csat"`
	CES       CESFigure       `json:"ces"`
	Sentiment SentimentFigure `json:"sentiment"`
}

// Summary computes every figure of a slice from its totals.
func (c Config) Summary(t *Totals) Summary {
	return Summary{Records: t[IRecords], NPS: c.FigureNPS(t), CSAT: c.FigureCSAT(t), CES: c.FigureCES(t),
		Sentiment: c.FigureSentiment(t)}
}

// npsCounts is n, promoters (9–10) and detractors (0–6).
func npsCounts(t *Totals) (n, p, d int64) {
	for v := 0; v <= 10; v++ {
		c := t[INPS+v]
		n += c
		switch {
		case v >= 9:
			p += c
		case v <= 6:
			d += c
		}
	}
	return n, p, d
}

// FigureNPS is §4.1.
func (c Config) FigureNPS(t *Totals) NPSFigure {
	n, p, d := npsCounts(t)
	f := NPSFigure{Figure: Figure{N: n}}
	if !c.shown(n) {
		return f
	}
	f.Value = ptr(100 * float64(p-d) / float64(n))
	f.CI = ptr(AdjustedWald(p, d, n))
	f.Promoters, f.Passives, f.Detractors = ptr(p), ptr(n-p-d), ptr(d)
	return f
}

// shown is n ≥ min_n (min_n below 1 counts as 1: a figure needs answers).
func (c Config) shown(n int64) bool {
	return n >= int64(max(c.MinN, 1))
}

// FigureCSAT is §4.2.
func (c Config) FigureCSAT(t *Totals) CSATFigure {
	m := scaleMoments(t, ICSAT)
	f := CSATFigure{Figure: Figure{N: m.n}}
	if !c.shown(m.n) {
		return f
	}
	s := t[ICSAT+STop]
	f.Value = ptr(100 * float64(s) / float64(m.n))
	f.CI = ptr(Wilson(s, m.n))
	f.Satisfied = ptr(s)
	f.Mean = ptr(m.mean(1))
	f.MeanCI = tInterval(*f.Mean, m.variance(1), m.n)
	return f
}

// FigureCES is §4.3.
func (c Config) FigureCES(t *Totals) CESFigure {
	m := scaleMoments(t, ICES)
	f := CESFigure{Figure: Figure{N: m.n}}
	if !c.shown(m.n) {
		return f
	}
	e := t[ICES+STop]
	f.Value = ptr(m.mean(1))
	f.CI = tInterval(*f.Value, m.variance(1), m.n)
	f.Easy = ptr(100 * float64(e) / float64(m.n))
	f.EasyCI = ptr(Wilson(e, m.n))
	f.EasyCount = ptr(e)
	return f
}

// FigureSentiment is §7.2 per slice.
func (c Config) FigureSentiment(t *Totals) SentimentFigure {
	n := t[IPositive] + t[INeutral] + t[INegative]
	f := SentimentFigure{N: n}
	if !c.shown(n) {
		return f
	}
	share := func(k int64) (*float64, *[2]float64) {
		return ptr(100 * float64(k) / float64(n)), ptr(Wilson(k, n))
	}
	f.Positive, f.PositiveCI = share(t[IPositive])
	f.Neutral, f.NeutralCI = share(t[INeutral])
	f.Negative, f.NegativeCI = share(t[INegative])
	m := moments{n: n, sum: t[ICompound], sq: t[ICompoundSq]}
	f.Mean = ptr(m.mean(CompoundUnit))
	f.MeanCI = tInterval(*f.Mean, m.variance(CompoundUnit), n)
	return f
}

// Distribution is the count of each answer value of a scale's block (csat
// at ICSAT, ces at ICES), from the scale's min; nil when the totals do not
// keep it (a scale of more than Points values).
func Distribution(t *Totals, base int, s Scale) []int64 {
	if !s.Distributed() {
		return nil
	}
	return append([]int64(nil), t[base+SDist:base+SDist+s.Max-s.Min+1]...)
}
