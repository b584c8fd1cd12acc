package cxm

import (
	"errors"
	"fmt"
	"time"
)

// Errors that storage returns and the server maps to HTTP statuses.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict") // already exists, already used, or not in a state that allows it
	ErrClosed   = errors.New("the assessment is closed")
)

// Role is what a user may do (shared/spec/api.md).
type Role string

const (
	RoleAdmin       Role = "admin"       // everything, including users
	RoleFacilitator Role = "facilitator" // create and run assessments, edit plans
	RoleViewer      Role = "viewer"      // read results and plans
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool {
	return r == RoleAdmin || r == RoleFacilitator || r == RoleViewer
}

// CanRun reports whether r may create and run assessments.
func (r Role) CanRun() bool { return r == RoleAdmin || r == RoleFacilitator }

// User is a person with an account. Respondents have none.
type User struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Role      Role      `json:"role"`
	CreatedAt time.Time `json:"created_at"`
	// Active is false once an admin deactivated the user: no login, no
	// session and no API token work until they are reactivated.
	Active bool `json:"active"`
}

// Organization is a client whose assessments are run; industry and size let
// peers be filtered for benchmarks.
type Organization struct {
	ID        int64     `json:"id"`
	Name      string    `json:"name"`
	Industry  string    `json:"industry,omitempty"`
	Size      string    `json:"size,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Attribute is a question respondents answer about themselves, used for
// breakdowns (e.g. department). Values is the closed list of allowed answers
// (scoring.md 4.12): a respondent picks one or none. An attribute without
// values exists only in assessments created before v2; it is kept readable
// but takes no new answers.
type Attribute struct {
	Name   string   `json:"name"`
	Values []string `json:"values"`
}

// Limits of an assessment's attributes (scoring.md 4.12). Names and values
// are counted in characters and compared case-insensitively.
const (
	MaxAttributes      = 8   // attributes per assessment
	MaxAttributeValues = 100 // values per attribute
	MaxAttributeText   = 60  // characters of a name or a value
)

// CheckAttributeLimits is storage's last guard on the closed lists: at most
// MaxAttributes attributes, each with 1 to MaxAttributeValues values. The
// server checks names and values in full and says how to fix them.
func CheckAttributeLimits(attrs []Attribute) error {
	if len(attrs) > MaxAttributes {
		return fmt.Errorf("an assessment has at most %d attributes, not %d", MaxAttributes, len(attrs))
	}
	for _, at := range attrs {
		if len(at.Values) == 0 || len(at.Values) > MaxAttributeValues {
			return fmt.Errorf("attribute %q needs 1 to %d values, not %d: attributes are closed lists", at.Name, MaxAttributeValues, len(at.Values))
		}
	}
	return nil
}

// ClosedAttributes returns the attributes that are closed lists, leaving out
// the free-text ones of assessments created before v2 (a next wave does
// not ask them).
func ClosedAttributes(attrs []Attribute) []Attribute {
	out := make([]Attribute, 0, len(attrs))
	for _, at := range attrs {
		if len(at.Values) > 0 {
			out = append(out, at)
		}
	}
	return out
}

// Status of an assessment.
type Status string

const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Assessment is one run of a framework in an organization: a framework
// version pinned, the attributes asked, and the anonymity threshold.
type Assessment struct {
	ID               int64       `json:"id"`
	OrganizationID   int64       `json:"organization"`
	Name             string      `json:"name"`
	FrameworkID      string      `json:"-"`
	FrameworkVersion int         `json:"-"`
	Attributes       []Attribute `json:"attributes"`
	MinGroup         int         `json:"min_group"`
	Status           Status      `json:"status"`
	PreviousID       int64       `json:"previous,omitempty"` // the wave before, 0 when none
	OpenQuestion     string      `json:"open_question"`      // "" when none; read by store.OpenQuestion, not by Assessment
	CreatedAt        time.Time   `json:"created_at"`
	ClosedAt         *time.Time  `json:"closed_at,omitempty"`
	// Released: the assessment has its release (scoring.md 4.12).
	Released bool `json:"released"`
	// ArchivedAt is when the assessment was archived: it leaves the default
	// list and stays readable. Nil when it is not archived.
	ArchivedAt *time.Time `json:"archived_at,omitempty"`
	// Counts filled in by storage when reading an assessment.
	Invited   int `json:"invited"`
	Responses int `json:"responses"`
}

// AttributeNames returns the names of a's attributes in order.
func (a *Assessment) AttributeNames() []string {
	names := make([]string, len(a.Attributes))
	for i, at := range a.Attributes {
		names[i] = at.Name
	}
	return names
}

// Invitation is one respondent's single-use credential. Only a hash of its
// token is stored, and never with an address. Nothing links an invitation
// to the response it produced: submitting marks the invitation used and
// stores the answers separately.
type Invitation struct {
	ID           int64     `json:"id"`
	AssessmentID int64     `json:"assessment"`
	Used         bool      `json:"used"`
	CreatedAt    time.Time `json:"created_at"`
}

// Draft is what a respondent has answered so far, kept with the invitation
// until submission so they can come back. Answers maps item ids to answers
// (NoAnswer-free: absent means not answered; "dk" is kept as DontKnow).
type Draft struct {
	Attributes map[string]string `json:"attributes"`
	Answers    map[string]int    `json:"answers"`
	DontKnow   []string          `json:"dont_know,omitempty"`
	Comment    string            `json:"comment,omitempty"` // the answer to the open question, if any
}

// StoredResponse is a submitted response as stored: anonymous, with the
// answers in the pinned framework's item order.
type StoredResponse struct {
	Attributes map[string]string
	Answers    []int // NoAnswer for no answer
}

// PlanStatus is where a plan step stands.
type PlanStatus string

const (
	PlanTodo    PlanStatus = "todo"
	PlanDoing   PlanStatus = "doing"
	PlanDone    PlanStatus = "done"
	PlanDropped PlanStatus = "dropped"
)

// Valid reports whether s is one of the four statuses.
func (s PlanStatus) Valid() bool {
	return s == PlanTodo || s == PlanDoing || s == PlanDone || s == PlanDropped
}

// PlanStep is one step of an assessment's improvement plan as stored:
// generated from the framework's practices (scoring.md §5.1) or added by
// hand (Custom), then edited by the team.
type PlanStep struct {
	ID           int64      `json:"id"`
	AssessmentID int64      `json:"assessment"`
	Priority     int        `json:"priority"`
	Competency   string     `json:"competency"`
	Practice     string     `json:"practice"` // empty for a custom step
	Title        string     `json:"title"`
	Description  string     `json:"description"`
	Why          string     `json:"why"`
	Target       *float64   `json:"target"` // the score to reach; nil for a custom step without one
	TargetStage  string     `json:"target_stage"`
	Owner        string     `json:"owner"`
	Due          string     `json:"due"` // YYYY-MM-DD or empty
	Status       PlanStatus `json:"status"`
	Custom       bool       `json:"custom"`
	UpdatedAt    time.Time  `json:"updated_at"`
	// CarriedFrom is the step of the wave before that this one continues
	// (nil: begun in this wave); Note is what re-targeting from this
	// wave's results said about it, e.g. "Target reached in wave 2: …".
	CarriedFrom *int64 `json:"carried_from"`
	Note        string `json:"note"`
}

// PlanChange records one edit of a plan step: who changed what, and when.
type PlanChange struct {
	StepID int64     `json:"step"`
	User   string    `json:"user"` // email
	At     time.Time `json:"at"`
	Field  string    `json:"field"`
	From   string    `json:"from"`
	To     string    `json:"to"`
}
