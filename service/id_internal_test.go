package service

import (
	"cmp"
	"encoding/binary"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"
)

// idBits reads back the bits shortID keeps of a UUIDv7: its millisecond
// and sequence (60 bits) and 48 random bits.
func idBits(t *testing.T, id string) (hi, lo uint64) {
	t.Helper()
	if len(id) != 18 {
		t.Fatalf("id %q: %d characters, want 18", id, len(id))
	}
	for i := range len(id) {
		c := strings.IndexByte(idAlphabet, id[i])
		if c < 0 {
			t.Fatalf("id %q has %q, not in the alphabet", id, id[i])
		}
		if i == 0 {
			if c < 4 {
				t.Fatalf("id %q begins with %q, below the mark", id, id[0])
			}
			c -= 4
		}
		if i < 10 {
			hi = hi<<6 | uint64(c)
		} else {
			lo = lo<<6 | uint64(c)
		}
	}
	return hi, lo
}

// kept is the bits of u that shortID keeps, as idBits reads them.
func kept(u uuid.UUID) (hi, lo uint64) {
	hi = binary.BigEndian.Uint64(u[:8])
	hi = hi>>16<<12 | hi&0x0fff // the millisecond, then the sequence without the version
	return hi, binary.BigEndian.Uint64(u[8:]) & (1<<48 - 1)
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
		u[0] = 0x01 // a millisecond of this century
		u[6] = 0x70 | u[6]&0x0f
		us = append(us, u)
	}
	last := uuid.Max
	last[0], last[1] = 0x0e, 0xff // a millisecond in the year 10000
	us = append(us, uuid.UUID{}, last, uuid.Must(uuid.NewV7()), uuid.Must(uuid.NewV7()))
	for _, u := range us {
		id := shortID(u)
		if len(id) != 18 || u[0] == 0x01 && id[0] != '3' {
			t.Errorf("shortID(%s) = %q, want 18 characters beginning with 3", u, id)
		}
		for _, r := range id { // what email.checkID accepts in a Message-ID
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				t.Errorf("shortID(%s) = %q has %q", u, id, r)
			}
		}
		hi, lo := idBits(t, id)
		if whi, wlo := kept(u); hi != whi || lo != wlo {
			t.Errorf("shortID(%s) = %q reads back as %x %x, want %x %x", u, id, hi, lo, whi, wlo)
		}
	}
	// Ids sort as the bits they keep, so by time.
	slices.SortFunc(us, func(a, b uuid.UUID) int {
		ahi, alo := kept(a)
		bhi, blo := kept(b)
		return cmp.Or(cmp.Compare(ahi, bhi), cmp.Compare(alo, blo))
	})
	for i := 1; i < len(us); i++ {
		if a, b := shortID(us[i-1]), shortID(us[i]); a > b {
			t.Errorf("%s before %s but %q > %q", us[i-1], us[i], a, b)
		}
	}
}

// TestNewIDSortsAfterUUIDText: ids written before were UUIDv7 text, all
// beginning with "0" until the year 10889; a new id sorts after every one
// of them, and after every older new id.
func TestNewIDSortsAfterUUIDText(t *testing.T) {
	t.Parallel()
	old := []string{
		"01a23686-42d3-7273-b66c-5f50c1790924",
		"0fffffff-ffff-7fff-bfff-ffffffffffff", // the last millisecond of "0"
		uuid.Must(uuid.NewV7()).String(),
	}
	ids := make([]string, 10000)
	for i := range ids {
		ids[i] = newID()
	}
	for _, o := range old {
		if ids[0] <= o {
			t.Errorf("new id %q sorts before old id %q", ids[0], o)
		}
	}
	for i := 1; i < len(ids); i++ { // the sequence makes a process's ids strictly increasing
		if ids[i-1] >= ids[i] {
			t.Fatalf("newer id %q sorts before or equal to older %q", ids[i], ids[i-1])
		}
	}
}

func BenchmarkNewID(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		newID()
	}
}

func BenchmarkNewIDUUIDText(b *testing.B) { // the form written before, for comparison
	b.ReportAllocs()
	for b.Loop() {
		_ = uuid.Must(uuid.NewV7()).String()
	}
}
