//go:build unix

package sqlite

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// fileLock is an exclusive advisory lock on PATH-lock, held while a store
// is open for writing. The kernel drops it when the process dies, so a
// crash never leaves a stale lock behind.
type fileLock struct{ f *os.File }

// lockFile takes the lock for the database at path, or fails saying which
// process holds it.
func lockFile(path string) (*fileLock, error) {
	name := path + "-lock"
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("sqlite: lock %s: %w", name, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := ""
		if b, rerr := os.ReadFile(name); rerr == nil {
			if pid, perr := strconv.Atoi(strings.TrimSpace(string(b))); perr == nil {
				holder = fmt.Sprintf(" (pid %d)", pid)
			}
		}
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("sqlite: %s is in use by another Baton process%s: only one process may write to a database; stop it, or point this one at another file", path, holder)
		}
		return nil, fmt.Errorf("sqlite: lock %s: %w", name, err)
	}
	// The pid is for the message above; the lock itself is what counts.
	if err := f.Truncate(0); err == nil {
		f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	return &fileLock{f: f}, nil
}

// release drops the lock. The file stays: removing it could let a third
// process lock a new file while a second still waits on the old one.
func (l *fileLock) release() error {
	return l.f.Close()
}
