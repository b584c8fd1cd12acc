package server

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/score"
	"github.com/cxmhq/cxm/store"
)

type assessmentsView struct {
	Assessments   []assessmentRow
	Archived      bool // the list shows the archived assessments
	ArchivedCount int  // how many are archived (the other list's size)
	Frameworks    []frameworkChoice
	Organizations []cxm.Organization
	Error         string
	Form          map[string]string
}

type frameworkChoice struct {
	Value, Label string
}

func (s *Server) assessmentsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderAssessments(w, r, http.StatusOK, "", nil)
}

func (s *Server) renderAssessments(w http.ResponseWriter, r *http.Request, status int, msg string, form map[string]string) error {
	ctx := r.Context()
	list, err := s.db.ListAssessments(ctx, 0)
	if err != nil {
		return err
	}
	fws, err := s.db.ListFrameworks(ctx)
	if err != nil {
		return err
	}
	orgs, err := s.db.ListOrganizations(ctx)
	if err != nil {
		return err
	}
	if form == nil {
		form = map[string]string{"open_question": DefaultOpenQuestion}
	}
	v := assessmentsView{Organizations: orgs, Error: msg, Form: form, Archived: r.URL.Query().Get("show") == "archived"}
	v.Assessments, v.ArchivedCount = assessmentRows(list, orgs, v.Archived)
	for _, f := range fws {
		v.Frameworks = append(v.Frameworks, frameworkChoice{Value: fmt.Sprintf("%s@%d", f.ID, f.Version), Label: fmt.Sprintf("%s (%s, version %d)", f.Name, f.ID, f.Version)})
	}
	return s.render(w, r, status, "assessments.html", "Assessments", v)
}

// createAssessmentForm takes the new-assessment form: attributes are one per
// line, "name: value, value, …" (attributes.go).
func (s *Server) createAssessmentForm(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{}
	for _, k := range []string{"name", "framework", "attributes", "min_group", "organization", "open_question"} {
		form[k] = r.PostFormValue(k)
	}
	fail := func(err error) error {
		var e *Error
		if errors.As(err, &e) && e.Status < 500 {
			return s.renderAssessments(w, r, e.Status, e.Message, form)
		}
		return err
	}
	q := form["open_question"]
	in := assessmentInput{Name: form["name"], OpenQuestion: &q}
	fw, ver, _ := strings.Cut(form["framework"], "@")
	in.Framework = fw
	in.FrameworkVersion, _ = strconv.Atoi(ver)
	in.MinGroup, _ = strconv.Atoi(form["min_group"])
	in.Organization, _ = strconv.ParseInt(form["organization"], 10, 64)
	attrs := &attributesInput{syn: lineSyntax}
	attrs.list, attrs.pos = parseAttributeLines(form["attributes"], &attrs.p)
	a, err := s.newAssessment(r.Context(), in, attrs)
	if err != nil {
		return fail(err)
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "created")
}

func (s *Server) closeForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.setStatus(r, cxm.StatusClosed)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "closed")
}

func (s *Server) reopenForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.setStatus(r, cxm.StatusOpen)
	if err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "reopened")
}

type frameworksView struct {
	Frameworks []frameworkRow
	Choices    []builtinChoice // the built-ins, with when to use each
	Error      string
}

type frameworkRow struct {
	ID, Name string
	Version  int
	Builtin  bool
}

func (s *Server) frameworksPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderFrameworks(w, r, http.StatusOK, "")
}

func (s *Server) renderFrameworks(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	list, err := s.db.ListFrameworks(r.Context())
	if err != nil {
		return err
	}
	v := frameworksView{Error: msg}
	for _, f := range list {
		v.Frameworks = append(v.Frameworks, frameworkRow{f.ID, f.Name, f.Version, f.Builtin})
	}
	v.Choices = frameworkChoices(v.Frameworks)
	return s.render(w, r, status, "frameworks.html", "Frameworks", v)
}

func (s *Server) uploadFrameworkForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseMultipartForm(framework.MaxSize + 1<<20); err != nil {
		return errorf(http.StatusBadRequest, "unreadable form: %v", err)
	}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.renderFrameworks(w, r, http.StatusBadRequest, "Choose a framework file (YAML) to upload.")
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, framework.MaxSize+1))
	if err != nil {
		return err
	}
	f, _, err := s.saveFramework(r.Context(), hdr.Filename, data)
	if err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status < 500 {
			return s.renderFrameworks(w, r, e.Status, e.Message)
		}
		return err
	}
	flash := "uploaded"
	if len(frameworkWarnings(data)) > 0 {
		flash = "uploaded-untranslated"
	}
	return redirect(w, r, fmt.Sprintf("/frameworks/%s/%d", f.ID, f.Version), flash)
}

func (s *Server) frameworkPage(w http.ResponseWriter, r *http.Request) error {
	v, err := strconv.Atoi(r.PathValue("version"))
	if err != nil {
		return errorf(http.StatusNotFound, "not found")
	}
	f, err := s.framework(r.Context(), r.PathValue("id"), v)
	if err != nil {
		return err
	}
	return s.render(w, r, http.StatusOK, "framework.html", f.Name, f)
}

type organizationsView struct {
	Organizations []cxm.Organization
	Error         string
	Industries    []string
	Sizes         []string
}

func (s *Server) organizationsPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderOrganizations(w, r, http.StatusOK, "")
}

func (s *Server) renderOrganizations(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	list, err := s.db.ListOrganizations(r.Context())
	if err != nil {
		return err
	}
	return s.render(w, r, status, "organizations.html", "Organizations", organizationsView{list, msg, cxm.Industries, cxm.Sizes})
}

func (s *Server) createOrganizationForm(w http.ResponseWriter, r *http.Request) error {
	o, err := organizationInput{Name: r.PostFormValue("name"), Industry: r.PostFormValue("industry"), Size: r.PostFormValue("size")}.validate()
	if err != nil {
		return s.renderOrganizations(w, r, http.StatusBadRequest, err.Error())
	}
	if _, err := s.db.CreateOrganization(r.Context(), o); err != nil {
		return err
	}
	return redirect(w, r, "/organizations", "created")
}

type usersView struct {
	Users     []cxm.User
	Error     string
	Email     string
	ErrorUser int64       // the user whose row's change was refused (Error)
	Reset     *resetShown // a reset link just made, shown this once
	Roles     []cxm.Role
	Me        int64
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderUsers(w, r, http.StatusOK, "", "")
}

func (s *Server) renderUsers(w http.ResponseWriter, r *http.Request, status int, msg, email string) error {
	return s.renderUsersView(w, r, status, usersView{Error: msg, Email: email})
}

func (s *Server) renderUsersView(w http.ResponseWriter, r *http.Request, status int, v usersView) error {
	list, err := s.db.ListUsers(r.Context())
	if err != nil {
		return err
	}
	v.Users, v.Roles, v.Me = list, []cxm.Role{cxm.RoleAdmin, cxm.RoleFacilitator, cxm.RoleViewer}, principalFrom(r.Context()).user.ID
	return s.render(w, r, status, "users.html", "Users", v)
}

func (s *Server) createUserForm(w http.ResponseWriter, r *http.Request) error {
	email := r.PostFormValue("email")
	_, err := s.createUser(r.Context(), email, cxm.Role(r.PostFormValue("role")), r.PostFormValue("password"))
	var e *Error
	if errors.As(err, &e) && e.Status < 500 {
		return s.renderUsers(w, r, e.Status, e.Message, email)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/users", "user-created")
}

// dashboardView is the results page of an assessment.
type dashboardView struct {
	A       cxm.Assessment
	F       *cxm.Framework
	R       *score.Result
	Verdict []string
	Rows    []competencyRow
	// How certain the verdict is (scoring.md 4.10): the weakest compared
	// with each other competency, the overall stage's range and what each
	// questionable alpha means, in words.
	Comparisons  []string
	OverallRange string
	AlphaNotes   []string
	Breakdown    []breakdown
	Waves        waveInfo        // the assessment's series, for the links to the plan, progress and next wave
	Charts       dashboardCharts // for screens and print
	Narrow       dashboardCharts // for phones
	Mail         mailView        // sealed invitations: configured, and their state
	Welcome      string          // shown at the top of the survey
	Imports      []store.ResponseImport
	// Without a release: participation only, and when figures will appear.
	P           score.Participation
	ByAttribute []participationRows
	Waiting     []string
	// The open question and, once released, its comments (comments.go).
	Question string
	Comments commentsJSON
}

type participationRows struct {
	Attribute string
	Values    []score.ValueCount
}

type competencyRow struct {
	Name, Stage, Agreement string
	StageRange             string // "between Explore and Mobilize", or empty within one stage
	Alpha                  string // alpha in a word (score.AlphaWord)
	C                      score.Competency
	Weakest                bool
}

type breakdown struct {
	Attribute     string
	Suppressed    int
	Groups        []score.Group
	Gaps          []score.Gap
	Heatmap       template.HTML
	HeatmapNarrow template.HTML
}
