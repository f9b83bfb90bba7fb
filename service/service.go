// Package service is the one place that orchestrates Baton: each command
// (ingest a signal, accept, reject, reassign, record an outcome, fire a
// timer) runs the engines and writes the new state, its events, its due
// timers and its outbound messages in one transaction.
//
// It holds no SQL and no HTTP: it speaks to a baton.Store and is driven by
// the web and worker adapters.
package service

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/batonhq/baton"
	"github.com/batonhq/baton/playbook"
	"github.com/batonhq/baton/routing"
	"github.com/google/uuid"
)

// Service runs Baton's commands against a store.
type Service struct {
	store baton.Store
	clock baton.Clock
	log   *slog.Logger
	pb    atomic.Pointer[playbook.Playbook]
	// publicURL is where links sent outside point (SetPublicURL).
	publicURL atomic.Pointer[string]
	// channels are the channels Baton delivers on (SetChannels).
	channels atomic.Pointer[[]string]
	// actionKey signs one-click links (oneclick.go), loaded once.
	actionKey atomic.Pointer[[]byte]
	// sessions bounds browser sessions (SetSessionLimits).
	sessions atomic.Pointer[SessionLimits]
	// obs is told what the service did, for metrics (SetObserver).
	obs atomic.Pointer[Observer]
	// crm is what is written back to which CRMs (SetCRM, crm.go).
	crm atomic.Pointer[CRMConfig]
	// pwCost is the cost of new password hashes (SetPasswordCost); nil
	// means the default.
	pwCost atomic.Pointer[passwordCost]
	// handLease, when positive, is the lease notifications are queued with
	// (SetHandLease).
	handLease atomic.Int64

	roster     atomic.Pointer[roster]
	names      nameIndex
	objections objections
	// checked remembers the transaction whose roster version was last
	// read, so one command reads the version once, not once per lookup.
	checked atomic.Pointer[checkedRoster]
}

type checkedRoster struct {
	tx baton.Tx
	r  *roster
}

// roster caches the team between user writes: routing reads it on every
// signal, and a thousand rows per signal would dominate ingest.
type roster struct {
	*routing.Roster
	version int64
}

// New returns a Service. The logger may be nil.
func New(store baton.Store, clock baton.Clock, pb *playbook.Playbook, log *slog.Logger) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{store: store, clock: clock, log: log}
	s.pb.Store(pb)
	return s
}

// SetHandLease has notifications to people that are due when queued
// written already leased for d (baton.Message.LeaseUntil), so that the
// store hands them to this node's outbox when their transaction commits
// and the outbox delivers them at once, without a claim: a write that
// would wait its turn behind the signals. Zero, the default, queues them
// unleased, for the outbox to claim. Set it only when this process runs
// an outbox that takes what its store hands over (worker.Outbox.Hand):
// otherwise each such message waits d before it is claimed. Messages to
// prospects and CRM write-backs are never leased at enqueue: their
// claim applies the daily caps, bounces and broken connectors.
func (s *Service) SetHandLease(d time.Duration) { s.handLease.Store(int64(max(d, 0))) }

// Playbook returns the playbook in force.
func (s *Service) Playbook() *playbook.Playbook { return s.pb.Load() }

// SetPlaybook replaces the playbook in force; handoffs already open keep the
// deadlines they were given.
func (s *Service) SetPlaybook(pb *playbook.Playbook) { s.pb.Store(pb) }

// Clock returns the service's clock.
func (s *Service) Clock() baton.Clock { return s.clock }

// newID returns a new record id: 18 characters that sort by time. An id
// is stored a dozen times per handoff (its row, events, rollups, indexes,
// and the ids of what it names), so its length counts: this form took
// about 1,200 bytes a handoff off the UUID text's 36 characters (the
// disk benchmark).
//
// The id holds 108 bits of a UUIDv7, six a character from idAlphabet
// (whose characters are in byte order, so ids sort as the bits do): its
// 48-bit Unix millisecond, its 12-bit sequence (the time within the
// millisecond, strictly increasing within the process) and 48 of its
// random bits, which keep two processes' ids apart. The version and
// variant bits, always the same, and 14 more random bits are left out.
// The first character carries the top 6 bits of the millisecond (0 until
// the year 2109) plus 4, so every id begins with "3": it sorts after
// every id written before in the UUID text form (all begin with "0"). The
// characters are safe in URLs, file names and an email Message-ID; ids
// are case-sensitive, as they always were.
func newID() string { return shortID(uuid.Must(uuid.NewV7())) }

// idAlphabet is the 64 characters of the base64url alphabet in byte order.
const idAlphabet = "-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"

// shortID writes the UUIDv7 u as newID does.
func shortID(u uuid.UUID) string {
	hi := uint64(u[0])<<52 | uint64(u[1])<<44 | uint64(u[2])<<36 | uint64(u[3])<<28 | uint64(u[4])<<20 | uint64(u[5])<<12 |
		uint64(u[6]&0x0f)<<8 | uint64(u[7]) // the millisecond and the sequence: 60 bits
	lo := uint64(u[10])<<40 | uint64(u[11])<<32 | uint64(u[12])<<24 | uint64(u[13])<<16 | uint64(u[14])<<8 | uint64(u[15]) // 48 random bits
	var b [18]byte
	for i := range 10 {
		b[i] = idAlphabet[hi>>(54-6*i)&63]
	}
	b[0] = idAlphabet[hi>>54+4] // below 60 until the year 10000
	for i := range 8 {
		b[10+i] = idAlphabet[lo>>(42-6*i)&63]
	}
	return string(b[:])
}

const rosterKey = "roster_version"

// users returns the roster, reloading it when another writer changed it.
func (s *Service) users(ctx context.Context, tx baton.Tx) (*roster, error) {
	if c := s.checked.Load(); c != nil && c.tx == tx && c.r == s.roster.Load() {
		return c.r, nil
	}
	var version int64
	if b, err := tx.Setting(ctx, rosterKey); err == nil {
		if err := json.Unmarshal(b, &version); err != nil {
			return nil, fmt.Errorf("service: roster version: %w", err)
		}
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return nil, fmt.Errorf("service: roster version: %w", err)
	}
	if r := s.roster.Load(); r != nil && r.version == version {
		s.checked.Store(&checkedRoster{tx: tx, r: r})
		return r, nil
	}
	users, err := tx.Users(ctx)
	if err != nil {
		return nil, err
	}
	r := &roster{Roster: routing.NewRoster(users), version: version}
	// Only a committed roster may be cached: a write in this transaction
	// bumps the version, and the cache is refreshed on next read.
	s.roster.Store(r)
	s.checked.Store(&checkedRoster{tx: tx, r: r})
	return r, nil
}

// bumpRoster marks the roster changed, in the transaction that changed it.
func (s *Service) bumpRoster(ctx context.Context, tx baton.Tx) error {
	var version int64
	if b, err := tx.Setting(ctx, rosterKey); err == nil {
		if err := json.Unmarshal(b, &version); err != nil {
			return fmt.Errorf("service: bump roster version: %w", err)
		}
	} else if baton.ErrorCode(err) != baton.ENOTFOUND {
		return fmt.Errorf("service: bump roster version: %w", err)
	}
	b, err := json.Marshal(version + 1)
	if err != nil {
		return fmt.Errorf("service: bump roster version: %w", err)
	}
	s.roster.Store(nil)
	return tx.PutSetting(ctx, rosterKey, b)
}
