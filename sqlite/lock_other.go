//go:build !unix

package sqlite

// fileLock is a no-op where flock(2) does not exist: there, nothing stops
// two processes from opening one file for writing.
type fileLock struct{}

func lockFile(string) (*fileLock, error) { return &fileLock{}, nil }

func (*fileLock) release() error { return nil }
