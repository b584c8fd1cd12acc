package server

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/store"
)

// The OpenAPI 3 document is built from the route table, so no route can be
// missing from it, plus the schemas below; TestOpenAPI fails when an API
// route has no documented answer or a body without a schema.

type schema = map[string]any

func obj(required []string, props schema) schema {
	s := schema{"type": "object", "properties": props}
	if len(required) > 0 {
		s["required"] = required
	}
	return s
}

func arr(items schema) schema { return schema{"type": "array", "items": items} }

// closedAttributes is scoring.md 4.12: closed lists, limits included.
func closedAttributes() schema {
	text := schema{"type": "string", "minLength": 1, "maxLength": cxm.MaxAttributeText}
	values := schema{"type": "array", "items": text, "minItems": 1, "maxItems": cxm.MaxAttributeValues}
	attrs := arr(obj([]string{"name", "values"}, schema{"name": text, "values": values}))
	attrs["maxItems"] = cxm.MaxAttributes
	return attrs
}

var (
	str     = schema{"type": "string"}
	integer = schema{"type": "integer"}
	number  = schema{"type": "number"}
	boolean = schema{"type": "boolean"}
	nullNum = schema{"type": []string{"number", "null"}}
	ref     = func(name string) schema { return schema{"$ref": "#/components/schemas/" + name} }

	dateStr    = schema{"type": "string", "description": "YYYY-MM-DD, or empty for none", "pattern": `^(\d{4}-\d{2}-\d{2})?$`}
	planStatus = schema{"enum": []string{"todo", "doing", "done", "dropped"}}
	waveSide   = obj(nil, schema{"id": integer, "name": str, "respondents": integer, "withheld": boolean})
)

// apiDocs gives, per "METHOD path", the request body schema (nil: none)
// and the success status with its schema.
var apiDocs = map[string]struct {
	body    schema
	bodyCT  string
	status  int
	answer  schema
	answerT string // content type of the answer, default JSON
}{
	"GET /healthz":             {nil, "", 200, obj([]string{"status"}, schema{"status": str, "database": str}), ""},
	"GET /api/v1/openapi.json": {nil, "", 200, schema{"type": "object"}, ""},
	"POST /api/v1/frameworks": {schema{"type": "string", "description": "a framework file (shared/spec/scoring.md §1)"}, "application/yaml",
		201, obj([]string{"id", "version"}, schema{"id": str, "version": integer,
			"warnings": arr(obj([]string{"line", "column", "message"}, schema{"line": integer, "column": integer, "message": str}))}), ""},
	"GET /api/v1/frameworks":     {nil, "", 200, arr(obj([]string{"id", "version", "name"}, schema{"id": str, "version": integer, "name": str, "builtin": boolean})), ""},
	"POST /api/v1/organizations": {obj([]string{"name"}, schema{"name": str, "industry": str, "size": str}), "", 201, obj([]string{"id"}, schema{"id": integer}), ""},
	"GET /api/v1/organizations":  {nil, "", 200, arr(ref("Organization")), ""},
	"POST /api/v1/assessments": {obj([]string{"name", "framework"}, schema{
		"name": str, "framework": str, "framework_version": integer, "organization": integer, "min_group": integer,
		"attributes":    closedAttributes(),
		"open_question": schema{"type": "string", "maxLength": maxQuestionChars, "description": `asked at the end of the survey; left out: "` + DefaultOpenQuestion + `"; "": none`},
	}), "", 201, obj([]string{"id"}, schema{"id": integer}), ""},
	"GET /api/v1/assessments":      {nil, "", 200, arr(ref("Assessment")), ""},
	"GET /api/v1/assessments/{id}": {nil, "", 200, ref("Assessment"), ""},
	"POST /api/v1/assessments/{id}/invitations": {obj(nil, schema{"count": integer, "emails": arr(str)}), "",
		201, obj([]string{"invitations"}, schema{"invitations": arr(obj([]string{"token", "url"}, schema{"token": str, "url": str}))}), ""},
	"POST /api/v1/assessments/{id}/reminders": {obj(nil, schema{}), "", 202, obj([]string{"queued"}, schema{"queued": integer}), ""},
	"GET /api/v1/assessments/{id}/results":    {nil, "", 200, ref("Result"), ""},
	"GET /api/v1/assessments/{id}/participation": {nil, "", 200, obj([]string{"responses", "invited", "rate", "by"}, schema{
		"responses": integer, "invited": integer, "rate": schema{"type": []string{"number", "null"}},
		"by": schema{"type": "object", "additionalProperties": arr(obj([]string{"value", "responses"}, schema{
			"value": str, "responses": schema{"oneOf": []schema{integer, schema{"type": "string", "description": `"fewer than k"`}}}}))},
	}), ""},
	"POST /api/v1/assessments/{id}/close":  {nil, "", 200, ref("Assessment"), ""},
	"POST /api/v1/assessments/{id}/reopen": {nil, "", 200, ref("Assessment"), ""},
	"POST /api/v1/responses/{token}": {obj(nil, schema{
		"attributes": schema{"type": "object", "additionalProperties": str},
		"answers":    schema{"type": "object", "additionalProperties": schema{"type": []string{"integer", "null"}}, "description": "at least one statement answered"},
		"comment":    schema{"type": "string", "maxLength": maxCommentChars, "description": "the answer to the open question, stored apart from the answers"},
	}), "", 201, obj([]string{"status"}, schema{"status": str}), ""},
	"POST /api/v1/assessments/{id}/responses": {schema{"type": "string", "description": "a response file (shared/spec/scoring.md §2): a header of statement ids, question names and an optional respondent column; one response a row; at most " + strconv.Itoa(MaxImportRows) + " rows. A bad file is refused whole (400) with every problem in details: line, column (character) and a message naming the row and column"}, "text/csv",
		201, obj([]string{"imported"}, schema{"imported": integer}), ""},
	"GET /api/v1/assessments/{id}/imports": {nil, "", 200, obj([]string{"imports"}, schema{"imports": arr(obj([]string{"by", "at", "responses"}, schema{
		"by": str, "at": schema{"type": "string", "format": "date-time"}, "responses": integer}))}), ""},
	"GET /api/v1/assessments/{id}/welcome": {nil, "", 200, obj([]string{"welcome"}, schema{"welcome": str}), ""},
	"PUT /api/v1/assessments/{id}/welcome": {obj([]string{"welcome"}, schema{"welcome": schema{"type": "string", "maxLength": store.MaxWelcome}}), "",
		200, obj([]string{"welcome"}, schema{"welcome": str}), ""},
	"PUT /api/v1/assessments/{id}/open-question": {obj([]string{"open_question"}, schema{"open_question": schema{"type": "string", "maxLength": maxQuestionChars}}),
		"", 200, ref("Assessment"), ""},
	"GET /api/v1/assessments/{id}/comments": {nil, "", 200, obj([]string{"question", "comments"}, schema{
		"question": schema{"type": []string{"string", "null"}}, "comments": arr(str),
		"withheld": schema{"type": "string", "description": `"fewer than k comments: not shown"`},
	}), ""},
	"GET /api/v1/users":                         {nil, "", 200, arr(ref("User")), ""},
	"GET /api/v1/assessments/{id}/plan":         {nil, "", 200, obj([]string{"steps"}, schema{"steps": arr(ref("PlanStep"))}), ""},
	"POST /api/v1/assessments/{id}/plan":        {obj(nil, schema{}), "", 200, obj([]string{"steps"}, schema{"steps": arr(ref("PlanStep"))}), ""},
	"GET /api/v1/assessments/{id}/plan/changes": {nil, "", 200, obj([]string{"changes"}, schema{"changes": arr(ref("PlanChange"))}), ""},
	"POST /api/v1/assessments/{id}/plan/steps": {obj([]string{"competency", "title"}, schema{
		"competency": str, "title": str, "description": str, "why": str, "owner": str, "due": dateStr,
		"status": planStatus, "priority": integer,
	}), "", 201, ref("PlanStep"), ""},
	"PATCH /api/v1/plan-steps/{id}": {obj(nil, schema{
		"owner": str, "due": dateStr, "status": planStatus, "priority": schema{"type": "integer", "minimum": 1}, "title": str, "description": str,
	}), "", 200, ref("PlanStep"), ""},
	"POST /api/v1/assessments/{id}/next-wave": {obj(nil, schema{"name": str}), "", 201, obj([]string{"id"}, schema{"id": integer}), ""},
	"GET /api/v1/assessments/{id}/compare": {nil, "", 200, obj([]string{"competencies"}, schema{
		"before": waveSide, "after": waveSide,
		"competencies": arr(obj([]string{"id", "before", "after", "delta", "t", "df", "p"}, schema{
			"id": str, "before": nullNum, "after": nullNum, "delta": nullNum, "t": nullNum, "df": nullNum, "p": nullNum,
			"before_n": integer, "after_n": integer,
		})),
	}), ""},
	"GET /api/v1/assessments/{id}/benchmark": {nil, "", 200, obj([]string{"peers", "competencies"}, schema{
		"peers": integer, "min_peers": integer, "industry": str, "size": str,
		"competencies": arr(obj([]string{"id", "score", "percentile", "median", "p25", "p75"}, schema{
			"id": str, "score": number, "percentile": number, "median": number, "p25": number, "p75": number, "peers": integer,
		})),
	}), ""},
	"GET /api/v1/assessments/{id}/export.xlsx":   {nil, "", 200, schema{"type": "string", "format": "binary"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
	"GET /api/v1/assessments/{id}/export/{file}": {nil, "", 200, schema{"type": "string"}, "text/csv"},
	"GET /api/v1/assessments/{id}/report":        {nil, "", 200, schema{"type": "string"}, "text/html"},
	// Editing (edit.go, accounts.go)
	"PATCH /api/v1/organizations/{id}": {obj(nil, schema{
		"name":     schema{"type": "string", "minLength": 1, "maxLength": cxm.MaxOrganizationName},
		"industry": schema{"type": "string", "maxLength": cxm.MaxIndustry, "description": "free text; one of these is spelled as listed: " + strings.Join(cxm.Industries, ", ")},
		"size":     schema{"type": "string", "maxLength": cxm.MaxSize, "description": "employees, free text; one of these is spelled as listed: " + strings.Join(cxm.Sizes, ", ")},
	}), "", 200, ref("Organization"), ""},
	"PATCH /api/v1/assessments/{id}": {obj(nil, schema{"name": schema{"type": "string", "minLength": 1, "maxLength": 200}, "archived": boolean}),
		"", 200, ref("Assessment"), ""},
	"DELETE /api/v1/assessments/{id}":    {nil, "", 204, nil, ""},
	"POST /api/v1/account/password":      {obj([]string{"current", "new"}, schema{"current": str, "new": str}), "", 204, nil, ""},
	"PATCH /api/v1/users/{id}":           {obj(nil, schema{"role": schema{"enum": []string{"admin", "facilitator", "viewer"}}, "active": boolean}), "", 200, ref("User"), ""},
	"POST /api/v1/users/{id}/reset-link": {obj(nil, schema{}), "", 201, obj([]string{"url", "expires_at"}, schema{"url": str, "expires_at": str}), ""},
	"POST /api/v1/users":                 {obj([]string{"email", "role", "password"}, schema{"email": str, "role": schema{"enum": []string{"admin", "facilitator", "viewer"}}, "password": str}), "", 201, ref("User"), ""},
}

var components = schema{
	"securitySchemes": schema{
		"bearer":  schema{"type": "http", "scheme": "bearer", "description": "a token from cxm token create"},
		"session": schema{"type": "apiKey", "in": "cookie", "name": sessionCookie, "description": "the browser session; state changes also need the X-CSRF-Token header"},
	},
	"schemas": schema{
		"Error": obj([]string{"error"}, schema{"error": str, "field": str, "details": schema{}}),
		"PlanStep": obj([]string{"id", "priority", "competency", "practice", "title", "why", "target", "owner", "due", "status"}, schema{
			"id": integer, "assessment": integer, "priority": integer, "competency": str, "practice": str, "title": str,
			"description": str, "why": str, "target": nullNum, "target_stage": str, "owner": str, "due": dateStr,
			"status": planStatus, "custom": boolean, "updated_at": str,
			"carried_from": schema{"type": []string{"integer", "null"}, "description": "the id of the step of the wave before that this step continues (a next wave carries the plan on); null for a step begun in this wave"},
			"note":         schema{"type": "string", "description": "what re-targeting from this wave's results said about the step, e.g. \"Target reached in wave 2: …\" or that its practice is no longer proposed; empty when none"},
		}),
		"PlanChange": obj([]string{"step", "user", "at", "field", "from", "to"}, schema{
			"step": integer, "user": str, "at": str, "field": str, "from": str, "to": str,
		}),
		"Organization": obj([]string{"id", "name"}, schema{"id": integer, "name": str, "industry": str, "size": str, "created_at": str}),
		"User":         obj([]string{"id", "email", "role", "active"}, schema{"id": integer, "email": str, "role": str, "created_at": str, "active": boolean}),
		"Assessment": obj([]string{"id", "name", "framework", "status", "responses"}, schema{
			"id": integer, "name": str, "organization": integer, "status": schema{"enum": []string{"open", "closed"}},
			"framework": obj([]string{"id", "version"}, schema{"id": str, "version": integer}),
			"responses": integer, "invited": integer, "min_group": integer, "previous": integer,
			"attributes": arr(obj([]string{"name"}, schema{"name": str, "values": arr(str)})),
			"created_at": str, "closed_at": schema{"type": []string{"string", "null"}},
			"released": boolean, "archived": boolean, "archived_at": schema{"type": []string{"string", "null"}},
			"open_question": str,
		}),
		"Result": obj([]string{"framework", "respondents", "competencies", "unscored", "overall", "groups", "suppressed", "gaps"}, schema{
			"framework":   obj([]string{"id", "version"}, schema{"id": str, "version": integer}),
			"respondents": integer, "min_group": integer, "withheld": boolean,
			"competencies": arr(obj([]string{"id", "n", "score", "sd", "ci", "alpha", "rwg", "stage"}, schema{
				"id": str, "name": str, "n": integer, "score": number, "sd": nullNum,
				"ci": schema{"type": []string{"array", "null"}, "items": number}, "alpha": nullNum, "rwg": nullNum,
				"stage": str, "complete": integer, "weak": boolean,
			})),
			"unscored": arr(str),
			"overall": obj([]string{"rule", "mean", "weakest", "stage", "diagnosis"}, schema{
				"rule": str, "mean": nullNum, "weakest": str, "stage": str,
				"diagnosis": arr(obj(nil, schema{"competency": str, "label": str, "score": number})),
			}),
			"items":      arr(obj(nil, schema{"id": str, "competency": str, "n": integer, "index": nullNum, "counts": arr(integer)})),
			"groups":     schema{"type": "object", "additionalProperties": arr(obj(nil, schema{"value": str, "n": integer, "competencies": arr(schema{"type": "object"})}))},
			"suppressed": schema{"type": "object", "additionalProperties": integer},
			"gaps":       schema{"type": "object", "additionalProperties": arr(obj(nil, schema{"competency": str, "high": str, "low": str, "gap": number}))},
		}),
	},
}

// otherAnswers are further success answers of a route, by "METHOD path".
var otherAnswers = map[string]map[int]schema{
	"POST /api/v1/assessments/{id}/invitations": {202: obj([]string{"queued"}, schema{"queued": integer})},
}

// queryParams are the query parameters of API routes, by "METHOD path".
var queryParams = map[string][]schema{
	"GET /api/v1/assessments/{id}/compare": {{"name": "with", "in": "query", "required": true, "schema": integer,
		"description": "the earlier assessment (wave) to compare with; the path's assessment is the later one"}},
	"GET /api/v1/assessments/{id}/benchmark": {
		{"name": "industry", "in": "query", "schema": str, "description": "only peers of this industry"},
		{"name": "size", "in": "query", "schema": str, "description": "only peers of this size"},
	},
	"GET /api/v1/assessments": {{"name": "archived", "in": "query", "schema": schema{"enum": []string{"false", "true", "any"}},
		"description": "false (the default): without the archived assessments; true: only them; any: all"}},
}

// conflicts are the routes that answer 409, and when.
var conflicts = map[string]string{
	"PATCH /api/v1/assessments/{id}":     "archiving an open assessment",
	"PATCH /api/v1/users/{id}":           "demoting or deactivating the last active admin, or deactivating yourself",
	"POST /api/v1/users/{id}/reset-link": "the user is deactivated",
}

var pathParam = regexp.MustCompile(`\{([a-z_]+)\}`)

func (s *Server) openAPIDocument() schema {
	paths := schema{}
	errResp := func(desc string) schema {
		return schema{"description": desc, "content": schema{"application/json": schema{"schema": ref("Error")}}}
	}
	for _, rt := range s.routes {
		if !rt.api {
			continue
		}
		key := rt.method + " " + rt.path
		doc := apiDocs[key]
		op := schema{"summary": rt.summary, "operationId": operationID(rt)}
		var params []schema
		for _, m := range pathParam.FindAllStringSubmatch(rt.path, -1) {
			params = append(params, schema{"name": m[1], "in": "path", "required": true, "schema": str})
		}
		if strings.HasSuffix(rt.path, "/results") {
			params = append(params, schema{"name": "group_by", "in": "query", "schema": str, "description": "attributes to break down by, comma-separated"})
		}
		params = append(params, queryParams[key]...)
		if params != nil {
			op["parameters"] = params
		}
		if doc.body != nil {
			ct := doc.bodyCT
			if ct == "" {
				ct = "application/json"
			}
			op["requestBody"] = schema{"required": true, "content": schema{ct: schema{"schema": doc.body}}}
		}
		responses := schema{}
		if doc.status != 0 {
			ct := doc.answerT
			if ct == "" {
				ct = "application/json"
			}
			responses[strconv.Itoa(doc.status)] = schema{"description": http.StatusText(doc.status), "content": schema{ct: schema{"schema": doc.answer}}}
			if doc.answer == nil {
				responses[strconv.Itoa(doc.status)] = schema{"description": http.StatusText(doc.status)}
			}
		}
		if why, ok := conflicts[key]; ok {
			responses["409"] = errResp(why)
		}
		for status, answer := range otherAnswers[key] {
			responses[strconv.Itoa(status)] = schema{"description": http.StatusText(status), "content": schema{"application/json": schema{"schema": answer}}}
		}
		if doc.body != nil || len(params) > 0 {
			responses["400"] = errResp("bad input, with the field at fault")
		}
		switch rt.access {
		case anyUser, runner, adminOnly:
			op["security"] = []schema{{"bearer": []string{}}, {"session": []string{}}}
			responses["401"] = errResp("no or unknown credentials")
			responses["403"] = errResp("the role may not do this, or a cross-origin request")
		case respondent:
			responses["409"] = errResp("already submitted, or the assessment is closed")
		}
		if len(params) > 0 {
			responses["404"] = errResp("no such thing")
		}
		op["responses"] = responses
		p := pathParam.ReplaceAllString(rt.path, "{$1}")
		item, _ := paths[p].(schema)
		if item == nil {
			item = schema{}
			paths[p] = item
		}
		item[strings.ToLower(rt.method)] = op
	}
	return schema{
		"openapi": "3.1.0",
		"info": schema{"title": "cxm API", "version": "1",
			"description": "The JSON API of cxm (shared/spec/api.md). Errors are {\"error\", \"field\"} with a 4xx status."},
		"paths":      paths,
		"components": components,
	}
}

func operationID(rt route) string {
	p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.path, "/api/v1"), "by-$1")
	return strings.ToLower(rt.method) + strings.ReplaceAll(p, "/", "-")
}

func (s *Server) openAPI(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, s.openAPIDocument())
	return nil
}
