package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/cxmhq/cxm"
)

// TestClosedAttributes: storage refuses an assessment whose attributes are
// not closed lists within the limits (scoring.md 4.12), writing nothing; a
// free-text attribute stored before v2 stays readable and is left out of
// the next wave.
func TestClosedAttributes(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		nine := make([]cxm.Attribute, 9)
		for i := range nine {
			nine[i] = cxm.Attribute{Name: fmt.Sprint("a", i), Values: []string{"x"}}
		}
		many := cxm.Attribute{Name: "region", Values: make([]string, 101)}
		for i := range many.Values {
			many.Values[i] = fmt.Sprint("v", i)
		}
		for _, tc := range []struct {
			attrs []cxm.Attribute
			want  string
		}{
			{[]cxm.Attribute{{Name: "team"}}, `attribute "team" needs 1 to 100 values, not 0: attributes are closed lists`},
			{[]cxm.Attribute{many}, `attribute "region" needs 1 to 100 values, not 101: attributes are closed lists`},
			{nine, "an assessment has at most 8 attributes, not 9"},
		} {
			a := cxm.Assessment{OrganizationID: f.org, Name: "x", FrameworkID: "test", FrameworkVersion: 1, Attributes: tc.attrs}
			if _, err := db.CreateAssessment(ctx, &a); err == nil || err.Error() != tc.want {
				t.Errorf("CreateAssessment(%d attributes): %v, want %q", len(tc.attrs), err, tc.want)
			}
		}
		if list, err := db.ListAssessments(ctx, 0); err != nil || len(list) != 1 {
			t.Fatalf("refused assessments were stored: %d %v", len(list), err)
		}

		// An assessment as cxm v1 stored it, with a free-text attribute.
		_, err := db.exec(ctx, "UPDATE assessments SET attributes = $1 WHERE id = $2",
			`[{"name":"team","values":null},{"name":"department","values":["Sales","Support"]}]`, f.assessment.ID)
		must(t, err)
		a, err := db.Assessment(ctx, f.assessment.ID)
		must(t, err)
		want := []cxm.Attribute{{Name: "team"}, {Name: "department", Values: []string{"Sales", "Support"}}}
		if !reflect.DeepEqual(a.Attributes, want) {
			t.Fatalf("legacy attributes read as %+v", a.Attributes)
		}
		must(t, db.SetStatus(ctx, a.ID, cxm.StatusClosed, a.CreatedAt))
		id, err := db.NextWave(ctx, a.ID, "Q2")
		must(t, err)
		next, err := db.Assessment(ctx, id)
		must(t, err)
		if !reflect.DeepEqual(next.Attributes, want[1:]) {
			t.Errorf("next wave attributes %+v, want %+v", next.Attributes, want[1:])
		}
	})
}
