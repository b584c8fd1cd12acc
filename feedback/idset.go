package feedback

// idSet remembers 96-bit hashes of the ids read so far and the row of
// each. It is an open-addressing table with linear probing: the keys are
// hashes already, so unlike a map it hashes nothing again, and a lookup
// touches one or two adjacent slots (a third of the reader's time went to
// a map of [2]uint64 at a million records).
type idSet struct {
	slots []idSlot
	n     int
}

type idSlot struct { // 16 bytes
	h1  uint64
	h2  uint32
	row int32 // 0: an empty slot (rows and lines count from 1)
}

// add records the id hashed to h1, h2 at row (≥ 1), or returns the row where it
// was first seen.
func (s *idSet) add(h1 uint64, h2 uint32, row int32) (int32, bool) {
	if 4*(s.n+1) > 3*len(s.slots) {
		s.grow()
	}
	mask := uint64(len(s.slots) - 1)
	for i := h1 & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.row == 0 {
			*sl = idSlot{h1, h2, row}
			s.n++
			return 0, false
		}
		if sl.h1 == h1 && sl.h2 == h2 {
			return sl.row, true
		}
	}
}

func (s *idSet) grow() {
	old := s.slots
	size := 1024
	if len(old) > 0 {
		size = 2 * len(old)
	}
	s.slots = make([]idSlot, size)
	mask := uint64(size - 1)
	for _, sl := range old {
		if sl.row == 0 {
			continue
		}
		i := sl.h1 & mask
		for s.slots[i].row != 0 {
			i = (i + 1) & mask
		}
		s.slots[i] = sl
	}
}

// find returns the row of the id hashed to h1, h2, if it was added.
func (s *idSet) find(h1 uint64, h2 uint32) (int32, bool) {
	if len(s.slots) == 0 {
		return 0, false
	}
	mask := uint64(len(s.slots) - 1)
	for i := h1 & mask; ; i = (i + 1) & mask {
		sl := &s.slots[i]
		if sl.row == 0 {
			return 0, false
		}
		if sl.h1 == h1 && sl.h2 == h2 {
			return sl.row, true
		}
	}
}
