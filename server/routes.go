package server

import "net/http"

// routeTable is every endpoint of the application with who may use it, in
// one place, and the body limit of those that take more than a form
// (.max, .upload: input.go). Tests walk it: the role matrix, CSRF and the OpenAPI document.
// Access: public (anyone), respondent (the invitation token in the path),
// anyUser (viewer and up), runner (facilitator and admin), adminOnly.
func (s *Server) routeTable() []route {
	return []route{
		// Sign-in and first administrator
		page("GET", "/{$}", public, s.home),
		page("GET", "/login", public, s.loginPage),
		page("POST", "/login", public, s.login),
		page("POST", "/logout", anyUser, s.logout),
		page("GET", "/setup/{token}", public, s.setupPage),
		page("POST", "/setup/{token}", public, s.setup),

		// Pages: assessments, frameworks, organizations, users
		page("GET", "/assessments", anyUser, s.assessmentsPage),
		page("POST", "/assessments", runner, s.createAssessmentForm).max(answersLimit),
		page("GET", "/assessments/{id}", anyUser, s.dashboardPage),
		page("POST", "/assessments/{id}/invitations", runner, s.invitationsForm).upload(invitationLimit),
		page("POST", "/assessments/{id}/reminders", runner, s.remindersForm),
		page("POST", "/assessments/{id}/close", runner, s.closeForm),
		page("POST", "/assessments/{id}/reopen", runner, s.reopenForm),
		page("GET", "/assessments/{id}/preview", anyUser, s.previewPage),
		page("POST", "/assessments/{id}/welcome", runner, s.welcomeForm),
		page("POST", "/assessments/{id}/responses", runner, s.importForm).upload(importLimit),
		page("POST", "/assessments/{id}/open-question", runner, s.openQuestionForm),
		page("GET", "/frameworks", anyUser, s.frameworksPage),
		page("POST", "/frameworks", runner, s.uploadFrameworkForm).upload(frameworkLimit),
		page("GET", "/frameworks/guide", anyUser, s.frameworkGuidePage),
		page("GET", "/frameworks/{id}/{version}", anyUser, s.frameworkPage),
		page("GET", "/organizations", anyUser, s.organizationsPage),
		page("POST", "/organizations", runner, s.createOrganizationForm),
		page("GET", "/users", adminOnly, s.usersPage),
		page("POST", "/users", adminOnly, s.createUserForm),

		// Pages: editing (edit.go, accounts.go)
		page("GET", "/organizations/{id}", runner, s.organizationPage),
		page("POST", "/organizations/{id}", runner, s.editOrganizationForm),
		page("GET", "/assessments/{id}/settings", runner, s.assessmentSettingsPage),
		page("POST", "/assessments/{id}/rename", runner, s.renameForm),
		page("POST", "/assessments/{id}/archive", runner, s.archiveForm),
		page("POST", "/assessments/{id}/delete", runner, s.deleteForm),
		page("GET", "/account", anyUser, s.accountPage),
		page("POST", "/account/password", anyUser, s.passwordForm),
		page("POST", "/users/{id}", adminOnly, s.editUserForm),
		page("POST", "/users/{id}/reset-link", adminOnly, s.resetLinkForm),
		page("GET", "/reset/{token}", public, s.resetPage),
		page("POST", "/reset/{token}", public, s.reset),

		// Pages: from results to action
		page("GET", "/assessments/{id}/plan", anyUser, s.planPage),
		page("POST", "/assessments/{id}/plan/steps", runner, s.addStepForm),
		page("POST", "/assessments/{id}/plan/regenerate", runner, s.regenerateForm),
		page("POST", "/assessments/{id}/plan", runner, s.savePlanForm),
		page("POST", "/plan-steps/{id}", runner, s.editStepForm),
		page("GET", "/assessments/{id}/progress", anyUser, s.progressPage),
		page("POST", "/assessments/{id}/next-wave", runner, s.nextWaveForm),
		page("GET", "/assessments/{id}/benchmark", anyUser, s.benchmarkPage),
		page("GET", "/assessments/{id}/workshop", anyUser, s.workshopPage),
		page("POST", "/assessments/{id}/workshop/decisions", runner, s.workshopDecision),
		page("GET", "/assessments/{id}/report", anyUser, s.exportReport),
		page("GET", "/assessments/{id}/export.xlsx", anyUser, s.exportXLSX),
		page("GET", "/assessments/{id}/export/{file}", anyUser, s.exportCSV),

		// Pages: the respondent survey
		page("GET", "/r/{token}", respondent, s.survey.Page),
		page("POST", "/r/{token}", respondent, s.survey.Save).max(answersLimit),
		page("GET", "/thanks", public, s.survey.Thanks),

		// API: health and description
		api("GET", "/healthz", public, "Health: 200 when the database answers", s.healthz),
		api("GET", "/api/v1/openapi.json", public, "This API described as OpenAPI 3", s.openAPI),

		// API: frameworks, organizations, users
		api("POST", "/api/v1/frameworks", runner, "Upload a framework (YAML)", s.apiCreateFramework).max(frameworkLimit),
		api("GET", "/api/v1/frameworks", anyUser, "List frameworks, built-ins included", s.apiListFrameworks),
		api("POST", "/api/v1/organizations", runner, "Create an organization", s.apiCreateOrganization),
		api("GET", "/api/v1/organizations", anyUser, "List organizations", s.apiListOrganizations),
		api("GET", "/api/v1/users", adminOnly, "List users", s.apiListUsers),
		api("POST", "/api/v1/users", adminOnly, "Create a user", s.apiCreateUser),

		// API: editing (edit.go, accounts.go)
		api("PATCH", "/api/v1/organizations/{id}", runner, "Rename an organization, or change its industry or size", s.apiEditOrganization),
		api("PATCH", "/api/v1/assessments/{id}", runner, "Rename an assessment, archive or unarchive it (only a closed one is archived)", s.apiEditAssessment),
		api("DELETE", "/api/v1/assessments/{id}", runner, "Delete an assessment with its responses, invitations, plan and release, for good", s.apiDeleteAssessment),
		api("POST", "/api/v1/account/password", anyUser, "Change your own password; your other sessions end", s.apiChangePassword),
		api("PATCH", "/api/v1/users/{id}", adminOnly, "Change a user's role, or deactivate or reactivate them", s.apiEditUser),
		api("POST", "/api/v1/users/{id}/reset-link", adminOnly, "Make a one-time password reset link for a user (shown once)", s.apiResetLink),

		// API: assessments and their respondents
		api("POST", "/api/v1/assessments", runner, "Create an assessment", s.apiCreateAssessment).max(answersLimit),
		api("GET", "/api/v1/assessments", anyUser, "List assessments", s.apiListAssessments),
		api("GET", "/api/v1/assessments/{id}", anyUser, "An assessment with its response count", s.apiAssessment),
		api("POST", "/api/v1/assessments/{id}/invitations", runner, "Create invitation links ({\"count\"}: 201), or send sealed invitations ({\"emails\"}: 202)", s.apiCreateInvitations).max(invitationLimit),
		api("POST", "/api/v1/assessments/{id}/reminders", runner, "Queue a reminder to every address of the sealed invitations", s.apiReminders),
		api("GET", "/api/v1/assessments/{id}/results", anyUser, "The assessment's release: its results, computed once at close (scoring.md §6, 4.12)", s.apiResults),
		api("GET", "/api/v1/assessments/{id}/participation", anyUser, "Who has answered: counts, never a figure (scoring.md 4.12)", s.apiParticipation),
		api("POST", "/api/v1/assessments/{id}/close", runner, "Close an assessment: no more responses; makes its release", s.apiClose),
		api("POST", "/api/v1/assessments/{id}/reopen", runner, "Reopen a closed assessment without a release", s.apiReopen),
		api("POST", "/api/v1/assessments/{id}/responses", runner, "Import responses collected elsewhere: a CSV (text/csv, scoring.md §2) into an open assessment, all or nothing", s.apiImportResponses).max(importLimit),
		api("GET", "/api/v1/assessments/{id}/imports", anyUser, "The imports of responses: how many, by whom, when (never which rows)", s.apiImports),
		api("GET", "/api/v1/assessments/{id}/welcome", anyUser, "The welcome text shown at the top of the survey", s.apiWelcome),
		api("PUT", "/api/v1/assessments/{id}/welcome", runner, "Set the welcome text shown at the top of the survey (empty removes it)", s.apiSetWelcome),
		api("PUT", "/api/v1/assessments/{id}/open-question", runner, "Change the open question (\"\" for none) while open and without responses", s.apiSetOpenQuestion),
		api("GET", "/api/v1/assessments/{id}/comments", anyUser, "The answers to the open question, as taken into the release (shuffled; none below k)", s.apiComments),
		api("POST", "/api/v1/responses/{token}", respondent, "Submit the answers of an invitation (once)", s.apiSubmit).max(answersLimit),

		// API: from results to action
		api("GET", "/api/v1/assessments/{id}/plan", anyUser, "The improvement plan, priority 1 first (scoring.md §5.1)", s.apiPlan),
		api("POST", "/api/v1/assessments/{id}/plan", runner, "Generate the plan again from the framework; steps added by hand are kept", s.apiRegeneratePlan),
		api("GET", "/api/v1/assessments/{id}/plan/changes", anyUser, "The history of the plan: who changed what, and when", s.apiPlanChanges),
		api("POST", "/api/v1/assessments/{id}/plan/steps", runner, "Add a step to the plan by hand", s.apiAddStep),
		api("PATCH", "/api/v1/plan-steps/{id}", runner, "Edit a plan step: owner, due date, status, priority, title", s.apiEditStep),
		api("POST", "/api/v1/assessments/{id}/next-wave", runner, "Start the next wave of a closed assessment", s.apiNextWave),
		api("GET", "/api/v1/assessments/{id}/compare", anyUser, "Compare with an earlier wave (scoring.md §5.2)", s.apiCompare),
		api("GET", "/api/v1/assessments/{id}/benchmark", anyUser, "Position among peers (scoring.md §5.3)", s.apiBenchmark),
		api("GET", "/api/v1/assessments/{id}/export.xlsx", anyUser, "The workbook: Summary, Competencies, Items, Groups, Plan, Comments", s.exportXLSX),
		api("GET", "/api/v1/assessments/{id}/export/{file}", anyUser, "One table as CSV: competencies.csv, items.csv, groups.csv, plan.csv or comments.csv", s.exportCSV),
		api("GET", "/api/v1/assessments/{id}/report", anyUser, "The self-contained, printable HTML report", s.exportReport),
	}
}

// page declares a server-rendered route: HTML answers, and a redirect to the
// login page when nobody is logged in.
func page(method, path string, who access, h func(http.ResponseWriter, *http.Request) error) route {
	return route{method: method, path: path, access: who, handle: h}
}

// api declares a JSON route: 401/403 answers, and a summary for the OpenAPI
// document.
func api(method, path string, who access, summary string, h func(http.ResponseWriter, *http.Request) error) route {
	return route{method: method, path: path, access: who, api: true, summary: summary, handle: h}
}

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, "/assessments", http.StatusSeeOther)
	return nil
}
