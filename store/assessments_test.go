package store

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cxmhq/cxm"
	"github.com/cxmhq/cxm/internal/testdb"
)

func TestOrganizations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		list, err := db.ListOrganizations(ctx)
		must(t, err)
		if len(list) != 0 {
			t.Fatalf("a new database has organizations %+v", list)
		}
		id, err := db.CreateOrganization(ctx, cxm.Organization{Name: "Acme", Industry: "retail", Size: "1000+"})
		must(t, err)
		o, err := db.Organization(ctx, id)
		must(t, err)
		if o.ID != id || o.Name != "Acme" || o.Industry != "retail" || o.Size != "1000+" || o.CreatedAt.IsZero() {
			t.Fatalf("Organization = %+v", o)
		}
		_, err = db.Organization(ctx, 9999)
		wantErr(t, "Organization unknown", err, cxm.ErrNotFound)
		if _, err := db.CreateOrganization(ctx, cxm.Organization{Name: " "}); err == nil {
			t.Fatal("an organization without a name was created")
		}
		id2, err := db.CreateOrganization(ctx, cxm.Organization{Name: "Beta"})
		must(t, err)
		list, err = db.ListOrganizations(ctx)
		must(t, err)
		if len(list) != 2 || list[0] != o || list[1].ID != id2 {
			t.Fatalf("ListOrganizations = %+v", list)
		}
		// The first organization is the default.
		d, err := db.DefaultOrganization(ctx)
		must(t, err)
		if d != o {
			t.Fatalf("DefaultOrganization = %+v, want the first, %+v", d, o)
		}
	})
}

func TestDefaultOrganizationConcurrent(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		// Two instances on one database, ten callers each.
		other := openDB(t, reopenDSN(t, db))
		got := make([]cxm.Organization, 20)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				d := db
				if i%2 == 1 {
					d = other
				}
				var err error
				got[i], err = d.DefaultOrganization(ctx)
				if err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
		for _, o := range got {
			if o != got[0] || o.Name != DefaultOrganizationName || o.ID == 0 {
				t.Fatalf("DefaultOrganization returned %+v and %+v", got[0], o)
			}
		}
		list, err := db.ListOrganizations(ctx)
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("%d organizations created, want 1: %+v", len(list), list)
		}
	})
}

// reopenDSN is the DSN db was opened with (a second instance on the same
// database).
func reopenDSN(t *testing.T, db *DB) string {
	if db.Engine() == SQLite {
		return db.path
	}
	var schema string
	must(t, db.r.QueryRow("SELECT current_schema()").Scan(&schema))
	u := testdb.PostgresURL()
	sep := "?"
	if strings.Contains(u, "?") {
		sep = "&"
	}
	return u + sep + "search_path=" + schema
}

func TestFrameworks(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		v1 := []byte("id: temkin\nversion: 1\nname: «Temkin» — \"four\"\n\x00\xff")
		must(t, db.SaveFramework(ctx, "temkin", 1, "Temkin", v1, true))
		must(t, db.SaveFramework(ctx, "temkin", 1, "Temkin", append([]byte(nil), v1...), true)) // idempotent
		err := db.SaveFramework(ctx, "temkin", 1, "Temkin", append(v1, ' '), true)
		wantErr(t, "SaveFramework changed source", err, cxm.ErrConflict)
		must(t, db.SaveFramework(ctx, "temkin", 2, "Temkin 2", []byte("v2"), true))
		must(t, db.SaveFramework(ctx, "acme", 3, "Acme", []byte("acme"), false))
		must(t, db.SaveFramework(ctx, "Zeta", 1, "Zeta", []byte("z"), false))

		src, err := db.FrameworkSource(ctx, "temkin", 1)
		must(t, err)
		if string(src) != string(v1) {
			t.Fatalf("FrameworkSource = %q", src)
		}
		_, err = db.FrameworkSource(ctx, "temkin", 3)
		wantErr(t, "FrameworkSource unknown version", err, cxm.ErrNotFound)
		v, err := db.LatestFrameworkVersion(ctx, "temkin")
		must(t, err)
		if v != 2 {
			t.Fatalf("LatestFrameworkVersion = %d", v)
		}
		_, err = db.LatestFrameworkVersion(ctx, "nope")
		wantErr(t, "LatestFrameworkVersion unknown", err, cxm.ErrNotFound)

		list, err := db.ListFrameworks(ctx)
		must(t, err)
		var got []string
		for _, f := range list {
			got = append(got, fmt.Sprintf("%s@%d %s %v", f.ID, f.Version, f.Name, f.Builtin))
			if f.CreatedAt.IsZero() {
				t.Errorf("%s has no created_at", f.ID)
			}
		}
		want := []string{"Zeta@1 Zeta false", "acme@3 Acme false", "temkin@1 Temkin true", "temkin@2 Temkin 2 true"}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("ListFrameworks = %q, want %q", got, want)
		}
	})
}

func TestAssessments(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		a := f.assessment
		if a.ID == 0 || a.Status != cxm.StatusOpen || a.CreatedAt.IsZero() {
			t.Fatalf("CreateAssessment left %+v", a)
		}
		got, err := db.Assessment(ctx, a.ID)
		must(t, err)
		if !reflect.DeepEqual(got, a) {
			t.Fatalf("Assessment =\n%+v\nwant\n%+v", got, a)
		}
		_, err = db.Assessment(ctx, 9999)
		wantErr(t, "Assessment unknown", err, cxm.ErrNotFound)

		// Errors: unknown organization, framework version, previous wave.
		bad := cxm.Assessment{OrganizationID: 9999, Name: "x", FrameworkID: "test", FrameworkVersion: 1}
		_, err = db.CreateAssessment(ctx, &bad)
		wantErr(t, "unknown organization", err, cxm.ErrNotFound)
		bad = cxm.Assessment{OrganizationID: f.org, Name: "x", FrameworkID: "test", FrameworkVersion: 2}
		_, err = db.CreateAssessment(ctx, &bad)
		wantErr(t, "unknown framework version", err, cxm.ErrNotFound)
		bad = cxm.Assessment{OrganizationID: f.org, Name: "x", FrameworkID: "test", FrameworkVersion: 1, PreviousID: 9999}
		_, err = db.CreateAssessment(ctx, &bad)
		wantErr(t, "unknown previous", err, cxm.ErrNotFound)
		if _, err := db.CreateAssessment(ctx, &cxm.Assessment{OrganizationID: f.org, FrameworkID: "test", FrameworkVersion: 1}); err == nil {
			t.Fatal("an assessment without a name was created")
		}

		// A second wave, in the default organization (the first one, Acme).
		time.Sleep(2 * time.Millisecond)
		next := cxm.Assessment{Name: "Q2 \"wave\" ü", FrameworkID: "test", FrameworkVersion: 1, PreviousID: a.ID, MinGroup: 3}
		id2, err := db.CreateAssessment(ctx, &next)
		must(t, err)
		got, err = db.Assessment(ctx, id2)
		must(t, err)
		if got.PreviousID != a.ID || got.OrganizationID != f.org || got.Name != next.Name || got.MinGroup != 3 || len(got.Attributes) != 0 {
			t.Fatalf("second wave = %+v", got)
		}
		other, err := db.CreateOrganization(ctx, cxm.Organization{Name: "Other"})
		must(t, err)
		third := cxm.Assessment{OrganizationID: other, Name: "Other Q1", FrameworkID: "test", FrameworkVersion: 1}
		time.Sleep(2 * time.Millisecond)
		_, err = db.CreateAssessment(ctx, &third)
		must(t, err)

		invite(t, db, a.ID, 3)
		inv, err := db.ListInvitations(ctx, a.ID)
		must(t, err)
		must(t, db.SubmitResponse(ctx, inv[0].ID, a.ID, cxm.StoredResponse{Answers: []int{1}}))

		all, err := db.ListAssessments(ctx, 0)
		must(t, err)
		if len(all) != 3 || all[0].ID != third.ID || all[1].ID != id2 || all[2].ID != a.ID {
			t.Fatalf("ListAssessments(0) = %+v, want newest first", all)
		}
		if all[2].Invited != 3 || all[2].Responses != 1 || all[1].Invited != 0 {
			t.Fatalf("counts: %+v", all)
		}
		light, err := db.AssessmentNoCounts(ctx, a.ID)
		must(t, err)
		if want := all[2]; light.Invited != 0 || light.Responses != 0 || light.Name != want.Name || light.Status != want.Status ||
			!reflect.DeepEqual(light.Attributes, want.Attributes) || light.FrameworkID != "test" || light.MinGroup != want.MinGroup {
			t.Fatalf("AssessmentNoCounts = %+v, want %+v without counts", light, want)
		}
		_, err = db.AssessmentNoCounts(ctx, 9999)
		wantErr(t, "AssessmentNoCounts unknown", err, cxm.ErrNotFound)
		mine, err := db.ListAssessments(ctx, f.org)
		must(t, err)
		if len(mine) != 2 || mine[0].ID != id2 || mine[1].ID != a.ID {
			t.Fatalf("ListAssessments(org) = %+v", mine)
		}

		// Close, close again (closed_at kept), reopen.
		t1 := time.Date(2025, 6, 1, 12, 0, 0, 500, time.UTC)
		must(t, db.SetStatus(ctx, a.ID, cxm.StatusClosed, t1))
		must(t, db.SetStatus(ctx, a.ID, cxm.StatusClosed, t1.Add(time.Hour)))
		got, err = db.Assessment(ctx, a.ID)
		must(t, err)
		if got.Status != cxm.StatusClosed || got.ClosedAt == nil || !got.ClosedAt.Equal(t1.Truncate(time.Microsecond)) {
			t.Fatalf("closed assessment: %+v closed at %v", got, got.ClosedAt)
		}
		must(t, db.SetStatus(ctx, a.ID, cxm.StatusOpen, t1))
		got, err = db.Assessment(ctx, a.ID)
		must(t, err)
		if got.Status != cxm.StatusOpen || got.ClosedAt != nil {
			t.Fatalf("reopened assessment: %+v", got)
		}
		wantErr(t, "SetStatus unknown", db.SetStatus(ctx, 9999, cxm.StatusClosed, t1), cxm.ErrNotFound)
		if err := db.SetStatus(ctx, a.ID, "archived", t1); err == nil {
			t.Fatal("SetStatus accepted an invalid status")
		}
	})
}

func TestInvitations(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		// More than one INSERT chunk.
		invs := make([]NewInvitation, 2*invitationChunk+7)
		for i := range invs {
			invs[i] = NewInvitation{TokenHash: tokenHash()}
		}
		must(t, db.CreateInvitations(ctx, id, invs))
		list, err := db.ListInvitations(ctx, id)
		must(t, err)
		if len(list) != len(invs) {
			t.Fatalf("%d invitations listed, want %d", len(list), len(invs))
		}
		byID := map[int64]cxm.Invitation{}
		for i, inv := range list {
			if inv.Used || inv.AssessmentID != id || inv.CreatedAt.IsZero() {
				t.Fatalf("invitation %d = %+v", i, inv)
			}
			byID[inv.ID] = inv
		}
		// Ids follow the hashes' order, not the order they were given in.
		sorted := slices.Clone(invs)
		slices.SortFunc(sorted, func(a, b NewInvitation) int { return bytes.Compare(a.TokenHash, b.TokenHash) })
		for i, in := range sorted {
			inv, err := db.InvitationByToken(ctx, in.TokenHash)
			must(t, err)
			if inv != byID[inv.ID] || inv.ID != list[i].ID {
				t.Fatalf("InvitationByToken = %+v, want %+v (the %dth by hash)", inv, list[i], i)
			}
		}
		_, err = db.InvitationByToken(ctx, tokenHash())
		wantErr(t, "InvitationByToken unknown", err, cxm.ErrNotFound)

		// All or nothing: a hash repeated in the batch, or already stored.
		dup := tokenHash()
		batch := make([]NewInvitation, 2*invitationChunk)
		for i := range batch {
			batch[i] = NewInvitation{TokenHash: tokenHash()}
		}
		batch[3].TokenHash = dup
		batch[len(batch)-1].TokenHash = dup // in the second chunk
		wantErr(t, "repeated hash in the batch", db.CreateInvitations(ctx, id, batch), cxm.ErrConflict)
		batch[len(batch)-1].TokenHash = invs[0].TokenHash
		batch[3].TokenHash = tokenHash()
		wantErr(t, "hash already stored", db.CreateInvitations(ctx, id, batch), cxm.ErrConflict)
		a, err := db.Assessment(ctx, id)
		must(t, err)
		if a.Invited != len(invs) {
			t.Fatalf("after failed batches %d invitations, want %d: nothing of a failed batch may be stored", a.Invited, len(invs))
		}
		_, err = db.InvitationByToken(ctx, batch[0].TokenHash)
		wantErr(t, "invitation of a failed batch", err, cxm.ErrNotFound)

		wantErr(t, "unknown assessment", db.CreateInvitations(ctx, 9999, []NewInvitation{{TokenHash: tokenHash()}}), cxm.ErrNotFound)
		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, time.Now()))
		wantErr(t, "closed assessment", db.CreateInvitations(ctx, id, []NewInvitation{{TokenHash: tokenHash()}}), cxm.ErrClosed)
		if err := db.CreateInvitations(ctx, id, []NewInvitation{{}}); err == nil {
			t.Fatal("an invitation without a token hash was accepted")
		}
	})
}

func TestDrafts(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		hashes := invite(t, db, f.assessment.ID, 1)
		inv, err := db.InvitationByToken(ctx, hashes[0])
		must(t, err)
		key, wrong := DraftKey("token"), DraftKey("another token")
		_, err = db.Draft(ctx, inv.ID, key)
		wantErr(t, "Draft before any", err, cxm.ErrNotFound)
		d := cxm.Draft{Attributes: map[string]string{"department": "Sales \"EMEA\" ✓"}, Answers: map[string]int{"i1": 4, "i2": 1}, DontKnow: []string{"i3"}}
		must(t, db.SaveDraft(ctx, inv.ID, key, d))
		d.Answers["i4"] = 5
		must(t, db.SaveDraft(ctx, inv.ID, key, d)) // replaces
		got, err := db.Draft(ctx, inv.ID, key)
		must(t, err)
		if !reflect.DeepEqual(got, d) {
			t.Fatalf("Draft = %+v, want %+v", got, d)
		}
		_, err = db.Draft(ctx, inv.ID, wrong)
		wantErr(t, "Draft with another token's key", err, ErrDraftKey)
		var stored []byte
		must(t, db.r.QueryRowContext(ctx, "SELECT sealed FROM drafts WHERE invitation_id = $1", inv.ID).Scan(&stored))
		if bytes.Contains(stored, []byte("EMEA")) || bytes.Contains(stored, []byte("i4")) {
			t.Fatalf("the stored draft is readable: %q", stored)
		}
		wantErr(t, "SaveDraft unknown", db.SaveDraft(ctx, 9999, key, d), cxm.ErrNotFound)
		_, err = db.Draft(ctx, 9999, key)
		wantErr(t, "Draft unknown", err, cxm.ErrNotFound)

		// Submitting deletes the draft, and no draft can come back after.
		must(t, db.SubmitResponse(ctx, inv.ID, f.assessment.ID, cxm.StoredResponse{Answers: []int{4, 1}}))
		_, err = db.Draft(ctx, inv.ID, key)
		wantErr(t, "Draft after submission", err, cxm.ErrNotFound)
		wantErr(t, "SaveDraft after submission", db.SaveDraft(ctx, inv.ID, key, d), cxm.ErrConflict)
		_, err = db.Draft(ctx, inv.ID, key)
		wantErr(t, "Draft after a refused save", err, cxm.ErrNotFound)
	})
}

func TestSubmitResponse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		hashes := invite(t, db, id, 4)
		invs, err := db.ListInvitations(ctx, id)
		must(t, err)
		r := cxm.StoredResponse{Attributes: map[string]string{"department": "Sales"}, Answers: []int{5, cxm.NoAnswer, 1}}
		first, err := db.InvitationByToken(ctx, hashes[0])
		must(t, err)
		if invs[1].ID == first.ID { // ids follow the hashes' order
			invs[0], invs[1] = invs[1], invs[0]
		}
		must(t, db.SubmitResponse(ctx, first.ID, id, r))
		wantErr(t, "submitting twice", db.SubmitResponse(ctx, first.ID, id, r), cxm.ErrConflict)
		inv, err := db.InvitationByToken(ctx, hashes[0])
		must(t, err)
		if !inv.Used {
			t.Fatal("the invitation is not marked used")
		}
		wantErr(t, "unknown invitation", db.SubmitResponse(ctx, 9999, id, r), cxm.ErrNotFound)
		other := cxm.Assessment{OrganizationID: f.org, Name: "other", FrameworkID: "test", FrameworkVersion: 1}
		_, err = db.CreateAssessment(ctx, &other)
		must(t, err)
		wantErr(t, "invitation of another assessment", db.SubmitResponse(ctx, invs[1].ID, other.ID, r), cxm.ErrNotFound)
		if err := db.SubmitResponse(ctx, invs[1].ID, id, cxm.StoredResponse{}); err == nil {
			t.Fatal("a response without answers was accepted")
		}
		if inv, _ := db.InvitationByToken(ctx, hashes[1]); inv.Used {
			t.Fatal("a refused submission used the invitation")
		}

		must(t, db.SetStatus(ctx, id, cxm.StatusClosed, time.Now()))
		wantErr(t, "closed assessment", db.SubmitResponse(ctx, invs[1].ID, id, r), cxm.ErrClosed)
		if inv, _ := db.InvitationByToken(ctx, hashes[1]); inv.Used {
			t.Fatal("a submission to a closed assessment used the invitation")
		}
		n, err := db.CountResponses(ctx, id)
		must(t, err)
		if n != 1 {
			t.Fatalf("CountResponses = %d, want 1", n)
		}
		must(t, db.SetStatus(ctx, id, cxm.StatusOpen, time.Now()))
		must(t, db.SubmitResponse(ctx, invs[1].ID, id, r))
		n, err = db.CountResponses(ctx, id)
		must(t, err)
		if n != 2 {
			t.Fatalf("CountResponses = %d, want 2", n)
		}
	})
}

// TestSubmitRace: many requests with the same invitation at once (a double
// click, a replay): exactly one response is stored.
func TestSubmitRace(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		invite(t, db, id, 3)
		invs, err := db.ListInvitations(ctx, id)
		must(t, err)
		for _, inv := range invs {
			var ok, conflict atomic.Int32
			var wg sync.WaitGroup
			for range 20 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					switch err := db.SubmitResponse(ctx, inv.ID, id, cxm.StoredResponse{Answers: []int{3}}); {
					case err == nil:
						ok.Add(1)
					case errors.Is(err, cxm.ErrConflict):
						conflict.Add(1)
					default:
						t.Error(err)
					}
				}()
			}
			wg.Wait()
			if ok.Load() != 1 || conflict.Load() != 19 {
				t.Fatalf("%d submissions succeeded and %d conflicted, want 1 and 19", ok.Load(), conflict.Load())
			}
		}
		n, err := db.CountResponses(ctx, id)
		must(t, err)
		if n != len(invs) {
			t.Fatalf("%d responses stored, want %d", n, len(invs))
		}
	})
}

func TestEachResponse(t *testing.T) {
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		id := f.assessment.ID
		other := cxm.Assessment{OrganizationID: f.org, Name: "other", FrameworkID: "test", FrameworkVersion: 1}
		_, err := db.CreateAssessment(ctx, &other)
		must(t, err)

		var want []cxm.StoredResponse
		attrs := []map[string]string{
			{"department": "Sales"},
			{"department": "Sales"},
			{"department": `Q"uo'te\ ,;`, "level": "Führungskraft 👩‍💼"},
			{},
			nil,
			{"department": "Sales"},
		}
		answers := [][]int{
			{1, 2, 3},
			{cxm.NoAnswer, cxm.NoAnswer, cxm.NoAnswer},
			{7, cxm.NoAnswer, -3},
			{cxm.NoAnswer},
			{10, 0, 1000000},
			{5, 4, cxm.NoAnswer},
		}
		for i := range 300 {
			r := cxm.StoredResponse{Attributes: attrs[i%len(attrs)], Answers: answers[i%len(answers)]}
			want = append(want, r)
		}
		// Half through invitations, half imported; interleaved with another
		// assessment's responses.
		hashes := invite(t, db, id, 150)
		for i, r := range want {
			if i%2 == 0 {
				inv, err := db.InvitationByToken(ctx, hashes[i/2])
				must(t, err)
				must(t, db.SubmitResponse(ctx, inv.ID, id, r))
			} else {
				must(t, db.AddResponse(ctx, id, r))
			}
			if i%10 == 0 {
				must(t, db.AddResponse(ctx, other.ID, cxm.StoredResponse{Answers: []int{9}}))
			}
		}
		// Responses come in the order of their random ids: compare as
		// multisets.
		key := func(r cxm.StoredResponse) string {
			a := r.Attributes
			if a == nil {
				a = map[string]string{}
			}
			return fmt.Sprint(a, r.Answers)
		}
		left := map[string]int{}
		for _, w := range want {
			left[key(w)]++
		}
		i := 0
		err = db.EachResponse(ctx, id, func(r cxm.StoredResponse) error {
			if left[key(r)] == 0 {
				t.Fatalf("response %d = %+v is not one stored (or comes too often)", i, r)
			}
			left[key(r)]--
			i++
			return nil
		})
		must(t, err)
		if i != len(want) {
			t.Fatalf("EachResponse gave %d responses, want %d", i, len(want))
		}

		// An error from fn stops the iteration.
		stop := errors.New("stop")
		calls := 0
		err = db.EachResponse(ctx, id, func(cxm.StoredResponse) error {
			calls++
			if calls == 3 {
				return stop
			}
			return nil
		})
		if !errors.Is(err, stop) || calls != 3 {
			t.Fatalf("EachResponse after an error: %v, %d calls", err, calls)
		}
		// Unknown assessment: no responses.
		must(t, db.EachResponse(ctx, 9999, func(cxm.StoredResponse) error { t.Fatal("called"); return nil }))

		wantErr(t, "AddResponse unknown assessment", db.AddResponse(ctx, 9999, want[0]), cxm.ErrNotFound)
		// AddResponses is all or nothing.
		if err := db.AddResponses(ctx, id, []cxm.StoredResponse{want[0], {}}); err == nil {
			t.Fatal("AddResponses accepted a response without answers")
		}
		n, err := db.CountResponses(ctx, id)
		must(t, err)
		if n != len(want) {
			t.Fatalf("CountResponses = %d, want %d", n, len(want))
		}
		must(t, db.AddResponses(ctx, id, want[:5]))
		n, err = db.CountResponses(ctx, id)
		must(t, err)
		if n != len(want)+5 {
			t.Fatalf("CountResponses = %d, want %d", n, len(want)+5)
		}
	})
}

// TestEachResponseStreams: EachResponse holds one row at a time, so memory
// does not grow with the number of responses.
func TestEachResponseStreams(t *testing.T) {
	if testing.Short() {
		t.Skip("slow")
	}
	forEachEngine(t, func(t *testing.T, db *DB) {
		ctx := context.Background()
		f := newFixture(t, db)
		const n = 20000
		rs := make([]cxm.StoredResponse, n)
		for i := range rs {
			rs[i] = cxm.StoredResponse{Attributes: map[string]string{"department": []string{"Sales", "Support"}[i%2]},
				Answers: make([]int, 40)}
			for j := range rs[i].Answers {
				rs[i].Answers[j] = (i+j)%5 + 1
			}
		}
		must(t, db.AddResponses(ctx, f.assessment.ID, rs))
		rs = nil
		allocs := testing.AllocsPerRun(1, func() {
			count := 0
			must(t, db.EachResponse(ctx, f.assessment.ID, func(r cxm.StoredResponse) error {
				if len(r.Answers) != 40 || r.Answers[1] != r.Answers[0]%5+1 { // random order: check each row's own pattern
					t.Fatalf("response %d = %v", count, r.Answers)
				}
				count++
				return nil
			}))
			if count != n {
				t.Fatalf("%d responses, want %d", count, n)
			}
		})
		// The drivers allocate a little per row; the store must not add a
		// slice and a map per row on top.
		if perRow := allocs / n; perRow > 6 {
			t.Fatalf("%.1f allocations per row", perRow)
		}
	})
}

func TestAnswerCodec(t *testing.T) {
	for _, answers := range [][]int{{1}, {cxm.NoAnswer}, {1, cxm.NoAnswer, -7, 0, 123456789}, {cxm.NoAnswer, cxm.NoAnswer}} {
		_, s, err := encodeResponse(cxm.StoredResponse{Answers: answers})
		must(t, err)
		got, err := parseAnswers(nil, []byte(s))
		must(t, err)
		if !reflect.DeepEqual(got, answers) {
			t.Errorf("%v -> %q -> %v", answers, s, got)
		}
	}
	for _, bad := range []string{"a", "1,,x", "-", "1.5", "1234567890123456789"} {
		if _, err := parseAnswers(nil, []byte(bad)); err == nil {
			t.Errorf("parseAnswers(%q) succeeded", bad)
		}
	}
}
