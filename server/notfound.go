package server

import (
	"io/fs"
	"net/http"
	"strings"
)

// unknownPath answers the requests no route takes (GET /nowhere, POST
// /assessments/1): Go's plain "404 page not found" would leave the site's
// look and, under /api/, its JSON. A path that exists for another method
// gets 405 with Allow, as the mux would say.
func (s *Server) unknownPath(mux *http.ServeMux) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
			if m == r.Method {
				continue
			}
			c := r.Clone(r.Context())
			c.Method = m
			if _, p := mux.Handler(c); p != "" && p != "/" {
				allow = append(allow, m)
			}
		}
		api := strings.HasPrefix(r.URL.Path, "/api/")
		e := errorf(http.StatusNotFound, "not found")
		if api {
			e.Message = "no such endpoint: " + r.Method + " " + r.URL.Path + " (the endpoints are listed in /api/v1/openapi.json)"
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			e = errorf(http.StatusMethodNotAllowed, "%s is not accepted at this address; it takes %s", r.Method, strings.Join(allow, ", "))
		}
		if api {
			writeError(w, e)
			return
		}
		// The page keeps the menu of whoever is logged in.
		if p, err := s.authenticate(r); err == nil {
			r = r.WithContext(withPrincipal(r.Context(), p))
		}
		s.renderError(w, r, e)
	})
}

// staticOrNotFound serves the files under /static/ and answers anything
// else there (a missing file, a folder, which the file server would list)
// as an unknown path.
func (s *Server) staticOrNotFound(mux *http.ServeMux) http.Handler {
	sub, _ := fs.Sub(staticFS, "static")
	files, missing := staticFiles(), s.unknownPath(mux)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		st, err := fs.Stat(sub, strings.TrimPrefix(r.URL.Path, "/static/"))
		if err != nil || st.IsDir() {
			missing.ServeHTTP(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
