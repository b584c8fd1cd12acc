package server

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/respond"
)

// Error is a failure with the HTTP status and, for bad input, the field at
// fault. API handlers return it; it is written as {"error", "field"}.
type Error struct {
	Status  int
	Message string
	Field   string
	Details any // extra JSON, e.g. a framework's lint errors
	// RetryAfter, in seconds, is sent as the Retry-After header (429, 503).
	RetryAfter string
	// Localized: Message is in the respondent's language (package respond).
	Localized bool
}

func (e *Error) Error() string { return e.Message }

func errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

func badField(field, format string, args ...any) *Error {
	return &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(format, args...), Field: field}
}

// asError maps storage errors to statuses; anything unknown is a 500 whose
// cause is logged, never shown.
func asError(err error) *Error {
	var e *Error
	var local *respond.Error
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &local):
		return &Error{Status: local.Status, Message: local.Message, Localized: true}
	case errors.As(err, &tooLarge):
		return errorf(http.StatusRequestEntityTooLarge, "the request body is larger than the %s this address accepts", byteSize(tooLarge.Limit))
	case errors.Is(err, cxm.ErrNotFound):
		return errorf(http.StatusNotFound, "not found")
	case errors.Is(err, cxm.ErrClosed):
		return errorf(http.StatusConflict, "the assessment is closed")
	case errors.Is(err, cxm.ErrConflict):
		return errorf(http.StatusConflict, "conflict: it already exists or was already used")
	}
	return &Error{Status: http.StatusInternalServerError, Message: "internal error"}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, e *Error) {
	body := map[string]any{"error": e.Message}
	if e.Field != "" {
		body["field"] = e.Field
	}
	if e.Details != nil {
		body["details"] = e.Details
	}
	writeJSON(w, e.Status, body)
}
