// Package cxm holds the domain types shared by every part of cxm: competency
// frameworks, their scales, stages and practices. Parsing lives in package
// framework, scoring in package score, storage and HTTP in their own packages.
package cxm

// Framework is a competency framework as written in a framework file
// (shared/spec/scoring.md §1). Frameworks are data: built-ins are embedded
// YAML files, users write their own.
type Framework struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Name    string `json:"name"`
	// Language is the language of the framework's plain texts ("" is
	// English); NameTr and the other *Tr fields hold translations into
	// other languages, for the respondent's pages (translations.go).
	Language     string       `json:"language,omitempty"`
	NameTr       Texts        `json:"name_translations,omitempty"`
	Attribution  string       `json:"attribution,omitempty"`
	Description  string       `json:"description,omitempty"`
	Scale        Scale        `json:"scale"`
	Rule         Rule         `json:"rule"`
	WeakBelow    float64      `json:"weak_below"` // a competency scoring below this is a weakness
	Stages       []Stage      `json:"stages"`     // lowest first
	Competencies []Competency `json:"competencies"`
}

// Scale is the answer scale shared by all items of a framework.
type Scale struct {
	Min          int            `json:"min"`
	Max          int            `json:"max"`
	Labels       map[int]string `json:"labels,omitempty"` // optional labels for some answer values
	AllowUnknown bool           `json:"allow_unknown"`    // respondents may answer "don't know"
	// LabelTr holds the labels' translations: language, then answer value.
	LabelTr map[string]map[int]string `json:"label_translations,omitempty"`
}

// Options is A, the number of answer options.
func (s Scale) Options() int { return s.Max - s.Min + 1 }

// Rule says how the overall stage is derived from the competency scores.
type Rule string

const (
	RuleWeakestLink Rule = "weakest-link" // the stage of the lowest competency
	RuleMean        Rule = "mean"         // the stage of the mean of the competencies
)

// Stage is one step of the maturity ladder. From is the lowest score (0..100)
// that reaches it.
type Stage struct {
	ID          string  `json:"id"`
	Name        string  `json:"name"`
	From        float64 `json:"from"`
	Description string  `json:"description,omitempty"`
}

// Competency is a capability the organization is assessed on.
type Competency struct {
	ID        string     `json:"id"`
	Name      string     `json:"name"`
	NameTr    Texts      `json:"name_translations,omitempty"`
	Summary   string     `json:"summary,omitempty"`
	Weakness  Weakness   `json:"weakness"`
	Items     []Item     `json:"items"`
	Practices []Practice `json:"practices"`
}

// Weakness names what an organization looks like when the competency is weak.
type Weakness struct {
	Label   string `json:"label"`
	Meaning string `json:"meaning,omitempty"`
}

// Item is one statement a respondent answers on the framework's scale.
type Item struct {
	ID      string  `json:"id"`
	Text    string  `json:"text"`
	TextTr  Texts   `json:"text_translations,omitempty"`
	Reverse bool    `json:"reverse"` // agreeing means less maturity: value = min + max - answer
	Weight  float64 `json:"weight"`  // > 0, defaults to 1
}

// Practice is a proven way to improve a competency. Stages lists the stages
// at which it is the right next step. A competency none of whose practices
// lists stages offers all of them at every stage; otherwise only practices
// listing the current stage are offered (scoring.md §5.1).
type Practice struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	Stages      []string `json:"stages"`
}

// StageOf returns the index of the last stage whose From is at most score
// (spec §4.6). Stages are validated to start at 0, so any score in 0..100
// has a stage.
func (f *Framework) StageOf(score float64) int {
	i := 0
	for j, s := range f.Stages {
		if s.From <= score {
			i = j
		}
	}
	return i
}

// StageIndex returns the index of the stage with the given id, or -1.
func (f *Framework) StageIndex(id string) int {
	for i, s := range f.Stages {
		if s.ID == id {
			return i
		}
	}
	return -1
}

// Competency returns the competency with the given id, or nil.
func (f *Framework) Competency(id string) *Competency {
	for i := range f.Competencies {
		if f.Competencies[i].ID == id {
			return &f.Competencies[i]
		}
	}
	return nil
}

// NumItems is the total number of items across all competencies.
func (f *Framework) NumItems() int {
	n := 0
	for _, c := range f.Competencies {
		n += len(c.Items)
	}
	return n
}

// StageName returns the name of the stage with the given id (the id itself
// when there is none).
func (f *Framework) StageName(id string) string {
	if i := f.StageIndex(id); i >= 0 {
		return f.Stages[i].Name
	}
	return id
}

// NoAnswer marks an item a respondent did not answer (blank, "don't know").
const NoAnswer = -1 << 31
