package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/plan"
	"github.com/cxmhq/cxm/store"
)

// The improvement plan (scoring.md §5.1): generated when an assessment
// closes (when it has none yet) and on demand, then edited by people. Every
// edit is recorded with who and when by the store.

// Limits of the texts of a plan step, in characters.
const (
	maxStepTitle       = 200
	maxStepOwner       = 200
	maxStepDescription = 4000
)

// userEmail is who is making the request, for the plan's history.
func userEmail(ctx context.Context) string {
	if p := principalFrom(ctx); p != nil {
		return p.user.Email
	}
	return ""
}

// planSteps converts generated steps to stored ones.
func planSteps(gen []plan.Step) []cxm.PlanStep {
	out := make([]cxm.PlanStep, 0, len(gen))
	for _, g := range gen {
		target := g.Target
		out = append(out, cxm.PlanStep{
			Priority: g.Priority, Competency: g.Competency, Practice: g.Practice, Title: g.Title,
			Description: g.Description, Why: g.Why, Target: &target, TargetStage: g.TargetStage, Status: cxm.PlanTodo,
		})
	}
	return out
}

// regeneratePlan generates the plan again from the current results. Steps
// added by hand stay (after the generated ones); a generated step proposed
// again (same competency and practice) keeps its owner, due date, status
// and the step of the wave before it continues, so regenerating never
// throws away what people decided.
func (s *Server) regeneratePlan(ctx context.Context, a cxm.Assessment) (int, error) {
	res, f, err := s.results(ctx, a, nil)
	if err != nil {
		return 0, err
	}
	if res.Withheld {
		return 0, errorf(http.StatusConflict, "a plan needs results, which are made when the assessment is closed with at least %d responses (%d so far)", res.MinGroup, res.Respondents)
	}
	old, err := s.db.PlanSteps(ctx, a.ID)
	if err != nil {
		return 0, err
	}
	kept := map[[2]string]cxm.PlanStep{}
	for _, st := range old {
		if !st.Custom {
			kept[[2]string{st.Competency, st.Practice}] = st
		}
	}
	steps := planSteps(plan.Generate(f, res, plan.DefaultPerCompetency))
	for i := range steps {
		if o, ok := kept[[2]string{steps[i].Competency, steps[i].Practice}]; ok {
			steps[i].Owner, steps[i].Due, steps[i].Status, steps[i].CarriedFrom = o.Owner, o.Due, o.Status, o.CarriedFrom
		}
	}
	return len(steps), planErr(s.db.ReplaceGeneratedSteps(ctx, a.ID, steps, userEmail(ctx)))
}

func (s *Server) apiPlan(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	steps, err := s.db.PlanSteps(r.Context(), a.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"steps": steps})
	return nil
}

// decodeOptional reads an optional JSON body: none at all is fine.
func decodeOptional(r *http.Request, v any) error {
	err := decode(r, v)
	var e *Error
	if errors.As(err, &e) && strings.HasPrefix(e.Message, "empty body") {
		return nil
	}
	return err
}

func (s *Server) apiRegeneratePlan(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var in struct{}
	if err := decodeOptional(r, &in); err != nil {
		return err
	}
	if _, err := s.regeneratePlan(r.Context(), a); err != nil {
		return err
	}
	return s.apiPlan(w, r)
}

func (s *Server) apiPlanChanges(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	changes, err := s.db.PlanChanges(r.Context(), a.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"changes": changes})
	return nil
}

// stepInput is a new step or an edit; nil fields are not given.
type stepInput struct {
	Competency  *string `json:"competency"`
	Title       *string `json:"title"`
	Description *string `json:"description"`
	Why         *string `json:"why"`
	Owner       *string `json:"owner"`
	Due         *string `json:"due"`
	Status      *string `json:"status"`
	Priority    *int    `json:"priority"`
}

func trimmed(p *string) *string {
	if p == nil {
		return nil
	}
	v := strings.TrimSpace(*p)
	return &v
}

// edit validates the fields of an edit, naming the first one at fault.
func (in stepInput) edit() (store.PlanEdit, error) {
	e := store.PlanEdit{Owner: trimmed(in.Owner), Due: trimmed(in.Due), Title: trimmed(in.Title), Description: trimmed(in.Description), Priority: in.Priority}
	if e.Title != nil && (*e.Title == "" || utf8.RuneCountInString(*e.Title) > maxStepTitle) {
		return e, badField("title", "a step needs a title of at most %d characters", maxStepTitle)
	}
	if e.Description != nil && utf8.RuneCountInString(*e.Description) > maxStepDescription {
		return e, badField("description", "a description is at most %d characters", maxStepDescription)
	}
	if e.Owner != nil && utf8.RuneCountInString(*e.Owner) > maxStepOwner {
		return e, badField("owner", "an owner is at most %d characters", maxStepOwner)
	}
	if e.Due != nil && *e.Due != "" {
		if _, err := time.Parse(time.DateOnly, *e.Due); err != nil {
			return e, badField("due", "due must be a date written YYYY-MM-DD, e.g. 2025-09-30, or empty; %q is not", *e.Due)
		}
	}
	if in.Status != nil {
		st := cxm.PlanStatus(strings.TrimSpace(*in.Status))
		if !st.Valid() {
			return e, badField("status", "status must be todo, doing, done or dropped, not %q", *in.Status)
		}
		e.Status = &st
	}
	if e.Priority != nil && *e.Priority < 1 {
		return e, badField("priority", "priority is 1 or more (1 comes first), not %d", *e.Priority)
	}
	return e, nil
}

// addStep validates and stores a step written by hand.
func (s *Server) addStep(ctx context.Context, a cxm.Assessment, in stepInput) (cxm.PlanStep, error) {
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return cxm.PlanStep{}, err
	}
	comp := ""
	if in.Competency != nil {
		comp = strings.TrimSpace(*in.Competency)
	}
	if f.Competency(comp) == nil {
		return cxm.PlanStep{}, badField("competency", "competency must be one of the framework's: %s", strings.Join(competencyIDs(f), ", "))
	}
	if in.Title == nil {
		return cxm.PlanStep{}, badField("title", "a step needs a title")
	}
	if in.Why != nil && utf8.RuneCountInString(*in.Why) > maxStepDescription {
		return cxm.PlanStep{}, badField("why", "why is at most %d characters", maxStepDescription)
	}
	e, err := in.edit()
	if err != nil {
		return cxm.PlanStep{}, err
	}
	st := cxm.PlanStep{AssessmentID: a.ID, Competency: comp, Title: *e.Title, Status: cxm.PlanTodo}
	for _, f := range []struct {
		dst *string
		src *string
	}{{&st.Description, e.Description}, {&st.Owner, e.Owner}, {&st.Due, e.Due}, {&st.Why, trimmed(in.Why)}} {
		if f.src != nil {
			*f.dst = *f.src
		}
	}
	if e.Status != nil {
		st.Status = *e.Status
	}
	user := userEmail(ctx)
	st, err = s.db.AddPlanStep(ctx, st, user)
	if err != nil || e.Priority == nil {
		return st, planErr(err)
	}
	st, err = s.db.UpdatePlanStep(ctx, st.ID, store.PlanEdit{Priority: e.Priority}, user)
	return st, planErr(err)
}

func competencyIDs(f *cxm.Framework) []string {
	ids := make([]string, len(f.Competencies))
	for i, c := range f.Competencies {
		ids[i] = c.ID
	}
	return ids
}

func (s *Server) apiAddStep(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var in stepInput
	if err := decode(r, &in); err != nil {
		return err
	}
	st, err := s.addStep(r.Context(), a, in)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, st)
	return nil
}

func (s *Server) apiEditStep(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var in stepInput
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Competency != nil {
		return badField("competency", "a step's competency cannot change: add a new step instead")
	}
	if in.Why != nil {
		return badField("why", "why cannot be edited")
	}
	e, err := in.edit()
	if err != nil {
		return err
	}
	st, err := s.editStep(r.Context(), id, e)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

// editStep applies an edit. Dropping a step also moves it to the end of
// the plan, and restoring one puts it right after the steps still to do,
// unless the edit sets the priority itself: so the priorities of the steps
// not dropped are always 1..N, in the API, the page and the exports alike.
func (s *Server) editStep(ctx context.Context, id int64, e store.PlanEdit) (cxm.PlanStep, error) {
	if e.Status != nil && e.Priority == nil {
		st, err := s.db.PlanStep(ctx, id)
		if err != nil {
			return st, err
		}
		was, now := st.Status == cxm.PlanDropped, *e.Status == cxm.PlanDropped
		if was != now {
			steps, err := s.db.PlanSteps(ctx, st.AssessmentID)
			if err != nil {
				return st, err
			}
			pos := len(steps)
			if !now {
				pos = 1
				for _, o := range steps {
					if o.ID != id && o.Status != cxm.PlanDropped {
						pos++
					}
				}
			}
			e.Priority = &pos
		}
	}
	st, err := s.db.UpdatePlanStep(ctx, id, e, userEmail(ctx))
	return st, planErr(err)
}

// Pages

type planView struct {
	A            cxm.Assessment
	F            *cxm.Framework
	Steps        []planRow // the active steps in priority order, then the dropped ones
	Active       int
	Dropped      int
	Changes      []changeRow // newest first
	Competencies []cxm.Competency
	Statuses     []statusOption
	Error        string
	Errors       []string          // every problem of a plan that could not be saved
	Form         map[string]string // the add-a-step form, after an error
	Withheld     bool              // too few respondents to generate a plan
	MinGroup     int
	Wave         waveInfo // Next set: the plan continues there and is read-only here
	Carried      bool     // some step was carried on from the wave before
}

type planRow struct {
	S           cxm.PlanStep
	Status      string // the status in words
	SameWhy     bool   // the same why as the step above: not repeated
	N           int    // the number shown: 1.. among the active steps
	Competency  string
	Target      string
	Dropped     bool
	First, Last bool // among the active steps: no moving up or down
}

type changeRow struct {
	At   string
	ISO  string
	User string
	What string
}

var planStatuses = []cxm.PlanStatus{cxm.PlanTodo, cxm.PlanDoing, cxm.PlanDone, cxm.PlanDropped}

// statusOption is a status as the plan page offers it: its value and words.
type statusOption struct {
	Value cxm.PlanStatus
	Word  string
}

// statusWords are the statuses as people read them; the API and the
// exports keep the values.
var statusWords = map[cxm.PlanStatus]string{cxm.PlanTodo: "To do", cxm.PlanDoing: "Doing", cxm.PlanDone: "Done", cxm.PlanDropped: "Dropped"}

func statusWord(s cxm.PlanStatus) string {
	if w, ok := statusWords[s]; ok {
		return w
	}
	return string(s)
}

func statusOptions() []statusOption {
	out := make([]statusOption, len(planStatuses))
	for i, st := range planStatuses {
		out[i] = statusOption{st, statusWord(st)}
	}
	return out
}

// visibleOrder puts the dropped steps after the others, each part in
// priority order: the order the plan page shows and moves in.
func visibleOrder(steps []cxm.PlanStep) []cxm.PlanStep {
	out := make([]cxm.PlanStep, 0, len(steps))
	for _, dropped := range []bool{false, true} {
		for _, st := range steps {
			if (st.Status == cxm.PlanDropped) == dropped {
				out = append(out, st)
			}
		}
	}
	return out
}

func targetText(f *cxm.Framework, st cxm.PlanStep) string {
	t := ""
	if st.Target != nil {
		t = fmt.Sprintf("%.0f", *st.Target)
	}
	if st.TargetStage != "" {
		name := f.StageName(st.TargetStage)
		if t == "" {
			return name
		}
		t += " (" + name + ")"
	}
	return t
}

func (s *Server) planPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	return s.renderPlan(w, r, a, http.StatusOK, "", nil)
}

func (s *Server) renderPlan(w http.ResponseWriter, r *http.Request, a cxm.Assessment, status int, msg string, form map[string]string) error {
	return s.renderPlanWith(w, r, a, status, msg, form, nil)
}

// renderPlanWith shows the plan; after a save that could not be made,
// posted holds what was typed in each row (shown instead of what is
// stored) and errs every problem.
func (s *Server) renderPlanWith(w http.ResponseWriter, r *http.Request, a cxm.Assessment, status int, msg string, form map[string]string, failed *planSave) error {
	ctx := r.Context()
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return err
	}
	steps, err := s.db.PlanSteps(ctx, a.ID)
	if err != nil {
		return err
	}
	changes, err := s.db.PlanChanges(ctx, a.ID)
	if err != nil {
		return err
	}
	wave, err := s.waveInfo(ctx, a)
	if err != nil {
		return err
	}
	v := planView{A: a, F: f, Competencies: f.Competencies, Statuses: statusOptions(), Error: msg, Form: form, MinGroup: a.MinGroup, Wave: wave}
	if form == nil {
		v.Form = map[string]string{}
	}
	titles := map[int64]string{}
	lastWhy := ""
	for _, st := range visibleOrder(steps) {
		titles[st.ID] = st.Title
		v.Carried = v.Carried || st.CarriedFrom != nil
		row := planRow{S: st, Status: statusWord(st.Status), Competency: st.Competency, Target: targetText(f, st), Dropped: st.Status == cxm.PlanDropped}
		row.SameWhy = st.Why != "" && st.Why == lastWhy
		lastWhy = st.Why
		if c := f.Competency(st.Competency); c != nil {
			row.Competency = c.Name
		}
		if p, ok := failed.row(st.ID); ok {
			row.S.Owner, row.S.Due, row.S.Status = p.owner, p.due, cxm.PlanStatus(p.status)
		}
		if row.Dropped {
			v.Dropped++
		} else {
			v.Active++
			row.N = v.Active
			row.First = v.Active == 1
		}
		v.Steps = append(v.Steps, row)
	}
	if v.Active > 0 {
		v.Steps[v.Active-1].Last = true
	}
	if failed != nil {
		v.Errors = failed.errs
	}
	for i := len(changes) - 1; i >= 0; i-- {
		c := changes[i]
		if c.Field == "target" {
			c.From, c.To = targetStageNames(f, c.From), targetStageNames(f, c.To)
		}
		v.Changes = append(v.Changes, changeRow{At: c.At.UTC().Format("2 Jan 2006, 15:04 UTC"), ISO: c.At.UTC().Format(time.RFC3339), User: c.User, What: changeText(c, titles)})
	}
	if len(steps) == 0 {
		if res, _, err := s.results(ctx, a, nil); err != nil {
			return err
		} else if res.Withheld {
			v.Withheld = true
		}
	}
	return s.render(w, r, status, "plan.html", "Plan · "+a.Name, v)
}

// changeText says what a change did, in words.
func changeText(c cxm.PlanChange, titles map[int64]string) string {
	quote := func(s string) string {
		if s == "" {
			return "(none)"
		}
		return "“" + s + "”"
	}
	step := "a step no longer in the plan"
	if t, ok := titles[c.StepID]; ok {
		step = quote(t)
	}
	if text, ok := carriedChangeText(c, step); ok {
		return text
	}
	switch c.Field {
	case "plan":
		return "Generated the plan from the framework: " + c.To
	case "added":
		return "Added the step " + quote(c.To)
	case "priority":
		return fmt.Sprintf("Moved %s from position %s to %s", step, c.From, c.To)
	case "title":
		return fmt.Sprintf("Renamed %s to %s", quote(c.From), quote(c.To))
	case "status":
		return fmt.Sprintf("Status of %s: %s → %s", step, quote(statusWord(cxm.PlanStatus(c.From))), quote(statusWord(cxm.PlanStatus(c.To))))
	}
	return fmt.Sprintf("%s of %s: %s → %s", strings.ToUpper(c.Field[:1])+c.Field[1:], step, quote(c.From), quote(c.To))
}

// formError shows a validation error on the plan page; anything else is
// returned as is.
func (s *Server) planFormError(w http.ResponseWriter, r *http.Request, a cxm.Assessment, err error, form map[string]string) error {
	var e *Error
	if errors.As(err, &e) && e.Status < 500 && e.Status != http.StatusNotFound {
		return s.renderPlan(w, r, a, e.Status, e.Message, form)
	}
	return err
}

func (s *Server) addStepForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	form := map[string]string{}
	for _, k := range []string{"competency", "title", "description", "owner", "due"} {
		form[k] = r.PostFormValue(k)
	}
	in := stepInput{Competency: ptr(form["competency"]), Title: ptr(form["title"]), Description: ptr(form["description"]), Owner: ptr(form["owner"]), Due: ptr(form["due"])}
	if _, err := s.addStep(r.Context(), a, in); err != nil {
		return s.planFormError(w, r, a, err, form)
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d/plan", a.ID), "step-added")
}

func ptr[T any](v T) *T { return &v }

func (s *Server) regenerateForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	if _, err := s.regeneratePlan(r.Context(), a); err != nil {
		return s.planFormError(w, r, a, err, nil)
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d/plan", a.ID), "plan-generated")
}

// editStepForm takes one step: save (owner, due date, status), up, down,
// drop or restore. The plan page posts the whole plan (savePlanForm); this
// route stays for one-step forms and scripts.
func (s *Server) editStepForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	st, err := s.db.PlanStep(ctx, id)
	if err != nil {
		return err
	}
	a, err := s.db.Assessment(ctx, st.AssessmentID)
	if err != nil {
		return err
	}
	action := r.PostFormValue("action")
	in, err := s.stepAction(ctx, st, action)
	if err != nil {
		return err
	}
	if action == "" || action == "save" {
		in = stepInput{Owner: ptr(r.PostFormValue("owner")), Due: ptr(r.PostFormValue("due")), Status: ptr(r.PostFormValue("status"))}
		if r.PostForm.Has("title") {
			in.Title = ptr(r.PostFormValue("title"))
		}
	}
	e, err := in.edit()
	if err == nil {
		_, err = s.editStep(ctx, id, e)
	}
	if err != nil {
		if fe := asError(err); fe.Field != "" {
			fe = &Error{Status: fe.Status, Field: fe.Field, Message: fmt.Sprintf("Step “%s”: %s", st.Title, fe.Message)}
			err = fe
		}
		return s.planFormError(w, r, a, err, nil)
	}
	http.Redirect(w, r, fmt.Sprintf("/assessments/%d/plan?flash=saved#step-%d", a.ID, id), http.StatusSeeOther)
	return nil
}

// stepAction is the edit a button of a step's row asks for: up, down,
// drop or restore ("save" and "" ask for none: the caller reads the
// fields). Up and down move among the steps not dropped.
func (s *Server) stepAction(ctx context.Context, st cxm.PlanStep, action string) (stepInput, error) {
	var in stepInput
	switch action {
	case "", "save":
	case "drop":
		in.Status = ptr(string(cxm.PlanDropped))
	case "restore":
		in.Status = ptr(string(cxm.PlanTodo))
	case "up", "down":
		steps, err := s.db.PlanSteps(ctx, st.AssessmentID)
		if err != nil {
			return in, err
		}
		order := visibleOrder(steps)
		for i, o := range order {
			if o.ID != st.ID || o.Status == cxm.PlanDropped {
				continue
			}
			if action == "up" && i > 0 {
				in.Priority = ptr(order[i-1].Priority)
			}
			if action == "down" && i+1 < len(order) && order[i+1].Status != cxm.PlanDropped {
				in.Priority = ptr(order[i+1].Priority)
			}
		}
	default:
		return in, badField("action", "unknown action %q", action)
	}
	return in, nil
}
