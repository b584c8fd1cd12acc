package server

import "net/http"

// routeTable is every endpoint of the application with who may use it.
// Tests walk it: the role matrix, CSRF and the OpenAPI document.
func (s *Server) routeTable() []route {
	pages := []route{
		{"GET", "/{$}", public, false, "", s.home},
		{"GET", "/login", public, false, "", s.loginPage},
		{"POST", "/login", public, false, "", s.login},
		{"POST", "/logout", anyUser, false, "", s.logout},
		{"GET", "/setup/{token}", public, false, "", s.setupPage},
		{"POST", "/setup/{token}", public, false, "", s.setup},
	}
	pages = append(pages, s.workshopRoutes()...)
	pages = append(pages, s.actionRoutes()...)
	return append(append(pages, s.apiRoutes()...), s.pageRoutes()...)
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/assessments", http.StatusSeeOther)
	return nil
}
