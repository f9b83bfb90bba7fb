package service

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// decodeShortID reads back the UUID that shortID wrote, for the tests.
func decodeShortID(t *testing.T, id string) uuid.UUID {
	t.Helper()
	var v [17]byte
	for i := range len(id) {
		c := strings.IndexByte(idAlphabet, id[i])
		if c < 0 {
			t.Fatalf("id %q has %q, not in the alphabet", id, id[i])
		}
		for k := range 6 { // bit 4+6i+k of v, from the top
			if c>>(5-k)&1 == 1 {
				bit := 4 + 6*i + k
				v[bit/8] |= 0x80 >> (bit % 8)
			}
		}
	}
	if v[0] != 1 {
		t.Fatalf("id %q: leading bits %08b, want 00000001", id, v[0])
	}
	return uuid.UUID(v[1:])
}

func TestShortID(t *testing.T) {
	t.Parallel()
	if !slices.IsSorted([]byte(idAlphabet)) || len(idAlphabet) != 64 {
		t.Fatalf("the alphabet must be 64 characters in byte order: %q", idAlphabet)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var us []uuid.UUID
	for range 2000 {
		var u uuid.UUID
		for i := range u {
			u[i] = byte(rng.IntN(256))
		}
		us = append(us, u)
	}
	us = append(us, uuid.UUID{}, uuid.Max, uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()))
	for _, u := range us {
		id := shortID(u)
		if len(id) != 22 || id[0] < '3' || id[0] > '6' || u.Version() == 7 && u[0] == 0x01 && id[0] != '3' {
			t.Errorf("shortID(%s) = %q, want 22 characters beginning with 3 to 6 (3 for a UUIDv7 of this century)", u, id)
		}
		for _, r := range id { // what email.checkID accepts in a Message-ID
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Errorf("shortID(%s) = %q has %q", u, id, r)
			}
		}
		if back := decodeShortID(t, id); back != u {
			t.Errorf("shortID(%s) = %q reads back as %s", u, id, back)
		}
	}
	// Ids sort as their UUIDs do, so by time for UUIDv7.
	slices.SortFunc(us, func(a, b uuid.UUID) int { return bytes.Compare(a[:], b[:]) })
	for i := 1; i < len(us); i++ {
		if a, b := shortID(us[i-1]), shortID(us[i]); a >= b && us[i-1] != us[i] {
			t.Errorf("%s < %s but %q >= %q", us[i-1], us[i], a, b)
		}
	}
}

// TestNewIDSortsAfterUUIDText: ids written before were UUIDv7 text, all
// beginning with "0" until the year 10889; a new id sorts after every one
// of them and after an older new id.
func TestNewIDSortsAfterUUIDText(t *testing.T) {
	t.Parallel()
	old := []string{
		"01a23686-42d3-7273-b66c-5f50c1790924",
		"0fffffff-ffff-7fff-bfff-ffffffffffff", // the last millisecond of "0"
		uuid.Must(uuid.NewV7()).String(),
	}
	a := newID()
	b := newID()
	for _, o := range old {
		if a <= o {
			t.Errorf("new id %q sorts before old id %q", a, o)
		}
	}
	if a >= b {
		t.Errorf("newer id %q sorts before older %q", b, a)
	}
}
