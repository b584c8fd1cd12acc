package server

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// Editing organizations and assessments: rename, industry and size,
// archive, delete.

// conflict is a 409 in the words of a storage refusal ("conflict: close
// the assessment first" says "close the assessment first").
func conflict(err error) error {
	if errors.Is(err, cxm.ErrConflict) && err.Error() != cxm.ErrConflict.Error() {
		return errorf(http.StatusConflict, "%s", strings.TrimPrefix(err.Error(), cxm.ErrConflict.Error()+": "))
	}
	return err
}

// organization checks an organization's fields. Industry and size are
// spelled as cxm.Industries and cxm.Sizes spell them when they are one of
// those in another case: benchmarks match them exactly.
func (in organizationInput) organization() (cxm.Organization, error) {
	o := cxm.Organization{Name: strings.Join(strings.Fields(in.Name), " "),
		Industry: cxm.CanonicalIndustry(in.Industry), Size: cxm.CanonicalSize(in.Size)}
	switch {
	case o.Name == "":
		return o, badField("name", "an organization needs a name")
	case utf8.RuneCountInString(o.Name) > cxm.MaxOrganizationName:
		return o, badField("name", "the name has %d characters; at most %d", utf8.RuneCountInString(o.Name), cxm.MaxOrganizationName)
	case utf8.RuneCountInString(o.Industry) > cxm.MaxIndustry:
		return o, badField("industry", "the industry has %d characters; at most %d", utf8.RuneCountInString(o.Industry), cxm.MaxIndustry)
	case utf8.RuneCountInString(o.Size) > cxm.MaxSize:
		return o, badField("size", "the size has %d characters; at most %d", utf8.RuneCountInString(o.Size), cxm.MaxSize)
	}
	return o, nil
}

// organizationPatch is the body of PATCH /api/v1/organizations/{id}: the
// fields given change, the others stay.
type organizationPatch struct {
	Name     *string `json:"name"`
	Industry *string `json:"industry"`
	Size     *string `json:"size"`
}

// apiEditOrganization: PATCH /api/v1/organizations/{id}.
func (s *Server) apiEditOrganization(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	var p organizationPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	if p.Name == nil && p.Industry == nil && p.Size == nil {
		return errorf(http.StatusBadRequest, "nothing to change: send name, industry or size")
	}
	o, err := s.db.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	in := organizationInput{Name: o.Name, Industry: o.Industry, Size: o.Size}
	if p.Name != nil {
		in.Name = *p.Name
	}
	if p.Industry != nil {
		in.Industry = *p.Industry
	}
	if p.Size != nil {
		in.Size = *p.Size
	}
	o2, err := in.organization()
	if err != nil {
		return err
	}
	o2.ID, o2.CreatedAt = o.ID, o.CreatedAt
	if err := s.db.UpdateOrganization(r.Context(), o2); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, o2)
	return nil
}

// organizationView is the page of one organization, with its form.
type organizationView struct {
	O          cxm.Organization
	Industries []string
	Sizes      []string
	Error      string
}

// organizationPage: GET /organizations/{id}.
func (s *Server) organizationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	o, err := s.db.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	return s.renderOrganization(w, r, http.StatusOK, o, "")
}

func (s *Server) renderOrganization(w http.ResponseWriter, r *http.Request, status int, o cxm.Organization, msg string) error {
	v := organizationView{O: o, Industries: cxm.Industries, Sizes: cxm.Sizes, Error: msg}
	return s.render(w, r, status, "organization.html", o.Name, v)
}

// editOrganizationForm: POST /organizations/{id}.
func (s *Server) editOrganizationForm(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	old, err := s.db.Organization(r.Context(), id)
	if err != nil {
		return err
	}
	in := organizationInput{Name: r.PostFormValue("name"), Industry: r.PostFormValue("industry"), Size: r.PostFormValue("size")}
	o, err := in.organization()
	o.ID, o.CreatedAt = old.ID, old.CreatedAt
	if err != nil {
		return s.renderOrganization(w, r, http.StatusBadRequest, o, err.Error())
	}
	if err := s.db.UpdateOrganization(r.Context(), o); err != nil {
		return err
	}
	return redirect(w, r, "/organizations", "saved")
}

// assessmentName checks an assessment's new name.
func assessmentName(name string) (string, error) {
	name = strings.Join(strings.Fields(name), " ")
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return "", badField("name", "an assessment needs a name of at most 200 characters")
	}
	return name, nil
}

// assessmentPatch is the body of PATCH /api/v1/assessments/{id}.
type assessmentPatch struct {
	Name     *string `json:"name"`
	Archived *bool   `json:"archived"`
}

// apiEditAssessment: PATCH /api/v1/assessments/{id}: rename, archive or
// unarchive.
func (s *Server) apiEditAssessment(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var p assessmentPatch
	if err := decode(r, &p); err != nil {
		return err
	}
	if p.Name == nil && p.Archived == nil {
		return errorf(http.StatusBadRequest, "nothing to change: send name or archived")
	}
	var name string
	if p.Name != nil {
		if name, err = assessmentName(*p.Name); err != nil {
			return err
		}
	}
	// The archive state first: it is the change that can be refused.
	if p.Archived != nil {
		if err := s.db.SetArchived(r.Context(), a.ID, *p.Archived, s.cfg.Now().UTC()); err != nil {
			return conflict(err)
		}
	}
	if p.Name != nil {
		if err := s.db.RenameAssessment(r.Context(), a.ID, name); err != nil {
			return err
		}
	}
	if a, err = s.db.Assessment(r.Context(), a.ID); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, assessmentJSON(a))
	return nil
}

// apiDeleteAssessment: DELETE /api/v1/assessments/{id}.
func (s *Server) apiDeleteAssessment(w http.ResponseWriter, r *http.Request) error {
	id, err := pathID(r)
	if err != nil {
		return err
	}
	if err := s.db.DeleteAssessment(r.Context(), id); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// settingsView is the page that renames, archives and deletes an
// assessment.
type settingsView struct {
	A        cxm.Assessment
	Name     string // the name field as typed
	Error    string // the rename form's
	Confirm  string // the delete form's typed name
	DelError string
}

// assessmentSettingsPage: GET /assessments/{id}/settings.
func (s *Server) assessmentSettingsPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	return s.renderSettings(w, r, http.StatusOK, settingsView{A: a, Name: a.Name})
}

func (s *Server) renderSettings(w http.ResponseWriter, r *http.Request, status int, v settingsView) error {
	return s.render(w, r, status, "settings.html", "Settings · "+v.A.Name, v)
}

// renameForm: POST /assessments/{id}/rename.
func (s *Server) renameForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	name, err := assessmentName(r.PostFormValue("name"))
	if err != nil {
		return s.renderSettings(w, r, http.StatusBadRequest, settingsView{A: a, Name: r.PostFormValue("name"), Error: err.Error()})
	}
	if err := s.db.RenameAssessment(r.Context(), a.ID, name); err != nil {
		return err
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d/settings", a.ID), "saved")
}

// archiveForm: POST /assessments/{id}/archive, archived=true or false.
func (s *Server) archiveForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	var archive bool
	switch r.PostFormValue("archived") {
	case "true":
		archive = true
	case "false":
	default:
		return errorf(http.StatusBadRequest, "archived must be true or false")
	}
	if err := s.db.SetArchived(r.Context(), a.ID, archive, s.cfg.Now().UTC()); err != nil {
		if errors.Is(err, store.ErrArchiveOpen) {
			return s.renderSettings(w, r, http.StatusConflict, settingsView{A: a, Name: a.Name, Error: "Close the assessment before archiving it: an open one still takes responses."})
		}
		return err
	}
	if archive {
		return redirect(w, r, "/assessments", "archived")
	}
	return redirect(w, r, fmt.Sprintf("/assessments/%d", a.ID), "unarchived")
}

// deleteForm: POST /assessments/{id}/delete. The assessment's name, typed
// again, confirms it.
func (s *Server) deleteForm(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	typed := r.PostFormValue("confirm")
	if strings.Join(strings.Fields(typed), " ") != a.Name {
		msg := fmt.Sprintf("To delete it, type the assessment's name exactly: “%s”.", a.Name)
		return s.renderSettings(w, r, http.StatusBadRequest, settingsView{A: a, Name: a.Name, Confirm: typed, DelError: msg})
	}
	if err := s.db.DeleteAssessment(r.Context(), a.ID); err != nil {
		return err
	}
	return redirect(w, r, "/assessments", "deleted")
}

// assessmentRow is a line of the assessments list.
type assessmentRow struct {
	A            cxm.Assessment
	Organization string
	Status       string // open, closed, released or archived
}

// assessmentRows are the list's lines, the archived assessments or the
// others, with their organization's name; and how many are archived.
func assessmentRows(list []cxm.Assessment, orgs []cxm.Organization, archived bool) ([]assessmentRow, int) {
	names := map[int64]string{}
	for _, o := range orgs {
		names[o.ID] = o.Name
	}
	var rows []assessmentRow
	n := 0
	for _, a := range list {
		if a.ArchivedAt != nil {
			n++
		}
		if (a.ArchivedAt != nil) != archived {
			continue
		}
		rows = append(rows, assessmentRow{A: a, Organization: names[a.OrganizationID], Status: assessmentStatusWord(a)})
	}
	return rows, n
}

// assessmentStatusWord is where an assessment stands, in one word.
func assessmentStatusWord(a cxm.Assessment) string {
	switch {
	case a.ArchivedAt != nil:
		return "archived"
	case a.Released:
		return "released"
	}
	return string(a.Status)
}
