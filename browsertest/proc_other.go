//go:build !linux

package browsertest

import (
	"os/exec"
	"time"
)

// ownGroup leaves the command as it is: the process checks need Linux.
func ownGroup(*exec.Cmd) {}

// leftovers finds nothing: without /proc there is no check.
func (b *Browser) leftovers(time.Duration) []string { return nil }

// killAll has nothing to kill.
func killAll([]string) {}
