package server

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// The facilitator's preview of the survey, and the assessment's welcome
// text shown at the top of its first page.

// previewPage: GET /assessments/{id}/preview. The respondent's pages as
// they look, marked as a preview: no token, no draft, nothing stored. The
// form comes back here by GET: its buttons only move between parts (the
// answers chosen are dropped), and "Submit" says what would happen.
func (s *Server) previewPage(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	f, err := s.framework(r.Context(), a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return err
	}
	d := cxm.Draft{Attributes: map[string]string{}, Answers: map[string]int{}}
	n := s.survey.Parts(r, f, a, d)
	q := r.URL.Query()
	i, _ := strconv.Atoi(q.Get("part"))
	i = min(max(i, 0), n-1)
	if action := q.Get("action"); action != "" {
		// A button was pressed: move, and drop the answers from the address.
		flash := ""
		switch action {
		case "back":
			i = max(i-1, 0)
		case "next":
			i = min(i+1, n-1)
		case "submit":
			flash = "preview-submitted"
		}
		return redirect(w, r, fmt.Sprintf("/assessments/%d/preview?part=%d", a.ID, i), flash)
	}
	return s.survey.Show(w, r, http.StatusOK, f, a, d, i, "")
}

// setWelcome checks and stores the welcome text of the request's assessment.
func (s *Server) setWelcome(r *http.Request, text string) (string, error) {
	a, err := s.assessment(r)
	if err != nil {
		return "", err
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if n := utf8.RuneCountInString(text); n > store.MaxWelcome {
		return "", badField("welcome", "the welcome text has %d characters: at most %d", n, store.MaxWelcome)
	}
	if err := s.db.SetWelcome(r.Context(), a.ID, text); err != nil {
		return "", err
	}
	return text, nil
}

// welcomeForm: POST /assessments/{id}/welcome (the dashboard's form).
func (s *Server) welcomeForm(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.setWelcome(r, r.PostFormValue("welcome")); err != nil {
		return err
	}
	return redirect(w, r, "/assessments/"+r.PathValue("id"), "welcome-saved")
}

// apiWelcome: GET /api/v1/assessments/{id}/welcome → {"welcome": text}.
func (s *Server) apiWelcome(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	text, err := s.db.Welcome(r.Context(), a.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"welcome": text})
	return nil
}

// apiSetWelcome: PUT /api/v1/assessments/{id}/welcome {"welcome": text};
// an empty text removes it.
func (s *Server) apiSetWelcome(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Welcome *string `json:"welcome"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	if in.Welcome == nil {
		return badField("welcome", "give the welcome text as {\"welcome\": \"…\"} (empty to remove it)")
	}
	text, err := s.setWelcome(r, *in.Welcome)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]string{"welcome": text})
	return nil
}

// apiImports: GET /api/v1/assessments/{id}/imports, the audit lines of the
// responses imported into an assessment.
func (s *Server) apiImports(w http.ResponseWriter, r *http.Request) error {
	a, err := s.assessment(r)
	if err != nil {
		return err
	}
	list, err := s.db.ResponseImports(r.Context(), a.ID)
	if err != nil {
		return err
	}
	if list == nil {
		list = []store.ResponseImport{}
	}
	writeJSON(w, http.StatusOK, map[string]any{"imports": list})
	return nil
}
