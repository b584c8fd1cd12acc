package server

import (
	"html/template"
	"net/http"
	"sync"

	"github.com/cxmhq/cxm"
)

// builtinChoice is a built-in framework on the frameworks page with when
// to choose it.
type builtinChoice struct {
	ID, Name, When string
	Version        int
}

// builtinWhen says when each built-in framework fits, in the order the
// page lists them.
var builtinWhen = []struct{ id, when string }{
	{"understand-decide-deliver-scale", "Choose it when the assessment should end in a roadmap: it follows the path from insight to strategy, delivery and scale, and suits a management workshop that agrees on next steps. A good default for a first assessment."},
	{"bliss-five", "Choose it for a whole-company view of customer leadership (Jeanne Bliss): customers managed as an asset, work organized around journeys, listening that leads to action, reliable delivery and one company leading together. It asks the most of senior leaders."},
	{"temkin-four", "Choose it for a short survey on the four core competencies of the Temkin Group and Qualtrics XM Institute (purposeful leadership, brand, employee engagement, customer insight), with six stages many CX teams already know."},
}

// frameworkChoices lists the built-ins present, with when to use each.
func frameworkChoices(rows []frameworkRow) []builtinChoice {
	var out []builtinChoice
	for _, b := range builtinWhen {
		for _, r := range rows {
			if r.ID == b.id && r.Builtin {
				out = append(out, builtinChoice{ID: r.ID, Name: r.Name, Version: r.Version, When: b.when})
				break
			}
		}
	}
	return out
}

// frameworkGuidePage handles GET /frameworks/guide: the guide to writing a
// framework (docs/frameworks.md), rendered once.
func (s *Server) frameworkGuidePage(w http.ResponseWriter, r *http.Request) error {
	return s.render(w, r, http.StatusOK, "guide.html", "Writing a framework", frameworkGuideHTML())
}

var frameworkGuideHTML = sync.OnceValue(func() template.HTML { return markdownHTML(cxm.FrameworkGuide) })
