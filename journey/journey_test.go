package journey

import (
	"testing"
)

func TestBuiltins(t *testing.T) {
	j, ok := Builtin("online-grocer")
	if !ok {
		t.Fatal("no built-in online-grocer")
	}
	if len(j.Stages) != 6 || len(j.Sources) != 4 || j.Location.String() != "America/Chicago" {
		t.Fatalf("stages %d sources %d tz %s", len(j.Stages), len(j.Sources), j.Location)
	}
}
