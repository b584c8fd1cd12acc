package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/framework"
)

// Body limits. Every route reads at most its limit of body (http.MaxBytesReader)
// and answers 413 beyond it; forms are parsed in memory within that limit,
// so a multipart body is never spooled to disk.
const (
	formLimit       = 64 << 10                      // forms and JSON bodies: login, organizations, plan steps, …
	answersLimit    = 1 << 20                       // assessment creation (attributes) and survey answers
	invitationLimit = 2 << 20                       // MaxInvitations emails, as JSON or a CSV upload
	frameworkLimit  = framework.MaxSize + formLimit // a framework file, with the form around it
)

// bodyLimit is the route's limit.
func (rt route) bodyLimit() int64 {
	if rt.limit > 0 {
		return rt.limit
	}
	return formLimit
}

// max sets a route's body limit; upload sets it and lets a page take
// multipart/form-data (file uploads), which other pages refuse.
func (rt route) max(n int64) route    { rt.limit = n; return rt }
func (rt route) upload(n int64) route { rt.limit, rt.multipart = n, true; return rt }

// byteSize is a limit in words.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// checkInput is the one place request text is checked, before any handler
// or storage sees it: the path, every query value and, for pages, every
// form value must be valid UTF-8 without NUL or other control characters
// (PostgreSQL refuses NUL in text; nobody types the others). JSON bodies
// are checked in decode. A page's form is parsed here, within its limit.
func checkInput(r *http.Request, rt route) error {
	if msg := textProblem(r.URL.Path); msg != "" {
		return errorf(http.StatusBadRequest, "the address %s", msg)
	}
	q, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		return errorf(http.StatusBadRequest, "the query string is malformed: %v", err)
	}
	if err := checkValues(q, "query parameter"); err != nil {
		return err
	}
	if rt.api || safeMethod(r.Method) {
		return nil
	}
	if err := parseForm(r, rt); err != nil {
		return err
	}
	if r.MultipartForm != nil {
		return checkValues(r.MultipartForm.Value, "form field")
	}
	return checkValues(r.PostForm, "form field")
}

// parseForm reads a page's form: URL-encoded, or multipart where the route
// takes uploads, all in memory (the body is no larger than the limit).
func parseForm(r *http.Request, rt route) error {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var err error
	if mt == "multipart/form-data" {
		if !rt.multipart {
			return errorf(http.StatusUnsupportedMediaType, "this form takes application/x-www-form-urlencoded, not multipart/form-data")
		}
		err = r.ParseMultipartForm(rt.bodyLimit())
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return errorf(http.StatusRequestEntityTooLarge, "the form is larger than the %s this page accepts", byteSize(tooLarge.Limit))
	case err != nil:
		return errorf(http.StatusBadRequest, "unreadable form: %v", err)
	}
	return nil
}

// checkValues checks every name and value; the error names the field.
func checkValues(v map[string][]string, what string) error {
	names := make([]string, 0, len(v))
	for k := range v {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if msg := textProblem(k); msg != "" {
			return badField(k, "a %s name %s", what, msg)
		}
		for _, s := range v[k] {
			if msg := textProblem(s); msg != "" {
				return badField(k, "%s %s %s", what, strconv.Quote(k), msg)
			}
		}
	}
	return nil
}

// textProblem says what makes s unacceptable as text, or "". Tabs and line
// breaks are text; NUL, other control characters and invalid UTF-8 are not.
func textProblem(s string) string {
	if !utf8.ValidString(s) {
		return fmt.Sprintf("is not valid UTF-8 text (byte %d)", invalidAt(s)+1)
	}
	n := 0
	for _, c := range s {
		n++
		switch {
		case c == 0:
			return fmt.Sprintf("contains a NUL character (character %d): remove it", n)
		case c < 0x20 && c != '\t' && c != '\n' && c != '\r', c == 0x7f:
			return fmt.Sprintf("contains the control character U+%04X (character %d): remove it", c, n)
		}
	}
	return ""
}

// invalidAt is the offset of the first byte of s that is not UTF-8.
func invalidAt(s string) int {
	for i := 0; i < len(s); {
		c, size := utf8.DecodeRuneInString(s[i:])
		if c == utf8.RuneError && size == 1 {
			return i
		}
		i += size
	}
	return len(s)
}

// checkJSON walks a decoded JSON value and returns the first string (or
// object key) that textProblem refuses, naming it by its path, e.g.
// "attributes[0].values[2]".
func checkJSON(v any, path string) error {
	switch x := v.(type) {
	case string:
		if msg := textProblem(x); msg != "" {
			return badField(path, "%s %s", path, msg)
		}
	case []any:
		for i, e := range x {
			if err := checkJSON(e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			p := k
			if path != "" {
				p = path + "." + k
			}
			if msg := textProblem(k); msg != "" {
				return badField(p, "the name %s %s", strconv.Quote(k), msg)
			}
			if err := checkJSON(x[k], p); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkJSONBody refuses a JSON body that is not UTF-8 or holds a string
// textProblem refuses. A body that is not JSON at all is left to the
// decoder's error.
func checkJSONBody(body []byte) error {
	if !utf8.Valid(body) {
		return errorf(http.StatusBadRequest, "the body is not valid UTF-8 text (byte %d)", invalidAt(string(body))+1)
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(body))
	if dec.Decode(&v) != nil {
		return nil
	}
	return checkJSON(v, "")
}

// checkFrameworkText refuses a parsed framework with a text textProblem
// refuses: YAML's "\0" escape puts a NUL in a name without one in the file.
func checkFrameworkText(f *cxm.Framework) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	if err := checkJSON(v, ""); err != nil {
		e := err.(*Error)
		e.Message = "invalid framework: " + e.Message
		return e
	}
	return nil
}
