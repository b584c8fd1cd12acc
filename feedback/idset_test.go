package feedback

import "testing"

func TestIDSet(t *testing.T) {
	var s idSet
	if _, ok := s.find(1, 2); ok {
		t.Fatal("found in an empty set")
	}
	for i := int32(1); i <= 5000; i++ {
		h := uint64(i) * 0x9E3779B97F4A7C15
		if _, dup := s.add(h, uint32(^h), i); dup {
			t.Fatalf("%d: a new hash reported as seen", i)
		}
	}
	// Same first hash, another second hash: a different id.
	if _, dup := s.add(0x9E3779B97F4A7C15, 7, 9000); dup {
		t.Error("ids that share only h1 are different")
	}
	for i := int32(1); i <= 5000; i++ {
		h := uint64(i) * 0x9E3779B97F4A7C15
		if row, dup := s.add(h, uint32(^h), 99999); !dup || row != i {
			t.Fatalf("%d: got %d %v", i, row, dup)
		}
		if row, ok := s.find(h, uint32(^h)); !ok || row != i {
			t.Fatalf("find %d: got %d %v", i, row, ok)
		}
	}
	if s.n != 5001 || len(s.slots) != 8192 {
		t.Errorf("n %d, %d slots", s.n, len(s.slots))
	}
}
