package demo

import (
	"sync"
	"time"
)

// Clock is a clock the demo can set while it replays the past week, and that
// follows the wall clock once Live is called.
type Clock struct {
	mu   sync.Mutex
	now  time.Time
	live bool
}

// NewClock returns a Clock that follows the wall clock.
func NewClock() *Clock { return &Clock{live: true} }

// Now returns the simulated instant, or the wall clock when live.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.live {
		return time.Now().UTC()
	}
	return c.now
}

// Set freezes the clock at t.
func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now, c.live = t.UTC(), false
}

// Live makes the clock follow the wall clock again.
func (c *Clock) Live() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.live = true
}
