package server

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

// noRedirect is a cookie client that reports redirects instead of
// following them.
func noRedirect(c *http.Client) *http.Client {
	n := *c
	n.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &n
}

func TestEditOrganization(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3})
			_, a := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id), nil)
			org := itoa64(int64(a["organization"].(float64)))
			path := "/api/v1/organizations/" + org

			st, out := e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{"name": "  Northwind   Traders ", "industry": "retail", "size": " 250-999 "})
			if st != http.StatusOK || out["name"] != "Northwind Traders" || out["industry"] != "Retail" || out["size"] != "250-999" {
				t.Fatalf("PATCH: %d %v", st, out)
			}
			// Only the fields sent change.
			st, out = e.call(cxm.RoleAdmin, "PATCH", path, map[string]any{"size": "Boutique"})
			if st != http.StatusOK || out["name"] != "Northwind Traders" || out["industry"] != "Retail" || out["size"] != "Boutique" {
				t.Fatalf("PATCH size: %d %v", st, out)
			}
			for _, tc := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"name": " "}, "name"},
				{map[string]any{"name": strings.Repeat("é", 201)}, "name"},
				{map[string]any{"industry": strings.Repeat("x", 101)}, "industry"},
				{map[string]any{"size": strings.Repeat("x", 51)}, "size"},
				{map[string]any{"nmae": "typo"}, "nmae"},
			} {
				if st, out := e.call(cxm.RoleFacilitator, "PATCH", path, tc.body); st != http.StatusBadRequest || out["field"] != tc.field {
					t.Errorf("PATCH %v: %d %v, want 400 on %s", tc.body, st, out, tc.field)
				}
			}
			if st, out := e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{}); st != http.StatusBadRequest || !strings.Contains(out["error"].(string), "nothing to change") {
				t.Errorf("PATCH {}: %d %v", st, out)
			}
			if st, _ := e.call(cxm.RoleFacilitator, "PATCH", "/api/v1/organizations/9999", map[string]any{"name": "x"}); st != http.StatusNotFound {
				t.Errorf("PATCH unknown: %d", st)
			}

			// The page: the form saves, the list and the report's cover show the name.
			c, csrf := e.session(cxm.RoleFacilitator)
			if st, body := e.get(c, "/organizations/"+org); st != http.StatusOK || !strings.Contains(body, `value="Northwind Traders"`) || !strings.Contains(body, `<option value="Telecommunications">`) {
				t.Fatalf("organization page: %d", st)
			}
			resp := e.form(noRedirect(c), "/organizations/"+org, url.Values{"csrf": {csrf}, "name": {"Northwind & Co"}, "industry": {"Insurance"}, "size": {"5000+"}}, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/organizations?flash=saved" {
				t.Fatalf("form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			resp = e.form(noRedirect(c), "/organizations/"+org, url.Values{"csrf": {csrf}, "name": {""}}, nil)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("empty name form: %d", resp.StatusCode)
			}
			if _, body := e.get(c, "/organizations"); !strings.Contains(body, "Northwind &amp; Co</a></th><td data-label=\"Industry\">Insurance</td><td data-label=\"Size\">5000&#43;</td>") {
				t.Errorf("organizations page does not show the edit:\n%s", body)
			}
			if _, body := e.get(c, "/assessments/"+itoa64(id)+"/report"); !strings.Contains(body, "<h1>Northwind &amp; Co</h1>") {
				t.Errorf("the report's cover does not carry the new name")
			}
			// A viewer reads the list without edit links.
			vc, _ := e.session(cxm.RoleViewer)
			if _, body := e.get(vc, "/organizations"); strings.Contains(body, `href="/organizations/`+org+`"`) {
				t.Error("a viewer gets an edit link")
			}
		})
	}
}

func TestEditAssessment(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Spring", "framework": "act", "min_group": 3})
			other := e.newAssessment(map[string]any{"name": "Autumn", "framework": "act", "min_group": 3})
			path := "/api/v1/assessments/" + itoa64(id)
			if st, out := e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{"name": " Spring  2027 "}); st != http.StatusOK || out["name"] != "Spring 2027" || out["archived"] != false {
				t.Fatalf("rename: %d %v", st, out)
			}
			if st, out := e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{"name": ""}); st != http.StatusBadRequest || out["field"] != "name" {
				t.Fatalf("empty name: %d %v", st, out)
			}
			st, out := e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{"archived": true, "name": "Never"})
			if st != http.StatusConflict || out["error"] != "close the assessment before archiving it: an open one still takes responses" {
				t.Fatalf("archive open: %d %v", st, out)
			}
			e.respond(id, answers{4, 2, 3, ""}, answers{4, 2, 3, ""}, answers{5, 1, 3, ""})
			e.closeAssessment(id)
			st, out = e.call(cxm.RoleFacilitator, "PATCH", path, map[string]any{"archived": true})
			if st != http.StatusOK || out["archived"] != true || out["archived_at"] == nil || out["name"] != "Spring 2027" || out["released"] != true {
				t.Fatalf("archive: %d %v", st, out)
			}
			names := func(query string) []string {
				st, raw := e.raw(cxm.RoleViewer, "GET", "/api/v1/assessments"+query, "", nil)
				if st != http.StatusOK {
					t.Fatalf("list%s: %d %s", query, st, raw)
				}
				var list []struct{ Name string }
				if err := json.Unmarshal(raw, &list); err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, a := range list {
					got = append(got, a.Name)
				}
				slices.Sort(got)
				return got
			}
			if got := strings.Join(names(""), ","); got != "Autumn" {
				t.Errorf("default list: %s", got)
			}
			if got := strings.Join(names("?archived=true"), ","); got != "Spring 2027" {
				t.Errorf("archived list: %s", got)
			}
			if got := strings.Join(names("?archived=any"), ","); got != "Autumn,Spring 2027" {
				t.Errorf("all: %s", got)
			}
			if st, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments?archived=maybe", nil); st != http.StatusBadRequest || out["field"] != "archived" {
				t.Errorf("?archived=maybe: %d %v", st, out)
			}
			// Archived stays readable.
			if st, _ := e.call(cxm.RoleViewer, "GET", path+"/results", nil); st != http.StatusOK {
				t.Errorf("results of an archived assessment: %d", st)
			}
			c, csrf := e.session(cxm.RoleFacilitator)
			_, body := e.get(c, "/assessments")
			if strings.Contains(body, "Spring 2027") || !strings.Contains(body, `<a href="/assessments?show=archived">Show the 1 archived</a>`) {
				t.Errorf("assessments page with one archived:\n%s", body)
			}
			_, body = e.get(c, "/assessments?show=archived")
			if !strings.Contains(body, `<span class="badge archived">archived</span>`) || strings.Contains(body, "Autumn") {
				t.Errorf("archived list page:\n%s", body)
			}
			resp := e.form(noRedirect(c), "/assessments/"+itoa64(id)+"/archive", url.Values{"csrf": {csrf}, "archived": {"false"}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("unarchive form: %d", resp.StatusCode)
			}
			_, body = e.get(c, "/assessments")
			for _, want := range []string{`<td data-label="Organization">My organization</td>`, `<span class="badge released">released</span>`,
				`<span class="badge open">open</span>`, `<td class="num" data-label="Responses">3</td>`, `<td data-label="Created"><time datetime="`} {
				if !strings.Contains(body, want) {
					t.Errorf("assessments page lacks %s", want)
				}
			}
			if resp := e.form(noRedirect(c), "/assessments/"+itoa64(other)+"/archive", url.Values{"csrf": {csrf}, "archived": {"true"}}, nil); resp.StatusCode != http.StatusConflict {
				t.Errorf("archive open by form: %d", resp.StatusCode)
			}
			resp = e.form(noRedirect(c), "/assessments/"+itoa64(other)+"/rename", url.Values{"csrf": {csrf}, "name": {"Autumn 2027"}}, nil)
			if resp.StatusCode != http.StatusSeeOther {
				t.Fatalf("rename form: %d", resp.StatusCode)
			}
			if _, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(other), nil); out["name"] != "Autumn 2027" {
				t.Errorf("renamed by form: %v", out["name"])
			}
		})
	}
}

func TestDeleteAssessmentRoutes(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := actEnv(t, engine)
			id := e.newAssessment(map[string]any{"name": "Pilot", "framework": "act", "min_group": 3})
			e.respond(id, answers{4, 2, 3, ""}, answers{3, 2, 3, ""})
			unused := e.invite(id, 1)[0]
			c, csrf := e.session(cxm.RoleFacilitator)
			settings := "/assessments/" + itoa64(id) + "/settings"
			if _, body := e.get(c, settings); !strings.Contains(body, "Deleting <strong>Pilot</strong> removes for good its 2 responses, its 3 invitations") {
				t.Errorf("settings page does not say what goes:\n%s", body)
			}
			for _, typed := range []string{"", "pilot", "Pilot2"} {
				resp := e.form(noRedirect(c), "/assessments/"+itoa64(id)+"/delete", url.Values{"csrf": {csrf}, "confirm": {typed}}, nil)
				if resp.StatusCode != http.StatusBadRequest {
					t.Fatalf("delete confirmed with %q: %d", typed, resp.StatusCode)
				}
			}
			if st, _ := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id), nil); st != http.StatusOK {
				t.Fatal("a refused confirmation deleted the assessment")
			}
			resp := e.form(noRedirect(c), "/assessments/"+itoa64(id)+"/delete", url.Values{"csrf": {csrf}, "confirm": {" Pilot "}}, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/assessments?flash=deleted" {
				t.Fatalf("delete form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if st, _ := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(id), nil); st != http.StatusNotFound {
				t.Errorf("deleted assessment: %d", st)
			}
			if st, _ := e.get(e.cookieClient(""), "/r/"+unused); st != http.StatusNotFound {
				t.Errorf("an invitation of the deleted assessment: %d", st)
			}

			// The API, on a series: the next wave follows the deleted one's previous.
			first := e.newAssessment(map[string]any{"name": "W1", "framework": "act", "min_group": 3})
			e.closeAssessment(first)
			_, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(first)+"/next-wave", map[string]any{"name": "W2"})
			second := int64(out["id"].(float64))
			e.closeAssessment(second)
			_, out = e.call(cxm.RoleFacilitator, "POST", "/api/v1/assessments/"+itoa64(second)+"/next-wave", map[string]any{"name": "W3"})
			third := int64(out["id"].(float64))
			if st, raw := e.raw(cxm.RoleViewer, "DELETE", "/api/v1/assessments/"+itoa64(second), "", nil); st != http.StatusForbidden {
				t.Fatalf("viewer DELETE: %d %s", st, raw)
			}
			if st, raw := e.raw(cxm.RoleFacilitator, "DELETE", "/api/v1/assessments/"+itoa64(second), "", nil); st != http.StatusNoContent || len(raw) != 0 {
				t.Fatalf("DELETE: %d %s", st, raw)
			}
			if st, _ := e.raw(cxm.RoleFacilitator, "DELETE", "/api/v1/assessments/"+itoa64(second), "", nil); st != http.StatusNotFound {
				t.Fatalf("DELETE again: %d", st)
			}
			if _, out := e.call(cxm.RoleViewer, "GET", "/api/v1/assessments/"+itoa64(third), nil); out["previous"] != float64(first) {
				t.Errorf("the third wave's previous = %v, want %d", out["previous"], first)
			}
		})
	}
}

func TestAccounts(t *testing.T) {
	for _, engine := range testdb.Engines {
		t.Run(engine, func(t *testing.T) {
			e := newLoginEnv(t, engine)
			ctx := context.Background()
			fac := e.users[cxm.RoleFacilitator]
			// Own password, by API: the current one is needed, the rule applies.
			for _, tc := range []struct {
				body  map[string]any
				field string
			}{
				{map[string]any{"current": "wrong password here", "new": "a brand new long password"}, "current"},
				{map[string]any{"current": testPassword, "new": "short"}, "new"},
				{map[string]any{"current": testPassword, "new": "password1234"}, "new"},
				{map[string]any{"new": "a brand new long password"}, "current"},
			} {
				if st, out := e.call(cxm.RoleFacilitator, "POST", "/api/v1/account/password", tc.body); st != http.StatusBadRequest || out["field"] != tc.field {
					t.Errorf("%v: %d %v, want 400 on %s", tc.body, st, out, tc.field)
				}
			}
			// Guessing the current password is throttled like logging in.
			for i := range pairFree {
				if st, _ := e.call(cxm.RoleViewer, "POST", "/api/v1/account/password", map[string]any{"current": "guess " + strconv.Itoa(i), "new": "a brand new long password"}); st != http.StatusBadRequest {
					t.Fatalf("guess %d: %d", i+1, st)
				}
			}
			e.call(cxm.RoleViewer, "POST", "/api/v1/account/password", map[string]any{"current": "one more guess", "new": "a brand new long password"})
			if st, out := e.call(cxm.RoleViewer, "POST", "/api/v1/account/password", map[string]any{"current": testPassword, "new": "a brand new long password"}); st != http.StatusTooManyRequests || out["field"] != "current" {
				t.Fatalf("after %d wrong guesses: %d %v, want 429", pairFree+1, st, out)
			}
			// By page: the asking session stays, the other one ends.
			c1, csrf1 := e.session(cxm.RoleFacilitator)
			c2, _ := e.session(cxm.RoleFacilitator)
			resp := e.form(noRedirect(c1), "/account/password", url.Values{"csrf": {csrf1}, "current": {testPassword}, "password": {"a brand new long password"}, "again": {"a brand new long passwort"}}, nil)
			if resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("differing new passwords: %d", resp.StatusCode)
			}
			resp = e.form(noRedirect(c1), "/account/password", url.Values{"csrf": {csrf1}, "current": {testPassword}, "password": {"a brand new long password"}, "again": {"a brand new long password"}}, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/account?flash=password-changed" {
				t.Fatalf("password form: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if st, _ := e.get(noRedirect(c1), "/assessments"); st != http.StatusOK {
				t.Errorf("the asking session: %d", st)
			}
			if st, _ := e.get(noRedirect(c2), "/assessments"); st != http.StatusSeeOther {
				t.Errorf("the other session: %d, want a redirect to the login", st)
			}
			if r := e.mustLogin(fac.Email, testPassword, "10.0.0.1"); r.status != http.StatusUnauthorized {
				t.Errorf("old password: %d", r.status)
			}
			if r := e.mustLogin(fac.Email, "a brand new long password", "10.0.0.1"); r.status != http.StatusSeeOther {
				t.Errorf("new password: %d", r.status)
			}
			if st, _ := e.call(cxm.RoleFacilitator, "GET", "/api/v1/assessments", nil); st != http.StatusOK {
				t.Errorf("API token after a password change: %d", st)
			}

			// Roles, and the last admin.
			admin := e.users[cxm.RoleAdmin]
			viewer := e.users[cxm.RoleViewer]
			if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(viewer.ID), map[string]any{"role": "facilitator"}); st != http.StatusOK || out["role"] != "facilitator" || out["active"] != true {
				t.Fatalf("role: %d %v", st, out)
			}
			if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(admin.ID), map[string]any{"role": "viewer"}); st != http.StatusConflict ||
				out["error"] != "this is the last active admin: make another user admin first" {
				t.Fatalf("demote the last admin: %d %v", st, out)
			}
			if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(admin.ID), map[string]any{"active": false}); st != http.StatusConflict {
				t.Fatalf("deactivate yourself: %d %v", st, out)
			}
			if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(viewer.ID), map[string]any{"role": "root"}); st != http.StatusBadRequest || out["field"] != "role" {
				t.Fatalf("bad role: %d %v", st, out)
			}

			// Deactivation: session and token stop at once; login fails like a wrong password.
			c3, _ := e.session(cxm.RoleFacilitator)
			if st, out := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(fac.ID), map[string]any{"active": false}); st != http.StatusOK || out["active"] != false {
				t.Fatalf("deactivate: %d %v", st, out)
			}
			if st, _ := e.call(cxm.RoleFacilitator, "GET", "/api/v1/assessments", nil); st != http.StatusUnauthorized {
				t.Errorf("token of a deactivated user: %d", st)
			}
			if st, _ := e.get(noRedirect(c3), "/assessments"); st != http.StatusSeeOther {
				t.Errorf("session of a deactivated user: %d", st)
			}
			right := e.mustLogin(fac.Email, "a brand new long password", "10.0.0.2")
			wrong := e.mustLogin(fac.Email, "not the password at all", "10.0.0.3")
			if right.status != http.StatusUnauthorized || right.body != wrong.body {
				t.Errorf("a deactivated user's right password: %d, differs from a wrong one: %v", right.status, right.body != wrong.body)
			}
			if st, out := e.call(cxm.RoleAdmin, "POST", "/api/v1/users/"+itoa64(fac.ID)+"/reset-link", map[string]any{}); st != http.StatusConflict {
				t.Errorf("reset link of a deactivated user: %d %v", st, out)
			}
			if st, _ := e.call(cxm.RoleAdmin, "PATCH", "/api/v1/users/"+itoa64(fac.ID), map[string]any{"active": true}); st != http.StatusOK {
				t.Fatalf("reactivate: %d", st)
			}
			if r := e.mustLogin(fac.Email, "a brand new long password", "10.0.0.4"); r.status != http.StatusSeeOther {
				t.Errorf("login after reactivation: %d", r.status)
			}

			// A reset link: 256 random bits, only the hash stored, once, before it expires.
			st, out := e.call(cxm.RoleAdmin, "POST", "/api/v1/users/"+itoa64(fac.ID)+"/reset-link", map[string]any{})
			if st != http.StatusCreated {
				t.Fatalf("reset link: %d %v", st, out)
			}
			link := out["url"].(string)
			token := link[strings.LastIndex(link, "/")+1:]
			if !strings.HasPrefix(link, e.ts.URL+"/reset/") || len(token) != 43 {
				t.Fatalf("link %s", link)
			}
			if _, err := e.db.PasswordResetUser(ctx, []byte(token), e.now); err == nil {
				t.Error("the token itself is stored")
			}
			if u, err := e.db.PasswordResetUser(ctx, HashToken(token), e.now); err != nil || u.ID != fac.ID {
				t.Fatalf("the token's hash is not stored: %v", err)
			}
			anon := noRedirect(e.cookieClient(""))
			if st, body := e.get(anon, "/reset/"+token); st != http.StatusOK || !strings.Contains(body, "For "+fac.Email+".") {
				t.Fatalf("reset page: %d", st)
			}
			if resp := e.form(anon, "/reset/"+token, url.Values{"password": {"short"}, "again": {"short"}}, nil); resp.StatusCode != http.StatusBadRequest {
				t.Fatalf("short password: %d", resp.StatusCode)
			}
			resp = e.form(anon, "/reset/"+token, url.Values{"password": {"the reset long password"}, "again": {"the reset long password"}}, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login?flash=password-set" {
				t.Fatalf("reset: %d %s", resp.StatusCode, resp.Header.Get("Location"))
			}
			if r := e.mustLogin(fac.Email, "the reset long password", "10.0.0.5"); r.status != http.StatusSeeOther {
				t.Errorf("login with the reset password: %d", r.status)
			}
			if st, _ := e.get(anon, "/reset/"+token); st != http.StatusNotFound {
				t.Errorf("a used link: %d", st)
			}
			_, out = e.call(cxm.RoleAdmin, "POST", "/api/v1/users/"+itoa64(fac.ID)+"/reset-link", map[string]any{})
			late := out["url"].(string)
			late = late[strings.LastIndex(late, "/")+1:]
			e.now = e.now.Add(resetTTL)
			if st, body := e.get(anon, "/reset/"+late); st != http.StatusNotFound || !strings.Contains(body, "Ask an admin for a new one") {
				t.Errorf("an expired link: %d", st)
			}
			// The page shows a new link once.
			ac, csrf := e.session(cxm.RoleAdmin)
			req, _ := http.NewRequest("POST", e.ts.URL+"/users/"+itoa64(fac.ID)+"/reset-link", strings.NewReader(url.Values{"csrf": {csrf}}.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r, err := ac.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			b.ReadFrom(r.Body)
			r.Body.Close()
			if r.StatusCode != http.StatusOK || !strings.Contains(b.String(), `<code id="reset-url">`+e.ts.URL+`/reset/`) || r.Header.Get("Cache-Control") != "no-store" {
				t.Errorf("reset link page: %d %q", r.StatusCode, r.Header.Get("Cache-Control"))
			}
			if resp := e.form(noRedirect(ac), "/users/"+itoa64(admin.ID), url.Values{"csrf": {csrf}, "role": {"viewer"}}, nil); resp.StatusCode != http.StatusConflict {
				t.Errorf("demote the last admin by form: %d", resp.StatusCode)
			}
			if resp := e.form(noRedirect(ac), "/users/"+itoa64(viewer.ID), url.Values{"csrf": {csrf}, "active": {"false"}}, nil); resp.StatusCode != http.StatusSeeOther {
				t.Errorf("deactivate by form: %d", resp.StatusCode)
			}
			if u, _ := e.db.UserByID(ctx, viewer.ID); u.Active {
				t.Error("the form did not deactivate")
			}
		})
	}
}
