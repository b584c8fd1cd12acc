package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/mail"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
	"github.com/cxmhq/cxm/score"
)

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2e9)
	defer cancel()
	if err := s.db.Ping(ctx); err != nil {
		s.log.Warn("health check failed", "err", err)
		return errorf(http.StatusServiceUnavailable, "database unavailable")
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "database": s.db.Engine()})
	return nil
}

// decode reads a JSON body strictly: unknown fields are errors that name
// the field, so typos do not pass silently.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, _ := mime.ParseMediaType(ct); mt != "application/json" {
			return errorf(http.StatusUnsupportedMediaType, "send application/json, not %s", mt)
		}
	}
	body, err := io.ReadAll(r.Body)
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return errorf(http.StatusRequestEntityTooLarge, "the body is larger than the %s this address accepts", byteSize(mbe.Limit))
	} else if err != nil {
		return errorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	if err := checkJSONBody(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &te):
			return badField(te.Field, "%s must be %s, not a JSON %s", te.Field, typeWords(te.Type.Kind()), te.Value)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			f := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return badField(f, "unknown field %q", f)
		case err == io.EOF:
			return errorf(http.StatusBadRequest, "empty body: send a JSON object")
		}
		return errorf(http.StatusBadRequest, "invalid JSON: %v", err)
	}
	if dec.More() {
		return errorf(http.StatusBadRequest, "invalid JSON: more than one value")
	}
	return nil
}

// typeWords names a JSON value's expected type for people.
func typeWords(k reflect.Kind) string {
	switch k {
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "a whole number"
	case reflect.String:
		return "a string"
	case reflect.Slice:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	case reflect.Bool:
		return "true or false"
	}
	return "a " + k.String()
}

func pathID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errorf(http.StatusNotFound, "not found")
	}
	return id, nil
}

func (s *Server) apiCreateFramework(w http.ResponseWriter, r *http.Request) error {
	data, err := io.ReadAll(io.LimitReader(r.Body, framework.MaxSize+1))
	if err != nil {
		return errorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	f, id, err := s.saveFramework(r.Context(), "upload.yaml", data)
	if err != nil {
		return err
	}
	out := map[string]any{"id": id, "version": f.Version}
	if warns := frameworkWarnings(data); len(warns) > 0 {
		out["warnings"] = warns
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

// frameworkWarnings lists what a stored framework's lint warns about (a
// translation some texts lack), positioned like its errors.
func frameworkWarnings(data []byte) []map[string]any {
	_, warns, _ := framework.Lint("upload.yaml", data)
	var out []map[string]any
	for _, w := range warns {
		out = append(out, map[string]any{"line": w.Line, "column": w.Column, "message": w.Msg})
	}
	return out
}

// saveFramework validates and stores an uploaded framework. A changed file
// under an existing version is refused: assessments pin versions.
func (s *Server) saveFramework(ctx context.Context, name string, data []byte) (*cxm.Framework, string, error) {
	f, err := framework.Parse(name, data)
	if err != nil {
		var list cxm.ErrorList
		if errors.As(err, &list) {
			type lintError struct {
				Line    int    `json:"line"`
				Column  int    `json:"column"`
				Message string `json:"message"`
			}
			details := []lintError{}
			msgs := []string{}
			for _, e := range list {
				details = append(details, lintError{e.Line, e.Column, e.Msg})
				msgs = append(msgs, fmt.Sprintf("%d:%d: %s", e.Line, e.Column, e.Msg))
			}
			return nil, "", &Error{Status: http.StatusBadRequest, Message: "invalid framework: " + strings.Join(msgs, "; "), Details: details}
		}
		return nil, "", err
	}
	if err := checkFrameworkText(f); err != nil {
		return nil, "", err
	}
	if _, ok := framework.Builtin(f.ID); ok {
		return nil, "", badField("id", "%q is the id of a built-in framework: choose another id", f.ID)
	}
	if err := s.db.SaveFramework(ctx, f.ID, f.Version, f.Name, data, false); err != nil {
		if errors.Is(err, cxm.ErrConflict) {
			return nil, "", &Error{Status: http.StatusConflict, Field: "version",
				Message: fmt.Sprintf("framework %s version %d already exists with different content: assessments pin versions, so raise the version", f.ID, f.Version)}
		}
		return nil, "", err
	}
	return f, f.ID, nil
}

func (s *Server) apiListFrameworks(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ListFrameworks(r.Context())
	if err != nil {
		return err
	}
	type entry struct {
		ID      string `json:"id"`
		Version int    `json:"version"`
		Name    string `json:"name"`
		Builtin bool   `json:"builtin"`
	}
	out := []entry{}
	for _, f := range list {
		out = append(out, entry{f.ID, f.Version, f.Name, f.Builtin})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type organizationInput struct {
	Name     string `json:"name"`
	Industry string `json:"industry"`
	Size     string `json:"size"`
}

func (in organizationInput) validate() (cxm.Organization, error) { return in.organization() }

func (s *Server) apiCreateOrganization(w http.ResponseWriter, r *http.Request) error {
	var in organizationInput
	if err := decode(r, &in); err != nil {
		return err
	}
	o, err := in.validate()
	if err != nil {
		return err
	}
	id, err := s.db.CreateOrganization(r.Context(), o)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": id})
	return nil
}

func (s *Server) apiListOrganizations(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ListOrganizations(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []cxm.Organization{}
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

// assessmentInput is the body of POST /assessments. Attributes are
// {"name", "values"}: closed lists (attributes.go).
type assessmentInput struct {
	Name             string            `json:"name"`
	Framework        string            `json:"framework"`
	FrameworkVersion int               `json:"framework_version"`
	Organization     int64             `json:"organization"`
	Attributes       []json.RawMessage `json:"attributes"`
	MinGroup         int               `json:"min_group"`
	OpenQuestion     *string           `json:"open_question"` // nil: DefaultOpenQuestion; "": none (comments.go)
}

// attributesInput is an assessment's attributes as read from the API or
// the form, with the problems found reading them (checked once the
// framework is known) and how to name and write them in messages.
type attributesInput struct {
	list []cxm.Attribute
	pos  []int // each attribute's position: its index or line
	syn  attributeSyntax
	p    problems
}

func (s *Server) newAssessment(ctx context.Context, in assessmentInput, attrs *attributesInput) (*cxm.Assessment, error) {
	a := &cxm.Assessment{Name: strings.TrimSpace(in.Name), MinGroup: in.MinGroup, Attributes: attrs.list}
	if a.Name == "" || len(a.Name) > 200 {
		return nil, badField("name", "an assessment needs a name of at most 200 characters")
	}
	if a.MinGroup == 0 {
		a.MinGroup = score.DefaultMinGroup
	}
	if a.MinGroup < score.MinMinGroup || a.MinGroup > 1000 {
		return nil, badField("min_group", "min_group must be from %d to 1000, not %d", score.MinMinGroup, a.MinGroup)
	}
	q, err := openQuestionInput(in.OpenQuestion)
	if err != nil {
		return nil, err
	}
	a.OpenQuestion = q
	if in.Framework == "" {
		return nil, badField("framework", "name a framework id, e.g. temkin-four")
	}
	a.FrameworkID, a.FrameworkVersion = in.Framework, in.FrameworkVersion
	if a.FrameworkVersion == 0 {
		v, err := s.db.LatestFrameworkVersion(ctx, in.Framework)
		if errors.Is(err, cxm.ErrNotFound) {
			return nil, badField("framework", "no framework %q", in.Framework)
		}
		if err != nil {
			return nil, err
		}
		a.FrameworkVersion = v
	}
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	if errors.Is(err, cxm.ErrNotFound) {
		return nil, badField("framework_version", "no framework %s version %d", a.FrameworkID, a.FrameworkVersion)
	}
	if err != nil {
		return nil, err
	}
	checkAttributes(f, attrs.list, attrs.pos, attrs.syn, &attrs.p)
	if err := attrs.p.err(); err != nil {
		return nil, err
	}
	a.OrganizationID = in.Organization
	if a.OrganizationID == 0 {
		o, err := s.db.DefaultOrganization(ctx)
		if err != nil {
			return nil, err
		}
		a.OrganizationID = o.ID
	} else if _, err := s.db.Organization(ctx, a.OrganizationID); errors.Is(err, cxm.ErrNotFound) {
		return nil, badField("organization", "no organization %d", a.OrganizationID)
	} else if err != nil {
		return nil, err
	}
	id, err := s.db.CreateAssessment(ctx, a)
	if err != nil {
		return nil, err
	}
	a.ID = id
	return a, nil
}

func (s *Server) apiCreateAssessment(w http.ResponseWriter, r *http.Request) error {
	var in assessmentInput
	if err := decode(r, &in); err != nil {
		return err
	}
	attrs := &attributesInput{syn: jsonSyntax}
	attrs.list, attrs.pos = parseAttributes(in.Attributes, &attrs.p)
	a, err := s.newAssessment(r.Context(), in, attrs)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int64{"id": a.ID})
	return nil
}

// assessmentJSON is an assessment as the API shows it.
func assessmentJSON(a cxm.Assessment) map[string]any {
	return map[string]any{
		"id": a.ID, "name": a.Name, "organization": a.OrganizationID,
		"framework": map[string]any{"id": a.FrameworkID, "version": a.FrameworkVersion},
		"status":    a.Status, "responses": a.Responses, "invited": a.Invited,
		"attributes": a.Attributes, "min_group": a.MinGroup, "created_at": a.CreatedAt,
		"closed_at": a.ClosedAt, "previous": a.PreviousID,
		"released": a.Released, "archived": a.ArchivedAt != nil, "archived_at": a.ArchivedAt,
	}
}

// apiListAssessments: GET /api/v1/assessments, without the archived ones
// unless ?archived=true (only them) or ?archived=any (all).
func (s *Server) apiListAssessments(w http.ResponseWriter, r *http.Request) error {
	show := r.URL.Query().Get("archived")
	if show != "" && show != "true" && show != "false" && show != "any" {
		return badField("archived", "archived must be true, false or any, not %q", show)
	}
	list, err := s.db.ListAssessments(r.Context(), 0)
	if err != nil {
		return err
	}
	out := []map[string]any{}
	for _, a := range list {
		if show == "any" || (a.ArchivedAt != nil) == (show == "true") {
			out = append(out, assessmentJSON(a))
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) assessment(r *http.Request) (cxm.Assessment, error) {
	id, err := pathID(r)
	if err != nil {
		return cxm.Assessment{}, err
	}
	return s.db.Assessment(r.Context(), id)
}

func (s *Server) apiAssessment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	if a.OpenQuestion, err = s.db.OpenQuestion(r.Context(), a.ID); err != nil {
		return err
	}
	out := assessmentJSON(a)
	out["open_question"] = a.OpenQuestion // comments.go; "" when none
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) baseURL(r *http.Request) string {
	if s.cfg.BaseURL != "" {
		return strings.TrimRight(s.cfg.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// apiResults serves GET /api/v1/assessments/{id}/results?group_by=a,b: the
// assessment's release with the breakdowns asked for (release.go).
func (s *Server) apiResults(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	groupBy, err := parseGroupBy(r.URL.Query().Get("group_by"), a)
	if err != nil {
		return err
	}
	res, _, err := s.results(r.Context(), a, groupBy)
	if err != nil {
		return err
	}
	if res.Withheld {
		return &Error{Status: http.StatusConflict, Field: "status", Message: noReleaseWords(a)}
	}
	writeJSON(w, http.StatusOK, res)
	return nil
}

// noReleaseWords says why an assessment has no figures yet.
func noReleaseWords(a cxm.Assessment) string {
	if a.Status == cxm.StatusOpen {
		return fmt.Sprintf("no results yet: figures appear once the assessment is closed with at least %d responses "+
			"(it is open, with %d so far), so that nobody can work out the latest answers by reading results as they come in; "+
			"GET /api/v1/assessments/%d/participation shows who has answered", a.MinGroup, a.Responses, a.ID)
	}
	return fmt.Sprintf("no results: the assessment was closed with %d responses, fewer than its minimum of %d; "+
		"reopen it to take more answers", a.Responses, a.MinGroup)
}

func (s *Server) setStatus(r *http.Request, status cxm.Status) (cxm.Assessment, error) {
	a, err := s.assessment(r)
	if err != nil {
		return a, err
	}
	if status == cxm.StatusClosed {
		err = s.closeAssessment(r.Context(), a)
	} else {
		err = s.reopenAssessment(r.Context(), a)
	}
	if err != nil {
		return a, err
	}
	return s.db.Assessment(r.Context(), a.ID)
}

func (s *Server) apiClose(w http.ResponseWriter, r *http.Request) error {
	a, err := s.setStatus(r, cxm.StatusClosed)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, assessmentJSON(a))
	return nil
}

func (s *Server) apiReopen(w http.ResponseWriter, r *http.Request) error {
	a, err := s.setStatus(r, cxm.StatusOpen)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, assessmentJSON(a))
	return nil
}

// submission is a respondent's answers: attribute values and item answers
// (null or absent: not answered).
type submission struct {
	Attributes map[string]string `json:"attributes"`
	Answers    map[string]*int   `json:"answers"`
}

// invitationFor resolves an invitation token to its open assessment.
func (s *Server) invitationFor(ctx context.Context, token string) (cxm.Invitation, cxm.Assessment, *cxm.Framework, error) {
	inv, err := s.db.InvitationByToken(ctx, HashToken(token))
	if err != nil {
		return inv, cxm.Assessment{}, nil, err
	}
	a, err := s.db.AssessmentNoCounts(ctx, inv.AssessmentID) // the respondent path needs no counts, which cost a scan
	if err != nil {
		return inv, a, nil, err
	}
	if a.OpenQuestion, err = s.db.OpenQuestion(ctx, a.ID); err != nil {
		return inv, a, nil, err
	}
	f, err := s.framework(ctx, a.FrameworkID, a.FrameworkVersion)
	return inv, a, f, err
}

func (s *Server) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	inv, a, f, err := s.invitationFor(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	if inv.Used {
		return errorf(http.StatusConflict, "these answers were already submitted: an invitation can be used once")
	}
	if a.Status != cxm.StatusOpen {
		return cxm.ErrClosed
	}
	var body struct {
		Attributes map[string]string          `json:"attributes"`
		Answers    map[string]json.RawMessage `json:"answers"`
		Comment    string                     `json:"comment"` // the answer to the open question (comments.go)
	}
	if err := decode(r, &body); err != nil {
		return err
	}
	comment, err := commentInput(a.OpenQuestion, body.Comment)
	if err != nil {
		return err
	}
	// Answers are read one by one so that a wrong one is named exactly,
	// and every problem is reported at once (details), not only the first.
	in := submission{Attributes: body.Attributes, Answers: map[string]*int{}}
	var p problems
	for _, id := range slices.Sorted(maps.Keys(body.Answers)) {
		var v *int
		if err := json.Unmarshal(body.Answers[id], &v); err != nil {
			p.add("answers."+id, "the answer to %s must be a whole number or null, not %s", id, clipRaw(body.Answers[id]))
			continue
		}
		in.Answers[id] = v
	}
	resp := checkSubmission(&p, f, a, in)
	if err := p.err(); err != nil {
		return err
	}
	if err := s.db.SubmitResponse(r.Context(), inv.ID, a.ID, resp); err != nil {
		if errors.Is(err, cxm.ErrConflict) {
			return errorf(http.StatusConflict, "these answers were already submitted: an invitation can be used once")
		}
		return err
	}
	s.storeComment(r.Context(), a, comment)
	writeJSON(w, http.StatusCreated, map[string]string{"status": "submitted"})
	return nil
}

// countNoAnswers counts the statements left unanswered.
func countNoAnswers(answers []int) int {
	n := 0
	for _, v := range answers {
		if v == cxm.NoAnswer {
			n++
		}
	}
	return n
}

// validateSubmission checks every answer and attribute and returns the
// response in the framework's item order; any problem refuses all of it,
// and the error names every problem (problems, attributes.go).
func validateSubmission(f *cxm.Framework, a cxm.Assessment, in submission) (cxm.StoredResponse, error) {
	var p problems
	out := checkSubmission(&p, f, a, in)
	return out, p.err()
}

// checkSubmission adds each problem of a submission to p, in a stable
// order (answers, then attributes, each by name), and returns the
// response as far as it is valid.
func checkSubmission(p *problems, f *cxm.Framework, a cxm.Assessment, in submission) cxm.StoredResponse {
	out := cxm.StoredResponse{Attributes: map[string]string{}, Answers: make([]int, 0, f.NumItems())}
	index := map[string]bool{}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			index[it.ID] = true
		}
	}
	for _, id := range slices.Sorted(maps.Keys(in.Answers)) {
		v := in.Answers[id]
		if !index[id] {
			p.add("answers."+id, "%q is not a statement of framework %s", clip(id), f.ID)
		} else if v != nil && (*v < f.Scale.Min || *v > f.Scale.Max) {
			p.add("answers."+id, "answer %d to %s is not an integer from %d to %d", *v, id, f.Scale.Min, f.Scale.Max)
		}
	}
	for _, c := range f.Competencies {
		for _, it := range c.Items {
			if v := in.Answers[it.ID]; v != nil {
				out.Answers = append(out.Answers, *v)
			} else {
				out.Answers = append(out.Answers, cxm.NoAnswer)
			}
		}
	}
	allowed := map[string]cxm.Attribute{}
	for _, at := range a.Attributes {
		allowed[at.Name] = at
	}
	for _, name := range slices.Sorted(maps.Keys(in.Attributes)) {
		at, ok := allowed[name]
		if !ok {
			p.add("attributes."+name, "%q is not an attribute of this assessment", clip(name))
			continue
		}
		v, err := attributeValue(at, in.Attributes[name])
		if err != nil {
			e := asError(err)
			p.add(e.Field, "%s", e.Message)
			continue
		}
		out.Attributes[name] = v
	}
	if len(out.Answers) == countNoAnswers(out.Answers) {
		// An empty response would count as a respondent while adding to no
		// figure (issue 8); one answer is enough (docs/scoring.md).
		p.add("answers", "these answers answer no statement: give at least one answer from %d to %d "+
			"(a statement left out or null is not answered, and attributes alone are not a response); nothing was stored and the invitation can still be used",
			f.Scale.Min, f.Scale.Max)
	}
	return out
}

// clipRaw is a JSON value echoed in a message, shortened.
func clipRaw(raw json.RawMessage) string { return clip(string(raw)) }

func (s *Server) apiListUsers(w http.ResponseWriter, r *http.Request) error {
	list, err := s.db.ListUsers(r.Context())
	if err != nil {
		return err
	}
	if list == nil {
		list = []cxm.User{}
	}
	writeJSON(w, http.StatusOK, list)
	return nil
}

func (s *Server) apiCreateUser(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Email    string   `json:"email"`
		Role     cxm.Role `json:"role"`
		Password string   `json:"password"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	u, err := s.createUser(r.Context(), in.Email, in.Role, in.Password)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, u)
	return nil
}

// createUser validates and stores a user; shared by the API, the pages
// and the setup link.
func (s *Server) createUser(ctx context.Context, email string, role cxm.Role, password string) (cxm.User, error) {
	addr, err := mail.ParseAddress(strings.TrimSpace(email))
	if err != nil {
		return cxm.User{}, badField("email", "%q is not an email address", email)
	}
	if !role.Valid() {
		return cxm.User{}, badField("role", "role must be admin, facilitator or viewer")
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return cxm.User{}, err
	}
	u, err := s.db.CreateUser(ctx, strings.ToLower(addr.Address), role, hash)
	if errors.Is(err, cxm.ErrConflict) {
		return u, &Error{Status: http.StatusConflict, Field: "email", Message: "a user with this email exists"}
	}
	return u, err
}
