package score

// Result is the scored assessment: the JSON object of shared/spec/scoring.md
// §6. Numbers are not rounded; nil pointers are JSON null (undefined).
type Result struct {
	Framework    FrameworkRef       `json:"framework"`
	Respondents  int                `json:"respondents"`
	MinGroup     int                `json:"min_group"`
	Withheld     bool               `json:"withheld"` // fewer than min_group respondents: no figures
	Competencies []Competency       `json:"competencies"`
	Unscored     []string           `json:"unscored"`
	Overall      Overall            `json:"overall"`
	Items        []Item             `json:"items"`
	Groups       map[string][]Group `json:"groups"`
	Suppressed   map[string]int     `json:"suppressed"`
	Gaps         map[string][]Gap   `json:"gaps"`
	GroupBy      []string           `json:"group_by"`
	Release      *Release           `json:"release,omitempty"` // set on an assessment's release (release.go)
}

// FrameworkRef names the framework version a result was scored against.
type FrameworkRef struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
}

// Competency is one competency's score over all respondents (§4.1–4.6).
type Competency struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	N        int         `json:"n"`
	Score    float64     `json:"score"`
	SD       *float64    `json:"sd"`
	CI       *[2]float64 `json:"ci"`
	Alpha    *float64    `json:"alpha"`
	Rwg      *float64    `json:"rwg"`
	Complete int         `json:"complete"` // respondents who answered every item: the base of alpha and rwg
	Stage    string      `json:"stage"`
	// StageRange is [stage of ci[0], stage of ci[1]], each end clamped to
	// 0..100 (§4.10); nil when ci is.
	StageRange *[2]string `json:"stage_range"`
	Weak       bool       `json:"weak"` // below the framework's weak_below
}

// Overall is the organization-level verdict (§4.7–4.8). Mean, Weakest and
// Stage are empty when no competency could be scored.
type Overall struct {
	Rule    string   `json:"rule"`
	Mean    *float64 `json:"mean"`
	Weakest string   `json:"weakest"`
	Stage   string   `json:"stage"`
	// StageRange is the weakest competency's stage range under rule
	// weakest-link, nil under rule mean (§4.10).
	StageRange *[2]string `json:"stage_range"`
	// TiedWith lists, in file order, the competencies the weakest cannot be
	// told apart from (§4.10); the weakest link is clear only when empty.
	TiedWith    []string     `json:"tied_with"`
	Comparisons []Comparison `json:"comparisons"`
	Diagnosis   []Diagnosis  `json:"diagnosis"`
}

// Comparison is the paired comparison of another scored competency with the
// weakest, over the M respondents included in both (§4.10): Diff is the mean
// of index(competency) − index(weakest), P the two-sided paired t-test.
// Diff is nil when M = 0, P when M < 2.
type Comparison struct {
	Competency string   `json:"competency"`
	M          int      `json:"m"`
	Diff       *float64 `json:"diff"`
	P          *float64 `json:"p"`
}

// Diagnosis is one weak competency with its weakness label, lowest first.
type Diagnosis struct {
	Competency string  `json:"competency"`
	Label      string  `json:"label"`
	Score      float64 `json:"score"`
}

// Item summarizes the answers to one statement. Counts[i] is the number of
// respondents who answered Min+i (raw answers, before reversal); Index is
// the mean item value after reversal on the 0..100 scale, so the lowest
// indices are the weakest statements whatever their keying.
//
// In the server's mode (Options.Withhold) an item answered by fewer than k
// respondents has neither (§4.12): Index and Counts are nil and Withheld is
// true.
type Item struct {
	ID         string   `json:"id"`
	Competency string   `json:"competency"`
	N          int      `json:"n"`
	Index      *float64 `json:"index"`
	Counts     []int    `json:"counts"`
	Withheld   bool     `json:"withheld,omitempty"`
}

// Group is one shown group of a breakdown (§4.9).
type Group struct {
	Value        string            `json:"value"`
	N            int               `json:"n"`
	Competencies []GroupCompetency `json:"competencies"`
}

// GroupCompetency is a competency's score within a group. Score is nil when
// the cell is suppressed because too few of the group's respondents
// answered that competency.
type GroupCompetency struct {
	ID         string      `json:"id"`
	N          int         `json:"n"`
	Score      *float64    `json:"score"`
	SD         *float64    `json:"sd"`
	CI         *[2]float64 `json:"ci"`
	Stage      string      `json:"stage,omitempty"`
	Suppressed bool        `json:"suppressed,omitempty"`
}

// Gap is the spread between the highest and lowest shown group scores of a
// competency within one attribute.
type Gap struct {
	Competency string  `json:"competency"`
	High       string  `json:"high"`
	Low        string  `json:"low"`
	Gap        float64 `json:"gap"`
}

// Competency returns the scored competency with the given id, or nil.
func (r *Result) Competency(id string) *Competency {
	for i := range r.Competencies {
		if r.Competencies[i].ID == id {
			return &r.Competencies[i]
		}
	}
	return nil
}
