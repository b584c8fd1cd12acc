package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// The plan page is one form: every row's owner, due date and status are
// saved together by one Save, and the buttons of a row (up, down, drop,
// restore) save what was typed in the other rows before they act, so no
// edit is lost to another row's button.

// planSave is a submission of the plan page that could not be saved: what
// was typed in each row and every problem.
type planSave struct {
	rows map[int64]postedRow
	errs []string
}

type postedRow struct{ owner, due, status string }

// row is what was typed in a step's row, if the save failed.
func (p *planSave) row(id int64) (postedRow, bool) {
	if p == nil {
		return postedRow{}, false
	}
	r, ok := p.rows[id]
	return r, ok
}

// savePlanForm handles POST /assessments/{id}/plan: the plan page's form.
// Fields are owner-ID, due-ID and status-ID per step; action is "save" or
// up-ID, down-ID, drop-ID, restore-ID. Nothing is saved unless every row
// is valid; then the page shows every problem, naming the step by number.
func (s *Server) savePlanForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	steps, err := s.db.PlanSteps(ctx, a.ID)
	if err != nil {
		return err
	}
	verb, target, err := planAction(r.PostFormValue("action"), steps)
	if err != nil {
		return err
	}
	save := &planSave{rows: map[int64]postedRow{}}
	var ids []int64
	edits := map[int64]store.PlanEdit{}
	n := 0
	for _, st := range visibleOrder(steps) {
		if st.Status == cxm.PlanDropped {
			continue
		}
		n++
		key := strconv.FormatInt(st.ID, 10)
		if !r.PostForm.Has("status-" + key) {
			continue // added since the page was shown
		}
		p := postedRow{r.PostFormValue("owner-" + key), r.PostFormValue("due-" + key), r.PostFormValue("status-" + key)}
		save.rows[st.ID] = p
		e, err := stepInput{Owner: &p.owner, Due: &p.due, Status: &p.status}.edit()
		if err != nil {
			save.errs = append(save.errs, fmt.Sprintf("Step %d (“%s”): %s", n, st.Title, asError(err).Message))
			continue
		}
		ids = append(ids, st.ID)
		edits[st.ID] = e
	}
	if len(save.errs) > 0 {
		return s.renderPlanWith(w, r, a, http.StatusBadRequest, "", nil, save)
	}
	for _, id := range ids {
		if _, err := s.editStep(ctx, id, edits[id]); err != nil {
			return err
		}
	}
	if target != nil {
		cur, err := s.db.PlanStep(ctx, target.ID) // its priority may have changed above
		if err != nil {
			return err
		}
		in, err := s.stepAction(ctx, cur, verb)
		if err != nil {
			return err
		}
		e, err := in.edit()
		if err == nil {
			_, err = s.editStep(ctx, cur.ID, e)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, fmt.Sprintf("/assessments/%d/plan?flash=saved#step-%d", a.ID, cur.ID), http.StatusSeeOther)
		return nil
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d/plan", a.ID), "saved")
}

// planAction reads the action of the plan form: "save" (or none), or a
// row's button written verb-ID, of a step of this plan.
func planAction(action string, steps []cxm.PlanStep) (string, *cxm.PlanStep, error) {
	if action == "" || action == "save" {
		return "save", nil, nil
	}
	verb, idText, _ := strings.Cut(action, "-")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || (verb != "up" && verb != "down" && verb != "drop" && verb != "restore") {
		return "", nil, badField("action", "unknown action %q", action)
	}
	for i := range steps {
		if steps[i].ID == id {
			return verb, &steps[i], nil
		}
	}
	return "", nil, badField("action", "step %d is not in this plan", id)
}
