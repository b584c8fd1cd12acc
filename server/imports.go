package server

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/responses"
	"github.com/cxmhq/cxm/score"
)

// Importing answers collected elsewhere (a paper round, another tool): a
// response file in the spec's format (scoring.md §2) into an open
// assessment, all or nothing. The rows are stored like submitted responses
// and the import leaves one audit line, "N responses imported by X at T",
// that says nothing of which rows came from the file (docs/operations.md,
// threat model).

// Limits of one import: the body, and the rows (a paper round is at most a
// few hundred; a larger file is better split than held in one transaction).
const (
	importLimit   = 4 << 20
	MaxImportRows = 5000
)

// importError is one problem of a file, where it is.
type importError struct {
	Line    int    `json:"line"`
	Column  int    `json:"column"`
	Message string `json:"message"`
}

// errImport is a file's problems as a 400 whose details list each.
func errImport(list cxm.ErrorList) *Error {
	details := make([]importError, len(list))
	msgs := make([]string, len(list))
	for i, e := range list {
		details[i] = importError{e.Line, e.Column, e.Msg}
		msgs[i] = e.Msg
	}
	return &Error{Status: http.StatusBadRequest, Field: "file", Details: details,
		Message: fmt.Sprintf("the file is not imported (nothing was stored): %d problem(s): %s", len(list), strings.Join(msgs, "; "))}
}

// readImport reads a response file for assessment a of framework f. The
// attribute columns must be attributes of a (closed lists; names compared
// without case) and their values in the lists, compared without case and
// stored in the list's spelling, as the survey does; a row must answer at
// least one statement. Every problem is returned, as a cxm.ErrorList.
func readImport(f *cxm.Framework, a cxm.Assessment, name string, body io.Reader) ([]cxm.StoredResponse, error) {
	rd, err := responses.NewReader(name, body, f)
	if err != nil {
		return nil, semicolonHint(err, name, f)
	}
	attrs, err := importAttributes(rd, a)
	if err != nil {
		return nil, err
	}
	rd.SetCheck(func(r score.Response, report func(int, string)) {
		for i, at := range attrs {
			v, err := attributeValue(at, r.Attrs[i])
			if err != nil {
				report(i, err.(*Error).Message)
			}
			r.Attrs[i] = v
		}
		for _, v := range r.Answers {
			if v != score.NoAnswer {
				return
			}
		}
		report(-1, "answers no statement: leave out a response that answers nothing")
	})
	var out []cxm.StoredResponse
	err = rd.Each(func(r score.Response) error {
		if len(out) == MaxImportRows {
			return nil // counted by rd.Rows, refused below
		}
		sr := cxm.StoredResponse{Attributes: map[string]string{}, Answers: append([]int(nil), r.Answers...)}
		for i, v := range r.Attrs {
			if v != "" {
				sr.Attributes[attrs[i].Name] = v
			}
		}
		out = append(out, sr)
		return nil
	})
	if err != nil {
		return nil, err
	}
	switch {
	case rd.Rows() == 0:
		return nil, cxm.ErrorList{{File: name, Line: 2, Column: 1, Msg: "the file has a header but no responses"}}
	case rd.Rows() > MaxImportRows:
		return nil, cxm.ErrorList{{File: name, Line: MaxImportRows + 2, Column: 1,
			Msg: fmt.Sprintf("the file has %d responses: import at most %d at a time (split the file)", rd.Rows(), MaxImportRows)}}
	}
	return out, nil
}

// semicolonHint adds a hint when no statement has a column: the file is
// most likely separated by semicolons or tabs (a spreadsheet saved in many
// European locales), or made for another framework.
func semicolonHint(err error, name string, f *cxm.Framework) error {
	var list cxm.ErrorList
	if !errors.As(err, &list) || len(list) == 0 || !strings.Contains(list[0].Msg, fmt.Sprintf("no column for %d item(s)", f.NumItems())) {
		return err
	}
	return append(list, cxm.Error{File: name, Line: 1, Column: 1,
		Msg: fmt.Sprintf("no statement of %s has a column: save the file as CSV separated by commas (not semicolons or tabs), with the statement ids of this framework in the first row", f.ID)})
}

// importAttributes matches the file's attribute columns with a's closed
// lists, in the file's order.
func importAttributes(rd *responses.Reader, a cxm.Assessment) ([]cxm.Attribute, error) {
	var out []cxm.Attribute
	var errs cxm.ErrorList
	seen := map[string]string{} // question → the column naming it
	for i, name := range rd.Attributes() {
		var found *cxm.Attribute
		for j := range a.Attributes {
			if strings.EqualFold(a.Attributes[j].Name, name) {
				found = &a.Attributes[j]
			}
		}
		switch {
		case found == nil:
			known := []string{responses.RespondentColumn}
			for _, at := range cxm.ClosedAttributes(a.Attributes) {
				known = append(known, at.Name)
			}
			errs = append(errs, rd.HeaderError(i, fmt.Sprintf("column %q is neither a statement of the framework nor a question of this assessment (%s)",
				clip(name), strings.Join(known, ", "))))
		case seen[found.Name] != "":
			errs = append(errs, rd.HeaderError(i, fmt.Sprintf("columns %q and %q both name the question %s: keep one", seen[found.Name], clip(name), found.Name)))
		case len(found.Values) == 0:
			errs = append(errs, rd.HeaderError(i, fmt.Sprintf("column %q was a free-text question: it takes no answers now that questions are closed lists; remove the column", found.Name)))
		default:
			seen[found.Name] = name
			out = append(out, *found)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

// importResponses reads and stores a file into the request's assessment
// and returns how many responses it held.
func (s *Server) importResponses(r *http.Request, name string, body io.Reader) (int, error) {
	a, err := s.assessment(r)
	if err != nil {
		return 0, err
	}
	if a.Status != cxm.StatusOpen {
		return 0, errorf(http.StatusConflict, "the assessment is closed: responses are imported into an open assessment")
	}
	f, err := s.framework(r.Context(), a.FrameworkID, a.FrameworkVersion)
	if err != nil {
		return 0, err
	}
	rs, err := readImport(f, a, name, body)
	var list cxm.ErrorList
	if errors.As(err, &list) {
		return 0, errImport(list)
	} else if err != nil {
		return 0, err
	}
	by := principalFrom(r.Context()).user.Email
	if err := s.db.ImportResponses(r.Context(), a.ID, rs, by, s.cfg.Now()); err != nil {
		return 0, err
	}
	return len(rs), nil
}

// apiImportResponses: POST /api/v1/assessments/{id}/responses, a CSV body
// (text/csv) → 201 {"imported": N}, or 400 with every problem in details.
func (s *Server) apiImportResponses(w http.ResponseWriter, r *http.Request) error {
	if mt := mediaType(r); mt != "text/csv" {
		return errorf(http.StatusUnsupportedMediaType, "send the responses as text/csv (scoring.md §2), not %s", mt)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return err // too large: asError says so
	}
	n, err := s.importResponses(r, "responses.csv", bytes.NewReader(body))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]int{"imported": n})
	return nil
}

// importForm: POST /assessments/{id}/responses, the dashboard's upload.
// Problems are listed on a page of their own; success returns to the
// dashboard, whose audit lines say how many were imported.
func (s *Server) importForm(w http.ResponseWriter, r *http.Request) error {
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return s.renderImportErrors(w, r, http.StatusBadRequest, "Choose a CSV file of responses to import.", nil)
	}
	defer file.Close()
	if _, err := s.importResponses(r, hdr.Filename, file); err != nil {
		var e *Error
		if errors.As(err, &e) && e.Status < 500 {
			details, _ := e.Details.([]importError)
			return s.renderImportErrors(w, r, e.Status, e.Message, details)
		}
		return err
	}
	return redirect(w, r, "/assessments/"+r.PathValue("id"), "imported")
}

type importErrorsView struct {
	ID, Name string
	Message  string
	Errors   []importError
}

func (s *Server) renderImportErrors(w http.ResponseWriter, r *http.Request, status int, msg string, details []importError) error {
	if details != nil {
		msg = fmt.Sprintf("The file is not imported: nothing was stored. Fix the %d problem(s) below and upload it again.", len(details))
	}
	v := importErrorsView{ID: r.PathValue("id"), Name: "the assessment", Message: msg, Errors: details}
	if a, err := s.assessment(r); err == nil {
		v.Name = a.Name
	}
	return s.render(w, r, status, "import.html", "Import not done", v)
}

// mediaType is the request's content type without parameters.
func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}
